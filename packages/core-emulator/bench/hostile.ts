/**
 * bench:hostile — 1,000 malformed requests of mixed kinds against a core emulator in its own
 * process, on loopback. Reports the emulator's RSS, open file descriptors and temp files before and
 * after (they must stay flat within 10%, with no temp file left), and the issue's amplifying query
 * (point 16) under the default limits. Needs `pnpm --filter @engine-kit/core-emulator build` first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const TOKEN = 'bench-hostile-token';
const REQUESTS = 1_000;
const CONCURRENCY = 8;
const ENTITIES = 30;

interface Emulator {
  child: ChildProcess;
  url: string;
  graphqlUrl: string;
}

async function startEmulator(seedPath: string, tempDir: string, extra: string[]): Promise<Emulator> {
  const launcher = new URL('../bin/core-emulator.js', import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    [launcher, '--port', '0', '--seed', seedPath, '--token', TOKEN, ...extra],
    // A temp dir of its own, so files other processes leave in the OS temp dir do not count.
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TMPDIR: tempDir } },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`core-emulator exited with ${code} before listening`)));
  });
  const { url, graphqlUrl } = JSON.parse(line) as { url: string; graphqlUrl: string };
  return { child, url, graphqlUrl };
}

function stopEmulator(emulator: Emulator): Promise<void> {
  return new Promise((resolve) => {
    if (emulator.child.exitCode !== null) return resolve();
    emulator.child.once('exit', () => resolve());
    emulator.child.kill('SIGTERM');
  });
}

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Files and folders in the emulator's temp dir, one level down (its blob folder and the uploads in it). */
function emulatorTempFiles(tempDir: string): number {
  let count = 0;
  for (const name of readdirSync(tempDir)) {
    count += 1;
    try {
      count += readdirSync(join(tempDir, name)).length;
    } catch {
      // A file, or removed while we looked.
    }
  }
  return count;
}

interface Sample {
  rss: number;
  fds: number;
  tempFiles: number;
}

function sample(pid: number, tempDir: string): Sample {
  return { rss: rssBytes(pid), fds: openFds(pid), tempFiles: emulatorTempFiles(tempDir) };
}

function raw(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'POST',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(-1));
    req.end(options.body);
  });
}

function amplifyingQuery(levels: number): string {
  let query = 'id name';
  for (let level = 0; level < levels; level += 1) query = `entities { records { library { ${query} } } }`;
  return `{ library(id: "lib") { ${query} } }`;
}

function multipart(
  parts: { name: string; filename?: string; body: string | Buffer }[],
  boundary = 'bench',
): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = part.filename
      ? `form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: application/octet-stream`
      : `form-data; name="${part.name}"`;
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`),
      Buffer.from(part.body),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

type Attack = (emulator: Emulator) => Promise<number>;

const auth = { authorization: `Bearer ${TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };
const form = { ...auth, 'content-type': 'multipart/form-data; boundary=bench' };
const oversizeUpload = Buffer.alloc(2 * 1024 * 1024, 1);
const updateModel = 'mutation { updateLibraryEngineModel(input: { id: "m" }) { id } }';

/** The malformed request kinds, sent in turn. */
const ATTACKS: Record<string, Attack> = {
  amplifyingQuery: (e) =>
    raw(e.url, { path: '/v3/graphql', headers: json, body: JSON.stringify({ query: amplifyingQuery(4) }) }),
  nesting5000: (e) =>
    raw(e.url, {
      path: '/v3/graphql',
      headers: json,
      body: JSON.stringify({
        query: `{ library(id: "lib") { ${'entities { records { library { '.repeat(5000)}id${' } } }'.repeat(5000)} } }`,
      }),
    }),
  hugeLimit: (e) =>
    raw(e.url, {
      path: '/v3/graphql',
      headers: json,
      body: JSON.stringify({ query: '{ entities(limit: 100000000) { count } }' }),
    }),
  notJson: (e) => raw(e.url, { path: '/v3/graphql', headers: json, body: '{"query": ' }),
  noQuery: (e) => raw(e.url, { path: '/v3/graphql', headers: json, body: '{"variables": {}}' }),
  oversizeJson: (e) =>
    raw(e.url, {
      path: '/v3/graphql',
      headers: json,
      body: JSON.stringify({ query: '{ x }', pad: 'x'.repeat(512 * 1024) }),
    }),
  oversizeUpload: (e) =>
    raw(e.url, {
      path: '/v3/graphql',
      headers: form,
      body: multipart([
        { name: 'query', body: updateModel },
        { name: 'file', filename: 'm.bin', body: oversizeUpload },
      ]),
    }),
  twoFiles: (e) =>
    raw(e.url, {
      path: '/v3/graphql',
      headers: form,
      body: multipart([
        { name: 'query', body: updateModel },
        { name: 'file', filename: 'a', body: 'a' },
        { name: 'file', filename: 'b', body: 'b' },
      ]),
    }),
  uploadWithInvalidQuery: (e) =>
    raw(e.url, {
      path: '/v3/graphql',
      headers: form,
      body: multipart([
        { name: 'query', body: '{ nope }' },
        { name: 'file', filename: 'a', body: 'abc' },
      ]),
    }),
  truncatedMultipart: (e) =>
    raw(e.url, {
      path: '/v3/graphql',
      headers: form,
      body: '--bench\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ libr',
    }),
  badVariables: (e) =>
    raw(e.url, {
      path: '/v3/graphql',
      headers: form,
      body: multipart([
        { name: 'query', body: '{ libraries { count } }' },
        { name: 'variables', body: '[1' },
      ]),
    }),
  hostInjection: (e) =>
    raw(e.url, {
      path: '/v3/graphql',
      headers: { ...json, host: 'a@evil.example/x?' },
      body: JSON.stringify({ query: '{ libraryEngineModel(id: "m") { dataUrl } }' }),
    }),
  noToken: (e) =>
    raw(e.url, {
      path: '/v3/graphql',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ libraries { count } }"}',
    }),
  controlWithoutToken: (e) => raw(e.url, { method: 'GET', path: '/_emulator/jobs' }),
  badPercentEncoding: (e) => raw(e.url, { method: 'GET', path: '/media/%E0%A4%A/x' }),
  badTarget: (e) => raw(e.url, { method: 'GET', path: '//[bad' }),
};

