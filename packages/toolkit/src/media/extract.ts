import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { guessMimeType } from '../mime.ts';
import { MediaError } from './errors.ts';
import type { FfmpegTools } from './ffmpeg.ts';
import { firstLines } from './ffmpeg.ts';
import { ImageStreamSplitter } from './image-stream.ts';
import type { ChunkingPlan, FrameFormat, SegmentFormat } from './plan.ts';
import type { MediaInfo } from './probe.ts';
import { readImageSize } from '../image-size.ts';

/** One chunk cut from the media, on disk, ready to be sent to `/process`. */
export interface MediaChunk {
  index: number;
  path: string;
  mimeType: string;
  startOffsetMs: number;
  endOffsetMs: number;
  width?: number;
  height?: number;
  /** Whether the chunk's file was made by the toolkit (and may be deleted once the chunk is done). */
  generated: boolean;
}

export interface ExtractOptions {
  tools: FfmpegTools;
  media: MediaInfo;
  /** Folder the chunk files are written to (inside the toolkit's work dir). */
  dir: string;
  /** Frames buffered ahead of the consumer before ffmpeg is paused (bounds memory and disk). */
  readAhead?: number;
  signal?: AbortSignal;
}

/** Largest ffmpeg log kept for the error message. */
const STDERR_LIMIT = 16 * 1024;
const FRAME_MIME: Record<FrameFormat, string> = { png: 'image/png', jpeg: 'image/jpeg' };
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.bmp']);

/** The chunks of a plan, produced lazily: ffmpeg runs only as fast as they are consumed. */
export function extractChunks(plan: ChunkingPlan, options: ExtractOptions): AsyncGenerator<MediaChunk> {
  switch (plan.kind) {
    case 'frames':
      return extractFrames(plan.intervalMs, plan.frameFormat, options);
    case 'segments':
      return extractSegments(plan.segmentMs, plan.segmentFormat, options);
    case 'whole':
      return wholeFile(options.media);
    case 'images':
      throw new MediaError('invalid_plan', 'an images plan is read with listImageFolder');
  }
}

async function* wholeFile(media: MediaInfo): AsyncGenerator<MediaChunk> {
  yield {
    index: 0,
    path: media.path,
    mimeType: media.mimeType,
    startOffsetMs: 0,
    endOffsetMs: media.durationMs,
    ...(media.width && media.height ? { width: media.width, height: media.height } : {}),
    generated: false,
  };
}

/**
 * Frames from ONE ffmpeg process: the `fps` filter picks them, `image2pipe` writes them to
 * stdout, the splitter cuts the stream at image boundaries, and each frame is written to `dir`.
 * Frame `n` covers `[n × interval, (n + 1) × interval)` of media time (the `fps` filter's grid).
 */
