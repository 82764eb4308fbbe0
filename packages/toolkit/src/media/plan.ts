import { MediaError } from './errors.ts';
import type { MediaInfo } from './probe.ts';

export type FrameFormat = 'png' | 'jpeg';
export type SegmentFormat = 'wav' | 'mp4' | 'copy';

/** How a media file is cut into chunks. */
export type ChunkingPlan =
  | {
      kind: 'frames';
      intervalMs: number;
      frameFormat: FrameFormat;
      expectedChunks: number;
      reasons: string[];
    }
  | {
      kind: 'segments';
      segmentMs: number;
      segmentFormat: SegmentFormat;
      expectedChunks: number;
      reasons: string[];
    }
  /** The whole file as one chunk, also served at `cacheURI` with HTTP Range (stream and batch engines). */
  | { kind: 'whole'; expectedChunks: 1; reasons: string[] }
  /** A folder of images: one chunk per image, in name order. */
  | { kind: 'images'; expectedChunks: number; reasons: string[] };

/** The part of `manifest.json` that shapes the plan. */
export interface ManifestPlanHints {
  engineMode?: 'legacy' | 'batch' | 'chunk' | 'stream';
  supportedInputFormats?: string[];
  preferredInputFormat?: string;
  maxFileMb?: number;
  minMediaLengthMs?: number;
  maxMediaLengthMs?: number;
  maxConcurrency?: number;
}

/** What the user asked for on the command line; every flag overrides the manifest. */
export interface PlanFlags {
  plan?: 'frames' | 'segments' | 'whole';
  fps?: number;
  everyMs?: number;
  frameFormat?: FrameFormat;
  segmentMs?: number;
  segmentFormat?: SegmentFormat;
}

export const DEFAULT_FPS = 1;
/** Segment length when neither `--segment-ms` nor the manifest's `maxMediaLengthMs` says. */
export const DEFAULT_SEGMENT_MS = 10_000;
/** A plan never has more chunks than this (a 24 h video at 1 fps is 86,400). */
export const MAX_PLANNED_CHUNKS = 200_000;

const ENGINE_MODE_NUMBERS = ['legacy', 'batch', 'chunk', 'stream'] as const;

/** Reads the plan hints from a parsed manifest, liberally: a wrong-typed key is skipped with a warning. */
export function manifestPlanHints(json: unknown, warnings: string[] = []): ManifestPlanHints {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    warnings.push('manifest.json does not hold a JSON object; ignored');
    return {};
  }
  const raw = json as Record<string, unknown>;
  const hints: ManifestPlanHints = {};
  const mode = raw.engineMode;
  if (typeof mode === 'number' && ENGINE_MODE_NUMBERS[mode]) hints.engineMode = ENGINE_MODE_NUMBERS[mode];
  else if (typeof mode === 'string' && (ENGINE_MODE_NUMBERS as readonly string[]).includes(mode))
    hints.engineMode = mode as ManifestPlanHints['engineMode'];
  else if (mode !== undefined)
    warnings.push(`manifest engineMode ${JSON.stringify(mode)} is not known; ignored`);
  if (Array.isArray(raw.supportedInputFormats))
    hints.supportedInputFormats = raw.supportedInputFormats.filter((f): f is string => typeof f === 'string');
  if (typeof raw.preferredInputFormat === 'string') hints.preferredInputFormat = raw.preferredInputFormat;
  for (const key of ['maxFileMb', 'minMediaLengthMs', 'maxMediaLengthMs', 'maxConcurrency'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) hints[key] = value;
    else warnings.push(`manifest ${key} ${JSON.stringify(value)} is not a number >= 0; ignored`);
  }
  return hints;
}

/**
 * Chooses the chunking plan, as the platform's chunking stage does: explicit flags first, then
 * the manifest (stream/batch engines get the whole file; engines that take images get frames;
 * engines that take audio or video get segments), then the media kind. Pure.
 */
export function buildChunkingPlan(
  media: Pick<MediaInfo, 'kind' | 'durationMs' | 'sizeBytes' | 'hasAudio' | 'hasVideo'>,
  manifest: ManifestPlanHints,
  flags: PlanFlags,
): ChunkingPlan {
  checkManifestLimits(media, manifest);
  const reasons: string[] = [];
  const kind = chooseKind(media, manifest, flags, reasons);
  if (kind === 'whole') {
    const maxMb = manifest.maxFileMb;
    if (maxMb !== undefined && media.sizeBytes > maxMb * 1024 * 1024)
      throw new MediaError(
        'media_rejected',
        `the file is ${(media.sizeBytes / 1048576).toFixed(1)} MB, over the manifest's maxFileMb (${maxMb}); cut it with --segment-ms or --fps`,
      );
    return { kind, expectedChunks: 1, reasons };
  }
  if (kind === 'frames') {
    if (media.kind === 'audio' || (!media.hasVideo && media.kind !== 'image'))
      throw new MediaError('invalid_plan', 'frames need a video: this media has no video stream');
    const intervalMs = frameInterval(flags);
    const frameFormat = flags.frameFormat ?? preferredFrameFormat(manifest);
    const expectedChunks = Math.max(1, Math.ceil(media.durationMs / intervalMs));
    return { kind, intervalMs, frameFormat, expectedChunks: capChunks(expectedChunks), reasons };
  }
  const segmentMs = flags.segmentMs ?? manifest.maxMediaLengthMs ?? DEFAULT_SEGMENT_MS;
  if (!(segmentMs > 0)) throw new MediaError('invalid_plan', '--segment-ms must be > 0');
  if (manifest.minMediaLengthMs !== undefined && segmentMs < manifest.minMediaLengthMs)
    reasons.push(`segments of ${segmentMs} ms are shorter than the manifest's minMediaLengthMs`);
  const segmentFormat = flags.segmentFormat ?? (media.hasVideo ? 'mp4' : 'wav');
  if (segmentFormat === 'mp4' && !media.hasVideo)
    throw new MediaError('invalid_plan', '--segment-format mp4 needs a video stream; use wav or copy');
  const expectedChunks = Math.max(1, Math.ceil(media.durationMs / segmentMs));
  return { kind, segmentMs, segmentFormat, expectedChunks: capChunks(expectedChunks), reasons };
}

