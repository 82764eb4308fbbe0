import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineSession, startConsole, startEngineSession, type TestConsole } from '../src/index.ts';
import { fixture, packageDir, tempDir, writePng } from './helpers.ts';
import { makeTestVideo } from './media-support.ts';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

let workspace: { dir: string; cleanup: () => void };
let session: EngineSession;
let testConsole: TestConsole;
let browser: Browser;

beforeAll(async () => {
  workspace = tempDir();
  session = await startEngineSession({
    command: fixture('console-engine.mjs'),
    env: { PATH: process.env.PATH },
    onEngineOutput: () => {},
  });
  testConsole = await startConsole({ session, port: 0 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await testConsole?.close();
  await session?.close();
  workspace?.cleanup();
});

describe('test console in Chromium', () => {
  it('uploads a PNG, sends it to the engine and draws the returned boundingPoly over the image', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    try {
      await page.goto(`${testConsole.url}/`);
      await expect.poll(() => page.textContent('#ready')).toBe('engine: ready');
      await page.setInputFiles('#chunk', writePng(workspace.dir, 320, 200, 'frame.png'));
      await page.fill('#startOffsetMS', '1000');
      await page.fill('#endOffsetMS', '2000');
      await page.fill('#payload', '{"note":"from the console"}');
      await page.click('#send');

      await page.waitForSelector('#status[data-state="complete"]');
      const polygon = page.locator('#overlay polygon');
      await expect.poll(() => polygon.count()).toBe(1);
      expect(await polygon.getAttribute('points')).toBe('0.25,0.2 0.75,0.2 0.75,0.8 0.25,0.8');
      expect(await page.locator('#overlay polygon title').textContent()).toBe('320x200');

      const image = await page.locator('#preview').boundingBox();
      const overlay = await page.locator('#overlay').boundingBox();
      const region = await polygon.boundingBox();
      expect(image!.width).toBeGreaterThan(100);
      expect(overlay).toEqual(image);
      // The drawn region is centred on the box 25%..75% x 20%..80% of the displayed image; its
      // bounding box also covers the stroke, so only the centre is exact.
      expect(region!.x + region!.width / 2).toBeCloseTo(image!.x + 0.5 * image!.width, 0);
      expect(region!.y + region!.height / 2).toBeCloseTo(image!.y + 0.5 * image!.height, 0);
      expect(Math.abs(region!.width - 0.5 * image!.width)).toBeLessThan(12);
      expect(Math.abs(region!.height - 0.6 * image!.height)).toBeLessThan(12);

      const result = await page.textContent('#results');
      expect(result).toContain('valid VTN');
      expect(result).toContain('"startTimeMs": 1000');
      expect(await page.textContent('#calls')).toContain('call 1: 200 vtn');

      const artifacts = join(packageDir, 'test-artifacts');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'console.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('shows heartbeats and results of an asynchronous engine as they arrive', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${testConsole.url}/`);
      await page.setInputFiles('#chunk', writePng(workspace.dir, 64, 64, 'stream.png'));
      await page.fill('#payload', '{"behavior":"stream"}');
      await page.click('#send');
      // Live: the first heartbeat is on the page before the chunk is complete.
      await page.waitForSelector('#heartbeats li');
      await page.waitForSelector('#status[data-state="complete"]');
      expect(await page.locator('#heartbeats li').count()).toBe(4);
      expect(await page.locator('#heartbeats li').first().textContent()).toContain('step 1');
      expect(await page.locator('#results .output').count()).toBe(3);
      expect(await page.locator('#overlay polygon').count()).toBe(3);
    } finally {
      await page.close();
    }
  });

  it('shows an invalid output as a loud warning, and fails it with strict ticked', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${testConsole.url}/`);
      await page.fill('#payload', '{"behavior":"invalid"}');
      await page.click('#send');
      await page.waitForSelector('#status[data-state="complete"]');
      expect(await page.textContent('#status')).toBe('complete, 1 INVALID output(s)');
      expect(await page.locator('#issues li').count()).toBeGreaterThan(0);
      expect(await page.textContent('#issues')).toContain('/series/0/startTimeMs');
      expect(await page.textContent('#warnings')).toContain('NOT valid VTN standard');
      expect(await page.textContent('#results')).toContain('INVALID VTN');

      await page.check('#strict');
      await page.click('#send');
      await page.waitForSelector('#status[data-state="failed"]');
      expect(await page.textContent('#failure')).toContain('invalid_data');
    } finally {
      await page.close();
    }
  });

  it('forwards every field the user sets, with a MIME type and a cacheURI and no file', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${testConsole.url}/`);
      const values: Record<string, string> = {
        '#mime': 'image/jpeg',
        '#cacheURI': 'http://127.0.0.1:9/media/frame.jpg',
        '#width': '640',
        '#height': '480',
        '#veritoneApiBaseUrl': 'http://127.0.0.1:9/core',
        '#token': 'secret-token',
        '#libraryId': 'lib-1',
        '#libraryEngineModelId': 'model-1',
      };
      for (const [selector, value] of Object.entries(values)) await page.fill(selector, value);
      const answered = page.waitForResponse((response) => response.url().endsWith('/api/process'));
      await page.click('#send');
      const summary = await (await answered).json();
      expect(summary.status).toBe('complete');
      expect(summary.fields).toMatchObject({
        chunkMimeType: 'image/jpeg',
        cacheURI: 'http://127.0.0.1:9/media/frame.jpg',
        width: '640',
        height: '480',
        veritoneApiBaseUrl: 'http://127.0.0.1:9/core',
        token: '[redacted]',
        libraryId: 'lib-1',
        libraryEngineModelId: 'model-1',
      });
      // The engine saw them too: its face label is the width x height it was sent.
      expect(summary.outputs[0].output.series[0].object.label).toBe('640x480');
    } finally {
      await page.close();
    }
  });

  it('answers 400 with the reason when a field the user set makes /process invalid', async () => {
    const form = new FormData();
    form.append('width', 'wide');
    const response = await fetch(`${testConsole.url}/api/process`, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/width/);
  });
});

