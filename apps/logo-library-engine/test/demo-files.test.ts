import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeImage } from '@engine-kit-apps/sample-support';
import { writeLogoLibrarySeed, writeLogoTestFrames } from '../src/testing/demo-files.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('demo files', () => {
  it('writes a seed whose identifiers point at the written library images, and scored test frames', async () => {
    dir = await mkdtemp(join(tmpdir(), 'logo-demo-'));
    const written = await writeLogoLibrarySeed(join(dir, 'library'), {
      seed: 3,
      engineId: 'engine-1',
      entities: 2,
    });
    const seed = JSON.parse(await readFile(written.seedFile, 'utf8'));
    const [library] = seed.libraries;
    expect(library).toMatchObject({
      id: written.libraryId,
      engineModels: [{ id: written.libraryEngineModelId, engineId: 'engine-1' }],
    });
    expect(library.entities.map((entity: { id: string }) => entity.id)).toEqual(
      written.entities.map((e) => e.entityId),
    );
    const firstFile = join(dirname(written.seedFile), library.entities[0].identifiers[0].file);
    expect(decodeImage(await readFile(firstFile)).width).toBeGreaterThan(0);

    const frames = await writeLogoTestFrames(join(dir, 'frames'), written.library, {
      seed: 3,
      nonLibrary: 2,
    });
    expect(frames).toHaveLength(2 * 3 * 4 + 2);
    expect(frames.filter((frame) => frame.entityId === null)).toHaveLength(2);
    expect(JSON.parse(await readFile(join(dir, 'frames', 'truth.json'), 'utf8'))).toEqual(frames);
  });
});
