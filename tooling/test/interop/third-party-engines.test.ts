import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { startConsole, startEngineSession, type ToolkitSummary } from '@engine-kit/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, webhookEnv } from './support/processes.ts';

/**
 * Engines written without engine-kit, shaped like the ones in the wild, run by the built
 * `engine-toolkit` with no flag but `--chunk`: the test only picks a free port and sets
 * `VERITONE_WEBHOOK_READY=http://0.0.0.0:P/ready` and `VERITONE_WEBHOOK_PROCESS=…/process`, as
 * Veritone's sample Dockerfiles do.
 */
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const cli = join(repoRoot, 'packages', 'toolkit', 'bin', 'engine-toolkit.js');
const engines = {
  'plain node:http (async, /callback)': [process.execPath, join(here, 'engines', 'plain-http-engine.mjs')],
  'express + multer (Veritone JS sample shape)': [
    process.execPath,
    join(here, 'engines', 'express-multer-engine.mjs'),
  ],
  'Python standard library': ['python3', join(here, 'engines', 'stdlib_engine.py')],
} as const;

let dir: string;
let chunk: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'interop-third-party-'));
  chunk = join(dir, 'frame.png');
  await writeFile(chunk, png(64, 48));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runCli(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
    });
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('engine-toolkit process --chunk F -- CMD, with only VERITONE_WEBHOOK_* set', () => {
  it.each(Object.entries(engines))('runs the %s engine to a valid output', async (_name, command) => {
    const port = await freePort();
    const result = await runCli(['process', '--chunk', chunk, '--', ...command], {
      PATH: process.env.PATH,
      ...webhookEnv(port),
    });
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as ToolkitSummary;
    expect(summary).toMatchObject({ status: 'complete', invalidOutputs: 0 });
    expect(summary.engine).toMatchObject({
      webhookSource: 'environment',
      processUrl: `http://127.0.0.1:${port}/process`,
    });
    expect(summary.outputs).toHaveLength(1);
    expect(summary.outputs[0]!.valid).toBe(true);
    const label = (summary.outputs[0]!.output as { series: { object: { label: string } }[] }).series[0]!
      .object.label;
    expect(label).toMatch(/^64x48/);
    // JSON typed text/plain (or text/html by express) is read as JSON, loudly.
    expect(summary.warnings.map((warning) => warning.code)).toContain('json_content_type');
    expect(result.stderr).toContain('engine-toolkit: warning:');
  });

  it('sends the chunk as chunk.data the engines read (multer and Python see its name and size)', async () => {
    const size = (await readFile(chunk)).length;
    for (const command of [
      engines['express + multer (Veritone JS sample shape)'],
      engines['Python standard library'],
    ]) {
      const result = await runCli(['process', '--chunk', chunk, '--', ...command], {
        PATH: process.env.PATH,
        ...webhookEnv(await freePort()),
      });
      expect(result.code, result.stderr).toBe(0);
      const summary = JSON.parse(result.stdout) as ToolkitSummary;
      const label = (summary.outputs[0]!.output as { series: { object: { label: string } }[] }).series[0]!
        .object.label;
      expect(label).toContain(`${size} bytes chunk.data`);
    }
  });

  it('keeps the async engine’s infoMsg-object heartbeats and its /callback output', async () => {
    const result = await runCli(
      ['process', '--chunk', chunk, '--', ...engines['plain node:http (async, /callback)']],
      {
        PATH: process.env.PATH,
        ...webhookEnv(await freePort()),
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as ToolkitSummary;
    expect(summary.responseKind).toBe('async');
    expect(summary.heartbeats.map((beat) => [beat.accepted, beat.via ?? 'heartbeat-webhook'])).toEqual([
      [true, 'heartbeat-webhook'],
      [true, 'callback'],
    ]);
    // The engine reports, in its last infoMsg, that the toolkit answered 204 to each of its posts.
    expect((summary.heartbeats[1]!.heartbeat as { infoMsg: { answers: number[] } }).infoMsg.answers).toEqual([
      204, 204,
    ]);
    expect(summary.outputs[0]).toMatchObject({ source: 'callback', valid: true });
    expect(summary.warnings.filter((warning) => warning.code === 'heartbeat_off_contract')).toHaveLength(2);
  });
});

describe('the test console with a third-party engine', () => {
  it('sends an uploaded file to the plain node:http engine and returns its summary', async () => {
    const port = await freePort();
    const session = await startEngineSession({
      command: engines['plain node:http (async, /callback)'],
      env: { PATH: process.env.PATH, ...webhookEnv(port) },
      onEngineOutput: () => undefined,
    });
    try {
      const testConsole = await startConsole({ session, port: 0 });
      try {
        const form = new FormData();
        form.append('chunk', new Blob([await readFile(chunk)], { type: 'image/png' }), 'frame.png');
        form.append('payload', '{"mode":"mode"}');
        const response = await fetch(`${testConsole.url}/api/process`, { method: 'POST', body: form });
        expect(response.status).toBe(200);
        const summary = (await response.json()) as ToolkitSummary;
        expect(summary).toMatchObject({ status: 'complete', responseKind: 'async' });
        expect(summary.outputs[0]).toMatchObject({ source: 'callback', valid: true });
      } finally {
        await testConsole.close();
      }
    } finally {
      await session.close();
    }
  });
});

/** A small valid RGB PNG (stored with zlib), so engines that decode it could. */
function png(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = ~0;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return ~c >>> 0;
  };
  const chunkOf = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((1 + width * 3) * height, 90);
  for (let y = 0; y < height; y++) rows[y * (1 + width * 3)] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunkOf('IHDR', header),
    chunkOf('IDAT', deflateSync(rows)),
    chunkOf('IEND', Buffer.alloc(0)),
  ]);
}
