import { type EngineSession, startEngineSession } from '@engine-kit/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateQrFrame } from '../src/testing/frames.ts';
import { scoreQrFrame } from '../src/testing/scoring.ts';
import {
  type ScratchDir,
  createScratchDir,
  engineLog,
  sourceEngineLaunch,
} from '@engine-kit-apps/sample-support/testing';
import { APP_DIR } from './support/engine-command.ts';

let session: EngineSession;
const log = engineLog();
let scratch: ScratchDir;

beforeAll(async () => {
  scratch = await createScratchDir('barcode-engine-');
  session = await startEngineSession(sourceEngineLaunch(APP_DIR, log));
});

afterAll(async () => {
  await session?.close();
  await scratch?.remove();
});

describe('barcode engine through the toolkit', () => {
  it('answers an image chunk with barcode objects for every code in the frame', async () => {
    const frame = generateQrFrame({ seed: 301, codes: 2, width: 480, height: 360 });
    const summary = await session.toolkit.runChunk({
      chunk: { path: await scratch.file('frame.png', frame.bytes), mimeType: frame.mime },
      payload: {},
    });
    expect(summary).toMatchObject({ status: 'complete', responseKind: 'vtn', validationIssues: [] });
    const output = summary.outputs[0]!.output as {
      object: { text: string; boundingPoly: { x: number; y: number }[] }[];
    };
    expect(scoreQrFrame(frame, output.object).correct).toBe(true);
  });

  it('ignores a chunk that is not an image (204)', async () => {
    const summary = await session.toolkit.runChunk({
      chunk: {
        path: await scratch.file('audio.wav', new Uint8Array([82, 73, 70, 70])),
        mimeType: 'audio/wav',
      },
    });
    expect(summary).toMatchObject({ status: 'ignored', responseKind: 'ignored' });
    expect(summary.processCalls.at(-1)?.status).toBe(204);
  });

  it('fails an image chunk that cannot be decoded', async () => {
    const summary = await session.toolkit.runChunk({
      chunk: {
        path: await scratch.file(
          'broken.png',
          generateQrFrame({ seed: 3, format: 'png' }).bytes.subarray(0, 60),
        ),
        mimeType: 'image/png',
      },
    });
    expect(summary.status).toBe('failed');
    expect(summary.processCalls.at(-1)?.status).toBe(422);
    expect(log.lines.join('')).toContain('corrupt_image');
  });
});
