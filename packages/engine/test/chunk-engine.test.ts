import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseRequest, get, multipartBody, PNG_CHUNK, postProcess, rawExchange } from './helpers/client.ts';
import { type EngineProcess, startEngineProcess } from './helpers/engine-process.ts';
import { expectEventually } from './helpers/eventually.ts';

describe('a chunk engine process written with createEngine', () => {
  let engine: EngineProcess;
  let taskTmpDir: string;
  const earlyReady: Array<{ status: number; text: string }> = [];

  beforeAll(async () => {
    taskTmpDir = mkdtempSync(join(tmpdir(), 'engine-test-task-'));
    engine = await startEngineProcess('engine', { READY_DELAY_MS: '1500' });
    earlyReady.push(await get(engine.readyUrl));
    await waitUntilReady(engine.readyUrl);
  });

  afterAll(() => {
    engine?.kill();
    rmSync(taskTmpDir, { recursive: true, force: true });
  });

  it('answers the ready webhook 503 until ready() resolves, then 200', async () => {
    expect(earlyReady[0]?.status).toBe(503);
    expect(earlyReady[0]?.text).toMatch(/^not_ready: /);
    expect((await get(engine.readyUrl)).status).toBe(200);
  });

  it('answers a chunk with the VTN output of the handler as 200 JSON', async () => {
    const reply = await postProcess(
      engine.processUrl,
      baseRequest({ startOffsetMS: 2000, endOffsetMS: 3000 }),
    );
    expect(reply.status).toBe(200);
    expect(reply.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(reply.text)).toEqual({
      series: [
        {
          startTimeMs: 2000,
          stopTimeMs: 3000,
          object: { type: 'object', label: `bytes:${PNG_CHUNK.byteLength}`, confidence: 0.9 },
        },
      ],
    });
  });

  it('saves the chunk under taskTmpDir and removes it once the request is answered', async () => {
    const reply = await postProcess(engine.processUrl, baseRequest({ taskTmpDir }));
    expect(reply.status).toBe(200);
    expect(readdirSync(taskTmpDir)).toEqual([]);
  });

  it('answers 204 when the handler ignores the chunk', async () => {
    const reply = await postProcess(engine.processUrl, baseRequest({ payload: { behaviour: 'ignore' } }));
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
  });

  it('answers 500 with a plain-text reason when the handler throws', async () => {
    const reply = await postProcess(engine.processUrl, baseRequest({ payload: { behaviour: 'throw' } }));
    expect(reply.status).toBe(500);
    expect(reply.contentType).toMatch(/^text\/plain/);
    expect(reply.text).toMatch(/^internal_error: the model could not read this chunk/);
  });

  it('maps the status and failureReason of a thrown EngineError', async () => {
    const reply = await postProcess(
      engine.processUrl,
      baseRequest({ payload: { behaviour: 'throw-invalid-data' } }),
    );
    expect(reply.status).toBe(422);
    expect(reply.text).toBe('invalid_data: not an image\n');
  });

  it('answers 405 to a wrong method and 404 to an unknown path', async () => {
    const wrongMethod = await get(engine.processUrl);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.text).toMatch(/^method_not_allowed: /);
    const unknown = await get(`${engine.url}/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toMatch(/^not_found: /);
  });

  it('refuses a body that is not multipart with 415 and a reason', async () => {
    const response = await fetch(engine.processUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(415);
    expect(await response.text()).toMatch(/^unsupported_media_type: /);
  });

  it('refuses a form with a field the contract rejects with 400 invalid_request', async () => {
    const form = new FormData();
    form.append('payload', '{}');
    form.append('width', 'wide');
    const response = await fetch(engine.processUrl, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/^invalid_request: \/width: /);
  });

  it('refuses malformed multipart with 400 invalid_multipart and keeps serving', async () => {
    const body = multipartBody('xyz', [{ name: 'internalJobId', value: 'j' }]).replace('--xyz--', '--xy');
    const response = await fetch(engine.processUrl, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      body: body.slice(0, body.length - 10),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/^invalid_multipart: /);
    expect((await postProcess(engine.processUrl, baseRequest())).status).toBe(200);
  });

  it('refuses a field above the field size limit with 413 field_too_large', async () => {
    const reply = await postProcess(
      engine.processUrl,
      baseRequest({ payload: { behaviour: 'x'.repeat(8 * 1024) } as Record<string, unknown> }),
    );
    expect(reply.status).toBe(413);
    expect(reply.text).toMatch(/^field_too_large: field payload exceeds/);
    expect((await postProcess(engine.processUrl, baseRequest())).status).toBe(200);
  });

  it('refuses a chunk above the file size limit with 413 file_too_large and leaves no temp file', async () => {
    const reply = await postProcess(
      engine.processUrl,
      baseRequest({ taskTmpDir }),
      new Uint8Array(100 * 1024),
    );
    expect(reply.status).toBe(413);
    expect(reply.text).toMatch(/^file_too_large: /);
    await expectEventually(() => expect(readdirSync(taskTmpDir)).toEqual([]));
    expect((await postProcess(engine.processUrl, baseRequest())).status).toBe(200);
  });

  it('refuses a body above the body limit with 413 body_too_large before reading it', async () => {
    const reply = await postProcess(engine.processUrl, baseRequest(), new Uint8Array(300 * 1024));
    expect(reply.status).toBe(413);
    expect(reply.text).toMatch(/^body_too_large: /);
    expect((await postProcess(engine.processUrl, baseRequest())).status).toBe(200);
  });

  it('refuses a second file part with 400 unexpected_file', async () => {
    const body = multipartBody('b1', [
      { name: 'internalJobId', value: 'j' },
      { name: 'other', value: 'data', filename: 'x.bin' },
    ]);
    const response = await fetch(engine.processUrl, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=b1' },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/^unexpected_file: /);
  });

  it('answers 408 to a client that never finishes its headers (slow loris) and keeps serving', async () => {
    const started = Date.now();
    const raw = await rawExchange(engine.url, [
      { data: 'POST /process HTTP/1.1\r\nHost: x\r\n' },
      { data: 'X-Slow: 1\r\n', delayMs: 300 },
    ]);
    expect(raw).toMatch(/^HTTP\/1\.1 408 /);
    expect(raw).toContain('request_timeout: ');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await postProcess(engine.processUrl, baseRequest())).status).toBe(200);
  });

  it('answers 408 to a body that stalls mid-way and keeps serving', async () => {
    const boundary = 'stall';
    const head = multipartBody(boundary, [{ name: 'internalJobId', value: 'j' }]).slice(0, 40);
    const raw = await rawExchange(engine.url, [
      {
        data: `POST /process HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 1000\r\n\r\n${head}`,
      },
    ]);
    expect(raw).toMatch(/^HTTP\/1\.1 408 /);
    expect(raw).toContain('body_timeout: ');
    expect((await postProcess(engine.processUrl, baseRequest())).status).toBe(200);
  });
});

describe('an engine whose ready() fails', () => {
  let engine: EngineProcess | undefined;
  afterAll(() => engine?.kill());

  it('answers the ready webhook 500 with the reason', async () => {
    engine = await startEngineProcess('engine', { READY_FAILS: '1' });
    await expectEventually(async () => {
      const reply = await get(engine!.readyUrl);
      expect(reply.status).toBe(500);
      expect(reply.text).toMatch(/^ready_failed: model weights missing/);
    });
  });
});

async function waitUntilReady(url: string): Promise<void> {
  await expectEventually(async () => expect((await get(url)).status).toBe(200), 15_000);
}
