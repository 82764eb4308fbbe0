import { EngineError } from '@engine-kit/engine';
import { describe, expect, it } from 'vitest';
import { decodeImage, imageChunkFailure } from '../src/index.ts';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

describe('imageChunkFailure', () => {
  it('turns an undecodable image into a 422 invalid_data engine error that names the decode code', () => {
    const decodeError = thrownBy(() => decodeImage(new TextEncoder().encode('GIF89a not supported')));
    const failure = imageChunkFailure(decodeError);
    expect(failure).toBeInstanceOf(EngineError);
    expect(failure).toMatchObject({ status: 422, failureReason: 'invalid_data', cause: decodeError });
    expect((failure as EngineError).message).toContain('unsupported_image');
  });

  it('returns any other error unchanged', () => {
    const other = new RangeError('disk on fire');
    expect(imageChunkFailure(other)).toBe(other);
  });
});
