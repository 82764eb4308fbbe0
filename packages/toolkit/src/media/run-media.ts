import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskFailureReason } from '@engine-kit/contracts';
import type { ChunkTask, ToolkitEvent } from '../chunk-run.ts';
import { ToolkitError } from '../common/errors.ts';
import { type EngineLaunchOptions, type EngineSession, startEngineSession } from '../run-process.ts';
import type { ChunkStatus, ProcessResponseKind, ToolkitSummary } from '../summary.ts';
import { MediaError, type MediaErrorCode } from './errors.ts';
import { extractChunks, listImageFolder, type MediaChunk } from './extract.ts';
import { findFfmpeg, runFfprobe } from './ffmpeg.ts';
import { type MergeCounts, type MergeWarning, mergeChunkDocuments } from './merge.ts';
import {
  buildChunkingPlan,
  type ChunkingPlan,
  MAX_PLANNED_CHUNKS,
  type ManifestPlanHints,
  manifestPlanHints,
  type PlanFlags,
} from './plan.ts';
import { type MediaInfo, parseProbeOutput } from './probe.ts';

export interface RunMediaOptions extends EngineLaunchOptions {
  /** A video, audio or image file, or a folder of images. */
  media: string;
  /** Path of the engine's `manifest.json`, whose hints shape the plan. */
  manifestPath?: string;
  plan?: PlanFlags;
  /** Chunks in flight; default the manifest's maxConcurrency, else `VERITONE_CONCURRENT_TASKS`, else 1. */
  concurrency?: number;
  /** Stop at the first failed chunk (the others are cancelled). */
  failFast?: boolean;
  mergeConsecutive?: boolean;
  /** Write the merged document here (it is then left out of the summary). */
  outPath?: string;
  /** Fields of every chunk task (payload, maxTTL, notify URIs...); chunk and offsets are set per chunk. */
  task?: Omit<ChunkTask, 'chunk' | 'startOffsetMs' | 'endOffsetMs' | 'chunkIndex'>;
  onMediaEvent?: (event: MediaEvent) => void;
  /**
   * Run on this already-started engine session (the test console) instead of starting one; it is
   * left running. `VERITONE_CONCURRENT_TASKS` is then whatever the session was started with.
   */
  session?: EngineSession;
  /** Called with each generated chunk file just before it is deleted (the console keeps frames). */
  onChunkFile?: (chunk: MediaChunk, internalTaskId: string) => Promise<void>;
}

export type MediaChunkStatus = ChunkStatus | 'cancelled';

/** One chunk's line in the media summary. */
export interface MediaChunkRecord {
  index: number;
  internalTaskId: string;
  status: MediaChunkStatus;
  failureReason?: TaskFailureReason;
  failureMsg?: string;
  mimeType: string;
  startOffsetMs: number;
  endOffsetMs: number;
  width?: number;
  height?: number;
  responseKind?: ProcessResponseKind;
  processCalls: number;
  heartbeats: number;
  outputs: number;
  seriesItems: number;
  objects: number;
  validationIssues: number;
  /** Toolkit warnings of the chunk (the first ones are copied into the summary's `warnings`). */
  warnings: number;
  /** When the chunk was sent, from the start of the run. */
  startedAtMs: number;
  durationMs: number;
}

export interface MediaSummary {
  status: ChunkStatus;
  failureReason?: TaskFailureReason;
  failureMsg?: string;
  /** Stable code of a failure before any chunk ran (`ffmpeg_missing`, `invalid_data`...). */
  errorCode?: MediaErrorCode | string;
  mode: 'media';
  internalJobId: string;
  media: Partial<MediaInfo> & { path: string };
  plan?: ChunkingPlan;
  concurrency: number;
  chunks: MediaChunkRecord[];
  counts: {
    chunks: number;
    complete: number;
    ignored: number;
    failed: number;
    cancelled: number;
    outputs: number;
  } & Partial<MergeCounts>;
  warnings: string[];
  mergeWarnings: MergeWarning[];
  /** Validation issues of every chunk (the first 100), with the chunk's index. */
  validationIssues: (ToolkitSummary['validationIssues'][number] & { chunkIndex: number })[];
  /** The merged AION document, unless written to `out`. */
  document?: Record<string, unknown>;
  out?: string;
  engine?: ToolkitSummary['engine'];
  timings: {
    startedAt: string;
    probeMs?: number;
    readyMs?: number;
    processMs: number;
    totalMs: number;
    chunksPerSecond: number;
  };
}

