import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
/** The sample engines of the monorepo, built (`pnpm --filter @engine-kit-apps/<name> build`). */
export const BARCODE_APP = join(here, '..', '..', '..', 'apps', 'barcode-engine');
export const SOUND_APP = join(here, '..', '..', '..', 'apps', 'sound-segmenter');
export const BARCODE_MAIN = join(BARCODE_APP, 'dist', 'main.js');
export const BARCODE_TESTING = join(BARCODE_APP, 'dist', 'testing.js');
export const SOUND_MAIN = join(SOUND_APP, 'dist', 'main.js');

export async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], { timeout: 120_000 });
}

/** A testsrc video (with a sine audio track when `audio`), `seconds` long. */
export async function makeTestVideo(
  path: string,
  options: { seconds: number; width?: number; height?: number; rate?: number; audio?: boolean },
): Promise<string> {
  const size = `${options.width ?? 640}x${options.height ?? 360}`;
  await ffmpeg([
    ...['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${options.rate ?? 25}:duration=${options.seconds}`],
    ...(options.audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${options.seconds}`] : []),
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
    ...(options.audio ? ['-c:a', 'aac', '-shortest'] : []),
    path,
  ]);
  return path;
}

export interface QrVideoTruth {
  text: string;
  /** When the code is on screen, in media time. */
  fromMs: number;
  toMs: number;
}

/**
 * A 640×360 testsrc video with a QR code (drawn by the barcode sample's own generator) overlaid
 * from `fromMs` to `toMs`.
 */
export async function makeQrVideo(
  dir: string,
  options: { seconds: number; fromMs: number; toMs: number; seed?: number },
): Promise<{ path: string; truth: QrVideoTruth }> {
  const { generateQrFrame } = (await import(BARCODE_TESTING)) as {
    generateQrFrame: (options: Record<string, unknown>) => { bytes: Uint8Array; truth: { text: string }[] };
  };
  const frame = generateQrFrame({
    seed: options.seed ?? 3,
    codes: 1,
    width: 220,
    height: 220,
    format: 'png',
    maxRotationDeg: 0,
    noise: 2,
  });
  const qr = join(dir, 'qr.png');
  await writeFile(qr, frame.bytes);
  const path = join(dir, 'qr-video.mp4');
  const from = options.fromMs / 1000;
  const to = options.toMs / 1000;
  await ffmpeg([
    ...['-f', 'lavfi', '-i', `testsrc=size=640x360:rate=25:duration=${options.seconds}`],
    ...['-loop', '1', '-i', qr],
    ...['-filter_complex', `[0:v][1:v]overlay=x=210:y=70:enable='between(t,${from},${to})':shortest=1[v]`],
    ...['-map', '[v]', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p'],
    path,
  ]);
  return { path, truth: { text: frame.truth[0]!.text, fromMs: options.fromMs, toMs: options.toMs } };
}

/**
 * A mono 16 kHz WAV of tones separated by silence: `[toneMs, silenceMs]` pairs, starting with
 * silence. Returns the true boundaries (start of each tone, end of each tone).
 */
export async function makeToneWav(
  path: string,
  pattern: { silenceMs: number; toneMs: number; frequency: number }[],
): Promise<{ path: string; tones: { startMs: number; stopMs: number }[] }> {
  const inputs: string[] = [];
  const labels: string[] = [];
  const tones: { startMs: number; stopMs: number }[] = [];
  let at = 0;
  pattern.forEach((part, index) => {
    inputs.push('-f', 'lavfi', '-i', `anullsrc=r=16000:cl=mono:d=${part.silenceMs / 1000}`);
    inputs.push(
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${part.frequency}:sample_rate=16000:duration=${part.toneMs / 1000}`,
    );
    labels.push(`[${index * 2}:a]`, `[${index * 2 + 1}:a]`);
    at += part.silenceMs;
    tones.push({ startMs: at, stopMs: at + part.toneMs });
    at += part.toneMs;
  });
  const tail = pattern.length * 2;
  inputs.push('-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono:d=0.5');
  labels.push(`[${tail}:a]`);
  await ffmpeg([
    ...inputs,
    ...['-filter_complex', `${labels.join('')}concat=n=${labels.length}:v=0:a=1[a]`],
    ...['-map', '[a]', '-c:a', 'pcm_s16le', '-ar', '16000', '-ac', '1', path],
  ]);
  return { path, tones };
}