async function hostileRun(
  emulator: Emulator,
): Promise<{ statuses: Record<string, Record<number, number>>; ms: number }> {
  const names = Object.keys(ATTACKS);
  const statuses: Record<string, Record<number, number>> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const index = next++;
        const name = names[index % names.length] as string;
        const status = await (ATTACKS[name] as Attack)(emulator);
        statuses[name] ??= {};
        const counts = statuses[name];
        counts[status] = (counts[status] ?? 0) + 1;
      }
    }),
  );
  return { statuses, ms: performance.now() - started };
}

async function amplifyingQueryRun(
  emulator: Emulator,
): Promise<{ ms: number; bytes: number; status: number; peakRss: number }> {
  const pid = emulator.child.pid as number;
  let peakRss = rssBytes(pid);
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, rssBytes(pid));
  }, 10);
  const started = performance.now();
  const response = await fetch(emulator.graphqlUrl, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ query: amplifyingQuery(4) }),
  });
  const bytes = (await response.arrayBuffer()).byteLength;
  const ms = performance.now() - started;
  clearInterval(timer);
  return { ms, bytes, status: response.status, peakRss: Math.max(peakRss, rssBytes(pid)) };
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-hostile-'));
  const seedPath = join(work, 'seed.json');
  writeFileSync(
    seedPath,
    JSON.stringify({
      libraries: [
        {
          id: 'lib',
          name: 'L',
          entities: Array.from({ length: ENTITIES }, (_, index) => ({ name: `E${index}` })),
          engineModels: [{ id: 'm', engineId: 'e' }],
        },
      ],
    }),
  );
  const tempDir = join(work, 'tmp');
  mkdirSync(tempDir);
  const tempBefore = emulatorTempFiles(tempDir);
  const emulator = await startEmulator(seedPath, tempDir, [
    '--max-body-bytes',
    '262144',
    '--max-upload-bytes',
    '1048576',
  ]);
  try {
    const pid = emulator.child.pid as number;
    // Warm-up: one full run, so the heap reaches the size this load needs and lazily built parts
    // (schema, document cache) are in place; a leak shows as growth over the measured second run.
    const warmUp = await hostileRun(emulator);
    const before = sample(pid, tempDir);
    const run = await hostileRun(emulator);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = sample(pid, tempDir);
    console.log(`warm-up run: ${Math.round(warmUp.ms)} ms, RSS at its end ${mb(before.rss)} MB`);
    const amplifying = await amplifyingQueryRun(emulator);

    console.log(
      `bench:hostile: ${REQUESTS} malformed requests, ${Object.keys(ATTACKS).length} kinds, concurrency ${CONCURRENCY}, ${Math.round(run.ms)} ms`,
    );
    console.log('| kind | answers (status: count) |');
    console.log('| --- | --- |');
    for (const [name, counts] of Object.entries(run.statuses)) {
      console.log(
        `| ${name} | ${Object.entries(counts)
          .map(([status, count]) => `${status}: ${count}`)
          .join(', ')} |`,
      );
    }
    const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? 1 : Number.POSITIVE_INFINITY) : a / b);
    console.log('\n| measure | before | after | after/before |');
    console.log('| --- | --- | --- | --- |');
    console.log(
      `| RSS MB | ${mb(before.rss)} | ${mb(after.rss)} | ${ratio(after.rss, before.rss).toFixed(2)} |`,
    );
    console.log(`| open fds | ${before.fds} | ${after.fds} | ${ratio(after.fds, before.fds).toFixed(2)} |`);
    console.log(`| emulator temp files | ${before.tempFiles} | ${after.tempFiles} | |`);
    console.log(
      `\npoint 16 (amplifying query, 4 levels over ${ENTITIES} entities, default limits): HTTP ${amplifying.status}, ${Math.round(amplifying.ms)} ms, ${amplifying.bytes} bytes, peak RSS ${mb(amplifying.peakRss)} MB`,
    );
    const crashed = Object.values(run.statuses).some((counts) =>
      Object.keys(counts).some((status) => Number(status) >= 500 || Number(status) < 0),
    );
    const flat =
      ratio(after.rss, before.rss) <= 1.1 &&
      after.fds <= before.fds * 1.1 &&
      after.tempFiles <= before.tempFiles;
    await stopEmulator(emulator);
    const tempAfter = emulatorTempFiles(tempDir);
    console.log(`temp files after the emulator stopped: ${tempAfter} (before it started: ${tempBefore})`);
    if (crashed || !flat || tempAfter > tempBefore) {
      console.error(
        `bench:hostile FAILED: ${crashed ? '5xx or dropped connections; ' : ''}${flat ? '' : 'not flat within 10%; '}${tempAfter > tempBefore ? 'temp files left' : ''}`,
      );
      process.exitCode = 1;
    }
  } finally {
    await stopEmulator(emulator);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
