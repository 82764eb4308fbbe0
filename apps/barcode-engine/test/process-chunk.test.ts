import { describe, expect, it } from 'vitest';
import { ImageDecodeError } from '@engine-kit-apps/sample-support';
import { processBarcodeChunk } from '../src/process-chunk.ts';
import { generateQrFrame } from '../src/testing/frames.ts';

describe('processBarcodeChunk', () => {
  it('ignores chunks that are not PNG or JPEG images', () => {
    for (const chunkMimeType of ['audio/wav', 'video/mp4', undefined]) {
      expect(processBarcodeChunk({ chunkMimeType, bytes: new Uint8Array([1, 2, 3]) }).kind).toBe('ignored');
    }
  });

  it('returns the decoded codes of an image chunk as VTN', () => {
    const frame = generateQrFrame({ seed: 21, codes: 2, width: 480, height: 360 });
    const outcome = processBarcodeChunk({ chunkMimeType: frame.mime, bytes: frame.bytes });
    expect(outcome.kind).toBe('vtn');
    if (outcome.kind !== 'vtn') return;
    expect(outcome.vtn.object.map((object) => object.text).sort()).toEqual(
      frame.truth.map((code) => code.text).sort(),
    );
  });

  it('fails with invalid_data when an image chunk cannot be decoded', () => {
    expect(() =>
      processBarcodeChunk({ chunkMimeType: 'image/jpeg', bytes: new Uint8Array([0xff, 0xd8, 0xff, 0]) }),
    ).toThrow(ImageDecodeError);
  });
});