export type MediaEvent =
  | {
      type: 'planned';
      media: MediaInfo | { path: string; kind: 'images' };
      plan: ChunkingPlan;
      concurrency: number;
    }
  | { type: 'ready'; readyMs: number }
  | { type: 'chunk-start'; index: number; startOffsetMs: number; endOffsetMs: number }
  | { type: 'chunk-event'; index: number; event: ToolkitEvent }
  | {
      type: 'chunk-done';
      chunk: MediaChunkRecord;
      done: number;
      total: number;
      failed: number;
      elapsedMs: number;
    };

const MAX_SUMMARY_ISSUES = 100;

/**
 * Cuts a media file into chunks as the platform's chunking stage does (frames, clips or the whole
 * file, per the plan), sends them to the engine with bounded concurrency (each with the usual
 * retries and timeouts), and merges the outputs into one AION document. Never rejects for bad
 * media or engine misbehaviour: that is in the summary.
 */
export async function runMedia(options: RunMediaOptions): Promise<MediaSummary> {
  const startedAt = new Date();
  const warnings: string[] = [];
  const jobId = options.task?.internalJobId ?? `job-${randomUUID()}`;
  const base = mediaBase(options, jobId, startedAt);
  let prepared: Prepared;
  const probeStarted = Date.now();
  try {
    prepared = await prepare(options, warnings);
  } catch (error) {
    if (error instanceof MediaError) return failedBeforeStart(base, error, warnings);
    throw error;
  }
  const probeMs = Date.now() - probeStarted;
  const concurrency = chooseConcurrency(options, prepared.hints, warnings);
  options.onMediaEvent?.({ type: 'planned', media: prepared.media, plan: prepared.plan, concurrency });
  let session: EngineSession;
  const ownsSession = options.session === undefined;
  try {
    // The real toolkit tells the engine how many chunks it will get at once.
    const env = { ...(options.env ?? process.env), VERITONE_CONCURRENT_TASKS: String(concurrency) };
    session = options.session ?? (await startEngineSession({ ...options, env }));
  } catch (error) {
    if (!(error instanceof ToolkitError)) throw error;
    return {
      ...base,
      ...failure('system_error', `${error.code}: ${error.message}`),
      errorCode: error.code,
      media: mediaRecord(prepared.media, options.media),
      plan: prepared.plan,
      concurrency,
      warnings,
      engine: { command: [...options.command], crashed: error.code === 'engine_exited' },
      timings: { ...base.timings, probeMs, totalMs: Date.now() - startedAt.getTime() },
    };
  }
  options.onMediaEvent?.({ type: 'ready', readyMs: session.readyMs });
  try {
    const processStarted = Date.now();
    const outcome = await processChunks(session, prepared, options, concurrency, jobId);
    const processMs = Date.now() - processStarted;
    const exitBeforeStop = session.engine.exit();
    if (ownsSession) await session.close();
    const exit = session.engine.exit();
    warnings.push(...outcome.chunkWarnings);
    if (outcome.extractionError) warnings.push(`chunking stopped: ${outcome.extractionError.message}`);
    const merged = mergeChunkDocuments(outcome.mergeInputs, {
      ...(options.mergeConsecutive ? { mergeConsecutive: true } : {}),
    });
    if (options.outPath) await writeFile(options.outPath, `${JSON.stringify(merged.document, null, 2)}\n`);
    if (merged.warningCount > merged.warnings.length)
      warnings.push(`${merged.warningCount - merged.warnings.length} more merge warnings not shown`);
    const records = outcome.records;
    const counts = {
      chunks: records.length,
      complete: records.filter((chunk) => chunk.status === 'complete').length,
      ignored: records.filter((chunk) => chunk.status === 'ignored').length,
      failed: records.filter((chunk) => chunk.status === 'failed').length,
      cancelled: records.filter((chunk) => chunk.status === 'cancelled').length,
      outputs: records.reduce((sum, chunk) => sum + chunk.outputs, 0),
      ...merged.counts,
    };
    const firstFailed = records.find((chunk) => chunk.status === 'failed');
    const status: ChunkStatus = outcome.extractionError
      ? 'failed'
      : firstFailed
        ? 'failed'
        : counts.ignored === counts.chunks
          ? 'ignored'
          : 'complete';
    const failed =
      status !== 'failed'
        ? {}
        : outcome.extractionError
          ? failure(extractionReason(outcome.extractionError), outcome.extractionError.message)
          : failure(
              firstFailed?.failureReason ?? 'unknown',
              `${counts.failed} of ${counts.chunks} chunks failed; first: chunk ${firstFailed?.index}: ${firstFailed?.failureMsg ?? firstFailed?.failureReason}`,
            );
    return {
      ...base,
      status,
      ...failed,
      ...(outcome.extractionError instanceof MediaError ? { errorCode: outcome.extractionError.code } : {}),
      media: mediaRecord(prepared.media, options.media),
      plan: prepared.plan,
      concurrency,
      chunks: records,
      counts,
      warnings,
      mergeWarnings: merged.warnings,
      validationIssues: outcome.issues,
      ...(options.outPath ? { out: options.outPath } : { document: merged.document }),
      engine: {
        command: [...options.command],
        pid: session.engine.pid,
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        crashed: ownsSession ? exitBeforeStop !== undefined : exit !== undefined,
      },
      timings: {
        startedAt: startedAt.toISOString(),
        probeMs,
        readyMs: session.readyMs,
        processMs,
        totalMs: Date.now() - startedAt.getTime(),
        chunksPerSecond: processMs > 0 ? round((records.length * 1000) / processMs) : 0,
      },
    };
  } catch (error) {
    if (ownsSession) await session.close();
    throw error;
  }
}

