import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '@engine-kit/toolkit';
import { afterAll, describe, expect, it } from 'vitest';
import { generateQrFrame } from '../src/testing/frames.ts';
import { scoreQrFrame } from '../src/testing/scoring.ts';
import { APP_DIR } from './support/engine-command.ts';

const MAIN = join(APP_DIR, 'dist', 'main.js');
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('built engine (dist/main.js) under runProcess', () => {
  it('decodes a frame exactly as the Engine Toolkit would run it', async () => {
    expect(existsSync(MAIN), 'build first: pnpm --filter @engine-kit-apps/barcode-engine... build').toBe(
      true,
    );
    const dir = await mkdtemp(join(tmpdir(), 'barcode-built-'));
    dirs.push(dir);
    const frame = generateQrFrame({ seed: 77, codes: 1, format: 'jpeg' });
    const chunk = join(dir, 'frame.jpg');
    await writeFile(chunk, frame.bytes);
    const summary = await runProcess({
      command: [process.execPath, MAIN],
      cwd: APP_DIR,
      chunk: { path: chunk, mimeType: frame.mime },
      payload: {},
      onEngineOutput: () => undefined,
    });
    expect(summary).toMatchObject({ status: 'complete', responseKind: 'vtn', validationIssues: [] });
    expect(summary.engine?.crashed).toBe(false);
    const output = summary.outputs[0]!.output as {
      object: { text: string; boundingPoly: { x: number; y: number }[] }[];
    };
    expect(scoreQrFrame(frame, output.object).correct).toBe(true);
  });
});
