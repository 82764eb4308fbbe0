export interface ImageSize {
  width: number;
  height: number;
}

/** Reads the pixel size from a PNG, JPEG or GIF header; `undefined` for anything else. */
export function readImageSize(bytes: Uint8Array): ImageSize | undefined {
  return readPngSize(bytes) ?? readGifSize(bytes) ?? readJpegSize(bytes);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function readPngSize(bytes: Uint8Array): ImageSize | undefined {
  if (bytes.length < 24 || !PNG_SIGNATURE.every((byte, index) => bytes[index] === byte)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return positive({ width: view.getUint32(16), height: view.getUint32(20) });
}

function readGifSize(bytes: Uint8Array): ImageSize | undefined {
  if (bytes.length < 10 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'GIF8') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return positive({ width: view.getUint16(6, true), height: view.getUint16(8, true) });
}

function isStartOfFrame(marker: number): boolean {
  // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function readJpegSize(bytes: Uint8Array): ImageSize | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    const length = view.getUint16(offset + 2);
    if (isStartOfFrame(marker)) {
      if (offset + 9 > bytes.length) return undefined;
      return positive({ width: view.getUint16(offset + 7), height: view.getUint16(offset + 5) });
    }
    offset += 2 + length;
  }
  return undefined;
}

function positive(size: ImageSize): ImageSize | undefined {
  return size.width > 0 && size.height > 0 ? size : undefined;
}
