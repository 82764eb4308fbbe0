import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/**
 * Issue 11's hostile benchmark for the engine runtime: 1,000 malformed `/process` requests of mixed
 * kinds, 16 at a time, against a real engine process on 127.0.0.1. Reports the engine's RSS, its open
 * file descriptors (/proc/<pid>/fd) and the chunk files in its temp folder before and after; exits 1
 * when RSS or descriptors grew by more than 10% or a temp file is left.
 */
const REQUESTS = Number(process.env.HOSTILE_REQUESTS ?? 1_000);
const WARMUP = 200;
const IN_FLIGHT = 16;
/** Longer than the engine's keep-alive timeout (5 s): idle client connections are closed by then. */
const SETTLE_MS = 6_500;
const here = dirname(fileURLToPath(import.meta.url));

interface Sample {
  rssMiB: number;
  fds: number;
  tempFiles: number;
}

type Kind = (url: string) => Promise<string>;

const fieldsForm = (fields: Array<[string, string]>, file?: { name: string; bytes: number }) => {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  if (file) form.append(file.name, new Blob([new Uint8Array(file.bytes)]), 'chunk.data');
  return form;
};

async function post(url: string, body: FormData | string, headers: Record<string, string> = {}) {
  try {
    const response = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(15_000) });
    await response.arrayBuffer();
    return String(response.status);
  } catch (error) {
    return `error:${(error as Error).name}`;
  }
}

/** Sends raw bytes, then closes (or waits for the answer); resolves with the status line or `closed`. */
function raw(url: string, data: string, { cut }: { cut: boolean }): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.on('error', () => undefined);
    socket.on('data', (piece: Buffer) => {
      received += piece.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(/^HTTP\/1\.1 (\d+)/.exec(received)?.[1] ?? 'closed');
    });
    socket.on('connect', () => {
      socket.write(data);
      if (cut) setTimeout(() => socket.destroy(), 50);
    });
  });
}

const ids: Array<[string, string]> = [
  ['internalJobId', 'hostile-job'],
  ['internalTaskId', 'hostile-task'],
];

function kinds(silentUrl: string): Array<[string, Kind]> {
  return [
    ['text chunk field', (url) => post(url, fieldsForm([...ids, ['chunk', '/etc/passwd']]))],
    [
      "taskTmpDir with '..'",
      (url) =>
        post(url, fieldsForm([...ids, ['taskTmpDir', '/tmp/a/../../etc']], { name: 'chunk', bytes: 512 })),
    ],
    [
      'missing taskTmpDir',
      (url) =>
        post(url, fieldsForm([...ids, ['taskTmpDir', '/nonexistent/x']], { name: 'chunk', bytes: 512 })),
    ],
    ['not multipart', (url) => post(url, '{"internalJobId":1}', { 'content-type': 'application/json' })],
    [
      'broken multipart',
      (url) =>
        post(url, '--a\r\nContent-Disposition: form-data; name="x"\r\n\r\nv\r\n--b--', {
          'content-type': 'multipart/form-data; boundary=a',
        }),
    ],
    ['oversize chunk', (url) => post(url, fieldsForm(ids, { name: 'chunk', bytes: 64 * 1024 + 1 }))],
    ['oversize field', (url) => post(url, fieldsForm([...ids, ['payload', `{}${' '.repeat(4 * 1024)}`]]))],
    [
      'too many fields',
      (url) => post(url, fieldsForm(Array.from({ length: 70 }, (_, i): [string, string] => [`f${i}`, 'v']))),
    ],
    ['duplicate field', (url) => post(url, fieldsForm([...ids, ['width', '1'], ['width', '2']]))],
    ['non-integer width', (url) => post(url, fieldsForm([...ids, ['width', 'wide']]))],
    ['unexpected file part', (url) => post(url, fieldsForm(ids, { name: 'other', bytes: 128 }))],
    [
      'file:// cacheURI',
      (url) =>
        post(url, fieldsForm([...ids, ['payload', '{"read":true}'], ['cacheURI', 'file:///etc/passwd']])),
    ],
    [
      'silent cacheURI',
      (url) => post(url, fieldsForm([...ids, ['payload', '{"read":true}'], ['cacheURI', silentUrl]])),
    ],
    [
      'body cut mid-way',
      (url) =>
        raw(
          url,
          `POST /process HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=z\r\nContent-Length: 60000\r\n\r\n--z\r\nContent-Disposition: form-data; name="chunk"; filename="c"\r\n\r\n${'x'.repeat(20_000)}`,
          { cut: true },
        ),
    ],
    ['invalid HTTP', (url) => raw(url, 'PST /process HTTP/9\r\n\x00\x01garbage\r\n\r\n', { cut: false })],
    [
      'handler past maxTTL',
      (url) => post(url, fieldsForm([...ids, ['maxTTL', '1'], ['payload', '{"hang":true}']])),
    ],
  ];
}

