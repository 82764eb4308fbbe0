import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/index.ts';
import { gql, PNG_BYTES } from './helpers.ts';

const launcher = fileURLToPath(new URL('../bin/core-emulator.js', import.meta.url));
let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function firstLine(process: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: process.stdout! });
    lines.once('line', resolve);
    process.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
}

describe('core-emulator CLI', () => {
  it('starts on the given port with a folder seed and token, and stops on SIGTERM', async () => {
    expect(existsSync(new URL('../dist/cli.js', import.meta.url)), 'run the build first').toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'core-emulator-cli-'));
    mkdirSync(join(dir, 'people', 'ada'), { recursive: true });
    writeFileSync(join(dir, 'people', 'ada', 'face.png'), PNG_BYTES);
    child = spawn(
      process.execPath,
      [launcher, '--port', '0', '--seed', join(dir, 'people'), '--token', 'cli-token', '--latency-ms', '1'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const ready = JSON.parse(await firstLine(child)) as {
      event: string;
      graphqlUrl: string;
      libraries: Array<{ id: string; entities: number }>;
    };
    expect(ready.event).toBe('listening');
    expect(ready.libraries).toEqual([{ id: expect.any(String), name: 'people', entities: 1 }]);
    const unauthorized = await gql(ready.graphqlUrl, '{ libraries { count } }');
    expect(unauthorized.status).toBe(401);
    const ok = await gql(ready.graphqlUrl, '{ libraries { count } }', {}, 'cli-token');
    expect(ok.body.data?.libraries.count).toBe(1);
    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('exits with status 2 and the usage on a bad option', async () => {
    child = spawn(process.execPath, [launcher, '--fault-rate', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child!.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--fault-rate must be a number between 0 and 1/);
    expect(stderr).toMatch(/Usage: core-emulator/);
  });
});

describe('parseCliArgs', () => {
  it('maps every flag to an option', () => {
    expect(
      parseCliArgs([
        '--port',
        '5000',
        '--seed',
        'lib',
        '--token',
        't',
        '--latency-ms',
        '20',
        '--fault-rate',
        '0.1',
        '--throttle-rate',
        '0.05',
        '--rate-limit',
        '10/1000',
        '--retry-after',
        '2',
        '--random-seed',
        '9',
        '--data-dir',
        'd',
        '--identifier-type',
        'logo',
        '--engine-id',
        'e',
        '--host',
        '127.0.0.1',
      ]),
    ).toEqual({
      ok: true,
      help: false,
      options: {
        port: 5000,
        seed: 'lib',
        token: 't',
        latencyMs: 20,
        faultRate: 0.1,
        throttleRate: 0.05,
        rateLimit: { requests: 10, windowMs: 1000 },
        retryAfterSeconds: 2,
        randomSeed: 9,
        dataDir: 'd',
        identifierTypeId: 'logo',
        engineId: 'e',
        host: '127.0.0.1',
      },
    });
  });

  it('turns off training jobs on publish with --no-train-on-publish', () => {
    expect(parseCliArgs(['--no-train-on-publish'])).toMatchObject({
      ok: true,
      options: { trainOnPublish: false },
    });
    expect(parseCliArgs([])).toEqual({ ok: true, help: false, options: { port: 4000 } });
  });

  it('reads the public URL and the query, body and upload limits', () => {
    expect(
      parseCliArgs([
        '--public-url',
        'http://core.example:4000',
        '--max-query-depth',
        '8',
        '--max-query-cost',
        '5000',
        '--max-list-limit',
        '200',
        '--max-body-bytes',
        '65536',
        '--max-upload-bytes',
        '1048576',
      ]),
    ).toEqual({
      ok: true,
      help: false,
      options: {
        port: 4000,
        publicUrl: 'http://core.example:4000',
        maxQueryDepth: 8,
        maxQueryCost: 5000,
        maxListLimit: 200,
        maxBodyBytes: 65536,
        maxUploadBytes: 1048576,
      },
    });
    expect(parseCliArgs(['--max-query-depth', '2.5'])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/--max-query-depth must be a whole number/),
    });
    expect(parseCliArgs(['--max-list-limit', '0'])).toMatchObject({ ok: false });
  });

  it('returns problems instead of throwing on unknown flags and bad values', () => {
    expect(parseCliArgs(['--nope'])).toMatchObject({ ok: false });
    expect(parseCliArgs(['--port', 'x'])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/--port/),
    });
    expect(parseCliArgs(['--rate-limit', '5'])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/--rate-limit/),
    });
  });
});
