// Runs the benchmark page in headless Chromium and prints one JSON object
// and a table of every figure with its target and its ratio to the peer.
//
//   node bench/run.mjs            (build.sh bench builds the site and runs this)
//
// Environment: SITE_DIR (the built site, default dist/), CHROMIUM,
// NATIVE_BIN (the native `autoencoder` binary, for seconds per epoch),
// PYTORCH_PYTHON (a Python with torch and numpy, to time the same recipe in PyTorch),
// BENCH_QUERY (extra query string for bench/index.html, e.g. "batches=256").

import { createServer } from 'node:http';
import { readFile, readdir, stat, mkdtemp, rm } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { drawStrokes, waitReady, SEVEN } from '../tests/browser/helpers.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SITE_DIR = process.env.SITE_DIR ?? path.join(ROOT, 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };
const MOUNTS = [['/site/', SITE_DIR], ['/bench/', path.join(ROOT, 'bench')], ['/node_modules/', path.join(ROOT, 'node_modules')]];

function serve() {
  const server = createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const mount = MOUNTS.find(([prefix]) => pathname.startsWith(prefix));
    if (!mount) return response.writeHead(404).end();
    const file = path.resolve(mount[1], pathname.slice(mount[0].length) || 'index.html');
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function gzipBytes(dir, filter) {
  let total = 0;
  for (const name of await readdir(dir)) {
    if (filter(name)) total += gzipSync(await readFile(path.join(dir, name)), { level: 9 }).length;
  }
  return total;
}

/**
 * Runs each of the page's `benchProfileTasks` under the DevTools CPU profiler.
 * Returns, per task, its time in the page, the profiled span (which also
 * covers the DevTools round trips) and the functions with the most self time.
 * Wasm functions keep their Rust names; waiting for the GPU shows as "(idle)".
 */
async function profileTasks(page) {
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 100 });
  const names = await page.evaluate(() => Object.keys(window.benchProfileTasks ?? {}));
  const profiles = {};
  for (const name of names) {
    await page.evaluate((task) => window.benchProfileTasks[task].prepare?.(), name);
    await session.send('Profiler.start');
    const taskMs = await page.evaluate(async (task) => {
      const started = performance.now();
      await window.benchProfileTasks[task].run();
      return performance.now() - started;
    }, name);
    const { profile } = await session.send('Profiler.stop');
    const profiledMs = (profile.endTime - profile.startTime) / 1000;
    profiles[name] = { taskMs: Math.round(taskMs), profiledMs: Math.round(profiledMs), top: topSelfTime(profile, 12) };
  }
  return profiles;
}

/**
 * Draws a 7 with real mouse events on the demo page itself and returns the
 * median time the page reports from reading the pad to painting the
 * reconstruction (through the model worker), in ms, over up to 50 updates.
 */
async function pageDrawingLatency(context, url) {
  const page = await context.newPage();
  try {
    await page.goto(url);
    await waitReady(page);
    await drawStrokes(page, SEVEN);
    await drawStrokes(page, SEVEN);
    await page.waitForFunction(() => /median/.test(document.getElementById('draw-stats').textContent));
    await page.waitForTimeout(500);
    const stats = await page.locator('#draw-stats').textContent();
    const median = stats.match(/median ([\d.]+) ms/);
    if (!median) throw new Error(`the page's drawing timing is missing from ${JSON.stringify(stats)}`);
    return Number(median[1]);
  } finally {
    await page.close();
  }
}

/** Returns the `count` call frames with the most self time in a DevTools CPU profile, in ms and %. */
function topSelfTime(profile, count) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id).callFrame;
    const name = frame.functionName || `(${frame.url.split('/').pop() || 'anonymous'})`;
    self.set(name, (self.get(name) ?? 0) + profile.timeDeltas[i]);
    total += profile.timeDeltas[i];
  });
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, micros]) => ({
    name: name.replace(/::h[0-9a-f]{16}$/, '').slice(0, 120),
    ms: Math.round(micros / 100) / 10,
    percent: Math.round((1000 * micros) / total) / 10,
  }));
}

function nativeSecondsPerEpoch() {
  const binary = process.env.NATIVE_BIN;
  if (!binary) return null;
  const output = execFileSync(binary, ['train', '-e', '3', '--device', 'cpu', '-s', path.join(tmpdir(), 'bench-weights.bin'), '-p', path.join(tmpdir(), 'bench-loss.png')], { cwd: ROOT, encoding: 'utf8' });
  const seconds = [...output.matchAll(/, ([\d.]+) s$/gm)].map((match) => Number(match[1]));
  return seconds.sort((a, b) => a - b)[Math.floor(seconds.length / 2)];
}

/**
 * Times 3 epochs of the recipe in PyTorch on the CPU (bench/pytorch_epoch.py)
 * and returns { secondsPerEpoch, torch, threads }, or null without PYTORCH_PYTHON.
 */
