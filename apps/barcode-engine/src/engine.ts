import { readFile } from 'node:fs/promises';
import { EngineError, type EngineDefinition } from '@engine-kit/engine';
import { imageChunkFailure, isSupportedImageMime } from '@engine-kit-apps/sample-support';
import { processBarcodeChunk } from './process-chunk.ts';

async function readChunk(path: string | undefined): Promise<Uint8Array> {
  if (!path) {
    throw new EngineError('invalid_request', 'the /process request has no chunk file', {
      status: 400,
      failureReason: 'invalid_data',
    });
  }
  return readFile(path);
}

/** The barcode chunk engine: 204 for non-image chunks, VTN `barcode` objects for PNG/JPEG frames. */
export function barcodeEngine(overrides: Partial<EngineDefinition> = {}): EngineDefinition {
  return {
    mode: 'chunk',
    process: async (request, context) => {
      // Decided before reading the file: a video or audio chunk can be large.
      if (!isSupportedImageMime(request.chunkMimeType)) return context.ignore();
      try {
        const outcome = processBarcodeChunk({
          chunkMimeType: request.chunkMimeType,
          bytes: await readChunk(request.chunk),
        });
        return outcome.kind === 'vtn' ? outcome.vtn : context.ignore();
      } catch (error) {
        throw imageChunkFailure(error);
      }
    },
    ...overrides,
  };
}
