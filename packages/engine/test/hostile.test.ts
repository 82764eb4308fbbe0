/**
 * Hostile input against the engine runtime (issue 11, points 1-7 and 19): every request here is one
 * a toolkit never sends. Real HTTP on 127.0.0.1, real temp folders; every loop is bounded.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseProcessRequest } from '@engine-kit/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type EngineDefinition, type VtnDocument } from '../src/index.ts';
import { answer, baseRequest, type HttpAnswer, multipartBody, postProcess } from './helpers/client.ts';
import { expectEventually } from './helpers/eventually.ts';
import { recordingLogger, silentLogger } from './helpers/logger.ts';
import { startReceiver, type WebhookReceiver } from './helpers/receiver.ts';

const VTN = {
  series: [{ startTimeMs: 0, stopTimeMs: 1000, object: { type: 'object', label: 'ok', confidence: 0.5 } }],
} satisfies VtnDocument;

const never = () => new Promise<never>(() => undefined);

describe('the engine runtime under hostile input', () => {
  const engines: Engine[] = [];
  const closers: Array<() => Promise<void> | void> = [];
  let work: string;
  let chunkDir: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'engine-hostile-'));
    chunkDir = join(work, 'chunks');
    mkdirSync(chunkDir);
  });

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.close({ timeoutMs: 500 })));
    for (const close of closers.splice(0)) await close();
    rmSync(work, { recursive: true, force: true });
  });

  async function start(definition: Partial<EngineDefinition>) {
    const engine = createEngine({
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger,
      env: {},
      tmpDir: chunkDir,
      process: () => VTN,
      ...definition,
    });
    engines.push(engine);
    const info = await engine.listen();
    await expectEventually(() => expect(engine.state).toBe('ready'));
    return { engine, ...info };
  }

  async function postFields(url: string, fields: Array<[string, string]>, file?: Uint8Array) {
    const form = new FormData();
    for (const [name, value] of fields) form.append(name, value);
    if (file) form.append('chunk', new Blob([file as Uint8Array<ArrayBuffer>]), 'chunk.data');
    return answer(await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(20_000) }));
  }

  const ids: Array<[string, string]> = [
    ['internalJobId', 'job-1'],
    ['internalTaskId', 'task-1'],
  ];

  describe('point 1: chunk is a file part only', () => {
    it.each(['/etc/passwd', '/nonexistent/file', '/dev/zero'])(
      'refuses a text chunk field %s with a 400 that reveals nothing about the path',
      async (path) => {
        let calls = 0;
        const { processUrl } = await start({
          process: () => {
            calls += 1;
            return VTN;
          },
        });
        const reply = await postFields(processUrl, [...ids, ['chunk', path]]);
        expect(reply.status).toBe(400);
        expect(reply.text).toBe(
          'invalid_request: chunk must be a file part; a text field named chunk is refused\n',
        );
        expect(calls).toBe(0);
      },
    );
  });

  describe('point 2: client-chosen folders are confined', () => {
    it.each([
      ['taskTmpDir', '/tmp/a/../../etc', "taskTmpDir must not contain '..' segments"],
      ['taskTmpDir', 'relative/dir', 'taskTmpDir must be an absolute path'],
      ['libraryModelDirectory', '/x/a/../../escape', "libraryModelDirectory must not contain '..' segments"],
    ])('refuses %s %s', async (field, value, reason) => {
      const { processUrl } = await start({});
      const reply = await postFields(processUrl, [...ids, [field, value]], new Uint8Array([1, 2, 3]));
      expect(reply.status).toBe(400);
      expect(reply.text).toBe(`invalid_request: ${reason}\n`);
      expect(readdirSync(chunkDir)).toEqual([]);
    });

    it('refuses a taskTmpDir that is missing or a file with one reason, without saving the chunk there', async () => {
      const { processUrl } = await start({});
      const file = join(work, 'a-file');
      writeFileSync(file, 'x');
      const missing = await postFields(
        processUrl,
        [...ids, ['taskTmpDir', join(work, 'missing')]],
        new Uint8Array(3),
      );
      const notDir = await postFields(processUrl, [...ids, ['taskTmpDir', file]], new Uint8Array(3));
      expect(missing.status).toBe(400);
      expect(missing.text).toBe('invalid_request: taskTmpDir must name an existing directory\n');
      expect(notDir.text).toBe(missing.text);
      expect(readdirSync(work).sort()).toEqual(['a-file', 'chunks']);
      expect(readdirSync(chunkDir)).toEqual([]);
    });

    it('gives the handler the normalised folders and saves the chunk inside taskTmpDir', async () => {
      const task = join(work, 'task');
      const models = join(work, 'models');
      mkdirSync(task);
      mkdirSync(models);
      const seen: Array<string | undefined> = [];
      const { processUrl } = await start({
        process: (request) => {
          seen.push(request.taskTmpDir, request.libraryModelDirectory, request.chunk);
          return VTN;
        },
      });
      const reply = await postFields(
        processUrl,
        [...ids, ['taskTmpDir', `${task}/./`], ['libraryModelDirectory', `${work}//models`]],
        new Uint8Array(3),
      );
      expect(reply.status).toBe(200);
      expect(seen[0]).toBe(task);
      expect(seen[1]).toBe(models);
      expect(seen[2]?.startsWith(`${task}/engine-kit-chunk-`)).toBe(true);
      expect(readdirSync(task)).toEqual([]);
    });
  });

  describe('point 3: admission happens once the form is received', () => {
    /** Opens a connection that sends headers and the start of a valid body, then one byte every 200 ms. */
    function trickle(url: string): Socket {
      const { hostname, port } = new URL(url);
      const body = multipartBody('trickle', [
        { name: 'internalJobId', value: 'slow' },
        { name: 'internalTaskId', value: 'slow' },
        { name: 'payload', value: '{}'.padEnd(2_000, ' ') },
      ]);
      const socket = connect(Number(port), hostname);
      socket.on('error', () => undefined);
      let sent = 0;
      socket.on('connect', () => {
        socket.write(
          `POST /process HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: multipart/form-data; boundary=trickle\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
        );
        const timer = setInterval(() => {
          if (socket.destroyed || sent >= 200) return clearInterval(timer);
          socket.write(body[sent] ?? '');
          sent += 1;
        }, 200);
        socket.on('close', () => clearInterval(timer));
      });
      closers.push(() => void socket.destroy());
      return socket;
    }

    it('answers complete requests while two slow uploaders trickle their bodies', async () => {
      const { processUrl } = await start({
        concurrency: 1,
        maxQueued: 0,
        limits: { bodyIdleTimeoutMs: 20_000 },
      });
      trickle(processUrl);
      trickle(processUrl);
      await sleep(500);
      for (let attempt = 0; attempt < 3; attempt++) {
        const reply = await postProcess(processUrl, baseRequest());
        expect(reply.status).toBe(200);
      }
    });

    it('bounds the bodies received at once (limits.uploads) and cuts an upload at requestTimeoutMs', async () => {
      const { processUrl } = await start({
        limits: { uploads: 1, bodyIdleTimeoutMs: 20_000, requestTimeoutMs: 2_000, headersTimeoutMs: 1_000 },
      });
      const slow = trickle(processUrl);
      let received = '';
      slow.on('data', (data: Buffer) => {
        received += data.toString('utf8');
      });
      // Once the slow body is being received (its headers may take a moment on a busy machine), no other fits.
      await expectEventually(async () => {
        const refused = await postProcess(processUrl, baseRequest());
        expect(refused.status).toBe(503);
        expect(refused.text).toMatch(/^busy: 1 request bodies are being received/);
      }, 5_000);
      await expectEventually(() => expect(received).toMatch(/^HTTP\/1.1 408/), 10_000);
      await expectEventually(() => expect(readdirSync(chunkDir)).toEqual([]));
      // Node's own requestTimeout writes the 408 and destroys the socket; the handler frees the upload place
      // a moment later, once the aborted body has settled. So the place is back soon, not at the instant of the 408.
      await expectEventually(async () => {
        expect((await postProcess(processUrl, baseRequest())).status).toBe(200);
      }, 3_000);
    }, 30_000);
  });

  describe('point 4: a drain that times out answers every admitted request', () => {
    it('answers the running and the queued requests 503 shutting_down and leaves no chunk file', async () => {
      const { engine, processUrl } = await start({ concurrency: 1, maxQueued: 3, process: never });
      const replies = [1, 2, 3, 4].map(() =>
        postProcess(processUrl, baseRequest()).catch((error: unknown) => String(error)),
      );
      await expectEventually(() => expect(engine.inFlight).toBe(4), 10_000);
      expect(readdirSync(chunkDir)).toHaveLength(4);
      expect(await engine.close({ timeoutMs: 200 })).toEqual({ drained: false });
      const answered = (await Promise.all(replies)) as HttpAnswer[];
      for (const reply of answered) {
        expect(reply.status).toBe(503);
        expect(reply.text).toMatch(/^shutting_down: /);
      }
      expect(readdirSync(chunkDir)).toEqual([]);
    }, 30_000);
  });

  describe('point 5: reading cacheURI is bounded and http(s) only', () => {
    let silent: Server;
    let silentUrl: string;
    beforeEach(async () => {
      // Accepts connections and never answers (headers) or stalls after the first piece (/stall).
      silent = createServer((request, response) => {
        if (request.url === '/stall') {
          response.writeHead(200, { 'content-type': 'application/octet-stream' });
          response.write(Buffer.alloc(10));
        }
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      closers.push(
        () =>
          new Promise<void>((resolve) => {
            silent.closeAllConnections();
            silent.close(() => resolve());
          }),
      );
    });

    async function readAll(context: { openInput(): AsyncGenerator<Uint8Array> }) {
      let bytes = 0;
      for await (const piece of context.openInput()) bytes += piece.byteLength;
      return { series: [{ startTimeMs: 0, stopTimeMs: bytes }] } satisfies VtnDocument;
    }

    it('fails a cacheURI that never answers after connectTimeoutMs with url_timeout', async () => {
      const { processUrl } = await start({
        input: { connectTimeoutMs: 300 },
        process: (_request, context) => readAll(context),
      });
      const reply = await postProcess(
        processUrl,
        baseRequest({ cacheURI: `${silentUrl}/never?sig=secret-sig-1` }),
        undefined,
      );
      expect(reply.status).toBe(504);
      expect(reply.text).toMatch(/^url_timeout: reading the input .* timed out \(connectTimeoutMs 300 ms\)/);
      expect(reply.text).not.toContain('secret-sig-1');
    });

    it('fails a cacheURI that stalls mid-body after idleTimeoutMs with stream_read_error', async () => {
      const { processUrl } = await start({
        input: { idleTimeoutMs: 300 },
        process: (_request, context) => readAll(context),
      });
      const reply = await postProcess(processUrl, baseRequest({ cacheURI: `${silentUrl}/stall` }), undefined);
      expect(reply.status).toBe(504);
      expect(reply.text).toMatch(/^stream_read_error: .*idleTimeoutMs 300 ms/);
    });

    it('ends the whole read at totalTimeoutMs', async () => {
      const { processUrl } = await start({
        input: { totalTimeoutMs: 400, idleTimeoutMs: 10_000 },
        process: (_request, context) => readAll(context),
      });
      const reply = await postProcess(processUrl, baseRequest({ cacheURI: `${silentUrl}/stall` }), undefined);
      expect(reply.status).toBe(504);
      expect(reply.text).toMatch(/^url_timeout: .*totalTimeoutMs 400 ms/);
    });

    it.each(['file:///etc/passwd', 'ftp://127.0.0.1/x', 'data:text/plain,hello'])(
      'refuses the cacheURI %s with a clear message',
      async (cacheURI) => {
        const { processUrl } = await start({ process: (_request, context) => readAll(context) });
        const reply = await postProcess(processUrl, baseRequest({ cacheURI }), undefined);
        expect(reply.status).toBe(400);
        expect(reply.text).toMatch(
          /^url_not_allowed: cacheURI must be an http:\/\/ or https:\/\/ URL; the scheme [a-z]+: is not read\n$/,
        );
        expect(reply.text).not.toContain('passwd');
      },
    );
  });

  describe('point 6: exact limits and one duplicate-field rule', () => {
    const limits = { fileSize: 1_024, fieldSize: 64, fields: 8 };

    it('accepts a chunk of exactly fileSize bytes and refuses one byte more', async () => {
      const { processUrl } = await start({ limits });
      expect((await postProcess(processUrl, baseRequest(), new Uint8Array(1_024))).status).toBe(200);
      const over = await postProcess(processUrl, baseRequest(), new Uint8Array(1_025));
      expect(over.status).toBe(413);
      expect(over.text).toMatch(/^file_too_large: /);
    });

    it('accepts a field of exactly fieldSize bytes (multi-byte characters counted as bytes) and refuses one more', async () => {
      const { processUrl } = await start({ limits });
      const exact = `{"a":"${'é'.repeat(26)}"}`; // 8 + 52 + ... bytes
      const padded = exact.padEnd(64 - (Buffer.byteLength(exact) - exact.length), ' ');
      expect(Buffer.byteLength(padded)).toBe(64);
      expect((await postFields(processUrl, [...ids, ['payload', padded]])).status).toBe(200);
      const over = await postFields(processUrl, [...ids, ['payload', `${padded} `]]);
      expect(over.status).toBe(413);
      expect(over.text).toMatch(/^field_too_large: field payload exceeds the 64-byte limit/);
    });

    it('accepts exactly `fields` fields next to the chunk and refuses one more', async () => {
      const { processUrl } = await start({ limits });
      const extra = (n: number) =>
        Array.from({ length: n }, (_, index): [string, string] => [`x-extra-${index}`, 'v']);
      expect((await postFields(processUrl, [...ids, ...extra(6)], new Uint8Array(1))).status).toBe(200);
      const over = await postFields(processUrl, [...ids, ...extra(7)], new Uint8Array(1));
      expect(over.status).toBe(413);
      expect(over.text).toMatch(/^too_many_fields: /);
    });

    it('refuses a field sent twice, exactly as parseProcessRequest does', async () => {
      const { processUrl } = await start({});
      const fields: Array<[string, string]> = [...ids, ['taskTmpDir', work], ['taskTmpDir', '/']];
      const reply = await postFields(processUrl, fields);
      expect(reply.status).toBe(400);
      const contract = parseProcessRequest(fields);
      expect(contract.success).toBe(false);
      const issue = !contract.success ? contract.issues[0] : undefined;
      expect(issue?.code).toBe('duplicate_field');
      expect(reply.text).toBe(`invalid_request: ${issue?.path}: ${issue?.message}\n`);
    });
  });

  describe('point 7: handlers are bounded in time', () => {
    it('fails a handler that outlives maxTTL with chunk_timeout and frees its slot', async () => {
      let aborted = false;
      const { processUrl } = await start({
        concurrency: 1,
        maxQueued: 0,
        process: async (request, context) => {
          if ((request.payload as { hang?: boolean }).hang) {
            context.signal.addEventListener('abort', () => {
              aborted = true;
            });
            return never();
          }
          return VTN;
        },
      });
      const reply = await postProcess(processUrl, baseRequest({ maxTTL: 1, payload: { hang: true } }));
      expect(reply.status).toBe(504);
      expect(reply.text).toMatch(/^chunk_timeout: the task did not finish within 1000 ms \(maxTTL\)/);
      expect(aborted).toBe(true);
      expect((await postProcess(processUrl, baseRequest())).status).toBe(200);
      expect(readdirSync(chunkDir)).toEqual([]);
    });

    it('bounds a request without maxTTL by taskTimeoutMs', async () => {
      const { processUrl } = await start({ taskTimeoutMs: 300, process: never });
      const reply = await postProcess(processUrl, baseRequest());
      expect(reply.status).toBe(504);
      expect(reply.text).toMatch(/^chunk_timeout: .*300 ms \(taskTimeoutMs\)/);
    });

    it('reports an acknowledged task that times out with a failed heartbeat', async () => {
      const receiver: WebhookReceiver = await startReceiver();
      closers.push(() => receiver.close());
      const { processUrl } = await start({ mode: 'stream', process: never });
      const reply = await postProcess(
        processUrl,
        baseRequest({
          maxTTL: 1,
          heartbeatWebhook: receiver.heartbeatUrl,
          resultWebhook: receiver.resultUrl,
        }),
      );
      expect(JSON.parse(reply.text)).toEqual({ estimatedProcessingTimeInSeconds: 1 });
      const failed = await receiver.waitForHeartbeat('failed', 10_000);
      expect(failed.body).toMatchObject({ status: 'failed', failureReason: 'internal_error' });
      expect(String(failed.body.failureMsg)).toMatch(/did not finish within 1000 ms \(maxTTL\)/);
    });
  });

  describe('point 19: no signed query or token in answers and logs', () => {
    it('redacts a signed URL and the request token from the /process answer and every log line', async () => {
      const { logger, lines } = recordingLogger();
      const token = 'tok-very-secret-123456';
      const { processUrl } = await start({
        logger,
        process: () => {
          throw new Error(
            `GET https://bucket.example/model.bin?X-Amz-Signature=sig-abcdef123456 failed for ${token}`,
          );
        },
      });
      const reply = await postProcess(processUrl, baseRequest({ token }));
      expect(reply.status).toBe(500);
      expect(reply.text).toContain('https://bucket.example/model.bin?X-Amz-Signature=REDACTED');
      const everything = `${reply.text}\n${JSON.stringify(lines)}`;
      expect(everything).not.toContain('sig-abcdef123456');
      expect(everything).not.toContain(token);
      expect(lines.some((line) => line.message === 'process failed')).toBe(true);
    });
  });
});
