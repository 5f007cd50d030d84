//! `autoencoder shards`: MNIST IDX files to the site's shards.

use std::path::PathBuf;

use clap::Args;
use mnist_autoencoder::data::Split;
use mnist_autoencoder::data::builder::{self, BuildOptions};

use super::CliResult;

#[derive(Debug, Args)]
pub struct ShardsArgs {
    /// Folder with the four standard MNIST IDX files, plain or gzip
    /// (train-images-idx3-ubyte[.gz] and so on).
    #[arg(long)]
    mnist: PathBuf,
    /// Folder to write the shards and manifest.json to.
    #[arg(long, default_value_os_t = super::default_data_dir())]
    out: PathBuf,
    /// Images per shard. Smaller shards let training start sooner.
    #[arg(long, default_value_t = 10_000)]
    shard_size: usize,
    /// Zopfli iterations: more compress slightly better and take longer.
    #[arg(long, default_value_t = 5)]
    iterations: u64,
}

pub fn run(args: ShardsArgs) -> CliResult {
    let options = BuildOptions {
        shard_size: args.shard_size,
        iterations: args.iterations,
    };
    let manifest = builder::build(&args.mnist, &args.out, &options).map_err(|error| error.to_string())?;
    for entry in &manifest.shards {
        println!("{}: {} images, {} bytes", entry.file, entry.count, entry.bytes);
    }
    println!(
        "{}: {} training and {} test images in {} bytes",
        args.out.join("manifest.json").display(),
        manifest.count(Split::Train),
        manifest.count(Split::Test),
        manifest.total_bytes()
    );
    Ok(())
}
