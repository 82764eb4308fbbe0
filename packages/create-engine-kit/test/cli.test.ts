import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'create-engine-kit.js');
const DIST = join(import.meta.dirname, '..', 'dist', 'cli.js');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'create-engine-kit-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: dir, env: { ...process.env, npm_config_user_agent: '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
    // Not a terminal: nothing may be asked.
    child.stdin?.end();
  });
}

describe('create-engine-kit (built CLI)', () => {
  it('is built', () => {
    expect(existsSync(DIST), 'build first: pnpm --filter create-engine-kit build').toBe(true);
  });

  it('writes a project non-interactively with --yes and says what to run next', async () => {
    const result = await run(['first', '--yes', '--no-install', '--kind', 'stream']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Creating a stream engine (VTN v1) in first');
    expect(result.stdout).toContain('cd first && npm install');
    const pkg = JSON.parse(await readFile(join(dir, 'first', 'package.json'), 'utf8'));
    expect(pkg.name).toBe('first');
    expect(await readFile(join(dir, 'first', 'src', 'engine.ts'), 'utf8')).toContain("mode: 'stream'");
  });

  it('suggests the package manager that ran it', async () => {
    const result = await run(['second', '-y', '--no-install'], {
      npm_config_user_agent: 'pnpm/10.34.9 node/v20.20.0',
    });
    expect(result.stdout).toContain('pnpm install');
  });

  it('refuses a folder that is not empty (exit 1) unless --force', async () => {
    await mkdir(join(dir, 'taken'));
    await writeFile(join(dir, 'taken', 'mine.txt'), 'x');
    const refused = await run(['taken', '--yes', '--no-install']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is not empty.*--force/);
    expect(await readdir(join(dir, 'taken'))).toEqual(['mine.txt']);
    const forced = await run(['taken', '--yes', '--no-install', '--force']);
    expect(forced.code).toBe(0);
    expect(existsSync(join(dir, 'taken', 'manifest.json'))).toBe(true);
  });

  it('without a terminal and without --yes, names the missing flags (exit 2)', async () => {
    const result = await run(['third', '--kind', 'chunk']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pass --vtn, or --yes');
    expect(existsSync(join(dir, 'third'))).toBe(false);
  });

  it('answers --help and rejects a bad kind with exit 2', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--kind KIND');
    const bad = await run(['x', '--kind', 'realtime', '--yes']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--kind must be one of chunk, stream, batch, library');
  });

  it('reports a failed install with exit 1 and keeps the project', async () => {
    const result = await run(['fourth', '--yes', '--package-manager', 'npm'], { PATH: '/nonexistent' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/npm install in .*fourth could not start/);
    expect(existsSync(join(dir, 'fourth', 'package.json'))).toBe(true);
  });
});
