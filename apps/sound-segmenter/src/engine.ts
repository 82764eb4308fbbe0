import { EngineError, type EngineDefinition } from '@engine-kit/engine';
import type { SegmenterOptions } from './segmenter.ts';
import { openSource } from './source.ts';
import { runSoundStream } from './stream-task.ts';

const TUNABLE = ['enterDb', 'exitDb', 'minSoundMs', 'minSilenceMs'] as const;

/** Optional tuning from the task payload (`{ "enterDb": -35 }`); anything not a finite number is ignored. */
export function segmenterOptionsFromPayload(payload: unknown): Omit<SegmenterOptions, 'sampleRate'> {
  const options: Omit<SegmenterOptions, 'sampleRate'> = {};
  if (typeof payload !== 'object' || payload === null) return options;
  for (const name of TUNABLE) {
    const value = (payload as Record<string, unknown>)[name];
    if (typeof value === 'number' && Number.isFinite(value)) options[name] = value;
  }
  return options;
}

/**
 * The sound-segmenter stream engine: acknowledged at once, reads `cacheURI` as it arrives and
 * posts one `series` result per closed segment. The runtime heartbeats every second with the
 * `bytesRead` counted by `openInput` and the `messagesWritten` counted by `emitResult`.
 */
export function soundSegmenterEngine(overrides: Partial<EngineDefinition> = {}): EngineDefinition {
  return {
    mode: 'stream',
    process: async (request, context) => {
      let input: AsyncIterable<Uint8Array>;
      if (request.cacheURI) input = context.openInput();
      else if (request.chunk) input = openSource(request.chunk, { signal: context.signal });
      else {
        throw new EngineError('input_failed', 'the /process request has neither cacheURI nor a chunk file', {
          status: 400,
          failureReason: 'invalid_data',
        });
      }
      const final = await runSoundStream({
        input,
        segmenter: segmenterOptionsFromPayload(request.payload),
        signal: context.signal,
        emit: (output, offsets) => context.emitResult(output, offsets),
      });
      context.setInfo(`${final.messagesWritten} segments from ${final.bytesRead} bytes`);
      return undefined;
    },
    ...overrides,
  };
}
