import { EngineError } from '@engine-kit/engine';
import { ImageDecodeError } from './image.ts';

/**
 * What an image engine's handler throws for an error raised while reading a chunk: an image that
 * cannot be decoded becomes a 422 `invalid_data` failure, anything else is returned unchanged.
 */
export function imageChunkFailure(error: unknown): unknown {
  if (!(error instanceof ImageDecodeError)) return error;
  // The same bytes will never decode: 422 tells the toolkit this is the input, not the engine.
  return new EngineError('handler_failed', `${error.code}: ${error.message}`, {
    status: 422,
    failureReason: 'invalid_data',
    cause: error,
  });
}
