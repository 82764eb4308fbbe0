/**
 * bench:hostile — hostile input against the toolkit's servers, on loopback only.
 *
 * 1. 1,000 malformed requests of mixed kinds to the test console, the toolkit's heartbeat, result
 *    and callback webhooks and redisET (memory and a real redis-server); reports RSS, open file
 *    descriptors and temp files before and after (flat within 10%, no temp file left).
 * 2. The issue's figures: a 600,000,000-byte console upload (point 11), four 200 MB extra file parts
 *    (point 11), 15 × 60 MB malformed heartbeats (point 12) and redisET GET of 10/20/40/60 MB through
 *    Redis and memory (point 15).
 *
 * Run: `pnpm --filter @engine-kit/toolkit bench:hostile` (needs /usr/bin/redis-server). `--quick`
 * skips the large figures.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import busboy from 'busboy';
import {
  type EngineSession,
  MemoryKeyValueStore,
  RedisKeyValueStore,
  startConsole,
  startToolkit,
  type Toolkit,
} from '../src/index.ts';

const REQUESTS = 1_000;
const CONCURRENCY = 8;
const WARMUP_REQUESTS = 1_000;
const MB = 1_000_000;
const quick = process.argv.includes('--quick');

/** An in-process engine: answers `/process` with the chunk's byte count (non-VTN), or async. */
async function startBenchEngine(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    if (request.method === 'GET') {
      response.end();
      return;
    }
    let bytes = 0;
    let mode = 'sync';
    const parser = busboy({ headers: request.headers });
    parser.on('field', (name, value) => {
      if (name === 'payload' && value.includes('"async"')) mode = 'async';
    });
    parser.on('file', (_name, stream) => {
      stream.on('data', (data: Buffer) => {
        bytes += data.length;
      });
    });
    parser.on('close', () => {
      if (mode === 'async') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"estimatedProcessingTimeInSeconds":60}');
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`bytes=${bytes}`);
    });
    parser.on('error', () => response.destroy());
    request.pipe(parser);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}` };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  for (let attempt = 0; attempt < 200; attempt++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return { port, child };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start');
}

function countFiles(dir: string): number {
  let count = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const path = join(dir, name);
    try {
      count += statSync(path).isDirectory() ? countFiles(path) : 1;
    } catch {
      // removed while we looked
    }
  }
  return count;
}

interface Sample {
  rssMb: number;
  fds: number;
  tempFiles: number;
}

function sample(workDir: string): Sample {
  return {
    rssMb: Math.round(process.memoryUsage.rss() / 1e5) / 10,
    fds: readdirSync('/proc/self/fd').length,
    tempFiles: countFiles(workDir),
  };
}

/** Sends raw bytes and reads the answer; `null` status means the server closed without answering. */
function raw(
  url: string,
  options: { method: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<{ status: number | null; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const target = new URL(url);
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: options.method,
        path: options.path,
        headers: { connection: 'close', ...options.headers },
        agent: false,
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode ?? null, ms: performance.now() - started }),
        );
        response.on('error', () =>
          resolve({ status: response.statusCode ?? null, ms: performance.now() - started }),
        );
      },
    );
    req.setTimeout(30_000, () => req.destroy());
    req.on('error', () => resolve({ status: null, ms: performance.now() - started }));
    req.end(options.body);
  });
}

type Attack = (index: number) => Promise<{ status: number | null }>;

function attacks(consoleUrl: string, toolkitUrl: string, taskId: string, jobId: string): [string, Attack][] {
  const boundary = 'bench-boundary';
  const multipart = (parts: string) => `--${boundary}\r\n${parts}--${boundary}--\r\n`;
  return [
    [
      'console: non-multipart POST',
      () =>
        raw(consoleUrl, {
          method: 'POST',
          path: '/api/process',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        }),
    ],
    [
      'console: truncated multipart',
      () =>
        raw(consoleUrl, {
          method: 'POST',
          path: '/api/process',
          body: `--${boundary}\r\nContent-Disposition: form-data; name="chunk"; filename="a"\r\n\r\nabc`,
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        }),
    ],
    [
      'console: invalid chunkMetadata',
      () =>
        raw(consoleUrl, {
          method: 'POST',
          path: '/api/process',
          body: multipart(`Content-Disposition: form-data; name="chunkMetadata"\r\n\r\n{"a":{"b":1}}\r\n`),
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        }),
    ],
    [
      'console: traversal task id',
      (i) =>
        raw(consoleUrl, {
          method: 'POST',
          path: '/api/process',
          body: multipart(
            `Content-Disposition: form-data; name="internalTaskId"\r\n\r\n../../../../tmp/ek-bench-${i}\r\n`,
          ),
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        }),
    ],
    [
      'console: foreign Origin',
      () =>
        raw(consoleUrl, {
          method: 'POST',
          path: '/api/process',
          body: multipart(''),
          headers: {
            'content-type': `multipart/form-data; boundary=${boundary}`,
            origin: 'http://evil.example',
          },
        }),
    ],
    [
      'console: foreign Host',
      () => raw(consoleUrl, { method: 'GET', path: '/api/defaults', headers: { host: 'evil.example' } }),
    ],
    [
      'webhook: bad percent-encoding',
      () => raw(toolkitUrl, { method: 'POST', path: '/heartbeat/%E0%A4%A', body: '{}' }),
    ],
    [
      'webhook: malformed heartbeat',
      () =>
        raw(toolkitUrl, {
          method: 'POST',
          path: `/heartbeat/${taskId}`,
          body: 'x'.repeat(64 * 1024),
          headers: { 'content-type': 'application/json' },
        }),
    ],
    [
      'webhook: malformed result',
      () =>
        raw(toolkitUrl, {
          method: 'POST',
          path: `/result/${taskId}`,
          body: '{"output":',
          headers: { 'content-type': 'application/json' },
        }),
    ],
    [
      'webhook: broken multipart result',
      () =>
        raw(toolkitUrl, {
          method: 'POST',
          path: `/result/${taskId}`,
          body: `--${boundary}\r\nbroken`,
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        }),
    ],
    [
      'webhook: callback array',
      () =>
        raw(toolkitUrl, {
          method: 'POST',
          path: `/callback/${taskId}`,
          body: '[1,2,3]',
          headers: { 'content-type': 'application/json' },
        }),
    ],
    [
      'redisET: injected key',
      () => raw(toolkitUrl, { method: 'POST', path: `/keys/j${jobId}/secret%3Atoken`, body: 'x' }),
    ],
    [
      'redisET: bad percent-encoding',
      () => raw(toolkitUrl, { method: 'GET', path: `/keys/j${jobId}/%E0%A4%A` }),
    ],
    [
      'redisET: bad ttl',
      () => raw(toolkitUrl, { method: 'POST', path: `/keys/t${taskId}/k?ttlInSeconds=-1`, body: 'x' }),
    ],
    ['redisET: foreign job', () => raw(toolkitUrl, { method: 'GET', path: '/keys/jnot-mine/k' })],
  ];
}

async function hammer(label: string, all: [string, Attack][], workDir: string) {
  // BENCH_SKIP=word skips attacks whose name contains it (to measure code that crashes on one).
  const skip = process.env.BENCH_SKIP;
  const list = skip ? all.filter(([name]) => !name.includes(skip)) : all;
  // A warm-up round first (JIT, heap, sockets), so "before" is the steady state and not a cold start.
  // It runs at the measured concurrency: a sequential warm-up leaves the allocator sized for one
  // request at a time, and the first concurrent round then shows that growth as if it were a leak.
  let warmed = 0;
  const warmUp = async () => {
    while (warmed < WARMUP_REQUESTS) {
      const round = warmed++;
      await list[round % list.length]![1](-1 - round);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, warmUp));
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = sample(workDir);
  const statuses = new Map<string, Map<string, number>>();
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      const index = next++;
      const [name, attack] = list[index % list.length]!;
      const { status } = await attack(index);
      const byStatus = statuses.get(name) ?? new Map<string, number>();
      byStatus.set(String(status), (byStatus.get(String(status)) ?? 0) + 1);
      statuses.set(name, byStatus);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = sample(workDir);
  console.log(`\n## ${REQUESTS} malformed requests (${label})`);
  for (const [name, byStatus] of statuses)
    console.log(
      `  ${name.padEnd(34)} ${[...byStatus].map(([status, count]) => `${status}×${count}`).join(' ')}`,
    );
  console.log(`  before: ${JSON.stringify(before)}`);
  console.log(`  after:  ${JSON.stringify(after)}`);
  const flat = (a: number, b: number) => b <= a * 1.1 + 1;
  const rssFlat = flat(before.rssMb, after.rssMb);
  const fdsFlat = flat(before.fds, after.fds);
  const tempLeft = after.tempFiles - before.tempFiles;
  console.log(
    `  rss ${rssFlat ? 'flat' : 'GREW'}, fds ${fdsFlat ? 'flat' : 'GREW'}, temp files left ${tempLeft}`,
  );
  // The target is part of the bench: a round that is not flat within 10%, or leaves files, fails it.
  if (!rssFlat || !fdsFlat || tempLeft > 0) process.exitCode = 1;
}

