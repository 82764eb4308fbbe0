import { describe, expect, it } from 'vitest';
import { validate } from '@engine-kit/vtn-standard';
import { segmentsToVtn } from '../src/vtn.ts';

describe('segmentsToVtn', () => {
  it('reports segments as sound objects labelled sound or silence', () => {
    expect(
      segmentsToVtn([
        { kind: 'silence', startMs: 0, stopMs: 310 },
        { kind: 'sound', startMs: 310, stopMs: 900 },
      ]).series,
    ).toEqual([
      { startTimeMs: 0, stopTimeMs: 310, object: { type: 'sound', label: 'silence' } },
      { startTimeMs: 310, stopTimeMs: 900, object: { type: 'sound', label: 'sound' } },
    ]);
  });

  it('yields a valid VTN document', () => {
    expect(validate(segmentsToVtn([{ kind: 'sound', startMs: 0, stopMs: 120 }]))).toMatchObject({
      success: true,
    });
  });
});
