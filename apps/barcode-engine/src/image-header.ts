import { ImageDecodeError } from '@engine-kit-apps/sample-support';
import { imageSize } from 'image-size';

/** The most pixels this engine decodes: the same bound as the shared decoder's (40 MP). */
export const MAX_DECODED_PIXELS = 40_000_000;

export interface ImageHeader {
  format: string;
  width: number;
  height: number;
}

/**
 * Reads the dimensions an image declares in its header (PNG IHDR, JPEG SOF) with `image-size`, which
 * reads only the header bytes, and refuses an image above {@link MAX_DECODED_PIXELS} before anything is
 * decoded: a 607 KB PNG may declare 25000×25000 pixels (2.5 GB of RGBA). A header `image-size` cannot
 * read is left to the decoder, which reports it as a corrupt image.
 */
export function checkImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  let header: ReturnType<typeof imageSize>;
  try {
    header = imageSize(bytes);
  } catch {
    return undefined;
  }
  const width = header.width;
  const height = header.height;
  if (!(width > 0 && height > 0)) {
    throw new ImageDecodeError('corrupt_image', `The image header declares ${width}x${height} pixels.`);
  }
  if (width * height > MAX_DECODED_PIXELS) {
    throw new ImageDecodeError(
      'corrupt_image',
      `Image size ${width}x${height} (${((width * height) / 1e6).toFixed(1)} MP, from its ${(header.type ?? 'image').toUpperCase()} header) exceeds the ${MAX_DECODED_PIXELS / 1e6} MP this engine decodes; refused before decoding.`,
    );
  }
  return { format: header.type ?? 'unknown', width, height };
}
