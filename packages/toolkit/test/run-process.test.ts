import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeForSummary, runProcess, type RunProcessOptions } from '../src/index.ts';
import { findFreePortForTest } from './ports.ts';
import { fixture, readLog, tempDir, writePng } from './helpers.ts';

let workspace: { dir: string; cleanup: () => void };
let logFile: string;
let chunkPath: string;
const servers: Server[] = [];

beforeEach(() => {
  workspace = tempDir();
  logFile = join(workspace.dir, 'engine.log');
  chunkPath = writePng(workspace.dir, 64, 48);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  workspace.cleanup();
});

function run(engine: string, options: Partial<RunProcessOptions> = {}) {
  return runProcess({
    command: fixture(engine),
    chunk: { path: chunkPath },
    env: { PATH: process.env.PATH, FIXTURE_LOG: logFile },
    stopGraceMs: 1000,
    onEngineOutput: () => {},
    ...options,
  });
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runProcess with a synchronous chunk engine', () => {
  it('sends every process field, the chunk as chunk.data, and reports the result', async () => {
    const summary = await run('sync-engine.mjs', {
      payload: { confidenceThreshold: 0.5 },
      startOffsetMs: 1000,
      endOffsetMs: 2000,
      chunkIndex: 4,
      internalJobId: 'job-7',
      internalTaskId: 'task-9',
      chunkMetadata: { 'x-aiware-chunk-timestamp': '123' },
      controllerToken: 'edge-token',
      env: {
        PATH: process.env.PATH,
        FIXTURE_LOG: logFile,
        AIWARE_SECRET: 'hidden',
        AIWARE_BUILD_ID: 'b1',
        AIWARE_ENV_WHITE_LIST: 'AIWARE_BUILD_ID',
      },
    });
    expect(summary.status).toBe('complete');
    expect(summary.responseKind).toBe('vtn');
    expect(summary.outputs).toHaveLength(1);
    expect(summary.outputs[0]).toMatchObject({ source: 'process-response', valid: true });
    expect(summary.validationIssues).toEqual([]);
    expect(summary.processCalls).toHaveLength(1);

    const [entry] = readLog(logFile).filter((line) => line.event === 'process') as {
      fields: Record<string, string>;
      chunk: { field: string; name: string; type: string; size: number };
      range: { status: number; contentRange: string; bytes: string };
      taskTmpDirExists: boolean;
      readyPolls: number;
      env: string[];
    }[];
    expect(entry).toBeDefined();
    const fields = entry!.fields;
    expect(fields).toMatchObject({
      internalJobId: 'job-7',
      internalTaskId: 'task-9',
      chunkMimeType: 'image/png',
      startOffsetMS: '1000',
      endOffsetMS: '2000',
      width: '64',
      height: '48',
      chunkIndex: '4',
      maxTTL: '3600',
      controllerToken: 'edge-token',
      'chunk-metadata-x-aiware-chunk-timestamp': '123',
    });
    expect(JSON.parse(fields.payload!)).toEqual({ confidenceThreshold: 0.5 });
    for (const name of ['cacheURI', 'heartbeatWebhook', 'resultWebhook', 'externalCallbackWebhook']) {
      expect(fields[name]).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    }
    // The seed offers redisETUrl only when the cluster has Redis (AIWARE_REDIS_HOST/PORT).
    expect(fields.redisETUrl).toBeUndefined();
    expect(summary.redisEt).toBeUndefined();
    expect(fields.chunkUUID).toMatch(/^[0-9a-f-]{36}$/);
    for (const name of ['taskTmpDir', 'engineDir', 'libraryModelDirectory', 'chunkContext']) {
      expect(fields[name]).toBeTruthy();
    }
    expect(entry!.taskTmpDirExists).toBe(true);
    // As the Go toolkit: the file part is `chunk.data`, typed application/octet-stream, and last.
    expect(entry!.chunk).toMatchObject({
      field: 'chunk',
      name: 'chunk.data',
      type: 'application/octet-stream',
    });
    const order = (entry as unknown as { order: string[] }).order;
    expect(order.at(-1)).toBe('chunk');
    expect((entry as unknown as { userAgent: string }).userAgent).toMatch(
      /^veritone-engine-toolkit \(engine-kit toolkit emulator \d+\.\d+\.\d+/,
    );
    expect(entry!.range).toEqual({
      status: 206,
      contentRange: expect.stringMatching(/^bytes 0-7\/\d+$/),
      bytes: '89504e470d0a1a0a',
    });
    expect(entry!.readyPolls).toBeGreaterThanOrEqual(3);
    expect(entry!.env).toContain('AIWARE_BUILD_ID');
    expect(entry!.env).not.toContain('AIWARE_SECRET');
    expect(entry!.env).toEqual(
      expect.arrayContaining(['VERITONE_WEBHOOK_READY', 'VERITONE_WEBHOOK_PROCESS']),
    );
    expect(summary.engine).toMatchObject({ crashed: false });
    expect(pidIsAlive(summary.engine!.pid!)).toBe(false);
  });

  it('posts each result to the notification URI with the x-aiware- metadata as headers', async () => {
    const received: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createServer(async (request, response) => {
      let body = '';
      for await (const part of request) body += part;
      received.push({ url: request.url ?? '', headers: request.headers, body });
      response.statusCode = 200;
      response.end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const summary = await run('sync-engine.mjs', {
      internalJobId: 'j1',
      internalTaskId: 't1',
      chunkMetadata: { 'x-aiware-chunk-timestamp': '1700000000000', other: 'not a header' },
      notifyUris: [`http://127.0.0.1:${port}/notify`],
    });
    expect(summary.status).toBe('complete');
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toMatch(
      /^\/notify\/internalJobID=j1&internalTaskID=t1&jobID=j1&taskID=t1&chunkID=[^&]+&timestamp=\d+$/,
    );
    expect(received[0]!.headers['x-aiware-chunk-timestamp']).toBe('1700000000000');
    expect(received[0]!.headers.other).toBeUndefined();
    expect(JSON.parse(received[0]!.body)).toEqual(summary.outputs[0]!.output);
    expect(summary.notifications).toEqual([expect.objectContaining({ status: 200, outputIndex: 0 })]);
  });

  it('sends only cacheURI when chunk download is disabled', async () => {
    await run('sync-engine.mjs', { disableChunkDownload: true });
    const [entry] = readLog(logFile).filter((line) => line.event === 'process');
    expect(entry).toBeDefined();
    expect(entry!.chunk).toBeUndefined();
    expect((entry!.range as { status: number }).status).toBe(206);
  });
});

describe('runProcess with asynchronous engines', () => {
  it('collects heartbeats and results of a stream engine until it completes', async () => {
    const summary = await run('stream-engine.mjs', { chunkMetadata: { 'x-aiware-source': 's' } });
    expect(summary.status).toBe('complete');
    expect(summary.responseKind).toBe('async');
    expect(summary.heartbeats.map((beat) => (beat.heartbeat as { status: string }).status)).toEqual([
      'running',
      'running',
      'running',
      'complete',
    ]);
    expect(summary.heartbeats.every((beat) => beat.accepted)).toBe(true);
    expect(summary.heartbeats[3]!.heartbeat).toMatchObject({ infoMsg: 'done' });
    expect(summary.outputs).toHaveLength(2);
    expect(summary.outputs[1]).toMatchObject({
      source: 'result-webhook',
      startOffsetMs: 1000,
      endOffsetMs: 2000,
      chunkContext: summary.fields.chunkContext,
      chunkMetadata: { 'x-aiware-result': 'r1' },
      valid: true,
    });
    const [answers] = readLog(logFile).filter((line) => line.event === 'answers');
    expect((answers!.answers as { status: number }[]).map((answer) => answer.status)).toEqual([
      204, 204, 204, 204, 204, 204,
    ]);
  });

  it('answers a malformed heartbeat with 400 and a reason, and records it as a validation issue', async () => {
    const summary = await run('bad-heartbeat-engine.mjs');
    expect(summary.status).toBe('complete');
    expect(summary.heartbeats[0]).toMatchObject({ accepted: false });
    const echoed = (summary.heartbeats[1]!.heartbeat as { infoMsg: string }).infoMsg;
    expect(echoed).toMatch(/^rejected 400 /);
    expect(echoed).toContain('status');
    expect(summary.validationIssues).toEqual(
      expect.arrayContaining([expect.objectContaining({ source: 'heartbeat', index: 0, path: '/status' })]),
    );
  });

  it('fails with heartbeat_timeout when an async engine stops sending heartbeats', async () => {
    const summary = await run('silent-engine.mjs', { heartbeatTimeoutMs: 300 });
    expect(summary).toMatchObject({
      status: 'failed',
      failureReason: 'heartbeat_timeout',
      responseKind: 'async',
    });
  });
});

describe('runProcess failure handling', () => {
  it('retries /process: two failures then success is 3 calls with 100 ms and 200 ms back-off', async () => {
    const summary = await run('flaky-engine.mjs');
    expect(summary.status).toBe('complete');
    expect(summary.processCalls.map((call) => [call.attempt, call.status, call.kind])).toEqual([
      [1, 500, 'failure'],
      [2, 500, 'failure'],
      [3, 200, 'vtn'],
    ]);
    const times = readLog(logFile)
      .filter((line) => line.event === 'process')
      .map((line) => line.at as number);
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(95);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(195);
  });

  it('fails the chunk with internal_error after the third failed call', async () => {
    const summary = await run('flaky-engine.mjs', {
      env: { PATH: process.env.PATH, FIXTURE_LOG: logFile, FLAKY_FAILURES: '5' },
    });
    expect(summary).toMatchObject({ status: 'failed', failureReason: 'internal_error' });
    expect(summary.failureMsg).toContain('temporary failure 3');
    expect(summary.processCalls).toHaveLength(3);
    expect(readLog(logFile).filter((line) => line.event === 'process')).toHaveLength(3);
  });

  it('fails a hanging engine with chunk_timeout when maxTTL runs out, and kills it', async () => {
    const started = Date.now();
    const summary = await run('hang-engine.mjs', { maxTtlSeconds: 1 });
    expect(summary).toMatchObject({ status: 'failed', failureReason: 'chunk_timeout' });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(pidIsAlive(summary.engine!.pid!)).toBe(false);
  });

  it('reports an engine crash as system_error', async () => {
    const summary = await run('crash-engine.mjs');
    expect(summary).toMatchObject({ status: 'failed', failureReason: 'system_error' });
    expect(summary.engine).toMatchObject({ crashed: true, exitCode: 3 });
  });

  it('reports invalid VTN output as a loud warning by default: the chunk completes, exit code 0', async () => {
    const summary = await run('invalid-engine.mjs');
    expect(summary).toMatchObject({ status: 'complete', invalidOutputs: 1, strict: false });
    expect(exitCodeForSummary(summary)).toBe(0);
    expect(summary.outputs[0]!.valid).toBe(false);
    expect(summary.warnings.map((warning) => warning.code)).toEqual(['invalid_output', 'invalid_outputs']);
    expect(summary.warnings[1]!.message).toMatch(/1 of 1 output\(s\) are NOT valid VTN standard/);
  });

  it('validates an output as the version its $schema names, and records that version', async () => {
    const summary = await run('v2-engine.mjs', { strict: true });
    expect(summary).toMatchObject({ status: 'complete', invalidOutputs: 0 });
    expect(summary.outputs[0]).toMatchObject({ valid: true, vtnVersion: 'v2' });
  });

  it('validates as the version the engine declares (vtnVersion) when the output names none', async () => {
    const env = { PATH: process.env.PATH, FIXTURE_LOG: logFile, FIXTURE_NO_SCHEMA: '1' };
    // A v2 concept object has no v1 counterpart: valid only when validated as v2.
    const asV1 = await run('v2-engine.mjs', { env });
    expect(asV1.outputs[0]).toMatchObject({ valid: false, vtnVersion: 'v1' });
    const asV2 = await run('v2-engine.mjs', { env, vtnVersion: 'v2' });
    expect(asV2.outputs[0]).toMatchObject({ valid: true, vtnVersion: 'v2' });
  });

  it('fails invalid VTN output with invalid_data under strict, with the issues', async () => {
    const summary = await run('invalid-engine.mjs', { strict: true });
    expect(summary).toMatchObject({ status: 'failed', failureReason: 'invalid_data', strict: true });
    expect(exitCodeForSummary(summary)).toBe(1);
    expect(summary.outputs[0]!.valid).toBe(false);
    expect(summary.validationIssues.length).toBeGreaterThan(0);
    expect(summary.validationIssues.every((issue) => issue.source === 'output' && issue.index === 0)).toBe(
      true,
    );
    // The issues come from @engine-kit/vtn-standard, which names the contract each one breaks.
    expect(summary.validationIssues.every((issue) => typeof issue.contract === 'string')).toBe(true);
    expect(summary.validationIssues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining([expect.stringContaining('/series/0/')]),
    );
  });

  it('reports an ignored chunk as ignored', async () => {
    const summary = await run('ignore-engine.mjs');
    expect(summary).toMatchObject({ status: 'ignored', responseKind: 'ignored', outputs: [] });
  });

  it('gives up at once when the ready webhook answers 500', async () => {
    const started = Date.now();
    const summary = await run('shutdown-engine.mjs', { readyTimeoutMs: 10_000 });
    expect(summary).toMatchObject({ status: 'failed', failureReason: 'system_error' });
    expect(summary.failureMsg).toContain('ready_shutdown');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('kills an engine that ignores SIGTERM with SIGKILL', async () => {
    const summary = await run('term-ignoring-engine.mjs', { stopGraceMs: 300 });
    expect(summary.status).toBe('complete');
    expect(summary.engine).toMatchObject({ signal: 'SIGKILL' });
    expect(readLog(logFile)).toEqual([{ event: 'sigterm-ignored' }]);
  });
});

describe('runProcess in library modes', () => {
  it('runs library-train as a batch task with the core URL and token', async () => {
    const summary = await run('library-engine.mjs', {
      chunk: undefined,
      payload: { mode: 'library-train', libraryId: 'lib-1', libraryEngineModelId: 'model-1' },
      veritoneApiBaseUrl: 'http://127.0.0.1:9/core',
      token: 'tok',
      libraryId: 'lib-1',
      libraryEngineModelId: 'model-1',
    });
    expect(summary).toMatchObject({ status: 'complete', mode: 'library-train', responseKind: 'async' });
    const [entry] = readLog(logFile) as { fields: Record<string, string>; hasChunk: boolean }[];
    expect(entry!.hasChunk).toBe(false);
    expect(entry!.fields).toMatchObject({
      veritoneApiBaseUrl: 'http://127.0.0.1:9/core',
      token: 'tok',
      libraryId: 'lib-1',
      libraryEngineModelId: 'model-1',
    });
    expect(entry!.fields.cacheURI).toBeUndefined();
  });
});

describe('runProcess library-run', () => {
  it('sends the chunk with the library ids and validates the library output', async () => {
    const summary = await run('library-engine.mjs', {
      payload: { mode: 'library-run', libraryId: 'lib-2', libraryEngineModelId: 'model-2' },
      veritoneApiBaseUrl: 'http://127.0.0.1:9',
      token: 'tok',
      libraryId: 'lib-2',
      libraryEngineModelId: 'model-2',
    });
    expect(summary).toMatchObject({ status: 'complete', mode: 'library-run', responseKind: 'vtn' });
    expect(summary.outputs[0]!.output).toMatchObject({
      series: [{ object: { libraryId: 'lib-2', entityId: 'e1' } }],
    });
    const [entry] = readLog(logFile).filter((line) => line.event === 'process') as { hasChunk: boolean }[];
    expect(entry!.hasChunk).toBe(true);
  });
});

describe('runProcess input checks', () => {
  it('rejects a missing chunk file before starting the engine', async () => {
    await expect(
      run('sync-engine.mjs', { chunk: { path: join(workspace.dir, 'missing.png') } }),
    ).rejects.toMatchObject({
      code: 'chunk_not_found',
    });
    expect(readLog(logFile)).toEqual([]);
  });

  it('rejects a payload that breaks the task payload contract and stops the engine', async () => {
    await expect(run('sync-engine.mjs', { payload: { mode: 'library-run' } })).rejects.toMatchObject({
      code: 'invalid_option',
    });
    expect(readLog(logFile)).toEqual([{ event: 'sigterm' }]);
  });
});

describe('runProcess with the webhooks the engine declares', () => {
  it('honours VERITONE_WEBHOOK_READY/_PROCESS on 0.0.0.0, calls them on 127.0.0.1, passes them unchanged', async () => {
    const port = await findFreePortForTest();
    const declared = [`http://0.0.0.0:${port}/healthz`, `http://0.0.0.0:${port}/api/process`];
    const summary = await run('sync-engine.mjs', {
      readyTimeoutMs: 15_000,
      env: {
        PATH: process.env.PATH,
        FIXTURE_LOG: logFile,
        VERITONE_WEBHOOK_READY: declared[0],
        VERITONE_WEBHOOK_PROCESS: declared[1],
      },
    });
    expect(summary.status).toBe('complete');
    expect(summary.engine).toMatchObject({
      webhookSource: 'environment',
      readyUrl: `http://127.0.0.1:${port}/healthz`,
      processUrl: `http://127.0.0.1:${port}/api/process`,
    });
    const [entry] = readLog(logFile).filter((line) => line.event === 'process');
    expect(entry!.webhooks).toEqual(declared);
  });

  it('lets --engine-port and the path options win over the environment', async () => {
    const port = await findFreePortForTest();
    const summary = await run('sync-engine.mjs', {
      enginePort: port,
      env: {
        PATH: process.env.PATH,
        FIXTURE_LOG: logFile,
        VERITONE_WEBHOOK_READY: 'http://0.0.0.0:1/ready',
        VERITONE_WEBHOOK_PROCESS: 'http://0.0.0.0:1/process',
      },
    });
    expect(summary.status).toBe('complete');
    expect(summary.engine).toMatchObject({
      webhookSource: 'generated',
      readyUrl: `http://127.0.0.1:${port}/ready`,
    });
  });

  it('rejects a webhook variable that is not an http URL before starting the engine', async () => {
    await expect(
      run('sync-engine.mjs', {
        env: {
          PATH: process.env.PATH,
          VERITONE_WEBHOOK_READY: 'ftp://x/ready',
          VERITONE_WEBHOOK_PROCESS: 'nope',
        },
      }),
    ).rejects.toMatchObject({ code: 'invalid_option' });
  });
});

describe('runProcess fields from the environment and options', () => {
  it('derives controllerToken from AIWARE_CONTROLLER, redacted in the summary', async () => {
    const summary = await run('sync-engine.mjs', {
      env: { PATH: process.env.PATH, FIXTURE_LOG: logFile, AIWARE_CONTROLLER: 'http://127.0.0.1:9/edge' },
    });
    const [entry] = readLog(logFile).filter((line) => line.event === 'process') as {
      fields: Record<string, string>;
    }[];
    expect(entry!.fields.controllerToken).toMatch(/^emulated-edge-token-/);
    expect(summary.fields.controllerToken).toBe('[redacted]');
  });

  it('offers redisETUrl backed by memory only on explicit opt-in', async () => {
    const summary = await run('sync-engine.mjs', { redisEt: 'memory' });
    expect(summary.redisEt).toMatchObject({ store: 'memory' });
    expect(summary.fields.redisETUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('sends token and veritoneApiBaseUrl with an ordinary chunk whenever they are configured', async () => {
    await run('sync-engine.mjs', { token: 'tok-1', veritoneApiBaseUrl: 'http://127.0.0.1:9/core' });
    const [entry] = readLog(logFile).filter((line) => line.event === 'process') as {
      fields: Record<string, string>;
    }[];
    expect(entry!.fields).toMatchObject({ token: 'tok-1', veritoneApiBaseUrl: 'http://127.0.0.1:9/core' });
  });
});
