import { describe, expect, it } from 'vitest';
import { decodeImage, encodeJpeg, encodePng, ImageDecodeError, isSupportedImageMime } from '../src/index.ts';

const image = {
  width: 8,
  height: 4,
  data: new Uint8ClampedArray(
    Array.from({ length: 8 * 4 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256)),
  ),
};

function decodeError(bytes: Uint8Array): ImageDecodeError {
  try {
    decodeImage(bytes);
  } catch (error) {
    return error as ImageDecodeError;
  }
  throw new Error('expected decodeImage to throw');
}

describe('decodeImage', () => {
  it('reads back PNG pixels exactly', () => {
    expect(decodeImage(encodePng(image))).toEqual(image);
  });

  it('reads JPEG at the encoded size', () => {
    expect(decodeImage(encodeJpeg(image, 90))).toMatchObject({ width: 8, height: 4 });
  });

  it('rejects bytes that are neither PNG nor JPEG as invalid data', () => {
    const error = decodeError(new TextEncoder().encode('GIF89a not supported'));
    expect(error).toBeInstanceOf(ImageDecodeError);
    expect(error).toMatchObject({ code: 'unsupported_image', failureReason: 'invalid_data' });
  });

  it('rejects a truncated PNG as corrupt', () => {
    const png = encodePng(image);
    expect(decodeError(png.subarray(0, 40))).toMatchObject({
      code: 'corrupt_image',
      failureReason: 'invalid_data',
    });
  });
});

describe('isSupportedImageMime', () => {
  it('accepts PNG and JPEG spellings and refuses other media', () => {
    expect(['image/png', 'image/jpeg', 'image/jpg', 'IMAGE/JPEG; q=1'].every(isSupportedImageMime)).toBe(
      true,
    );
    expect(['audio/wav', 'video/mp4', 'text/plain', undefined].some(isSupportedImageMime)).toBe(false);
  });
});