function sample(pid: number, tempDir: string): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return {
    rssMiB: Math.round((rssKiB / 1024) * 10) / 10,
    fds: readdirSync(`/proc/${pid}/fd`).length,
    tempFiles: readdirSync(tempDir).length,
  };
}

async function sendMix(
  url: string,
  list: Array<[string, Kind]>,
  count: number,
  tally: Map<string, Map<string, number>>,
) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      // The hanging handler holds a slot for a second: send it 1 time in 50, every other kind evenly.
      const hang = index % 50 === 49;
      const [name, send] = hang ? list[list.length - 1]! : list[index % (list.length - 1)]!;
      const outcome = await send(url);
      const byOutcome = tally.get(name) ?? new Map<string, number>();
      byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
      tally.set(name, byOutcome);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

function startEngine(tempDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'hostile-engine.ts')], {
    env: { ...process.env, HOSTILE_TMP_DIR: tempDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (piece: Buffer) => {
      out += piece.toString('utf8');
      const match = /LISTENING (\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`the engine exited (${code}) before listening`)));
  });
}

const tempDir = mkdtempSync(join(tmpdir(), 'engine-hostile-bench-'));
const silent = createServer(() => undefined);
await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/never`;
const { child, url } = await startEngine(tempDir);
const pid = child.pid!;
try {
  const list = kinds(silentUrl);
  const start = sample(pid, tempDir);
  await sendMix(url, list, WARMUP, new Map());
  await sleep(SETTLE_MS);
  const before = sample(pid, tempDir);
  const tally = new Map<string, Map<string, number>>();
  const began = Date.now();
  await sendMix(url, list, REQUESTS, tally);
  const seconds = (Date.now() - began) / 1000;
  const right = sample(pid, tempDir);
  await sleep(SETTLE_MS);
  const after = sample(pid, tempDir);

  console.log(
    `${REQUESTS} malformed requests, ${IN_FLIGHT} in flight, ${seconds.toFixed(1)} s (after ${WARMUP} warm-up)`,
  );
  console.log('\nkind                      answers');
  for (const [name, outcomes] of tally) {
    console.log(`${name.padEnd(26)}${[...outcomes].map(([outcome, n]) => `${outcome} x${n}`).join(', ')}`);
  }
  console.log('\n| sample | RSS MiB | open fds | temp files |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [label, at] of [
    ['engine started', start],
    ['before (after warm-up)', before],
    ['right after the run', right],
    [`after ${SETTLE_MS / 1000} s`, after],
  ] as const) {
    console.log(`| ${label} | ${at.rssMiB} | ${at.fds} | ${at.tempFiles} |`);
  }
  const rssRatio = after.rssMiB / before.rssMiB;
  const fdRatio = after.fds / before.fds;
  console.log(
    `\nRSS after/before ${rssRatio.toFixed(3)}, fds after/before ${fdRatio.toFixed(3)}, temp files left ${after.tempFiles}`,
  );
  const flat = rssRatio <= 1.1 && fdRatio <= 1.1 && after.tempFiles === 0;
  console.log(flat ? 'flat within 10%, no temp file left' : 'NOT FLAT: see the figures above');
  process.exitCode = flat ? 0 : 1;
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  silent.closeAllConnections();
  silent.close();
  rmSync(tempDir, { recursive: true, force: true });
}
