import { describe, expect, it } from 'vitest';

const EXPECTED = [
  'createRng',
  'generateWav',
  'scoreSegments',
  'segmentWav',
  'segmentsFromSeries',
  'writeWavWithTruth',
];

describe('testing entry', () => {
  it('exports exactly the demo and scoring helpers', async () => {
    expect(Object.keys(await import('../src/testing/index.ts')).sort()).toEqual(EXPECTED);
  });
});