function pytorchSecondsPerEpoch() {
  const python = process.env.PYTORCH_PYTHON;
  if (!python) return null;
  const output = execFileSync(python, [path.join(ROOT, 'bench/pytorch_epoch.py'), '--epochs', '3'], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').pop());
}

const server = await serve();
const base = `http://127.0.0.1:${server.address().port}`;
const profile = await mkdtemp(path.join(tmpdir(), 'bench-profile-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info'],
});
const page = context.pages()[0] ?? await context.newPage();
page.on('console', (message) => process.stderr.write(`[page] ${message.text()}\n`));
await page.goto(`${base}/bench/index.html?${process.env.BENCH_QUERY ?? ''}`);
await page.waitForFunction(() => window.benchResult, null, { timeout: 3_600_000, polling: 1000 });
const browser = await page.evaluate(() => window.benchResult);
const profiles = browser.error ? {} : await profileTasks(page);
const drawingOnPage = await pageDrawingLatency(context, `${base}/site/index.html?backend=cpu`);
await context.close();
await rm(profile, { recursive: true, force: true });
server.close();

const manifest = JSON.parse(await readFile(path.join(SITE_DIR, 'data/manifest.json'), 'utf8'));
const result = {
  command: './build.sh bench',
  chromiumFlags: '--headless --no-sandbox --enable-unsafe-webgpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --enable-precise-memory-info',
  browser,
  bytes: {
    // What every visitor loads: the CPU-only wasm build, its glue, the page's scripts and uPlot.
    wasmAndJsGzip: await gzipBytes(path.join(SITE_DIR, 'pkg'), (name) => /\.(wasm|js)$/.test(name))
      + await gzipBytes(path.join(SITE_DIR, 'js'), (name) => name.endsWith('.js'))
      + await gzipBytes(path.join(SITE_DIR, 'vendor'), (name) => name.endsWith('.js')),
    // Fetched only for a hardware WebGPU adapter or when the visitor chooses WebGPU.
    webgpuBuildGzip: await gzipBytes(path.join(SITE_DIR, 'pkg-webgpu'), (name) => /\.(wasm|js)$/.test(name)),
    weights: (await stat(path.join(SITE_DIR, 'weights/pretrained.bin'))).size,
    dataset: manifest.shards.reduce((sum, entry) => sum + entry.bytes, 0),
    firstShard: manifest.shards[0].bytes,
  },
  // One after the other, so both meet the same machine load.
  nativeSecondsPerEpoch: nativeSecondsPerEpoch(),
  pytorch: pytorchSecondsPerEpoch(),
  pytorchSecondsPerEpochReference: 4.4,
  drawingToReconstructionOnPageMs: drawingOnPage,
  profiles,
};
console.log(JSON.stringify(result, null, 2));

const ours = browser.ours ?? {};
const peer = browser.peer ?? {};
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) + '×' : 'n/a');
const fmt = (value, digits = 0) => (value === undefined || value === null ? 'n/a' : Number(value).toFixed(digits));
const growth = (memory) => (memory ? (memory.afterEpoch3.wasmBytes / memory.afterEpoch1.wasmBytes - 1) * 100 : null);
/** Training FLOP per image: forward, backward and weight gradients, 6 per parameter. */
const TRAIN_FLOP_PER_IMAGE = 6 * 622_504;
const trainGflops = (entry) => (entry?.imagesPerSecond ? (entry.imagesPerSecond * TRAIN_FLOP_PER_IMAGE) / 1e9 : null);
const poolGrowth = (memory) => (memory?.afterEpoch1.devicePool
  ? (memory.afterEpoch3.devicePool.bytesReserved / memory.afterEpoch1.devicePool.bytesReserved - 1) * 100 : null);
