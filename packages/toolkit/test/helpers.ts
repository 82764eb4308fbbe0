import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The built CLI (`pnpm --filter @engine-kit/toolkit build` first, as `pnpm test` does). */
export const CLI_LAUNCHER = join(packageDir, 'bin', 'engine-toolkit.js');

/** Starts the built CLI with only `PATH` and `env` in its environment. */
export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [CLI_LAUNCHER, ...args], {
    env: { PATH: process.env.PATH, ...env },
    ...(cwd ? { cwd } : {}),
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to its end and collects what it printed. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawnCli(args, env, cwd);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => {
      stdout += data;
    });
    child.stderr.on('data', (data) => {
      stderr += data;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function fixture(name: string): string[] {
  return [process.execPath, join(packageDir, 'test', 'fixtures', name)];
}

/** A temp folder removed by the returned `cleanup`. */
export function tempDir(prefix = 'toolkit-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function readLog(path: string): Record<string, unknown>[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  } catch {
    return [];
  }
}

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real RGB PNG (a gradient with a darker square in the middle), so browsers can show it. */
export function makePng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const inside = x > width / 4 && x < (3 * width) / 4 && y > height / 5 && y < (4 * height) / 5;
      row.set(inside ? [200, 140, 90] : [60 + (x * 150) / width, 120, 60 + (y * 150) / height], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export function writePng(dir: string, width: number, height: number, name = 'frame.png'): string {
  const path = join(dir, name);
  writeFileSync(path, makePng(width, height));
  return path;
}

/**
 * An async engine played by the test: it answers every `/process` with an acknowledgement and
 * hands over the form's text fields, so the test can drive the toolkit's webhooks itself.
 */
export async function startAcknowledgingEngine(): Promise<{
  server: Server;
  processUrl: string;
  fields: Promise<Record<string, string>>;
}> {
  let received: (value: Record<string, string>) => void = () => undefined;
  const fields = new Promise<Record<string, string>>((resolve) => {
    received = resolve;
  });
  const server = createServer(async (request, response) => {
    const parts: Buffer[] = [];
    for await (const part of request) parts.push(part as Buffer);
    const form = await new Response(Buffer.concat(parts), {
      headers: { 'content-type': request.headers['content-type']! },
    }).formData();
    received(
      Object.fromEntries([...form].filter(([, value]) => typeof value === 'string')) as Record<
        string,
        string
      >,
    );
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ estimatedProcessingTimeInSeconds: 5 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { server, processUrl: `http://127.0.0.1:${port}/process`, fields };
}