/** Samples the process RSS while `work` runs and returns the peak, in MB. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakMb: number; seconds: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const started = performance.now();
  try {
    const value = await work();
    return { value, peakMb: Math.round(peak / 1e6), seconds: (performance.now() - started) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

/** A multipart body streamed from generated bytes: `parts` files of `bytes` each. */
function streamedUpload(
  consoleUrl: string,
  files: { field: string; bytes: number }[],
): Promise<{ status: number | null; body: string }> {
  const boundary = 'bench-upload-boundary';
  const target = new URL(consoleUrl);
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: '/api/process',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, connection: 'close' },
        agent: false,
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on('data', (data: Buffer) => parts.push(data));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? null, body: Buffer.concat(parts).toString('utf8') }),
        );
      },
    );
    req.on('error', (error) => resolve({ status: null, body: error.message }));
    const block = Buffer.alloc(1 << 20, 0x61);
    (async () => {
      const write = (data: Buffer | string) =>
        new Promise<void>((done) => {
          if (req.write(data)) done();
          else req.once('drain', done);
        });
      try {
        for (const file of files) {
          await write(
            `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="f.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
          );
          let left = file.bytes;
          while (left > 0 && !req.destroyed) {
            const size = Math.min(left, block.length);
            await write(size === block.length ? block : block.subarray(0, size));
            left -= size;
          }
          await write('\r\n');
        }
        req.end(`--${boundary}--\r\n`);
      } catch {
        req.destroy();
      }
    })();
  });
}

async function postMany(url: string, path: string, count: number, bytes: number): Promise<(number | null)[]> {
  const body = Buffer.alloc(bytes, 0x78);
  const statuses: (number | null)[] = [];
  for (let index = 0; index < count; index++)
    statuses.push(
      (await raw(url, { method: 'POST', path, body, headers: { 'content-type': 'application/json' } }))
        .status,
    );
  return statuses;
}

async function figures(engineUrl: string, redisPort: number) {
  console.log('\n## figures');
  // BENCH_FIGURES=11,12 runs only those points.
  const wanted = (point: string) =>
    !process.env.BENCH_FIGURES || process.env.BENCH_FIGURES.split(',').includes(point);
  // Point 11: an upload over the console limit, and extra file parts.
  if (wanted('11')) {
    const workDir = mkdtempSync(join(tmpdir(), 'ek-bench-console-'));
    const toolkit = await startToolkit({ processUrl: `${engineUrl}/process`, workDir });
    const session = fakeSession(toolkit, engineUrl);
    const testConsole = await startConsole({ session, port: 0 });
    const big = await peakRss(() =>
      streamedUpload(testConsole.url, [{ field: 'chunk', bytes: 600_000_000 }]),
    );
    const summary = safeJson(big.value.body) as { status?: string; outputs?: { body?: string }[] };
    console.log(
      `  point 11: 600,000,000-byte upload -> HTTP ${big.value.status}, ${summary?.status ?? big.value.body.slice(0, 120)}, engine got ${summary?.outputs?.[0]?.body ?? '-'}, peak RSS ${big.peakMb} MB, ${big.seconds.toFixed(1)} s`,
    );
    const parts = await peakRss(() =>
      streamedUpload(testConsole.url, [
        { field: 'chunk', bytes: 1000 },
        ...Array.from({ length: 4 }, (_, index) => ({ field: `extra${index}`, bytes: 200 * MB })),
      ]),
    );
    console.log(
      `  point 11: four 200 MB extra file parts -> HTTP ${parts.value.status}, peak RSS ${parts.peakMb} MB, ${parts.seconds.toFixed(1)} s`,
    );
    await testConsole.close();
    await toolkit.close();
    console.log(`  point 11: files left in the work folder: ${countFiles(workDir)}`);
    rmSync(workDir, { recursive: true, force: true });
  }
  // Point 12: 15 × 60 MB malformed heartbeats, then the summary is printed.
  if (wanted('12')) {
    const toolkit = await startToolkit({ processUrl: `${engineUrl}/process` });
    const running = toolkit.runChunk({
      internalJobId: 'bench-job',
      internalTaskId: 'bench-hb',
      payload: { mode: 'async' },
      heartbeatTimeoutMs: 120_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const beats = await peakRss(() => postMany(toolkit.url, '/heartbeat/bench-hb', 15, 60 * MB));
    await raw(toolkit.url, { method: 'POST', path: '/heartbeat/bench-hb', body: '{"status":"complete"}' });
    const summary = await running;
    global.gc?.();
    const retainedMb = Math.round(process.memoryUsage.rss() / 1e6);
    let printed: string;
    try {
      printed = `printed ${(JSON.stringify(summary, null, 2).length / 1e6).toFixed(2)} MB`;
    } catch (error) {
      printed = `JSON.stringify threw ${(error as Error).name}: ${(error as Error).message}`;
    }
    console.log(
      `  point 12: 15 × 60 MB malformed heartbeats -> ${[...new Set(beats.value)].join(',')}, peak RSS ${beats.peakMb} MB, RSS after GC ${retainedMb} MB (with --expose-gc); summary ${printed}`,
    );
    await toolkit.close();
  }
  // Point 15: GET through redisET of values of 10/20/40/60 MB.
  for (const kind of wanted('15') ? (['redis', 'memory'] as const) : []) {
    const store =
      kind === 'redis'
        ? new RedisKeyValueStore({ host: '127.0.0.1', port: redisPort, keyPrefix: 'bench:' })
        : new MemoryKeyValueStore();
    const toolkit = await startToolkit({ processUrl: `${engineUrl}/process`, redisEt: store });
    const running = toolkit.runChunk({
      internalJobId: 'bench-job',
      internalTaskId: 'bench-get',
      payload: { mode: 'async' },
      heartbeatTimeoutMs: 120_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const times: string[] = [];
    for (const size of [10, 20, 40, 60]) {
      const value = Buffer.alloc(size * MB, 0x62);
      await fetch(`${toolkit.url}/keys/tbench-get/v${size}`, { method: 'POST', body: value });
      const started = performance.now();
      const read = await fetch(`${toolkit.url}/keys/tbench-get/v${size}`);
      const got = (await read.arrayBuffer()).byteLength;
      const seconds = (performance.now() - started) / 1000;
      times.push(
        `${size} MB ${seconds.toFixed(2)} s${got === size * MB ? '' : ` (got ${got} bytes, ${read.status})`}`,
      );
    }
    console.log(`  point 15: GET via redisET (${kind}): ${times.join(', ')}`);
    await raw(toolkit.url, { method: 'POST', path: '/heartbeat/bench-get', body: '{"status":"complete"}' });
    await running;
    await toolkit.close();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The console needs a session; the engine here lives in this process, so its exit never comes. */
function fakeSession(toolkit: Toolkit, engineUrl: string): EngineSession {
  return {
    toolkit,
    readyUrl: `${engineUrl}/ready`,
    engine: { exited: new Promise(() => {}) },
  } as unknown as EngineSession;
}

async function main() {
  const engine = await startBenchEngine();
  const redis = await startRedis();
  // Even if a case crashes the bench, the redis-server it started goes with it.
  process.once('exit', () => redis.child.kill('SIGKILL'));
  const workDir = mkdtempSync(join(tmpdir(), 'ek-bench-hostile-'));
  try {
    for (const kind of process.argv.includes('--figures-only') ? [] : (['memory', 'redis'] as const)) {
      const store =
        kind === 'memory'
          ? new MemoryKeyValueStore()
          : new RedisKeyValueStore({ host: '127.0.0.1', port: redis.port, keyPrefix: 'bench-hostile:' });
      const runDir = join(workDir, kind);
      const toolkit = await startToolkit({
        processUrl: `${engine.url}/process`,
        redisEt: store,
        workDir: runDir,
      });
      const testConsole = await startConsole({ session: fakeSession(toolkit, engine.url), port: 0 });
      const running = toolkit.runChunk({
        internalJobId: 'bench-job',
        internalTaskId: 'bench-task',
        payload: { mode: 'async' },
        heartbeatTimeoutMs: 600_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await hammer(
        `redisET ${kind}`,
        attacks(testConsole.url, toolkit.url, 'bench-task', 'bench-job'),
        runDir,
      );
      await raw(toolkit.url, {
        method: 'POST',
        path: '/heartbeat/bench-task',
        body: '{"status":"complete"}',
      });
      await running;
      await testConsole.close();
      await toolkit.close();
    }
    const escaped = readdirSync(tmpdir()).filter(
      (name) => name.startsWith('ek-bench-') && !name.startsWith('ek-bench-hostile-'),
    );
    console.log(`\n  folders created outside the work folder by traversal ids: ${escaped.length}`);
    for (const name of escaped) rmSync(join(tmpdir(), name), { recursive: true, force: true });
    if (!quick) await figures(engine.url, redis.port);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    redis.child.kill('SIGTERM');
    await new Promise<void>((resolve) => engine.server.close(() => resolve()));
  }
}

await main();
