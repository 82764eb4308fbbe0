import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** An RGBA raster, 4 bytes per pixel, rows top to bottom. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export type ImageFormat = 'png' | 'jpeg';

export type ImageDecodeErrorCode = 'unsupported_image' | 'corrupt_image';

/** Raised when chunk bytes are not a PNG/JPEG this engine can read; maps to failureReason `invalid_data`. */
export class ImageDecodeError extends Error {
  readonly code: ImageDecodeErrorCode;
  readonly failureReason = 'invalid_data' as const;

  constructor(code: ImageDecodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageDecodeError';
    this.code = code;
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
// Frames larger than this are refused rather than risking an out-of-memory crash.
const MAX_PIXELS = 40_000_000;

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((value, index) => bytes[index] === value);
}

/** Recognises the image format from magic bytes; MIME types from the wire are too often wrong to trust. */
export function detectImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (startsWith(bytes, JPEG_SIGNATURE)) return 'jpeg';
  return undefined;
}

/** Whether a chunk MIME type names an image this engine should attempt to decode. */
export function isSupportedImageMime(mime: string | undefined): boolean {
  if (!mime) return false;
  const base = mime.split(';')[0]!.trim().toLowerCase();
  return base === 'image/png' || base === 'image/jpeg' || base === 'image/jpg' || base === 'image/pjpeg';
}

function decodePng(bytes: Uint8Array): RgbaImage {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return {
    width: png.width,
    height: png.height,
    data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength),
  };
}

function decodeJpeg(bytes: Uint8Array): RgbaImage {
  const jpg = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    maxResolutionInMP: MAX_PIXELS / 1e6,
  });
  return {
    width: jpg.width,
    height: jpg.height,
    data: new Uint8ClampedArray(jpg.data.buffer, jpg.data.byteOffset, jpg.data.byteLength),
  };
}

/** Decodes PNG or JPEG bytes to RGBA; throws {@link ImageDecodeError} for anything else. */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  const format = detectImageFormat(bytes);
  if (!format) {
    throw new ImageDecodeError(
      'unsupported_image',
      'Chunk is neither PNG nor JPEG (checked the magic bytes).',
    );
  }
  let image: RgbaImage;
  try {
    image = format === 'png' ? decodePng(bytes) : decodeJpeg(bytes);
  } catch (cause) {
    throw new ImageDecodeError(
      'corrupt_image',
      `The ${format.toUpperCase()} chunk could not be decoded: ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
  if (image.width <= 0 || image.height <= 0 || image.width * image.height > MAX_PIXELS) {
    throw new ImageDecodeError(
      'corrupt_image',
      `Image size ${image.width}x${image.height} is not supported.`,
    );
  }
  return image;
}

/** Encodes RGBA as PNG (used by the test-data generators and tests). */
export function encodePng(image: RgbaImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return new Uint8Array(PNG.sync.write(png));
}

/** Encodes RGBA as baseline JPEG at the given quality (1..100). */
export function encodeJpeg(image: RgbaImage, quality: number): Uint8Array {
  const encoded = jpeg.encode(
    {
      width: image.width,
      height: image.height,
      data: Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength),
    },
    quality,
  );
  return new Uint8Array(encoded.data);
}
