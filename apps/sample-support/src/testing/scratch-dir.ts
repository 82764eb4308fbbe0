import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScratchDir {
  readonly path: string;
  /** Writes `bytes` to `<path>/<name>` and returns the file path. */
  file(name: string, bytes: Uint8Array): Promise<string>;
  remove(): Promise<void>;
}

/** A fresh temporary folder for the chunk files a test hands to an engine. */
export async function createScratchDir(prefix: string): Promise<ScratchDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    file: async (name, bytes) => {
      const file = join(path, name);
      await writeFile(file, bytes);
      return file;
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}
