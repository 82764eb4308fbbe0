import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ModelCacheError } from './errors.ts';
import type { DownloadSource } from './download.ts';
import type { CheckedModelKey } from './key.ts';

/** Written into every published model folder, last, before the folder is renamed into place. */
export const MANIFEST_FILE = '.model-cache.json';

export interface ManifestFile {
  /** Relative to the model folder, always with `/`. */
  path: string;
  size: number;
  sha256: string;
}

/** What a published model folder holds, so `verify` can later prove it was not changed. */
export interface ModelManifest {
  version: 1;
  libraryId: string;
  libraryEngineModelId: string;
  /** The model version this folder holds (the key's `version`). */
  modelVersion: string;
  /** What the server said about the file, when the fill was a download (`ensureFromUrl`). */
  source?: DownloadSource;
  /** When the fill finished (ms since epoch). */
  createdAt: number;
  /** Total bytes of all files. */
  size: number;
  /** SHA-256 over the sorted list of `path`, `size` and `sha256` of every file. */
  sha256: string;
  files: ManifestFile[];
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await visit(full);
      else if (entry.isFile()) found.push(full);
      else {
        throw new ModelCacheError(
          'invalid_fill',
          `fill left "${relative(root, full)}", which is not a regular file or folder; write real files only.`,
        );
      }
    }
  };
  await visit(root);
  return found.sort();
}

function digestOfFiles(files: ManifestFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.path}\u0000${file.size}\u0000${file.sha256}\n`);
  return hash.digest('hex');
}

async function describeFiles(dir: string): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  for (const full of await listFiles(dir)) {
    const path = relative(dir, full).split(sep).join('/');
    if (path === MANIFEST_FILE) continue;
    files.push({ path, size: (await lstat(full)).size, sha256: await hashFile(full) });
  }
  return files;
}

/** Hashes what `fill` wrote and writes the manifest (flushed to disk) into the staging folder. */
export async function writeManifest(
  dir: string,
  key: CheckedModelKey,
  source?: DownloadSource,
): Promise<ModelManifest> {
  try {
    await lstat(join(dir, MANIFEST_FILE));
    throw new ModelCacheError(
      'invalid_fill',
      `fill must not write "${MANIFEST_FILE}"; the cache owns that name.`,
    );
  } catch (error) {
    if (error instanceof ModelCacheError) throw error;
  }
  const files = await describeFiles(dir);
  const manifest: ModelManifest = {
    version: 1,
    libraryId: key.libraryId,
    libraryEngineModelId: key.libraryEngineModelId,
    modelVersion: key.version,
    ...(source === undefined ? {} : { source }),
    createdAt: Date.now(),
    size: files.reduce((total, file) => total + file.size, 0),
    sha256: digestOfFiles(files),
    files,
  };
  const handle = await open(join(dir, MANIFEST_FILE), 'wx');
  try {
    await handle.writeFile(JSON.stringify(manifest, null, 2));
    await handle.sync();
  } finally {
    await handle.close();
  }
  return manifest;
}

/** The manifest of a published folder, or `undefined` when it is missing or unreadable. */
export async function readManifest(dir: string): Promise<ModelManifest | undefined> {
  try {
    const value = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as ModelManifest;
    return value.version === 1 && Array.isArray(value.files) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** One difference between a published folder and its manifest. */
export interface VerifyProblem {
  path: string;
  problem: 'missing' | 'size' | 'sha256' | 'unexpected';
}

/** Compares what is on disk now with what the manifest recorded at publish time. */
export async function compareWithManifest(dir: string, manifest: ModelManifest): Promise<VerifyProblem[]> {
  const actual = new Map((await describeFiles(dir)).map((file) => [file.path, file]));
  const problems: VerifyProblem[] = [];
  for (const expected of manifest.files) {
    const found = actual.get(expected.path);
    actual.delete(expected.path);
    if (found === undefined) problems.push({ path: expected.path, problem: 'missing' });
    else if (found.size !== expected.size) problems.push({ path: expected.path, problem: 'size' });
    else if (found.sha256 !== expected.sha256) problems.push({ path: expected.path, problem: 'sha256' });
  }
  for (const path of actual.keys()) problems.push({ path, problem: 'unexpected' });
  return problems;
}
