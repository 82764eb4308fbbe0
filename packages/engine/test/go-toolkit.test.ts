/**
 * Issue 10, points 1 and 2: the `/process` request of the open-source Go Engine Toolkit
 * (`engine/webhooks.go`), reproduced byte for byte as Go's `mime/multipart` writes it: the fields in
 * its order, each part with only a Content-Disposition header, the file last as `chunk.data` typed
 * `application/octet-stream`, and no `internalJobId`/`internalTaskId`. Sent to a real engine process.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, get, PNG_CHUNK } from './helpers/client.ts';
import { type EngineProcess, startEngineProcess } from './helpers/engine-process.ts';
import { expectEventually } from './helpers/eventually.ts';

/** Go's multipart.Writer: a random 30-byte hex boundary, CRLF line ends, no preamble. */
function goToolkitBody(payload: string, extra: Array<[string, string]> = []): { body: Buffer; type: string } {
  const boundary = randomBytes(30).toString('hex');
  const fields: Array<[string, string]> = [
    ['chunkMimeType', 'image/png'],
    ['chunkIndex', '0'],
    ['startOffsetMS', '0'],
    ['endOffsetMS', '0'],
    ['width', '1'],
    ['height', '1'],
    ['libraryId', ''],
    ['libraryEngineModelId', ''],
    ['cacheURI', 'http://127.0.0.1:9/chunk.data'],
    ['veritoneApiBaseUrl', 'https://api.veritone.com'],
    ['token', ''],
    ['payload', payload],
    ...extra,
  ];
  const pieces: Buffer[] = [];
  for (const [name, value] of fields) {
    pieces.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  pieces.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="chunk"; filename="chunk.data"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    Buffer.from(PNG_CHUNK),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(pieces), type: `multipart/form-data; boundary=${boundary}` };
}

async function postGoRequest(url: string, payload: string, extra: Array<[string, string]> = []) {
  const { body, type } = goToolkitBody(payload, extra);
  return answer(
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': type, 'user-agent': 'Go-http-client/1.1' },
      body: new Blob([new Uint8Array(body)]),
      signal: AbortSignal.timeout(20_000),
    }),
  );
}

describe('a request exactly as the Go Engine Toolkit sends it', () => {
  let engine: EngineProcess;
  let strict: EngineProcess;

  beforeAll(async () => {
    [engine, strict] = await Promise.all([
      startEngineProcess('engine'),
      startEngineProcess('engine', { STRICT_REQUESTS: 'true' }),
    ]);
    await expectEventually(async () => {
      expect((await get(engine.readyUrl)).status).toBe(200);
      expect((await get(strict.readyUrl)).status).toBe(200);
    }, 15_000);
  });

  afterAll(() => {
    engine?.kill();
    strict?.kill();
  });

  it.each([
    ['null', 'null (no task payload)'],
    ['', 'empty'],
    ['{"mode":"mode"}', 'the old test console default'],
    ['{"mode":"mode","behaviour":"none"}', 'an unknown mode with options'],
  ])('answers 200 with the output for payload %j (%s)', async (payload) => {
    const reply = await postGoRequest(engine.processUrl, payload);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({
      series: [
        {
          startTimeMs: 0,
          stopTimeMs: 0,
          object: { type: 'object', label: `bytes:${PNG_CHUNK.byteLength}`, confidence: 0.9 },
        },
      ],
    });
  });

  it('logs a warning naming the missing ids and the local ids used instead', async () => {
    await postGoRequest(engine.processUrl, 'null', [['chunkUUID', 'c0ffee00-0000-4000-8000-000000000000']]);
    await expectEventually(() => {
      const warning = engine
        .stderr()
        .split('\n')
        .filter((line) => line.includes('request accepted with warnings'))
        .map((line) => JSON.parse(line) as { internalTaskId: string; warnings: string[] })
        .at(-1);
      expect(warning?.internalTaskId).toMatch(/^local-task-/);
      expect(warning?.warnings.join('\n')).toMatch(
        /internalJobId is missing .*using the local id local-job-/,
      );
    });
  });

  it('refuses the same request with 400 when the engine is strict (strictRequests)', async () => {
    const reply = await postGoRequest(strict.processUrl, 'null');
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/^invalid_request: \/internalJobId: internalJobId is missing/);
  });
});
