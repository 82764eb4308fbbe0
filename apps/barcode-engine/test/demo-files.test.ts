import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeImage } from '@engine-kit-apps/sample-support';
import { writeQrFrames } from '../src/testing/demo-files.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('writeQrFrames', () => {
  it('writes decodable frames and a truth file that lists them', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qr-frames-'));
    const frames = await writeQrFrames(dir, { count: 3, seed: 9 });
    expect(JSON.parse(await readFile(join(dir, 'truth.json'), 'utf8'))).toEqual(frames);
    for (const frame of frames) {
      expect(decodeImage(await readFile(frame.file))).toMatchObject({
        width: frame.width,
        height: frame.height,
      });
    }
  });
});
