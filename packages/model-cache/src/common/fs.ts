import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** The errno code of a Node file system error, or `undefined` for anything else. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export function isMissing(error: unknown): boolean {
  return errnoCode(error) === 'ENOENT';
}

/** A name no other process (on any host sharing the volume) will pick at the same time. */
export function uniqueToken(): string {
  return `${process.pid}-${randomBytes(8).toString('hex')}`;
}

/**
 * Removes a folder so that no reader ever sees it half-deleted: it is first renamed
 * into `trashDir` (atomic), and only then deleted. Returns false when `target` was already gone.
 */
export async function renameAwayAndRemove(target: string, trashDir: string): Promise<boolean> {
  const parked = join(trashDir, uniqueToken());
  try {
    await rename(target, parked);
  } catch (error) {
    if (!isMissing(error)) throw error;
    if (!(await pathExists(target))) return false;
    // The target is there, so the trash folder was removed from under us: re-create it once.
    await mkdir(trashDir, { recursive: true });
    await rename(target, parked);
  }
  await rm(parked, { recursive: true, force: true });
  return true;
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
