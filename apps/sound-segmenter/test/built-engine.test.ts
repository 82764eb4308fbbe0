import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '@engine-kit/toolkit';
import { afterAll, describe, expect, it } from 'vitest';
import { generateWav } from '../src/testing/wav.ts';
import { APP_DIR } from './support/engine-command.ts';

const MAIN = join(APP_DIR, 'dist', 'main.js');
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('built engine (dist/main.js) under runProcess', () => {
  it('streams a WAV into one result per segment and completes', async () => {
    expect(existsSync(MAIN), 'build first: pnpm --filter @engine-kit-apps/sound-segmenter... build').toBe(
      true,
    );
    const dir = await mkdtemp(join(tmpdir(), 'sound-built-'));
    dirs.push(dir);
    const wav = generateWav({ seed: 88, segments: 6, channels: 2 });
    const chunk = join(dir, 'input.wav');
    await writeFile(chunk, wav.bytes);
    const summary = await runProcess({
      command: [process.execPath, MAIN],
      cwd: APP_DIR,
      chunk: { path: chunk, mimeType: 'audio/wav' },
      payload: {},
      onEngineOutput: () => undefined,
    });
    expect(summary).toMatchObject({ status: 'complete', responseKind: 'async', validationIssues: [] });
    expect(summary.outputs).toHaveLength(6);
    expect(summary.heartbeats.at(-1)?.heartbeat).toMatchObject({
      status: 'complete',
      bytesRead: wav.bytes.byteLength,
      messagesWritten: 6,
    });
  });
});
