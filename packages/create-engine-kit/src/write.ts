import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { CreateEngineKitError } from './errors.ts';
import type { ProjectFile } from './project.ts';

/** What an existing folder holds, for the overwrite rule: missing, empty, or not empty. */
export async function directoryState(directory: string): Promise<'missing' | 'empty' | 'not-empty'> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  if (!info.isDirectory()) {
    throw new CreateEngineKitError(
      'target_not_directory',
      `${directory} exists and is not a folder: choose another path.`,
    );
  }
  return (await readdir(directory)).length === 0 ? 'empty' : 'not-empty';
}

/**
 * Writes a project into `directory`. A folder that exists and is not empty is refused with
 * `target_not_empty` unless `force` is set; with `force` the project's files are written over
 * the ones of the same name and every other file is left alone (nothing is deleted).
 */
export async function writeProject(
  directory: string,
  files: readonly ProjectFile[],
  options: { force?: boolean } = {},
): Promise<{ directory: string; written: string[] }> {
  const root = resolve(directory);
  if ((await directoryState(root)) === 'not-empty' && !options.force) {
    throw new CreateEngineKitError(
      'target_not_empty',
      `${root} is not empty: choose a new folder, or pass --force to write the project's files over it.`,
    );
  }
  const written: string[] = [];
  for (const file of files) {
    const target = resolve(root, file.path);
    // Template paths are ours, yet a project file must never land outside its folder.
    if (!target.startsWith(root + sep))
      throw new Error(`internal: template path ${file.path} leaves the project`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.contents);
    written.push(join(file.path));
  }
  return { directory: root, written };
}
