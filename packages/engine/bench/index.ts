import { type ChildProcess, execFile, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildProcessForm } from '@engine-kit/contracts';

/**
 * Round trips of a trivial chunk engine built with @engine-kit/engine against the same multipart
 * work done by a bare node:http + busboy handler and by Express + multer. The client runs in a child
 * process; each server gets a warm-up, then ROUNDS measured runs, and its median run is reported.
 */
const REQUESTS = 2_000;
const WARMUP = 300;
const IN_FLIGHT = 16;
const ROUNDS = 5;
const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  /** CPU time (user + system) the server process spent per request, in microseconds. */
  cpuPerRequest: number;
}

interface ServerProcess {
  url: string;
  child: ChildProcess;
}

function startServerProcess(kind: string): Promise<ServerProcess> {
  const child = fork(join(here, 'server-process.ts'), [kind], { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ url: (message as { url: string }).url, child }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

function cpuMicros(server: ServerProcess): Promise<number> {
  return new Promise((resolve) => {
    server.child.once('message', (message) => {
      const { cpu } = message as { cpu: NodeJS.CpuUsage };
      resolve(cpu.user + cpu.system);
    });
    server.child.send('cpu');
  });
}

async function measured(server: ServerProcess, contentType: string, body: Buffer): Promise<Measure> {
  const before = await cpuMicros(server);
  const load = await loadOnce(server.url, REQUESTS, contentType, body);
  const after = await cpuMicros(server);
  return { ...load, cpuPerRequest: (after - before) / REQUESTS };
}

async function requestBody(): Promise<{ contentType: string; body: Buffer }> {
  const form = buildProcessForm(
    {
      internalJobId: 'bench-job',
      internalTaskId: 'bench-task',
      chunkMimeType: 'image/png',
      startOffsetMS: 0,
      endOffsetMS: 1000,
      payload: { confidenceThreshold: 0.5 },
      chunkMetadata: { 'x-aiware-chunk-timestamp': '1700000000000' },
    },
    { data: new Uint8Array(PNG), filename: 'frame.png', contentType: 'image/png' },
  );
  const response = new Response(form);
  return {
    contentType: response.headers.get('content-type')!,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

async function loadOnce(
  url: string,
  count: number,
  contentType: string,
  body: Buffer,
): Promise<Omit<Measure, 'cpuPerRequest'>> {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      join(here, 'client.ts'),
      url,
      String(count),
      String(IN_FLIGHT),
      contentType,
      body.toString('base64'),
    ],
    { maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout) as Omit<Measure, 'cpuPerRequest'>;
}

const SERVERS: Array<[string, string]> = [
  ['@engine-kit/engine', 'engine'],
  ['node:http + busboy', 'bare'],
  ['express + multer', 'express'],
];

const { contentType, body } = await requestBody();
const servers = await Promise.all(SERVERS.map(([, kind]) => startServerProcess(kind)));
const runs: Measure[][] = SERVERS.map(() => []);
try {
  for (const server of servers) await loadOnce(server.url, WARMUP, contentType, body);
  // Rounds interleave the servers so that load from other processes on the machine hits all of them alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, server] of servers.entries())
      runs[index]!.push(await measured(server, contentType, body));
  }
} finally {
  for (const server of servers) server.child.send('close');
}
const results = runs.map((measures, index) => {
  const sorted = [...measures].sort((a, b) => a.rps - b.rps);
  return { name: SERVERS[index]![0], ...sorted[Math.floor(sorted.length / 2)]! };
});

console.log(
  `${REQUESTS} requests per run, ${IN_FLIGHT} in flight, ${body.length}-byte multipart body (PNG chunk), median of ${ROUNDS} interleaved runs\n`,
);
const cpu = runs.map((measures) => median(measures.map((run) => run.cpuPerRequest)));
console.log('| server | req/s | p50 ms | p99 ms | server CPU µs/request |');
console.log('|---|---:|---:|---:|---:|');
for (const [index, result] of results.entries()) {
  const row = [result.rps.toFixed(0), result.p50.toFixed(2), result.p99.toFixed(2), cpu[index]!.toFixed(0)];
  console.log(`| ${result.name} | ${row.join(' | ')} |`);
}
const [engine, bare, expressResult] = results as unknown as [Measure, Measure, Measure];
const vsBare = engine.rps / bare.rps;
const vsExpress = engine.rps / expressResult.rps;
console.log(
  `\nthroughput engine / bare: ${vsBare.toFixed(2)} (target >= 0.80: ${vsBare >= 0.8 ? 'met' : 'NOT met'})`,
);
console.log(
  `throughput engine / express: ${vsExpress.toFixed(2)} (target > 1.00: ${vsExpress > 1 ? 'met' : 'NOT met'})`,
);
console.log(
  `CPU per request, bare / engine: ${(cpu[1]! / cpu[0]!).toFixed(2)}; express / engine: ${(cpu[2]! / cpu[0]!).toFixed(2)}`,
);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
