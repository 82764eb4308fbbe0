import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeWavWithTruth } from '../src/testing/demo-files.ts';
import { generateWav } from '../src/testing/wav.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('writeWavWithTruth', () => {
  it('writes the generated WAV and its truth segments', async () => {
    dir = await mkdtemp(join(tmpdir(), 'wav-demo-'));
    const written = await writeWavWithTruth(join(dir, 'nested', 'input.wav'), { seed: 4, segments: 5 });
    expect(new Uint8Array(await readFile(written.file))).toEqual(generateWav({ seed: 4, segments: 5 }).bytes);
    expect(JSON.parse(await readFile(written.truthFile, 'utf8'))).toEqual({
      durationMs: written.durationMs,
      segments: written.truth,
    });
  });
});
