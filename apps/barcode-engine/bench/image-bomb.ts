/**
 * The decompression bomb: a 607 KB PNG (8-bit grey, deflate level 9) declaring 25000×25000
 * pixels. Measures, in a child process, how long the barcode engine takes to refuse it and the child's
 * peak RSS. Run with `pnpm --filter @engine-kit-apps/barcode-engine bench:image-bomb`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const SIDE = 25_000;

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Rows of zeros (filter byte + 8-bit grey) compress ~1000:1, so the file stays small. */
function bomb(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIDE, 0);
  header.writeUInt32BE(SIDE, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const raw = Buffer.alloc((SIDE + 1) * SIDE);
  const idat = deflateSync(raw, { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', idat),
    pngChunk('IEND', new Uint8Array()),
  ]);
}

async function child(file: string): Promise<void> {
  const { processBarcodeChunk } = await import('../src/process-chunk.ts');
  const started = performance.now();
  let outcome: string;
  try {
    processBarcodeChunk({ chunkMimeType: 'image/png', bytes: readFileSync(file) });
    outcome = 'decoded';
  } catch (error) {
    outcome = `${(error as { code?: string }).code ?? 'error'}: ${(error as Error).message}`;
  }
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, outcome }));
}

async function parent(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'image-bomb-'));
  try {
    const file = join(work, 'bomb.png');
    writeFileSync(file, bomb());
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', new URL(import.meta.url).pathname, '--child', file],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let peak = 0;
    const timer = setInterval(() => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
        peak = Math.max(peak, Number(match?.[1] ?? 0) * 1024);
      } catch {
        // The child has exited.
      }
    }, 20);
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await new Promise((resolve) => proc.once('exit', resolve));
    clearInterval(timer);
    const result = JSON.parse(output) as { ms: number; outcome: string };
    console.log(
      `image bomb: ${statSync(file).size} bytes declaring ${SIDE}x${SIDE}: ${Math.round(result.ms)} ms, child peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB, ${result.outcome}`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) await child(process.argv[childIndex + 1] as string);
else await parent();
