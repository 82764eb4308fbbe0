import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createScratchDir, engineCommandFor, engineLog, sourceEngineLaunch } from '../src/testing/index.ts';

const ECHO_APP = join(import.meta.dirname, 'fixtures', 'echo-app');
const run = promisify(execFile);

describe('engineCommandFor', () => {
  it('runs the app main.ts from source with the app tsconfig.source.json path mappings', async () => {
    const { command, env } = engineCommandFor(ECHO_APP);
    const [file, ...args] = command;
    const { stdout } = await run(file!, args, { cwd: ECHO_APP, env, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ greeting: 'hello from source', cwd: ECHO_APP });
  });
});

describe('sourceEngineLaunch', () => {
  it('launches in the app folder and sends engine output to the log', () => {
    const log = engineLog();
    const launch = sourceEngineLaunch(ECHO_APP, log);
    expect(launch).toMatchObject({ ...engineCommandFor(ECHO_APP), cwd: ECHO_APP });
    launch.onEngineOutput('stderr', Buffer.from('engine says hi\n'));
    launch.onEngineOutput('stdout', Buffer.from('ready\n'));
    expect(log.lines.join('')).toBe('engine says hi\nready\n');
  });
});

describe('createScratchDir', () => {
  it('writes chunk files inside a fresh folder and removes it', async () => {
    const scratch = await createScratchDir('sample-support-');
    const file = await scratch.file('chunk.bin', new Uint8Array([1, 2, 3]));
    expect(file).toBe(join(scratch.path, 'chunk.bin'));
    expect(new Uint8Array(await readFile(file))).toEqual(new Uint8Array([1, 2, 3]));
    await scratch.remove();
    expect(existsSync(scratch.path)).toBe(false);
  });
});
