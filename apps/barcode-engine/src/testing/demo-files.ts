import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateQrFrames, type QrFrameOptions, type QrTruth } from './frames.ts';

export interface WrittenQrFrame {
  file: string;
  mime: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
  truth: QrTruth[];
}

/**
 * Writes `count` generated frames (`frame-000.png`/`.jpg`, ...) and `truth.json` into `dir`,
 * for demos that feed the frames to the engine and score its output with `scoreQrFrame`.
 */
export async function writeQrFrames(
  dir: string,
  options: { count: number; seed: number } & Omit<QrFrameOptions, 'seed'>,
): Promise<WrittenQrFrame[]> {
  const { count, seed, ...frameOptions } = options;
  await mkdir(dir, { recursive: true });
  const written: WrittenQrFrame[] = [];
  for (const [index, frame] of generateQrFrames(count, seed, frameOptions).entries()) {
    const file = join(
      dir,
      `frame-${String(index).padStart(3, '0')}.${frame.format === 'png' ? 'png' : 'jpg'}`,
    );
    await writeFile(file, frame.bytes);
    written.push({ file, mime: frame.mime, width: frame.width, height: frame.height, truth: frame.truth });
  }
  await writeFile(join(dir, 'truth.json'), `${JSON.stringify(written, null, 2)}\n`);
  return written;
}
