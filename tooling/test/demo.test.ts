import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const demo = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo.mjs');
const running = new Set<ChildProcess>();

afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

/** Pids of live processes whose environment carries `marker` (the demo's engines inherit it). */
function processesWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) found.push(Number(entry));
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return found;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

function startDemo(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [demo, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout.on('data', (data: Buffer) => {
    output += data.toString();
  });
  child.stderr.on('data', (data: Buffer) => {
    output += data.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('pnpm demo', () => {
  it('runs the three engines end to end, meets every target and leaves no process behind', async () => {
    const marker = `ENGINE_KIT_DEMO_MARKER=${randomUUID()}`;
    const [key, value] = marker.split('=') as [string, string];
    const run = startDemo([], { ...process.env, [key]: value });
    const code = await run.exited;
    const output = run.output();
    expect(code, output).toBe(0);
    const rows = output
      .split('\n')
      .filter((line) => /^\| (logo-library-engine|barcode-engine|sound-segmenter) /.test(line));
    expect(rows, output).toHaveLength(3);
    expect(output).not.toContain('✗');
    for (const row of rows) {
      const [, , , outputs, valid] = row.split('|').map((cell) => cell.trim());
      expect(valid, row).toBe(`${outputs}/${outputs}`);
    }
    // The logo engine is retrained with one more logo and the same engine process recognises it.
    const retrain =
      /new logo: 0\/(\d+) frames reported before the retrain, (\d+)\/\d+ after, same engine process/.exec(
        output,
      );
    expect(retrain, output).not.toBeNull();
    expect(Number(retrain![2]) / Number(retrain![1])).toBeGreaterThanOrEqual(0.9);
    expect(processesWithMarker(marker)).toEqual([]);
  });

  it('keeps the test console open with --console until interrupted', async () => {
    const port = await freePort();
    const run = startDemo(['--', '--console'], { ...process.env, ENGINE_KIT_CONSOLE_PORT: String(port) });
    const deadline = Date.now() + 150_000;
    while (!run.output().includes('Test console') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(run.output()).toContain(`Test console (barcode engine) at http://`);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });
});
