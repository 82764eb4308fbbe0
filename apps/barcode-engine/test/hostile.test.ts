import { deflateSync } from 'node:zlib';
import { ImageDecodeError } from '@engine-kit-apps/sample-support';
import { describe, expect, it } from 'vitest';
import { checkImageHeader, MAX_DECODED_PIXELS } from '../src/image-header.ts';
import { processBarcodeChunk } from '../src/process-chunk.ts';
import { generateQrFrame } from '../src/testing/frames.ts';

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A real, decodable 8-bit grey PNG of zeros: tiny on disk, `width × height × 4` bytes once decoded. */
function greyPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc((width + 1) * height), { level: 9 })),
    pngChunk('IEND', new Uint8Array()),
  ]);
}

const JFIF_APP0 = Buffer.from([
  0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
]);

/** A baseline JPEG header (SOI, optionally JFIF APP0, SOF0 with the given size, EOI) and no scan data. */
function jpegHeader(width: number, height: number, { app0 = true } = {}): Buffer {
  const sof = Buffer.from([
    0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0,
  ]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    app0 ? JFIF_APP0 : Buffer.alloc(0),
    sof,
    Buffer.from([0xff, 0xd9]),
  ]);
}

function refusal(run: () => unknown): ImageDecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof ImageDecodeError) return error;
    throw error;
  }
  throw new Error('expected the chunk to be refused');
}

describe('barcode engine: image dimensions are checked from the header, before decoding', () => {
  it('refuses a small PNG that decodes to 64 MP, naming its declared size', () => {
    const png = greyPng(8000, 8000);
    expect(png.length).toBeLessThan(200_000);
    const error = refusal(() => processBarcodeChunk({ chunkMimeType: 'image/png', bytes: png }));
    expect(error.code).toBe('corrupt_image');
    expect(error.message).toMatch(/8000x8000 \(64\.0 MP, from its PNG header\) exceeds the 40 MP/);
  });

  it('refuses the issue 25000×25000 declaration from a header alone (no pixel data needed)', () => {
    const header = greyPng(1, 1);
    header.writeUInt32BE(25_000, 16);
    header.writeUInt32BE(25_000, 20);
    const error = refusal(() => processBarcodeChunk({ chunkMimeType: 'image/png', bytes: header }));
    expect(error.message).toMatch(/25000x25000 .* refused before decoding/);
  });

  it('refuses a JPEG whose SOF declares more than the limit', () => {
    const error = refusal(() =>
      processBarcodeChunk({ chunkMimeType: 'image/jpeg', bytes: jpegHeader(9000, 9000) }),
    );
    expect(error.message).toMatch(/9000x9000 .*JPG header/);
  });

  it('still refuses a JPEG whose SOF comes first (image-size skips it): jpeg-js checks the size before allocating', () => {
    expect(checkImageHeader(jpegHeader(9000, 9000, { app0: false }))).toBeUndefined();
    const error = refusal(() =>
      processBarcodeChunk({ chunkMimeType: 'image/jpeg', bytes: jpegHeader(9000, 9000, { app0: false }) }),
    );
    expect(error.message).toMatch(/maxResolutionInMP/);
  });

  it('lets an image at the limit through to the decoder, and reads the size of a real frame', () => {
    expect(MAX_DECODED_PIXELS).toBe(40_000_000);
    expect(checkImageHeader(jpegHeader(8000, 5000))).toEqual({ format: 'jpg', width: 8000, height: 5000 });
    const frame = generateQrFrame({ seed: 3, codes: 1, width: 320, height: 240 });
    expect(checkImageHeader(frame.bytes)).toMatchObject({ width: 320, height: 240 });
    expect(processBarcodeChunk({ chunkMimeType: frame.mime, bytes: frame.bytes }).kind).toBe('vtn');
  });

  it('refuses a header declaring zero pixels, and leaves unreadable headers to the decoder', () => {
    expect(refusal(() => checkImageHeader(jpegHeader(0, 10))).message).toMatch(/declares 0x10 pixels/);
    expect(checkImageHeader(new Uint8Array([1, 2, 3]))).toBeUndefined();
    expect(() =>
      processBarcodeChunk({ chunkMimeType: 'image/png', bytes: new Uint8Array([0x89, 0x50]) }),
    ).toThrow(ImageDecodeError);
  });
});
