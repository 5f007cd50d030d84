"""Times the demo's training recipe in PyTorch on the CPU, for the benchmark.

Same model, loss, optimizer and batches as the native `autoencoder train`:
784 -> 392 -> 8 -> 392 -> 784 with ReLU and a sigmoid output, MSE, Adam
(learning rate 1e-3, weight decay 1e-5), batch 2048, reshuffled each epoch,
on the 60,000 training images read from the site's own shards. Prints one
line per epoch and, last, a JSON object with the median seconds per epoch.

    python3 bench/pytorch_epoch.py [--epochs 3] [--data www/data]

Needs `torch` and `numpy` (pip install torch numpy). PyTorch uses every core
by default, as the native trainer does.
"""

import argparse
import gzip
import hashlib
import json
import statistics
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

PIXELS = 28 * 28
MASK_BYTES = PIXELS // 8
HEADER_LEN = 20


def read_shard(path: Path, sha256: str) -> np.ndarray:
    """Returns the images of one `.mnsd` shard as uint8, shape [n, 784].

    The layout is documented in src/data/shard.rs: header, labels, one ink
    bitmask per image (LSB first), then the non-zero pixel values.
    """
    raw = path.read_bytes()
    found = hashlib.sha256(raw).hexdigest()
    if found != sha256:
        raise SystemExit(f"{path}: SHA-256 is {found}, the manifest lists {sha256}; rebuild the shards")

    data = gzip.decompress(raw)
    if data[:4] != b"MNSD":
        raise SystemExit(f"{path}: not a shard (magic {data[:4]!r}, expected b'MNSD')")
    count = int.from_bytes(data[8:12], "little")

    masks_start = HEADER_LEN + count
    values_start = masks_start + count * MASK_BYTES
    masks = np.frombuffer(data, np.uint8, count * MASK_BYTES, masks_start).reshape(count, MASK_BYTES)
    ink = np.unpackbits(masks, axis=1, bitorder="little").astype(bool)
    images = np.zeros((count, PIXELS), np.uint8)
    images[ink] = np.frombuffer(data, np.uint8, int(ink.sum()), values_start)
    return images


def training_images(data_dir: Path) -> torch.Tensor:
    """Returns the training split as float32 in [0, 1], shape [60000, 784]."""
    manifest = json.loads((data_dir / "manifest.json").read_text())
    shards = [entry for entry in manifest["shards"] if entry["split"] == "train"]
    images = np.concatenate([read_shard(data_dir / entry["file"], entry["sha256"]) for entry in shards])
    return torch.from_numpy(images).float().div_(255.0)


def autoencoder() -> nn.Module:
    """Builds the demo's autoencoder (622,504 parameters)."""
    return nn.Sequential(
        nn.Linear(784, 392), nn.ReLU(), nn.Linear(392, 8), nn.ReLU(),
        nn.Linear(8, 392), nn.ReLU(), nn.Linear(392, 784), nn.Sigmoid(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=2048)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent / "www" / "data")
    args = parser.parse_args()

    torch.manual_seed(16)
    images = training_images(args.data)
    model = autoencoder()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
    loss_fn = nn.MSELoss()

    seconds = []
    for epoch in range(1, args.epochs + 1):
        started = time.perf_counter()
        order = torch.randperm(len(images))
        total = 0.0
        for start in range(0, len(images), args.batch_size):
            batch = images[order[start:start + args.batch_size]]
            optimizer.zero_grad()
            loss = loss_fn(model(batch), batch)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        seconds.append(time.perf_counter() - started)
        print(f"epoch {epoch}: train MSE {total / len(images):.5f}, {seconds[-1]:.2f} s", flush=True)

    print(json.dumps({
        "secondsPerEpoch": statistics.median(seconds),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
