import { describe, expect, it } from 'vitest';
import { decodeImage } from '@engine-kit-apps/sample-support';
import { scanQrCodes } from '../src/qr-scan.ts';
import { generateQrFrame, generateQrFrames } from '../src/testing/frames.ts';
import { scoreQrFrame, summariseFrameScores } from '../src/testing/scoring.ts';
import { barcodesToVtn } from '../src/vtn.ts';

function detect(frame: ReturnType<typeof generateQrFrame>) {
  const image = decodeImage(frame.bytes);
  return barcodesToVtn(scanQrCodes(image), image).object;
}

describe('scanQrCodes', () => {
  // ~7 s of CPU; the timeout leaves room for a machine shared with other builds.
  it('decodes at least 95% of 50 generated frames with every polygon within 5% of the true corners', {
    timeout: 120_000,
  }, () => {
    const frames = generateQrFrames(50, 20_261_122);
    const summary = summariseFrameScores(frames.map((frame) => scoreQrFrame(frame, detect(frame))));
    console.info('barcode accuracy', summary);
    expect(
      frames.some((frame) => frame.format === 'png') && frames.some((frame) => frame.format === 'jpeg'),
    ).toBe(true);
    expect(summary.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(summary.maxPolygonError).toBeLessThanOrEqual(0.05);
  });

  it('finds every code when three share one frame', () => {
    for (const seed of [11, 12, 13]) {
      const frame = generateQrFrame({ seed, codes: 3, width: 520, height: 400 });
      expect(frame.truth).toHaveLength(3);
      const score = scoreQrFrame(frame, detect(frame));
      expect(score).toMatchObject({ decoded: 3, spurious: 0, correct: true });
    }
  });

  it('reports nothing for a frame without a code', () => {
    const frame = generateQrFrame({ seed: 5, codes: 0 });
    expect(detect(frame)).toEqual([]);
  });

  it('stops at maxCodes', () => {
    const frame = generateQrFrame({ seed: 12, codes: 3, width: 520, height: 400 });
    expect(scanQrCodes(decodeImage(frame.bytes), { maxCodes: 1 })).toHaveLength(1);
  });

  it('does not modify the caller’s image', () => {
    const image = decodeImage(generateQrFrame({ seed: 3, codes: 1, width: 240, height: 200 }).bytes);
    const before = new Uint8ClampedArray(image.data);
    scanQrCodes(image);
    expect(image.data).toEqual(before);
  });
});
