import { describe, expect, it } from 'vitest';

const EXPECTED = [
  'barcodesToVtn',
  'createRng',
  'decodeImage',
  'generateQrFrame',
  'generateQrFrames',
  'polygonError',
  'scanQrCodes',
  'scoreQrFrame',
  'summariseFrameScores',
  'writeQrFrames',
];

describe('testing entry', () => {
  it('exports exactly the demo and scoring helpers', async () => {
    expect(Object.keys(await import('../src/testing/index.ts')).sort()).toEqual(EXPECTED);
  });
});