interface Prepared {
  media: MediaInfo | { path: string; kind: 'images' };
  plan: ChunkingPlan;
  hints: ManifestPlanHints;
  chunks: () => AsyncGenerator<MediaChunk> | Iterable<MediaChunk>;
  /** Whether ffmpeg cuts the chunks (into a folder under the toolkit's work dir). */
  needsDir: boolean;
}

async function prepare(options: RunMediaOptions, warnings: string[]): Promise<Prepared> {
  const info = await stat(options.media).catch(() => undefined);
  if (!info) throw new MediaError('media_not_found', `media not found: ${options.media}`);
  const hints = options.manifestPath ? await readManifest(options.manifestPath, warnings) : {};
  if (info.isDirectory()) {
    const images = await listImageFolder(options.media, MAX_PLANNED_CHUNKS);
    const plan: ChunkingPlan = {
      kind: 'images',
      expectedChunks: images.length,
      reasons: ['a folder: one chunk per image, in name order'],
    };
    return {
      media: { path: options.media, kind: 'images' },
      plan,
      hints,
      chunks: () => images,
      needsDir: false,
    };
  }
  const tools = await findFfmpeg(options.env ?? process.env);
  const media = parseProbeOutput(options.media, await runFfprobe(tools, options.media), info.size);
  const plan = buildChunkingPlan(media, hints, options.plan ?? {});
  for (const reason of plan.reasons)
    if (reason.includes('shorter than') || reason.includes('no supportedInputFormats')) warnings.push(reason);
  return {
    media,
    plan,
    hints,
    chunks: () => [],
    needsDir: plan.kind !== 'whole',
  };
}

async function readManifest(path: string, warnings: string[]): Promise<ManifestPlanHints> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new MediaError('media_not_found', `cannot read the manifest ${path}: ${(error as Error).message}`);
  }
  try {
    return manifestPlanHints(JSON.parse(text), warnings);
  } catch (error) {
    throw new MediaError('invalid_plan', `the manifest ${path} is not JSON: ${(error as Error).message}`);
  }
}

function chooseConcurrency(options: RunMediaOptions, hints: ManifestPlanHints, warnings: string[]): number {
  if (options.concurrency !== undefined) return Math.max(1, Math.floor(options.concurrency));
  if (hints.maxConcurrency !== undefined && hints.maxConcurrency >= 1)
    return Math.floor(hints.maxConcurrency);
  const fromEnv = (options.env ?? process.env).VERITONE_CONCURRENT_TASKS;
  if (fromEnv !== undefined) {
    const value = Number(fromEnv);
    if (Number.isInteger(value) && value >= 1) return value;
    warnings.push(`VERITONE_CONCURRENT_TASKS="${fromEnv}" is not a whole number >= 1; using 1`);
  }
  return 1;
}

interface ChunkOutcome {
  records: MediaChunkRecord[];
  mergeInputs: { index: number; startOffsetMs: number; endOffsetMs: number; outputs: unknown[] }[];
  issues: MediaSummary['validationIssues'];
  chunkWarnings: string[];
  extractionError?: Error;
}

