import { extname } from 'node:path';
import { guessMimeType } from '../mime.ts';
import { MediaError } from './errors.ts';

export type MediaKind = 'video' | 'audio' | 'image';

/** What the toolkit needs to know about a media file, from ffprobe. */
export interface MediaInfo {
  path: string;
  kind: MediaKind;
  /** The MIME type sent as `chunkMimeType` for the whole file. */
  mimeType: string;
  /** ffprobe's container name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName: string;
  sizeBytes: number;
  /** 0 for a still image. */
  durationMs: number;
  width?: number;
  height?: number;
  /** Frame rate of the video stream, frames per second. */
  frameRate?: number;
  hasAudio: boolean;
  hasVideo: boolean;
  audioCodec?: string;
  videoCodec?: string;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  disposition?: { attached_pic?: number };
}

interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string; size?: string };
}

const IMAGE_FORMATS = /(^|,)(png_pipe|jpeg_pipe|gif|webp_pipe|bmp_pipe|tiff_pipe|image2|mjpeg)(,|$)/;

/**
 * Turns ffprobe's `-show_format -show_streams` JSON into `MediaInfo`. Pure: the caller runs
 * ffprobe. A file with no audio or video stream is `invalid_data`.
 */
export function parseProbeOutput(path: string, json: unknown, sizeBytes: number): MediaInfo {
  const probe = (typeof json === 'object' && json !== null ? json : {}) as ProbeOutput;
  const streams = Array.isArray(probe.streams) ? probe.streams : [];
  const formatName = probe.format?.format_name ?? '';
  // Cover art in an audio file is a video stream with attached_pic: it is not video.
  const video = streams.find((stream) => stream.codec_type === 'video' && !stream.disposition?.attached_pic);
  const audio = streams.find((stream) => stream.codec_type === 'audio');
  if (!video && !audio)
    throw new MediaError('invalid_data', `${path} holds no audio or video stream that ffprobe can read`);
  const durationSeconds = Number(probe.format?.duration ?? video?.duration ?? audio?.duration ?? 0);
  const durationMs = Number.isFinite(durationSeconds) ? Math.round(durationSeconds * 1000) : 0;
  const isImage =
    video !== undefined &&
    audio === undefined &&
    (IMAGE_FORMATS.test(formatName) || (durationMs === 0 && (video.nb_frames ?? '1') === '1'));
  const kind: MediaKind = isImage ? 'image' : video ? 'video' : 'audio';
  const frameRate = video ? (parseRate(video.avg_frame_rate) ?? parseRate(video.r_frame_rate)) : undefined;
  return {
    path,
    kind,
    mimeType: mimeFor(path, kind, formatName, video?.codec_name),
    formatName,
    sizeBytes,
    durationMs: kind === 'image' ? 0 : durationMs,
    ...(video?.width && video.height ? { width: video.width, height: video.height } : {}),
    ...(frameRate && kind === 'video' ? { frameRate } : {}),
    hasAudio: audio !== undefined,
    hasVideo: video !== undefined && kind === 'video',
    ...(audio?.codec_name ? { audioCodec: audio.codec_name } : {}),
    ...(video?.codec_name ? { videoCodec: video.codec_name } : {}),
  };
}

function parseRate(rate: string | undefined): number | undefined {
  if (!rate) return undefined;
  const [num, den] = rate.split('/').map(Number);
  if (!num || !den || !Number.isFinite(num / den)) return undefined;
  return num / den;
}

const CONTAINER_MIME: [RegExp, string][] = [
  [/(^|,)mp4(,|$)/, 'video/mp4'],
  [/(^|,)matroska(,|$)/, 'video/x-matroska'],
  [/(^|,)webm(,|$)/, 'video/webm'],
  [/(^|,)avi(,|$)/, 'video/x-msvideo'],
  [/(^|,)mpegts(,|$)/, 'video/mp2t'],
  [/(^|,)wav(,|$)/, 'audio/wav'],
  [/(^|,)mp3(,|$)/, 'audio/mpeg'],
  [/(^|,)flac(,|$)/, 'audio/flac'],
  [/(^|,)ogg(,|$)/, 'audio/ogg'],
  [/(^|,)png_pipe(,|$)/, 'image/png'],
  [/(^|,)jpeg_pipe(,|$)/, 'image/jpeg'],
  [/(^|,)gif(,|$)/, 'image/gif'],
  [/(^|,)webp_pipe(,|$)/, 'image/webp'],
];

/** The name's extension first (what users expect), ffprobe's container as the fallback. */
function mimeFor(path: string, kind: MediaKind, formatName: string, videoCodec: string | undefined): string {
  const guessed = extname(path) ? guessMimeType(path) : 'application/octet-stream';
  if (guessed !== 'application/octet-stream') {
    // An audio-only .mp4/.webm is still sent as audio.
    if (kind === 'audio' && guessed.startsWith('video/')) return guessed.replace('video/', 'audio/');
    return guessed;
  }
  if (kind === 'image' && videoCodec === 'mjpeg') return 'image/jpeg';
  for (const [pattern, mime] of CONTAINER_MIME) if (pattern.test(formatName)) return mime;
  return kind === 'audio' ? 'audio/octet-stream' : 'application/octet-stream';
}
