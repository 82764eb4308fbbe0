import { describe, expect, it } from 'vitest';

const EXPECTED = [
  'TRANSFORMS',
  'addLogoEntity',
  'buildModel',
  'createRng',
  'decodeImage',
  'encodeJpeg',
  'encodePng',
  'fingerprintImage',
  'generateLogoLibrary',
  'generateNonLibraryImages',
  'matchFingerprint',
  'randomLogoDesign',
  'renderLogo',
  'scoreRecognition',
  'transformImage',
  'writeLogoLibrarySeed',
  'writeLogoTestFrames',
];

describe('testing entry', () => {
  it('exports exactly the demo and scoring helpers', async () => {
    expect(Object.keys(await import('../src/testing/index.ts')).sort()).toEqual(EXPECTED);
  });
});
