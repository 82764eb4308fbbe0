import { segmentWav } from './segment-wav.ts';
import type { Segment, SegmenterOptions } from './segmenter.ts';
import { openSource } from './source.ts';
import { type SoundVtn, segmentsToVtn } from './vtn.ts';

export interface StreamProgress {
  bytesRead: number;
  messagesWritten: number;
}

export interface SoundStreamTask {
  /** Where to read the WAV: a `cacheURI` (http(s), file: URL or path) or an already opened byte stream. */
  input: string | AsyncIterable<Uint8Array>;
  /** Posts one result (the engine's result webhook); awaited so results stay in order. */
  emit: (output: SoundVtn, offsets: { startOffsetMs: number; endOffsetMs: number }) => Promise<void>;
  /**
   * Sends a `running` heartbeat with the counters so far, every `heartbeatIntervalMs`. Leave it out
   * when the runtime already heartbeats (the engine-kit runtime does once acknowledged).
   */
  heartbeat?: (progress: StreamProgress) => void | Promise<void>;
  heartbeatIntervalMs?: number;
  segmenter?: Omit<SegmenterOptions, 'sampleRate'>;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

const DEFAULT_HEARTBEAT_MS = 1000;

/**
 * The stream engine's work for one task: read the input as it arrives, post each segment as a
 * result as soon as it closes, and (optionally) heartbeat with bytes read and results written.
 * Rejects with `WavFormatError` (invalid_data) or `SourceError` (url_* / stream_read_error).
 */
export async function runSoundStream(task: SoundStreamTask): Promise<StreamProgress> {
  const progress: StreamProgress = { bytesRead: 0, messagesWritten: 0 };
  const { heartbeat } = task;
  const timer = heartbeat
    ? setInterval(() => {
        void Promise.resolve(heartbeat({ ...progress })).catch(() => undefined);
      }, task.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_MS)
    : undefined;
  try {
    const source =
      typeof task.input === 'string'
        ? openSource(task.input, {
            ...(task.fetch ? { fetch: task.fetch } : {}),
            ...(task.signal ? { signal: task.signal } : {}),
          })
        : task.input;
    await segmentWav(
      source,
      async (segment: Segment) => {
        await task.emit(segmentsToVtn([segment]), {
          startOffsetMs: segment.startMs,
          endOffsetMs: segment.stopMs,
        });
        progress.messagesWritten++;
      },
      {
        ...task.segmenter,
        onProgress: (stats) => {
          progress.bytesRead = stats.bytesRead;
        },
      },
    );
    return { ...progress };
  } finally {
    if (timer) clearInterval(timer);
  }
}
