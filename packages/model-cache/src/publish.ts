import { readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode, isMissing } from './common/fs.ts';
import { ModelCacheError } from './errors.ts';
import { MANIFEST_FILE } from './manifest.ts';
import type { FillContext, FillFunction } from './types.ts';
import { throwIfAborted } from './wait.ts';

export async function isPublished(dir: string): Promise<boolean> {
  try {
    await stat(join(dir, MANIFEST_FILE));
    return true;
  } catch {
    return false;
  }
}

/** An empty folder (e.g. created by a runtime ahead of time) is fine: publishing replaces it atomically. */
export async function assertNotOccupied(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  if (entries.length > 0) throw occupiedError(dir);
}

function occupiedError(dir: string): ModelCacheError {
  return new ModelCacheError(
    'path_occupied',
    `${dir} exists but was not published by the model cache (no ${MANIFEST_FILE}); remove it or call cache.evict(key).`,
  );
}

export async function runFill(fill: FillFunction, context: FillContext): Promise<void> {
  try {
    await fill(context);
  } catch (error) {
    if (error instanceof ModelCacheError) throw error;
    throwIfAborted(context.signal);
    throw new ModelCacheError('fill_failed', `Filling the model failed: ${describe(error)}`, {
      cause: error,
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Renames the finished staging folder into place; losing that race keeps the winner's folder. */
export async function publish(staging: string, dir: string): Promise<string> {
  try {
    await rename(staging, dir);
    return dir;
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
    if (await isPublished(dir)) return dir;
    throw occupiedError(dir);
  }
}

export function stagingLostError(cause: unknown, lockStaleMs: number): ModelCacheError {
  return new ModelCacheError(
    'fill_failed',
    `The fill's staging folder vanished: its lock went ${lockStaleMs} ms without refresh (blocked event loop or clock skew?), so another process took it over and cleaned up. Retry, and raise lockStaleMs.`,
    { cause },
  );
}

export function splitStagingName(name: string): [string, string] {
  const dot = name.indexOf('.');
  return dot === -1 ? [name, ''] : [name.slice(0, dot), name.slice(dot + 1)];
}