describe('test console media mode in Chromium', () => {
  it('cuts an uploaded video, shows its chunk timeline and heartbeats, and draws a chunk’s polygons over its frame', async () => {
    const video = await makeTestVideo(join(workspace.dir, 'media.mp4'), {
      seconds: 3,
      width: 96,
      height: 54,
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    try {
      await page.goto(`${testConsole.url}/`);
      await expect.poll(() => page.textContent('#ready')).toBe('engine: ready');
      await page.setInputFiles('#media', video);
      await page.fill('#fps', '2');
      await page.fill('#concurrency', '2');
      // The console engine's stream behaviour: each chunk is acknowledged, then heartbeats and 3 results.
      await page.fill('#mediaPayload', '{"behavior":"stream"}');
      await page.click('#send-media');

      await expect
        .poll(() => page.textContent('#media-status'), { timeout: 60_000 })
        .toMatch(/^complete: 6 chunks, 0 failed, 18 series items/);
      const blocks = page.locator('#timeline .chunk');
      expect(await blocks.count()).toBe(6);
      expect(await page.locator('#timeline .chunk[data-state="complete"].found').count()).toBe(6);
      // Placed by media time: chunk 3 covers 1500-2000 ms of the 3 s video.
      const chunk3 = page.locator('#timeline .chunk[data-index="3"]');
      expect(await chunk3.getAttribute('title')).toBe('chunk 3: 1500–2000 ms');
      const timeline = (await page.locator('#timeline').boundingBox())!;
      const placed = (await chunk3.boundingBox())!;
      expect((placed.x - timeline.x) / timeline.width).toBeCloseTo(0.5, 1);
      expect(await page.textContent('#heartbeats')).toMatch(
        /chunk 3, \d+ ms: \{"status":"running","infoMsg":"step 1"\}/,
      );

      await chunk3.click();
      await expect.poll(() => page.getAttribute('#preview', 'src')).toBe('/api/media-frame?index=3');
      // The frame itself is shown (its decoded size is the video's), with the chunk's 3 polygons.
      await expect
        .poll(() =>
          page.evaluate(() => (document.getElementById('preview') as HTMLImageElement).naturalWidth),
        )
        .toBe(96);
      const polygons = page.locator('#overlay polygon');
      expect(await polygons.count()).toBe(3);
      // The label is the width x height the engine was sent for this frame chunk.
      expect(await page.locator('#overlay polygon title').first().textContent()).toBe('96x54');
      expect(await page.textContent('#results')).toContain('"startTimeMs": 1500');

      const artifacts = join(packageDir, 'test-artifacts');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'console-media.png'), fullPage: true });
    } finally {
      await page.close();
    }
  }, 120_000);
});
