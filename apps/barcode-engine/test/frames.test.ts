import { describe, expect, it } from 'vitest';
import { decodeImage, detectImageFormat } from '@engine-kit-apps/sample-support';
import { generateQrFrame } from '../src/testing/frames.ts';
import { polygonError } from '../src/testing/scoring.ts';

function rotationDeg(corners: { x: number; y: number }[]): number {
  const [topLeft, topRight] = corners as [{ x: number; y: number }, { x: number; y: number }];
  return (Math.atan2(topRight.y - topLeft.y, topRight.x - topLeft.x) * 180) / Math.PI;
}

describe('generateQrFrame', () => {
  it('is reproducible for a seed', () => {
    expect(generateQrFrame({ seed: 42 })).toEqual(generateQrFrame({ seed: 42 }));
    expect(generateQrFrame({ seed: 42 }).bytes).not.toEqual(generateQrFrame({ seed: 43 }).bytes);
  });

  it('writes the requested format with the declared size', () => {
    for (const format of ['png', 'jpeg'] as const) {
      const frame = generateQrFrame({ seed: 7, format, width: 300, height: 200 });
      expect(detectImageFormat(frame.bytes)).toBe(format);
      expect(decodeImage(frame.bytes)).toMatchObject({ width: 300, height: 200 });
    }
  });

  it('keeps every symbol inside the frame and rotated by at most the requested angle', () => {
    for (let seed = 100; seed < 110; seed++) {
      const frame = generateQrFrame({ seed, maxRotationDeg: 15 });
      for (const code of frame.truth) {
        expect(Math.abs(rotationDeg(code.corners))).toBeLessThanOrEqual(15.0001);
        for (const corner of code.corners) {
          expect(corner.x).toBeGreaterThanOrEqual(0);
          expect(corner.x).toBeLessThanOrEqual(frame.width);
          expect(corner.y).toBeGreaterThanOrEqual(0);
          expect(corner.y).toBeLessThanOrEqual(frame.height);
        }
      }
    }
  });
});

describe('polygonError', () => {
  it('is the largest corner distance in ratio units', () => {
    const truth = [
      { x: 0.1, y: 0.1 },
      { x: 0.5, y: 0.1 },
      { x: 0.5, y: 0.5 },
    ];
    expect(polygonError(truth, truth)).toBe(0);
    expect(polygonError([{ x: 0.1, y: 0.13 }, truth[1]!, truth[2]!], truth)).toBeCloseTo(0.03);
    expect(polygonError(truth.slice(0, 2), truth)).toBe(Number.POSITIVE_INFINITY);
  });
});
