import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCoreEmulator } from '@engine-kit/core-emulator';
import { runProcess } from '@engine-kit/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GoMediaChunk, goMultipartBody, sendGoProcessRequest } from './support/go-toolkit.ts';
import { type RunningEngine, startEngine, startMediaServer } from './support/processes.ts';

/**
 * The three sample engines, built (`dist/main.js`), receive the request the open-source Go Engine
 * Toolkit sends, byte for byte: no ids, no webhooks, empty strings for what it does not know,
 * `payload` as the task had it (`null`, empty, or the old test console's `{"mode":"mode"}`).
 */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const appDir = (name: string) => join(repoRoot, 'apps', name);
const engineCommand = (name: string) => [process.execPath, join(appDir(name), 'dist', 'main.js')];
// biome-ignore lint/suspicious/noExplicitAny: the apps' testing helpers are plain built JavaScript here.
const importTesting = (name: string): Promise<any> => import(join(appDir(name), 'dist', 'testing.js'));

/** What the Go toolkit writes for a task payload: absent (null), none at all, the old console's. */
const GO_PAYLOADS = [
  ['null', 'null'],
  ['empty', ''],
  ['{"mode":"mode"}', '{"mode":"mode","note":"old test console default"}'],
] as const;

let dir: string;
let media: Awaited<ReturnType<typeof startMediaServer>>;
const engines: RunningEngine[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'interop-go-'));
});

afterAll(async () => {
  for (const engine of engines) await engine.stop();
  await media?.close();
  await rm(dir, { recursive: true, force: true });
});

async function engine(name: string): Promise<RunningEngine> {
  const started = await startEngine(engineCommand(name), { cwd: appDir(name), readyTimeoutMs: 60_000 });
  engines.push(started);
  return started;
}

describe('the Go toolkit request itself', () => {
  it('is written as Go mime/multipart writes it: first part without CRLF, file last, closing boundary', () => {
    const body = goMultipartBody(
      { mimeType: 'image/png', cacheURI: 'http://h/c', payload: 'null', chunk: Buffer.from('PNG') },
      'b0',
    ).toString('latin1');
    const field = (name: string, value: string, lead = '\r\n') =>
      `${lead}--b0\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}`;
    expect(body).toBe(
      [
        field('chunkMimeType', 'image/png', ''),
        field('chunkIndex', '0'),
        field('startOffsetMS', '0'),
        field('endOffsetMS', '0'),
        field('width', '0'),
        field('height', '0'),
        field('libraryId', ''),
        field('libraryEngineModelId', ''),
        field('cacheURI', 'http://h/c'),
        field('veritoneApiBaseUrl', ''),
        field('token', ''),
        field('payload', 'null'),
        '\r\n--b0\r\nContent-Disposition: form-data; name="chunk"; filename="chunk.data"\r\nContent-Type: application/octet-stream\r\n\r\nPNG',
        '\r\n--b0--\r\n',
      ].join(''),
    );
  });
});

describe('barcode-engine under the Go toolkit request', () => {
  let barcode: RunningEngine;
  // biome-ignore lint/suspicious/noExplicitAny: built JavaScript helpers.
  let frame: any;
  let testing: Awaited<ReturnType<typeof importTesting>>;

  beforeAll(async () => {
    testing = await importTesting('barcode-engine');
    [frame] = await testing.writeQrFrames(join(dir, 'qr'), { count: 1, seed: 21 });
    media = await startMediaServer({ 'frame.png': frame.file });
    barcode = await engine('barcode-engine');
  });

  it.each(GO_PAYLOADS)('answers 200 with the decoded codes, payload %s', async (_label, payload) => {
    const chunk: GoMediaChunk = {
      mimeType: frame.mime,
      chunkUUID: randomUUID(),
      width: frame.width,
      height: frame.height,
      cacheURI: media.url('frame.png'),
      payload,
      chunk: await readFile(frame.file),
    };
    const response = await sendGoProcessRequest(barcode.processUrl, chunk);
    expect(response.status, `${response.body}\n${barcode.output()}`).toBe(200);
    const output = JSON.parse(response.body);
    expect(testing.scoreQrFrame(frame, output.object ?? []).correct).toBe(true);
  });

  it('answers the older toolkit (no chunkUUID, its /1.0 User-Agent) the same way', async () => {
    const response = await sendGoProcessRequest(
      barcode.processUrl,
      {
        mimeType: frame.mime,
        cacheURI: media.url('frame.png'),
        payload: 'null',
        chunk: await readFile(frame.file),
      },
      { userAgent: 'veritone-engine-toolkit/1.0' },
    );
    expect(response.status, response.body).toBe(200);
    expect(testing.scoreQrFrame(frame, JSON.parse(response.body).object ?? []).correct).toBe(true);
  });
});

