//! The `autoencoder` command and its subcommands.

mod data;
mod device;
mod figures;
mod plot;
mod shards;
mod train;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Train and inspect the MNIST autoencoder natively.
#[derive(Debug, Parser)]
#[command(name = "autoencoder", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site's MNIST shards and manifest from the standard IDX files.
    Shards(shards::ShardsArgs),
    /// Train the autoencoder and save its weights and loss curve.
    Train(train::TrainArgs),
    /// Draw the reconstruction, denoising and interpolation figures as PNGs.
    Test(figures::FiguresArgs),
}

/// Folder of the shards and manifest the site serves.
pub fn default_data_dir() -> PathBuf {
    PathBuf::from("www/data")
}

/// Parses the command line, runs the subcommand and reports its error.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Shards(args) => shards::run(args),
        Command::Train(args) => train::run(args),
        Command::Test(args) => figures::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Error of a subcommand, shown to the user as one line.
pub type CliResult = Result<(), String>;
