import { stat } from 'node:fs/promises';
import { isAbsolute, normalize } from 'node:path';

/** The request fields that name a folder the engine writes into. */
export type DirectoryField = 'taskTmpDir' | 'libraryModelDirectory';

export type ConfinedDirectory = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Checks a folder named by a `/process` field without touching the disk: absolute, no NUL byte, no `..`
 * segment (refused rather than resolved, so `/x/a/../../escape` can never climb out of a root), then
 * normalised (`.` segments and doubled separators go). The reason never repeats the value.
 */
export function confinedDirectoryPath(field: DirectoryField, value: string): ConfinedDirectory {
  if (value === '' || value.includes('\0')) return { ok: false, reason: `${field} must be a path` };
  if (!isAbsolute(value)) return { ok: false, reason: `${field} must be an absolute path` };
  if (value.split(/[\\/]/).includes('..')) {
    return { ok: false, reason: `${field} must not contain '..' segments` };
  }
  const path = normalize(value);
  return { ok: true, path: path.length > 1 ? path.replace(/[\\/]+$/, '') : path };
}

/**
 * {@link confinedDirectoryPath}, then the folder must exist and be a directory. One reason covers both
 * "missing" and "not a directory": the answer must not tell a client which paths exist.
 */
export async function confinedDirectory(field: DirectoryField, value: string): Promise<ConfinedDirectory> {
  const lexical = confinedDirectoryPath(field, value);
  if (!lexical.ok) return lexical;
  const info = await stat(lexical.path).catch(() => undefined);
  if (!info?.isDirectory()) return { ok: false, reason: `${field} must name an existing directory` };
  return lexical;
}