/** A stand-in for a newer toolkit's heartbeat and result webhooks: records every POST, answers 204. */
async function webhookReceiver() {
  const posts: { path: string; body: unknown }[] = [];
  let completed: () => void = () => undefined;
  const complete = new Promise<void>((resolve) => {
    completed = resolve;
  });
  const server: Server = createServer(async (request, response) => {
    const parts: Buffer[] = [];
    for await (const part of request) parts.push(part as Buffer);
    const body = JSON.parse(Buffer.concat(parts).toString() || 'null');
    posts.push({ path: request.url ?? '', body });
    response.statusCode = 204;
    response.end();
    if (request.url === '/heartbeat' && ['complete', 'failed'].includes(body?.status)) completed();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    posts,
    complete,
    base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('sound-segmenter under the Go toolkit request', () => {
  let segmenter: RunningEngine;
  // biome-ignore lint/suspicious/noExplicitAny: built JavaScript helpers.
  let wav: any;
  let testing: Awaited<ReturnType<typeof importTesting>>;
  let wavMedia: Awaited<ReturnType<typeof startMediaServer>>;

  beforeAll(async () => {
    testing = await importTesting('sound-segmenter');
    wav = await testing.writeWavWithTruth(join(dir, 'sound', 'speech.wav'), { seed: 31, segments: 6 });
    wavMedia = await startMediaServer({ 'speech.wav': wav.file });
    segmenter = await engine('sound-segmenter');
  });

  afterAll(async () => {
    await wavMedia?.close();
  });

  it.each(GO_PAYLOADS)('acknowledges with 200 and an estimate, payload %s', async (_label, payload) => {
    const response = await sendGoProcessRequest(segmenter.processUrl, {
      mimeType: 'audio/wav',
      chunkUUID: randomUUID(),
      endOffsetMS: wav.durationMs,
      cacheURI: wavMedia.url('speech.wav'),
      payload,
      chunk: await readFile(wav.file),
    });
    expect(response.status, `${response.body}\n${segmenter.output()}`).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ estimatedProcessingTimeInSeconds: expect.any(Number) });
  });

  it('delivers every segment when the same Go-written request also names the webhooks', async () => {
    const receiver = await webhookReceiver();
    try {
      const response = await sendGoProcessRequest(segmenter.processUrl, {
        mimeType: 'audio/wav',
        chunkUUID: randomUUID(),
        endOffsetMS: wav.durationMs,
        cacheURI: wavMedia.url('speech.wav'),
        payload: 'null',
        chunk: await readFile(wav.file),
        extraFields: [
          ['heartbeatWebhook', `${receiver.base}/heartbeat`],
          ['resultWebhook', `${receiver.base}/result`],
        ],
      });
      expect(response.status, response.body).toBe(200);
      await receiver.complete;
      const series = receiver.posts
        .filter((post) => post.path === '/result')
        .flatMap((post) => (post.body as { output: { series: unknown[] } }).output.series);
      const score = testing.scoreSegments(wav.truth, testing.segmentsFromSeries(series), 50);
      expect(score).toMatchObject({ matched: score.boundaries, spurious: 0 });
      expect(receiver.posts.at(-1)?.body).toMatchObject({ status: 'complete' });
    } finally {
      await receiver.close();
    }
  });
});

describe('logo-library-engine under the Go toolkit request', () => {
  let logo: RunningEngine;

  beforeAll(async () => {
    logo = await engine('logo-library-engine');
  });

  it('recognises a library logo in library-run, with the ids and the core only in payload and fields', async () => {
    const testing = await importTesting('logo-library-engine');
    const { engineId } = JSON.parse(
      await readFile(join(appDir('logo-library-engine'), 'manifest.json'), 'utf8'),
    );
    const library = await testing.writeLogoLibrarySeed(join(dir, 'logo'), {
      seed: 7,
      engineId,
      entities: 3,
      imagesPerEntity: 2,
    });
    const token = 'interop-token';
    const core = await startCoreEmulator({ seed: library.seedFile, token });
    try {
      const ids = { libraryId: library.libraryId, libraryEngineModelId: library.libraryEngineModelId };
      // Training is the toolkit emulator's job here; the run is what the Go toolkit sends.
      const training = await runProcess({
        command: engineCommand('logo-library-engine'),
        cwd: appDir('logo-library-engine'),
        onEngineOutput: () => undefined,
        payload: { mode: 'library-train', ...ids },
        veritoneApiBaseUrl: core.url,
        token,
        ...ids,
      });
      expect(training.status, training.failureMsg).toBe('complete');

      const frames = await testing.writeLogoTestFrames(join(dir, 'logo-frames'), library.library, {
        seed: 11,
        nonLibrary: 0,
      });
      const frame = frames.find((candidate: { entityId: string | null }) => candidate.entityId);
      const frameMedia = await startMediaServer({ frame: frame.file });
      try {
        const payload = JSON.stringify({ mode: 'library-run', ...ids, veritoneApiBaseUrl: core.url, token });
        const response = await sendGoProcessRequest(logo.processUrl, {
          mimeType: frame.mime,
          chunkUUID: randomUUID(),
          ...ids,
          veritoneApiBaseUrl: core.url,
          token,
          cacheURI: frameMedia.url('frame'),
          payload,
          chunk: await readFile(frame.file),
        });
        expect(response.status, `${response.body}\n${logo.output()}`).toBe(200);
        const objects = JSON.parse(response.body).object as { entityId: string; confidence: number }[];
        const best = [...objects].sort((a, b) => b.confidence - a.confidence)[0];
        expect(best?.entityId).toBe(frame.entityId);
      } finally {
        await frameMedia.close();
      }
    } finally {
      await core.close();
    }
  });

  it.each(GO_PAYLOADS)(
    'refuses ordinary work with a 4xx and a reason, payload %s',
    async (_label, payload) => {
      const response = await sendGoProcessRequest(logo.processUrl, {
        mimeType: 'image/png',
        cacheURI: '',
        payload,
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.body).toMatch(/library/);
    },
  );
});