const rows = [
  ['CPU (wasm) images/s, batch 2048', fmt(ours['cpu@2048']?.imagesPerSecond), `TF.js wasm ${fmt(peer['wasm@2048']?.imagesPerSecond)}`, ratio(ours['cpu@2048']?.imagesPerSecond, peer['wasm@2048']?.imagesPerSecond), '≥ 3×'],
  ['CPU (wasm) images/s, batch 256', fmt(ours['cpu@256']?.imagesPerSecond), `TF.js wasm ${fmt(peer['wasm@256']?.imagesPerSecond)}`, ratio(ours['cpu@256']?.imagesPerSecond, peer['wasm@256']?.imagesPerSecond), ''],
  ['WebGPU images/s, batch 2048', fmt(ours['webgpu@2048']?.imagesPerSecond), `TF.js webgpu ${fmt(peer['webgpu@2048']?.imagesPerSecond)}`, ratio(ours['webgpu@2048']?.imagesPerSecond, peer['webgpu@2048']?.imagesPerSecond), '≥ 2×'],
  ['WebGPU images/s, batch 2048', fmt(ours['webgpu@2048']?.imagesPerSecond), `TF.js webgl ${fmt(peer['webgl@2048']?.imagesPerSecond)}`, ratio(ours['webgpu@2048']?.imagesPerSecond, peer['webgl@2048']?.imagesPerSecond), '≥ 1×'],
  ['WebGPU images/s, batch 256', fmt(ours['webgpu@256']?.imagesPerSecond), `TF.js webgpu ${fmt(peer['webgpu@256']?.imagesPerSecond)}`, ratio(ours['webgpu@256']?.imagesPerSecond, peer['webgpu@256']?.imagesPerSecond), ''],
  ['first step, CPU, batch 2048 (ms)', fmt(ours['cpu@2048']?.firstStepMs), `TF.js wasm ${fmt(peer['wasm@2048']?.firstStepMs)}`, ratio(peer['wasm@2048']?.firstStepMs, ours['cpu@2048']?.firstStepMs), '≤ 2000 ms'],
  ['first step, WebGPU, batch 2048 (ms)', fmt(ours['webgpu@2048']?.firstStepMs), `TF.js webgpu ${fmt(peer['webgpu@2048']?.firstStepMs)}`, ratio(peer['webgpu@2048']?.firstStepMs, ours['webgpu@2048']?.firstStepMs), ''],
  ['drawing → reconstruction, CPU (ms)', fmt(ours['cpu@256']?.reconstructMs, 2), `TF.js wasm predict ${fmt(peer['wasm@256']?.reconstructMs, 2)}`, ratio(peer['wasm@256']?.reconstructMs, ours['cpu@256']?.reconstructMs), '≤ 4 ms'],
  ['drawing → reconstruction on the page, CPU, through the worker (ms)', fmt(drawingOnPage, 2), '', '', '≤ 4 ms'],
  ['drawing → reconstruction, WebGPU (ms)', fmt(ours['webgpu@256']?.reconstructMs, 2), `TF.js webgpu predict ${fmt(peer['webgpu@256']?.reconstructMs, 2)}`, ratio(peer['webgpu@256']?.reconstructMs, ours['webgpu@256']?.reconstructMs), ''],
  ['CPU: GFLOP/s in training (batch 2048); encoder alone', `${fmt(trainGflops(ours['cpu@2048']), 2)}; ${fmt(browser.encoderGflops?.cpu, 2)}`, `TF.js wasm ${fmt(trainGflops(peer['wasm@2048']), 2)}`, '', ''],
  ['WebGPU: GFLOP/s in training (batch 2048); encoder alone', `${fmt(trainGflops(ours['webgpu@2048']), 2)}; ${fmt(browser.encoderGflops?.webgpu, 2)}`, `TF.js webgl ${fmt(trainGflops(peer['webgl@2048']), 2)}, webgpu ${fmt(trainGflops(peer['webgpu@2048']), 2)}`, '', ''],
  ['wasm + JS loaded first (CPU build), gzip (bytes)', fmt(result.bytes.wasmAndJsGzip), '', '', '≤ 1,500,000'],
  ['WebGPU build, fetched only for WebGPU, gzip (bytes)', fmt(result.bytes.webgpuBuildGzip), '', '', ''],
  ['pretrained weights (bytes)', fmt(result.bytes.weights), '', '', '≤ 1,300,000'],
  ['dataset (bytes); first shard', `${result.bytes.dataset}; ${result.bytes.firstShard}`, '', '', '≤ 10,000,000'],
  ['wasm memory growth, epoch 1 → 3, CPU (%)', fmt(growth(browser.memory?.cpu), 1), '', '', '≤ 5 %'],
  ['wasm memory growth, epoch 1 → 3, WebGPU (%)', fmt(growth(browser.memory?.webgpu), 1), '', '', '≤ 5 %'],
  ['GPU memory pool growth, epoch 1 → 3, WebGPU (%)', fmt(poolGrowth(browser.memory?.webgpu), 1), '', '', '≤ 5 %'],
  result.pytorch
    ? ['native seconds per epoch (CPU)', fmt(result.nativeSecondsPerEpoch, 2), `PyTorch ${result.pytorch.torch} ${fmt(result.pytorch.secondsPerEpoch, 2)}, measured`, ratio(result.pytorch.secondsPerEpoch, result.nativeSecondsPerEpoch), '≤ PyTorch']
    : ['native seconds per epoch (CPU)', fmt(result.nativeSecondsPerEpoch, 2), 'PyTorch 4.4 (reference figure, not measured: set PYTORCH_PYTHON)', ratio(4.4, result.nativeSecondsPerEpoch), '≤ PyTorch'],
];
console.log('\n| figure | this demo | peer | ratio (higher is better) | target |\n|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);

for (const [name, { taskMs, profiledMs, top }] of Object.entries(profiles)) {
  console.log(`\nProfile of ${name} (${taskMs} ms in the page, ${profiledMs} ms profiled), functions by self time:`);
  for (const entry of top) console.log(`${String(entry.ms).padStart(9)} ms ${String(entry.percent).padStart(5)} %  ${entry.name}`);
}
