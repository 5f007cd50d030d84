// Shared pieces of the browser tests: a static server for the built site on
// 127.0.0.1, and headless Chromium with WebGPU (SwiftShader where the
// machine has no GPU), driven by playwright-core.

import { createServer } from 'node:http';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const SITE_DIR = process.env.SITE_DIR ?? path.resolve('dist-test');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Serves the built site under `prefix` (for example "/demo/") on a free
 * port of 127.0.0.1. Returns { url, requests, hold, release, close }, where
 * `requests` lists every path requested. `hold(test)` delays the response to
 * each path that `test(path)` accepts until `release()` is called.
 */
export async function serveSite(prefix = '/') {
  const requests = [];
  let isHeld = () => false;
  let gate = Promise.resolve();
  let open = () => {};
  const server = createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    requests.push(pathname);
    if (isHeld(pathname)) await gate;
    if (!pathname.startsWith(prefix)) {
      response.writeHead(404).end('not found');
      return;
    }
    let relative = pathname.slice(prefix.length);
    if (relative === '' || relative.endsWith('/')) relative += 'index.html';
    const file = path.resolve(SITE_DIR, relative);
    if (!file.startsWith(path.resolve(SITE_DIR) + path.sep)) {
      response.writeHead(403).end('forbidden');
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, {
        'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    hold(test) {
      isHeld = test;
      gate = new Promise((resolve) => { open = resolve; });
    },
    release() {
      isHeld = () => false;
      open();
    },
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Launches headless Chromium with a fresh profile. `webgpu: false` leaves
 * WebGPU off, as in a browser without it.
 */
export async function launch({ webgpu = true } = {}) {
  const profile = await mkdtemp(path.join(tmpdir(), 'mnist-autoencoder-profile-'));
  const args = [
    '--no-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  if (webgpu) args.push('--enable-unsafe-webgpu');
  else args.push('--disable-webgpu', '--disable-features=WebGPU');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport: { width: 1100, height: 2400 },
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? await context.newPage();
  const messages = [];
  const urls = [];
  context.on('request', (request) => urls.push(request.url()));
  page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`));
  return {
    context,
    page,
    messages,
    urls,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until every shard is verified and the page reports it is ready; throws the page's error otherwise. */
export async function waitReady(page, timeout = 180_000) {
  await page.waitForFunction(() => window.demo?.dataComplete === true
    || !document.getElementById('error').hidden, null, { timeout });
  const error = await page.locator('#error').evaluate((element) => (element.hidden ? null : element.textContent));
  if (error) throw new Error(`the page shows an error: ${error}`);
}

/** Calls the model worker from the page. */
export function call(page, method, args = {}) {
  return page.evaluate(([name, values]) => window.demo.call(name, values).then((result) => (
    ArrayBuffer.isView(result) ? Array.from(result) : result)), [method, args]);
}

/** Reads a canvas as grey levels in [0, 1] (red channel). */
export function canvasGrey(page, selector) {
  return page.locator(selector).evaluate((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const out = [];
    for (let i = 0; i < data.length; i += 4) out.push(data[i] / 255);
    return { width: canvas.width, height: canvas.height, values: out };
  });
}

export function mse(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += (a[i] - b[i]) ** 2;
  return sum / a.length;
}

/** Draws strokes (points in a unit square) on the pad with real mouse events. */
export async function drawStrokes(page, strokes) {
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = await page.locator('#pad').boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  for (const stroke of strokes) {
    const [startX, startY] = at(stroke[0]);
    await page.mouse.move(startX, startY);
    await page.mouse.down();
    for (const point of stroke.slice(1)) {
      const [x, y] = at(point);
      await page.mouse.move(x, y, { steps: 12 });
    }
    await page.mouse.up();
  }
}

/** A 7 drawn large in the middle of the pad. */
export const SEVEN = [[[0.25, 0.2], [0.75, 0.2], [0.45, 0.85]]];