async function processChunks(
  session: EngineSession,
  prepared: Prepared,
  options: RunMediaOptions,
  concurrency: number,
  jobId: string,
): Promise<ChunkOutcome> {
  const runStarted = Date.now();
  const dir = join(session.toolkit.workDir, 'media', jobId);
  const source = prepared.needsDir
    ? extractChunks(prepared.plan, {
        tools: await findFfmpeg(options.env ?? process.env),
        media: prepared.media as MediaInfo,
        dir,
        readAhead: concurrency + 2,
        ...(options.signal ? { signal: options.signal } : {}),
      })
    : prepared.plan.kind === 'whole'
      ? extractChunks(prepared.plan, {
          tools: { ffmpeg: '', ffprobe: '' },
          media: prepared.media as MediaInfo,
          dir,
        })
      : prepared.chunks();
  const outcome: ChunkOutcome = { records: [], mergeInputs: [], issues: [], chunkWarnings: [] };
  const cancel = new AbortController();
  // One listener per chunk in flight (up to 64).
  setMaxListeners(200, cancel.signal);
  const stop = () => cancel.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  session.engine.exited.then(stop, stop);
  const taskBase = options.task?.internalTaskId ?? `task-${randomUUID()}`;
  const inFlight = new Set<Promise<void>>();
  let total = prepared.plan.expectedChunks;
  let done = 0;
  let failed = 0;
  const runOne = async (chunk: MediaChunk) => {
    const internalTaskId = `${taskBase}-chunk-${chunk.index}`;
    const sentAt = Date.now();
    options.onMediaEvent?.({
      type: 'chunk-start',
      index: chunk.index,
      startOffsetMs: chunk.startOffsetMs,
      endOffsetMs: chunk.endOffsetMs,
    });
    let record: MediaChunkRecord;
    // Each chunk gets its own signal: listeners added by the chunk run go away with it.
    const chunkCancel = new AbortController();
    const cancelChunk = () => chunkCancel.abort();
    cancel.signal.addEventListener('abort', cancelChunk, { once: true });
    try {
      const summary = await session.toolkit.runChunk(
        {
          ...options.task,
          internalJobId: jobId,
          internalTaskId,
          taskFolder: taskBase,
          // The size the chunking already knows, so the toolkit does not probe the chunk again.
          chunk: {
            path: chunk.path,
            mimeType: chunk.mimeType,
            ...(chunk.width && chunk.height ? { width: chunk.width, height: chunk.height } : {}),
          },
          startOffsetMs: chunk.startOffsetMs,
          endOffsetMs: chunk.endOffsetMs,
          chunkIndex: chunk.index,
          ...(options.task?.extraFields ? { extraFields: options.task.extraFields } : {}),
        },
        {
          engineExited: session.engine.exited,
          signal: chunkCancel.signal,
          onEvent: (event) => options.onMediaEvent?.({ type: 'chunk-event', index: chunk.index, event }),
        },
      );
      record = chunkRecord(chunk, internalTaskId, summary, sentAt - runStarted);
      if (cancel.signal.aborted && summary.status === 'failed' && summary.failureReason === 'other')
        record.status = 'cancelled';
      outcome.mergeInputs.push({
        index: chunk.index,
        startOffsetMs: chunk.startOffsetMs,
        endOffsetMs: chunk.endOffsetMs,
        outputs: summary.outputs.filter((output) => output.valid !== null).map((output) => output.output),
      });
      for (const warning of summary.warnings ?? [])
        if (outcome.chunkWarnings.length < MAX_SUMMARY_ISSUES)
          outcome.chunkWarnings.push(`chunk ${chunk.index}: ${warning.message}`);
      for (const issue of summary.validationIssues)
        if (outcome.issues.length < MAX_SUMMARY_ISSUES)
          outcome.issues.push({ ...issue, chunkIndex: chunk.index });
    } catch (error) {
      record = {
        ...emptyRecord(chunk, internalTaskId, sentAt - runStarted),
        status: 'failed',
        failureReason: 'internal_error',
        failureMsg: (error as Error).message,
      };
    }
    cancel.signal.removeEventListener('abort', cancelChunk);
    if (chunk.generated) {
      await options.onChunkFile?.(chunk, internalTaskId).catch(() => undefined);
      await rm(chunk.path, { force: true });
    }
    outcome.records.push(record);
    done++;
    if (record.status === 'failed') {
      failed++;
      if (options.failFast) cancel.abort();
    }
    total = Math.max(total, done + inFlight.size - 1);
    options.onMediaEvent?.({
      type: 'chunk-done',
      chunk: record,
      done,
      total,
      failed,
      elapsedMs: Date.now() - runStarted,
    });
  };
  try {
    for await (const chunk of source) {
      if (cancel.signal.aborted) {
        if (chunk.generated) await rm(chunk.path, { force: true });
        break;
      }
      const running: Promise<void> = runOne(chunk).finally(() => inFlight.delete(running));
      inFlight.add(running);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
  } catch (error) {
    outcome.extractionError = error as Error;
  } finally {
    await Promise.all(inFlight);
    options.signal?.removeEventListener('abort', stop);
    await rm(dir, { recursive: true, force: true });
  }
  outcome.records.sort((a, b) => a.index - b.index);
  if (options.failFast && failed > 0 && outcome.records.length < prepared.plan.expectedChunks)
    outcome.chunkWarnings.push(
      `--fail-fast: stopped at the first failed chunk; about ${prepared.plan.expectedChunks - outcome.records.length} planned chunks were not sent`,
    );
  return outcome;
}

function chunkRecord(
  chunk: MediaChunk,
  internalTaskId: string,
  summary: ToolkitSummary,
  startedAtMs: number,
): MediaChunkRecord {
  let seriesItems = 0;
  let objects = 0;
  for (const output of summary.outputs) {
    const doc = output.output as { series?: unknown; object?: unknown } | undefined;
    if (Array.isArray(doc?.series)) seriesItems += doc.series.length;
    if (Array.isArray(doc?.object)) objects += doc.object.length;
  }
  return {
    ...emptyRecord(chunk, internalTaskId, startedAtMs),
    status: summary.status,
    ...(summary.failureReason ? { failureReason: summary.failureReason } : {}),
    ...(summary.failureMsg ? { failureMsg: summary.failureMsg } : {}),
    ...(summary.responseKind ? { responseKind: summary.responseKind } : {}),
    processCalls: summary.processCalls.length,
    heartbeats: summary.heartbeats.length,
    outputs: summary.outputs.length,
    seriesItems,
    objects,
    validationIssues: summary.validationIssues.length,
    warnings: summary.warnings?.length ?? 0,
    durationMs: summary.timings.processMs,
  };
}

function emptyRecord(chunk: MediaChunk, internalTaskId: string, startedAtMs: number): MediaChunkRecord {
  return {
    index: chunk.index,
    internalTaskId,
    status: 'failed',
    mimeType: chunk.mimeType,
    startOffsetMs: chunk.startOffsetMs,
    endOffsetMs: chunk.endOffsetMs,
    ...(chunk.width && chunk.height ? { width: chunk.width, height: chunk.height } : {}),
    processCalls: 0,
    heartbeats: 0,
    outputs: 0,
    seriesItems: 0,
    objects: 0,
    validationIssues: 0,
    warnings: 0,
    startedAtMs,
    durationMs: 0,
  };
}

function mediaBase(options: RunMediaOptions, jobId: string, startedAt: Date): MediaSummary {
  return {
    status: 'failed',
    mode: 'media',
    internalJobId: jobId,
    media: { path: options.media },
    concurrency: 0,
    chunks: [],
    counts: { chunks: 0, complete: 0, ignored: 0, failed: 0, cancelled: 0, outputs: 0 },
    warnings: [],
    mergeWarnings: [],
    validationIssues: [],
    timings: { startedAt: startedAt.toISOString(), processMs: 0, totalMs: 0, chunksPerSecond: 0 },
  };
}

function failedBeforeStart(base: MediaSummary, error: MediaError, warnings: string[]): MediaSummary {
  return {
    ...base,
    ...failure(beforeStartReason(error.code), error.message),
    errorCode: error.code,
    warnings,
    timings: { ...base.timings, totalMs: Date.now() - new Date(base.timings.startedAt).getTime() },
  };
}

function extractionReason(error: Error): TaskFailureReason {
  return error instanceof MediaError && error.code === 'invalid_data' ? 'invalid_data' : 'internal_error';
}

function failure(failureReason: TaskFailureReason, failureMsg: string) {
  return { status: 'failed' as const, failureReason, failureMsg };
}

function mediaRecord(media: Prepared['media'], path: string): MediaSummary['media'] {
  return 'formatName' in media ? media : { path };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function beforeStartReason(code: MediaErrorCode): TaskFailureReason {
  if (code === 'invalid_data' || code === 'media_rejected') return 'invalid_data';
  if (code === 'ffmpeg_missing' || code === 'ffmpeg_failed') return 'system_error';
  return 'other';
}
