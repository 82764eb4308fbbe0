import { decodeImage, isSupportedImageMime } from '@engine-kit-apps/sample-support';
import { checkImageHeader } from './image-header.ts';
import { scanQrCodes } from './qr-scan.ts';
import { type BarcodeVtn, barcodesToVtn } from './vtn.ts';

export type ChunkOutcome = { kind: 'ignored'; reason: string } | { kind: 'vtn'; vtn: BarcodeVtn };

export interface ChunkInput {
  chunkMimeType?: string | undefined;
  bytes: Uint8Array;
}

/**
 * The engine's whole decision for one chunk: non-image chunks are ignored (the engine answers
 * 204), images are scanned. Undecodable images, and images whose header declares more than 40 MP
 * (checked before decoding), throw `ImageDecodeError` (failureReason `invalid_data`).
 */
export function processBarcodeChunk(input: ChunkInput): ChunkOutcome {
  if (!isSupportedImageMime(input.chunkMimeType)) {
    return {
      kind: 'ignored',
      reason: `chunk MIME type ${input.chunkMimeType ?? '(none)'} is not PNG or JPEG`,
    };
  }
  checkImageHeader(input.bytes);
  const image = decodeImage(input.bytes);
  return { kind: 'vtn', vtn: barcodesToVtn(scanQrCodes(image), image) };
}
