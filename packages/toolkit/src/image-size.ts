import { execFile } from 'node:child_process';
import { imageSize } from 'image-size';

export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Reads the pixel size from an image's leading bytes with the maintained `image-size` package
 * (PNG, JPEG, GIF, WebP, BMP, TIFF, AVIF/HEIF, ICO, PSD, SVG, ...); `undefined` when the bytes are
 * no image it knows or are cut before the size. Never throws.
 */
export function readImageSize(bytes: Uint8Array): ImageSize | undefined {
  try {
    const { width, height } = imageSize(bytes);
    return positive({ width, height });
  } catch {
    return undefined;
  }
}

/** How many leading bytes of an image are read for its size: TIFF may put its IFD far in. */
export const IMAGE_HEAD_BYTES = 512 * 1024;

/** How long ffprobe may take to read a video's size. */
export const FFPROBE_TIMEOUT_MS = 15_000;

export type VideoSizeResult =
  | { kind: 'size'; size: ImageSize }
  | { kind: 'ffprobe-missing' }
  | { kind: 'unknown'; reason: string };

/**
 * The seed gives `width`/`height` for image *and* video chunks. Video sizes come from ffprobe when
 * it is installed (the first video stream); the caller says so when it is not.
 */
export function readVideoSize(path: string, ffprobePath = 'ffprobe'): Promise<VideoSizeResult> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height'];
  return new Promise((resolve) => {
    execFile(
      ffprobePath,
      [...args, '-of', 'json', '--', path],
      { timeout: FFPROBE_TIMEOUT_MS, maxBuffer: 64 * 1024, windowsHide: true },
      (error, stdout) => {
        if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
          resolve({ kind: 'ffprobe-missing' });
          return;
        }
        if (error) {
          resolve({ kind: 'unknown', reason: `ffprobe failed: ${firstLine(error.message)}` });
          return;
        }
        resolve(parseFfprobeSize(stdout));
      },
    );
  });
}

function parseFfprobeSize(stdout: string): VideoSizeResult {
  try {
    const report = JSON.parse(stdout) as { streams?: { width?: unknown; height?: unknown }[] };
    const stream = report.streams?.[0];
    const size =
      typeof stream?.width === 'number' && typeof stream.height === 'number'
        ? positive({ width: stream.width, height: stream.height })
        : undefined;
    return size ? { kind: 'size', size } : { kind: 'unknown', reason: 'ffprobe found no video stream' };
  } catch {
    return { kind: 'unknown', reason: 'ffprobe printed no JSON' };
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

function positive(size: ImageSize): ImageSize | undefined {
  return Number.isInteger(size.width) && Number.isInteger(size.height) && size.width > 0 && size.height > 0
    ? size
    : undefined;
}
