import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoreEmulator } from '@engine-kit/core-emulator';
import { runProcess } from '@engine-kit/toolkit';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLogoLibrarySeed } from '../src/testing/demo-files.ts';
import { APP_DIR } from './support/engine-command.ts';

const MAIN = join(APP_DIR, 'dist', 'main.js');
const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('built engine (dist/main.js) under runProcess', () => {
  it('trains a library against the core emulator', async () => {
    expect(existsSync(MAIN), 'build first: pnpm --filter @engine-kit-apps/logo-library-engine... build').toBe(
      true,
    );
    const dir = await mkdtemp(join(tmpdir(), 'logo-built-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const { engineId } = JSON.parse(await readFile(join(APP_DIR, 'manifest.json'), 'utf8')) as {
      engineId: string;
    };
    const written = await writeLogoLibrarySeed(dir, { seed: 5, engineId, entities: 3, imagesPerEntity: 2 });
    const core = await startCoreEmulator({ seed: written.seedFile });
    cleanups.push(() => core.close());
    const summary = await runProcess({
      command: [process.execPath, MAIN],
      cwd: APP_DIR,
      payload: {
        mode: 'library-train',
        libraryId: written.libraryId,
        libraryEngineModelId: written.libraryEngineModelId,
      },
      veritoneApiBaseUrl: core.url,
      onEngineOutput: () => undefined,
    });
    expect(summary.status).toBe('complete');
    expect(core.store.models.get(written.libraryEngineModelId)).toMatchObject({
      trainStatus: 'complete',
      jsondata: { fingerprints: 6 },
    });
  });
});
