import { describe, expect, it } from 'vitest';

describe('entry points', () => {
  it('the main entry exports exactly the image helpers', async () => {
    expect(Object.keys(await import('../src/index.ts')).sort()).toEqual([
      'ImageDecodeError',
      'decodeImage',
      'detectImageFormat',
      'encodeJpeg',
      'encodePng',
      'imageChunkFailure',
      'isSupportedImageMime',
    ]);
  });

  it('the testing entry exports exactly the test helpers', async () => {
    expect(Object.keys(await import('../src/testing/index.ts')).sort()).toEqual([
      'createRng',
      'createScratchDir',
      'engineCommandFor',
      'engineLog',
      'sourceEngineLaunch',
    ]);
  });
});
