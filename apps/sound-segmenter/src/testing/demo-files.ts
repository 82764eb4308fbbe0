import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Segment } from '../segmenter.ts';
import { generateWav, type WavOptions } from './wav.ts';

export interface WrittenWav {
  file: string;
  truthFile: string;
  durationMs: number;
  truth: Segment[];
}

/** Writes a generated WAV and its truth (`<file>.truth.json`) for demos; score with `scoreSegments`. */
export async function writeWavWithTruth(file: string, options: WavOptions): Promise<WrittenWav> {
  const wav = generateWav(options);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, wav.bytes);
  const truthFile = `${file}.truth.json`;
  await writeFile(
    truthFile,
    `${JSON.stringify({ durationMs: wav.durationMs, segments: wav.truth }, null, 2)}\n`,
  );
  return { file, truthFile, durationMs: wav.durationMs, truth: wav.truth };
}
