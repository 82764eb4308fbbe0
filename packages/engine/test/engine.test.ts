import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEngine,
  type Engine,
  type EngineDefinition,
  EngineError,
  type VtnDocument,
  nonVtnOutput,
  openInputStream,
  resolveAddress,
} from '../src/index.ts';
import { baseRequest, get, multipartBody, postProcess } from './helpers/client.ts';
import { expectEventually } from './helpers/eventually.ts';
import { startInputServer } from './helpers/input-server.ts';
import { recordingLogger, silentLogger } from './helpers/logger.ts';
import { startReceiver, type WebhookReceiver } from './helpers/receiver.ts';

const VTN = {
  series: [{ startTimeMs: 0, stopTimeMs: 1000, object: { type: 'object', label: 'cat', confidence: 0.5 } }],
} satisfies VtnDocument;

describe('createEngine in process', () => {
  const engines: Engine[] = [];
  const receivers: WebhookReceiver[] = [];

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.close({ timeoutMs: 1_000 })));
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  });

  async function start(definition: Partial<EngineDefinition>) {
    const engine = createEngine({
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger,
      env: {},
      process: () => VTN,
      ...definition,
    });
    engines.push(engine);
    const info = await engine.listen();
    return { engine, ...info };
  }

  it('refuses work beyond concurrency + maxQueued with 503 busy and Retry-After', async () => {
    const { processUrl } = await start({
      concurrency: 1,
      maxQueued: 0,
      process: async () => {
        await sleep(400);
        return VTN;
      },
    });
    const first = postProcess(processUrl, baseRequest());
    await sleep(100);
    const second = await postProcess(processUrl, baseRequest());
    expect(second.status).toBe(503);
    expect(second.retryAfter).toBe('1');
    expect(second.text).toMatch(/^busy: /);
    expect((await first).status).toBe(200);
  });

  it('queues up to maxQueued requests and runs them one at a time', async () => {
    const order: string[] = [];
    let running = 0;
    let peak = 0;
    const { processUrl } = await start({
      concurrency: 1,
      maxQueued: 2,
      process: async (request) => {
        running += 1;
        peak = Math.max(peak, running);
        order.push(request.internalTaskId);
        await sleep(100);
        running -= 1;
        return VTN;
      },
    });
    const replies = [];
    for (const id of ['a', 'b', 'c']) {
      replies.push(postProcess(processUrl, baseRequest({ internalTaskId: id })));
      await sleep(20);
    }
    expect((await Promise.all(replies)).map((reply) => reply.status)).toEqual([200, 200, 200]);
    // Queued requests run in the order their bodies finished arriving, which the client does not control.
    expect(order[0]).toBe('a');
    expect([...order].sort()).toEqual(['a', 'b', 'c']);
    expect(peak).toBe(1);
  });

  it('answers /process 503 not_ready while ready() is pending', async () => {
    let release: () => void = () => undefined;
    const { processUrl, readyUrl } = await start({
      ready: () => new Promise<void>((resolve) => (release = resolve)),
    });
    const early = await postProcess(processUrl, baseRequest());
    expect(early.status).toBe(503);
    expect(early.text).toMatch(/^not_ready: /);
    release();
    await sleep(10);
    expect((await get(readyUrl)).status).toBe(200);
    expect((await postProcess(processUrl, baseRequest())).status).toBe(200);
  });

  it('lets a chunk handler go asynchronous with context.acknowledge and posts what it returns', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const { processUrl } = await start({
      process: async (_request, context) => {
        await context.acknowledge(42);
        await sleep(50);
        return VTN;
      },
    });
    const reply = await postProcess(
      processUrl,
      baseRequest({ heartbeatWebhook: receiver.heartbeatUrl, resultWebhook: receiver.resultUrl }),
    );
    expect(JSON.parse(reply.text)).toEqual({ estimatedProcessingTimeInSeconds: 42 });
    const complete = await receiver.waitForHeartbeat('complete');
    expect(complete.body.messagesWritten).toBe(1);
    expect(receiver.results.map((result) => result.body.output)).toEqual([VTN]);
  });

  it('reports a task still running when the drain times out as failed with system_error', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const engine = createEngine({
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger,
      env: {},
      mode: 'batch',
      process: () => new Promise(() => undefined),
    });
    const { processUrl } = await engine.listen();
    const reply = await postProcess(
      processUrl,
      baseRequest({ heartbeatWebhook: receiver.heartbeatUrl, resultWebhook: receiver.resultUrl }),
    );
    expect(reply.status).toBe(200);
    expect(await engine.close({ timeoutMs: 200 })).toEqual({ drained: false });
    const failed = await receiver.waitForHeartbeat('failed', 1_000);
    expect(failed.body).toMatchObject({ failureReason: 'system_error' });
    expect(engine.state).toBe('closed');
  });

  it('survives a client that disconnects in the middle of the chunk and leaves no temp file', async () => {
    const tmpDir = mkdtempSync(join(tmpdir(), 'engine-abort-'));
    try {
      const { processUrl, port } = await start({ tmpDir });
      const head = multipartBody('cut', [{ name: 'internalJobId', value: 'j' }]).replace('--cut--\r\n', '');
      const socket = connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(
        'POST /process HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=cut\r\nContent-Length: 100000\r\n\r\n',
      );
      socket.write(`${head}--cut\r\nContent-Disposition: form-data; name="chunk"; filename="c.png"\r\n\r\n`);
      socket.write(Buffer.alloc(20_000, 1));
      await sleep(100);
      socket.destroy();
      await expectEventually(() => expect(readdirSync(tmpDir)).toEqual([]));
      expect((await postProcess(processUrl, baseRequest())).status).toBe(200);
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  });

  it('leaves no temp file behind after a run of oversized chunks', async () => {
    const tmpDir = mkdtempSync(join(tmpdir(), 'engine-oversized-'));
    try {
      const { processUrl } = await start({ limits: { fileSize: 64 * 1024 } });
      for (let index = 0; index < 20; index++) {
        const reply = await postProcess(
          processUrl,
          baseRequest({ taskTmpDir: tmpDir }),
          new Uint8Array(100 * 1024),
        );
        expect(reply.status).toBe(413);
      }
      await expectEventually(() => expect(readdirSync(tmpDir)).toEqual([]));
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  });

  it('refuses more fields than the limit with 413 too_many_fields', async () => {
    const { processUrl } = await start({ limits: { fields: 5 } });
    const form = new FormData();
    for (let index = 0; index < 10; index++) form.append(`field${index}`, 'x');
    const response = await fetch(processUrl, { method: 'POST', body: form });
    expect(response.status).toBe(413);
    expect(await response.text()).toMatch(/^too_many_fields: /);
  });

  it('sends non-VTN output as is with its content type', async () => {
    const { processUrl } = await start({ process: () => nonVtnOutput('<tt/>', 'application/ttml+xml') });
    const reply = await postProcess(processUrl, baseRequest());
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('application/ttml+xml');
    expect(reply.text).toBe('<tt/>');
  });

  it('logs the VTN issues of invalid output in development and still answers it', async () => {
    const { logger, lines } = recordingLogger();
    const { processUrl } = await start({
      logger,
      validateOutput: true,
      // @ts-expect-error: not a VTN document, on purpose (the runtime check is under test)
      process: () => ({ series: [{ startTimeMs: -5 }] }),
    });
    const reply = await postProcess(processUrl, baseRequest());
    expect(reply.status).toBe(200);
    const warning = lines.find((line) => line.message === 'output is not valid VTN');
    expect(warning?.level).toBe('warn');
    expect(JSON.stringify(warning?.fields?.issues)).toContain('/series/0');
  });

  it('checks output with the VTN version of the vtnVersion option, else of its $schema', async () => {
    const { logger, lines } = recordingLogger();
    const v2Schema = 'https://get.aiware.com/schemas/v2/vtn-standard/master.json';
    const { processUrl } = await start({
      logger,
      validateOutput: true,
      process: (request) =>
        (request.payload as { v2?: boolean }).v2
          ? { $schema: v2Schema, series: [{ startTimeMs: -5, stopTimeMs: 0 }] }
          : { series: [{ startTimeMs: -5, stopTimeMs: 0 }] },
    });
    await postProcess(processUrl, baseRequest({ payload: { v2: true } }));
    await postProcess(processUrl, baseRequest());
    const versions = lines
      .filter((line) => line.message === 'output is not valid VTN')
      .map((line) => line.fields?.vtnVersion);
    expect(versions).toEqual(['v2', 'v1']);

    const pinned = recordingLogger();
    const { processUrl: pinnedUrl } = await start({
      logger: pinned.logger,
      validateOutput: true,
      vtnVersion: 'v2',
      process: () => ({ series: [{ startTimeMs: -5, stopTimeMs: 0 }] }),
    });
    await postProcess(pinnedUrl, baseRequest());
    expect(pinned.lines.find((line) => line.message === 'output is not valid VTN')?.fields?.vtnVersion).toBe(
      'v2',
    );
  });

  it('does not validate output when validateOutput is false (production)', async () => {
    const { logger, lines } = recordingLogger();
    const { processUrl } = await start({
      logger,
      validateOutput: false,
      // @ts-expect-error: not a VTN document, on purpose (the runtime check is under test)
      process: () => ({ series: [{ startTimeMs: -5 }] }),
    });
    expect((await postProcess(processUrl, baseRequest())).status).toBe(200);
    expect(lines.some((line) => line.message === 'output is not valid VTN')).toBe(false);
  });

  it('defaults validation to NODE_ENV !== production', async () => {
    const { logger, lines } = recordingLogger();
    const { processUrl } = await start({
      logger,
      env: { NODE_ENV: 'production' },
      // @ts-expect-error: not a VTN document, on purpose (the runtime check is under test)
      process: () => ({ series: 'nope' }),
    });
    expect((await postProcess(processUrl, baseRequest())).status).toBe(200);
    expect(lines.some((line) => line.message === 'output is not valid VTN')).toBe(false);
  });

  it('reads the ready and process paths and port from VERITONE_WEBHOOK_* URLs', async () => {
    const { readyUrl, processUrl, port } = await start({
      port: undefined,
      host: undefined,
      env: {
        VERITONE_WEBHOOK_READY: 'http://127.0.0.1:0/readyz',
        VERITONE_WEBHOOK_PROCESS: 'http://127.0.0.1:0/work',
      },
    });
    expect(port).toBeGreaterThan(0);
    expect(readyUrl).toBe(`http://127.0.0.1:${port}/readyz`);
    expect(processUrl).toBe(`http://127.0.0.1:${port}/work`);
    expect((await get(readyUrl)).status).toBe(200);
    expect((await postProcess(processUrl, baseRequest())).status).toBe(200);
  });

  it('refuses options it cannot honour with invalid_option', () => {
    expect(() => createEngine({ process: () => VTN, concurrency: 0 })).toThrow(EngineError);
    expect(() => createEngine({ process: () => VTN, concurrency: 0 })).toThrow(
      /concurrency must be an integer >= 1/,
    );
    expect(() =>
      resolveAddress({
        VERITONE_WEBHOOK_READY: 'http://0.0.0.0:8080/r',
        VERITONE_WEBHOOK_PROCESS: 'http://0.0.0.0:9090/p',
      }),
    ).toThrow(/same port/);
    expect(() => resolveAddress({ VERITONE_WEBHOOK_READY: '8080' })).toThrow(/full URL/);
    expect(resolveAddress({})).toEqual({
      host: '0.0.0.0',
      port: 8080,
      readyPath: '/ready',
      processPath: '/process',
    });
  });

  it('takes the default concurrency from VERITONE_CONCURRENT_TASKS', async () => {
    let running = 0;
    let peak = 0;
    const { processUrl } = await start({
      env: { VERITONE_CONCURRENT_TASKS: '3' },
      maxQueued: 0,
      process: async () => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(500);
        running -= 1;
        return VTN;
      },
    });
    const replies = await Promise.all([1, 2, 3, 4].map(() => postProcess(processUrl, baseRequest())));
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 200, 200, 503]);
    expect(peak).toBe(3);
  });
});

describe('openInputStream', () => {
  it('yields the input piece by piece as it arrives and counts the bytes', async () => {
    const input = await startInputServer(3, 500, 100);
    try {
      const sizes: number[] = [];
      let counted = 0;
      for await (const piece of openInputStream(input.url, { onBytes: (bytes) => (counted += bytes) })) {
        sizes.push(piece.byteLength);
      }
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(1500);
      expect(sizes.length).toBeGreaterThanOrEqual(3);
      expect(counted).toBe(1500);
    } finally {
      await input.close();
    }
  });

  it('fails with url_connection_refused when nothing listens', async () => {
    const input = await startInputServer(1, 1, 0);
    await input.close();
    const pieces = openInputStream(input.url);
    await expect(pieces.next()).rejects.toMatchObject({
      code: 'input_failed',
      failureReason: 'url_connection_refused',
    });
  });
});