export async function* extractFrames(
  intervalMs: number,
  format: FrameFormat,
  options: ExtractOptions,
): AsyncGenerator<MediaChunk> {
  const { media, dir } = options;
  await mkdir(dir, { recursive: true });
  const fps = Number((1000 / intervalMs).toPrecision(12));
  const args = [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-i', media.path],
    ...['-map', '0:v:0', '-an', '-sn', '-dn', '-vf', `fps=fps=${fps}:round=up`],
    ...['-f', 'image2pipe', '-c:v', format === 'png' ? 'png' : 'mjpeg'],
    ...(format === 'jpeg' ? ['-q:v', '2', '-pix_fmt', 'yuvj420p'] : []),
    'pipe:1',
  ];
  const child = startFfmpeg(options.tools, args);
  const splitter = new ImageStreamSplitter(format);
  const extension = format === 'png' ? 'png' : 'jpg';
  // Each frame's file is written as soon as the frame is cut, so up to `readAhead` files are
  // created at once (creating a file is the slow part on a journalled disk); frames are still
  // yielded in order, each once its file is complete.
  const queue: { image: Buffer; path: string; written: Promise<void> }[] = [];
  let cut = 0;
  const enqueue = (image: Buffer) => {
    const path = join(dir, `frame-${String(cut++).padStart(6, '0')}.${extension}`);
    const written = writeFile(path, image);
    // Awaited when the frame is yielded, or in `finally` if it never is: no unhandled rejection.
    written.catch(() => undefined);
    queue.push({ image, path, written });
  };
  const readAhead = Math.max(1, options.readAhead ?? 4);
  let wake: (() => void) | undefined;
  const stream: { error?: Error } = {};
  child.process.stdout?.on('data', (data: Buffer) => {
    try {
      for (const image of splitter.push(data)) enqueue(image);
    } catch (error) {
      stream.error = error as Error;
      child.process.kill('SIGKILL');
    }
    if (queue.length >= readAhead) child.process.stdout?.pause();
    wake?.();
  });
  let ended = false;
  const markEnded = () => {
    ended = true;
    wake?.();
  };
  child.done.then(markEnded, markEnded);
  const abort = () => child.process.kill('SIGKILL');
  options.signal?.addEventListener('abort', abort, { once: true });
  let index = 0;
  try {
    for (;;) {
      const frame = queue.shift();
      if (frame) {
        if (queue.length < readAhead) child.process.stdout?.resume();
        const { image, path } = frame;
        await frame.written;
        const startOffsetMs = Math.round(index * intervalMs);
        const end = Math.round((index + 1) * intervalMs);
        // The frame's own header, read from memory: ffmpeg rotates frames of a rotated stream, so the
        // stream's size may have width and height the other way round.
        const size =
          readImageSize(image) ??
          (media.width && media.height ? { width: media.width, height: media.height } : undefined);
        yield {
          index,
          path,
          mimeType: FRAME_MIME[format],
          startOffsetMs,
          endOffsetMs: media.durationMs > startOffsetMs ? Math.min(end, media.durationMs) : end,
          ...size,
          generated: true,
        };
        index++;
        continue;
      }
      throwIfFailed(stream);
      if (ended) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    await child.done;
    throwIfFailed(stream);
    splitter.end();
    if (index === 0) throw new MediaError('invalid_data', `ffmpeg extracted no frame from ${media.path}`);
  } finally {
    options.signal?.removeEventListener('abort', abort);
    // A paused stdout never ends, and then 'close' never comes: drop what is left.
    child.process.stdout?.destroy();
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await child.done.catch(() => undefined);
    // No file is created after this returns (the caller removes the folder next): the frames
    // still queued are the only writes that may be in flight.
    await Promise.allSettled(queue.map((frame) => frame.written));
  }
}

function throwIfFailed(stream: { error?: Error }) {
  if (stream.error) throw new MediaError('invalid_data', `ffmpeg frame stream: ${stream.error.message}`);
}

const SEGMENT_EXTENSION: Record<SegmentFormat, (media: MediaInfo) => string> = {
  wav: () => 'wav',
  mp4: () => 'mp4',
  copy: (media) => extname(media.path).slice(1).toLowerCase() || 'mkv',
};

/**
 * Clips from ONE ffmpeg process with the segment muxer, written to `dir`; ffmpeg's segment list
 * (CSV on stdout) announces each clip when it is complete, with its exact start and end times.
 */
export async function* extractSegments(
  segmentMs: number,
  format: SegmentFormat,
  options: ExtractOptions,
): AsyncGenerator<MediaChunk> {
  const { media, dir } = options;
  await mkdir(dir, { recursive: true });
  const seconds = String(segmentMs / 1000);
  const extension = SEGMENT_EXTENSION[format](media);
  const codec =
    format === 'wav'
      ? ['-map', '0:a:0', '-vn', '-c:a', 'pcm_s16le']
      : format === 'mp4'
        ? [
            ...['-map', '0:v:0', '-map', '0:a:0?', '-c:v', 'libx264', '-preset', 'veryfast'],
            ...['-force_key_frames', `expr:gte(t,n_forced*${seconds})`, '-c:a', 'aac'],
          ]
        : ['-map', '0', '-c', 'copy'];
  if (format === 'wav' && !media.hasAudio)
    throw new MediaError('invalid_plan', 'WAV segments need an audio stream; this media has none');
  const args = [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-i', media.path, ...codec],
    ...['-f', 'segment', '-segment_time', seconds, '-reset_timestamps', '1'],
    ...(format === 'mp4' ? ['-segment_format', 'mp4'] : []),
    ...['-segment_list', 'pipe:1', '-segment_list_type', 'csv'],
    join(dir, `segment-%06d.${extension}`),
  ];
  const child = startFfmpeg(options.tools, args);
  const abort = () => child.process.kill('SIGKILL');
  options.signal?.addEventListener('abort', abort, { once: true });
  const lines = createInterface({ input: child.process.stdout! });
  const mimeType = format === 'wav' ? 'audio/wav' : format === 'mp4' ? 'video/mp4' : media.mimeType;
  let index = 0;
  try {
    for await (const line of lines) {
      const entry = parseSegmentListLine(line);
      if (!entry) continue;
      yield {
        index,
        path: join(dir, entry.file),
        mimeType,
        startOffsetMs: Math.round(entry.startSeconds * 1000),
        endOffsetMs: Math.round(entry.endSeconds * 1000),
        ...(media.width && media.height && format !== 'wav'
          ? { width: media.width, height: media.height }
          : {}),
        generated: true,
      };
      index++;
    }
    await child.done;
    if (index === 0) throw new MediaError('invalid_data', `ffmpeg cut no segment from ${media.path}`);
  } finally {
    options.signal?.removeEventListener('abort', abort);
    lines.close();
    child.process.stdout?.destroy();
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await child.done.catch(() => undefined);
  }
}

/** One line of ffmpeg's CSV segment list: `file,start,end` (file names are ours: no commas). */
export function parseSegmentListLine(
  line: string,
): { file: string; startSeconds: number; endSeconds: number } | undefined {
  const parts = line.trim().split(',');
  if (parts.length !== 3) return undefined;
  const [file, start, end] = parts as [string, string, string];
  const startSeconds = Number(start);
  const endSeconds = Number(end);
  if (!file || file.includes('/') || file.includes('\\')) return undefined;
  if (!Number.isFinite(startSeconds) || !Number.isFinite(endSeconds)) return undefined;
  return { file, startSeconds, endSeconds };
}

/** The images of a folder, one chunk each, in file-name order. */
export async function listImageFolder(dir: string, limit: number): Promise<MediaChunk[]> {
  const names = (await readdir(dir))
    .filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (names.length === 0)
    throw new MediaError('invalid_data', `the folder ${dir} holds no PNG, JPEG, GIF, WebP or BMP image`);
  if (names.length > limit)
    throw new MediaError('invalid_plan', `the folder holds ${names.length} images, more than ${limit}`);
  const chunks: MediaChunk[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (!(await stat(path)).isFile()) continue;
    chunks.push({
      index: chunks.length,
      path,
      mimeType: guessMimeType(path),
      startOffsetMs: 0,
      endOffsetMs: 0,
      generated: false,
    });
  }
  return chunks;
}

interface FfmpegChild {
  process: ChildProcess;
  /** Resolves when ffmpeg exits 0; rejects with `invalid_data` and ffmpeg's own words otherwise. */
  done: Promise<void>;
}

function startFfmpeg(tools: FfmpegTools, args: string[]): FfmpegChild {
  const child = spawn(tools.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => {
    if (stderr.length < STDERR_LIMIT) stderr += data.toString('utf8').slice(0, STDERR_LIMIT - stderr.length);
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (error) =>
      reject(new MediaError('ffmpeg_failed', `cannot start ffmpeg: ${error.message}`, { cause: error })),
    );
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new MediaError(
            'invalid_data',
            `ffmpeg could not cut the media (${signal ? `signal ${signal}` : `exit code ${code}`}): ${firstLines(stderr) || 'no message'}`,
          ),
        );
    });
  });
  done.catch(() => undefined);
  return { process: child, done };
}