function chooseKind(
  media: Pick<MediaInfo, 'kind' | 'durationMs' | 'hasVideo'>,
  manifest: ManifestPlanHints,
  flags: PlanFlags,
  reasons: string[],
): 'frames' | 'segments' | 'whole' {
  if (flags.plan) {
    reasons.push(`--plan ${flags.plan}`);
    return flags.plan;
  }
  if (flags.fps !== undefined || flags.everyMs !== undefined || flags.frameFormat !== undefined) {
    reasons.push(
      flags.fps !== undefined ? '--fps' : flags.everyMs !== undefined ? '--every-ms' : '--frame-format',
    );
    return 'frames';
  }
  if (flags.segmentMs !== undefined || flags.segmentFormat !== undefined) {
    reasons.push(flags.segmentMs !== undefined ? '--segment-ms' : '--segment-format');
    return 'segments';
  }
  if (media.kind === 'image') {
    reasons.push('a still image is one chunk');
    return 'whole';
  }
  if (manifest.engineMode === 'stream' || manifest.engineMode === 'batch') {
    reasons.push(`manifest engineMode ${manifest.engineMode}: the whole file at cacheURI`);
    return 'whole';
  }
  const formats = [manifest.preferredInputFormat, ...(manifest.supportedInputFormats ?? [])].filter(
    (format): format is string => typeof format === 'string',
  );
  const takes = (prefix: string) => formats.some((format) => format.startsWith(prefix));
  if (formats.length > 0) {
    if (takes(media.kind === 'video' ? 'video/' : 'audio/')) {
      const max = manifest.maxMediaLengthMs;
      if (max !== undefined && max > 0 && media.durationMs > max) {
        reasons.push(`the manifest takes ${media.kind} up to maxMediaLengthMs ${max}: segments`);
        return 'segments';
      }
      reasons.push(`the manifest takes ${media.kind}: the whole file`);
      return 'whole';
    }
    if (media.hasVideo && takes('image/')) {
      reasons.push('the manifest takes images: video frames');
      return 'frames';
    }
    if (takes('audio/') && media.kind === 'video') {
      reasons.push('the manifest takes audio: audio segments');
      return 'segments';
    }
    reasons.push(`no supportedInputFormats entry matches ${media.kind}; sending the whole file`);
    return 'whole';
  }
  if (media.hasVideo) {
    reasons.push(`no manifest: video frames at ${DEFAULT_FPS} fps`);
    return 'frames';
  }
  reasons.push('no manifest: the whole file');
  return 'whole';
}

function frameInterval(flags: PlanFlags): number {
  if (flags.fps !== undefined && flags.everyMs !== undefined)
    throw new MediaError('invalid_plan', 'give --fps or --every-ms, not both');
  if (flags.everyMs !== undefined) {
    if (!(flags.everyMs >= 1)) throw new MediaError('invalid_plan', '--every-ms must be >= 1');
    return flags.everyMs;
  }
  const fps = flags.fps ?? DEFAULT_FPS;
  if (!(fps > 0 && fps <= 1000)) throw new MediaError('invalid_plan', '--fps must be > 0 and <= 1000');
  return 1000 / fps;
}

function preferredFrameFormat(manifest: ManifestPlanHints): FrameFormat {
  const preferred = manifest.preferredInputFormat;
  if (preferred === 'image/jpeg') return 'jpeg';
  if (preferred === 'image/png') return 'png';
  const supported = manifest.supportedInputFormats ?? [];
  if (!supported.includes('image/png') && supported.includes('image/jpeg')) return 'jpeg';
  return 'png';
}

function checkManifestLimits(media: Pick<MediaInfo, 'kind' | 'durationMs'>, manifest: ManifestPlanHints) {
  if (media.kind === 'image') return;
  const min = manifest.minMediaLengthMs;
  if (min !== undefined && media.durationMs < min)
    throw new MediaError(
      'media_rejected',
      `the media lasts ${media.durationMs} ms, shorter than the manifest's minMediaLengthMs (${min})`,
    );
}

function capChunks(count: number): number {
  if (count > MAX_PLANNED_CHUNKS)
    throw new MediaError(
      'invalid_plan',
      `the plan would make ${count} chunks (more than ${MAX_PLANNED_CHUNKS}); use a lower --fps or a longer --segment-ms`,
    );
  return count;
}
