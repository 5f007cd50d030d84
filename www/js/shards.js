// Fetches the manifest and the MNIST shards it lists, one after the other,
// handing each file to `add` as soon as it has arrived so training can start
// after the first shard.

/**
 * @param {string} manifestUrl URL of manifest.json; shard URLs are relative to it.
 * @param {{add: (entry, bytes: Uint8Array) => Promise<void>, progress: (detail) => void}} callbacks
 */
export async function loadShards(manifestUrl, { add, progress }) {
  const response = await fetch(manifestUrl);
  if (!response.ok) {
    throw new Error(`cannot load ${manifestUrl}: HTTP ${response.status} ${response.statusText}`);
  }
  let manifest;
  try {
    manifest = await response.json();
  } catch (error) {
    throw new Error(`${manifestUrl} is not valid JSON: ${error.message}`);
  }
  if (manifest.format !== 'mnist-autoencoder-shards' || !Array.isArray(manifest.shards)) {
    throw new Error(`${manifestUrl} is not a shard manifest of this demo`);
  }

  // Test shards first: evaluation and the test-digit tools need them, and
  // training can start as soon as one training shard follows.
  const shards = [...manifest.shards].sort((a, b) => (a.split === 'test' ? 0 : 1) - (b.split === 'test' ? 0 : 1));
  const totalBytes = shards.reduce((sum, entry) => sum + entry.bytes, 0);
  let loadedBytes = 0;
  const counts = { train: 0, test: 0 };

  for (const entry of shards) {
    const url = new URL(entry.file, new URL(manifestUrl, self.location.href));
    const bytes = await fetchWithProgress(url, entry, (received) => {
      progress({ loadedBytes: loadedBytes + received, totalBytes, counts, file: entry.file });
    });
    await add(entry, bytes);
    loadedBytes += entry.bytes;
    counts[entry.split] += entry.count;
    progress({ loadedBytes, totalBytes, counts, file: entry.file, verified: entry.file });
  }
  return counts;
}

async function fetchWithProgress(url, entry, onBytes) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`shard ${entry.file}: HTTP ${response.status} ${response.statusText}`);
  }
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onBytes(received);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
