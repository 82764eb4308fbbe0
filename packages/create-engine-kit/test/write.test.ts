import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreateEngineKitError, createEngineProject, writeProject } from '../src/index.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'create-engine-kit-write-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<CreateEngineKitError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CreateEngineKitError) return error;
    throw error;
  }
  throw new Error('expected a CreateEngineKitError');
}

describe('writing a project', () => {
  it('creates a missing folder (and its parents) with every file', async () => {
    const target = join(dir, 'engines', 'first');
    const created = await createEngineProject({ directory: target, kind: 'stream', vtn: 'v1' });
    expect(created).toMatchObject({ directory: target, name: 'first', kind: 'stream', installed: false });
    expect(created.files).toContain('src/engine.ts');
    for (const file of created.files) expect(existsSync(join(target, file)), file).toBe(true);
    expect(JSON.parse(await readFile(join(target, 'package.json'), 'utf8')).name).toBe('first');
  });

  it('writes into an empty folder', async () => {
    await mkdir(join(dir, 'empty'));
    await createEngineProject({ directory: join(dir, 'empty'), kind: 'chunk', vtn: 'v2' });
    expect(existsSync(join(dir, 'empty', 'manifest.json'))).toBe(true);
  });

  it('never writes into a folder that is not empty without force, and changes nothing there', async () => {
    const target = join(dir, 'busy');
    await mkdir(target);
    await writeFile(join(target, 'package.json'), '{"name":"mine"}');
    const error = await failure(createEngineProject({ directory: target, kind: 'chunk', vtn: 'v1' }));
    expect(error.code).toBe('target_not_empty');
    expect(error.message).toMatch(/--force/);
    expect(await readFile(join(target, 'package.json'), 'utf8')).toBe('{"name":"mine"}');
    expect(existsSync(join(target, 'src'))).toBe(false);
  });

  it('counts a hidden file as content too', async () => {
    const target = join(dir, 'git');
    await mkdir(join(target, '.git'), { recursive: true });
    expect((await failure(writeProject(target, [{ path: 'a.txt', contents: 'a' }]))).code).toBe(
      'target_not_empty',
    );
  });

  it('with force, replaces the files of the same name and keeps the others', async () => {
    const target = join(dir, 'forced');
    await mkdir(target);
    await writeFile(join(target, 'package.json'), '{"name":"mine"}');
    await writeFile(join(target, 'notes.md'), 'keep me');
    await createEngineProject({ directory: target, kind: 'batch', vtn: 'v1', force: true });
    expect(JSON.parse(await readFile(join(target, 'package.json'), 'utf8')).name).toBe('forced');
    expect(await readFile(join(target, 'notes.md'), 'utf8')).toBe('keep me');
  });

  it('refuses a path that is a file', async () => {
    await writeFile(join(dir, 'file'), 'x');
    expect((await failure(writeProject(join(dir, 'file'), []))).code).toBe('target_not_directory');
  });

  it('refuses an invalid --name', async () => {
    expect(
      (
        await failure(
          createEngineProject({ directory: join(dir, 'n'), kind: 'chunk', vtn: 'v1', name: 'My Engine' }),
        )
      ).code,
    ).toBe('invalid_name');
    expect(existsSync(join(dir, 'n'))).toBe(false);
  });
});
