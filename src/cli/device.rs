//! Choosing the device the native trainer runs on.

use burn::prelude::*;
use burn::tensor::wgpu::WgpuBackend;
use clap::ValueEnum;

/// Device requested on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeviceChoice {
    /// Vulkan through wgpu when an adapter is found, else the CPU.
    Auto,
    /// Burn's `flex` CPU backend.
    Cpu,
    /// Vulkan through wgpu; fails when no adapter is found.
    Vulkan,
}

/// Opens the requested device and returns it with a name for the logs.
pub fn open(choice: DeviceChoice) -> Result<(Device, String), String> {
    if choice == DeviceChoice::Cpu {
        return Ok((Device::flex(), "CPU (flex)".into()));
    }
    // NOTE: only the no-adapter branch has run so far, on machines without a
    // GPU; training through a real Vulkan adapter is untested.
    match Device::wgpu_options().graphics_api(WgpuBackend::Vulkan).init() {
        Ok(device) => Ok((device, "Vulkan (wgpu)".into())),
        Err(error) if choice == DeviceChoice::Auto => {
            eprintln!("no Vulkan adapter ({error}); training on the CPU");
            Ok((Device::flex(), "CPU (flex)".into()))
        }
        Err(error) => Err(format!("cannot open a Vulkan device: {error}")),
    }
}
