import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineSession, startConsole, startEngineSession, type TestConsole } from '../src/index.ts';
import { fixture, packageDir, tempDir, writePng } from './helpers.ts';

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
