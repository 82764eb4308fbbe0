import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateManifest } from '@engine-kit/contracts';
import { describe, expect, it } from 'vitest';
import { ENGINE_KINDS, renderProject, type VTN_VERSIONS } from '../src/index.ts';

const packagesDir = join(import.meta.dirname, '..', '..');
const versionOf = (dir: string) =>
  (JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as { version: string }).version;

function project(kind: (typeof ENGINE_KINDS)[number], vtn: (typeof VTN_VERSIONS)[number] = 'v1') {
  const files = renderProject({
    name: 'my-engine',
    kind,
    vtn,
    engineId: '0b0e5d2c-1f1a-4a57-9a4e-6b2f0c1d2e3f',
  });
  const byPath = new Map(files.map((file) => [file.path, file.contents]));
  const read = (path: string) => {
    const contents = byPath.get(path);
    if (contents === undefined) throw new Error(`${path} was not generated`);
    return contents;
  };
  // biome-ignore lint/suspicious/noExplicitAny: assertions read the generated JSON by its known shape.
  return { files, byPath, read, json: (path: string) => JSON.parse(read(path)) as Record<string, any> };
}

describe.each(ENGINE_KINDS)('a %s project', (kind) => {
  it('has every file a runnable, tested engine needs', () => {
    const { byPath } = project(kind);
    for (const path of [
      'package.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'manifest.json',
      'Dockerfile',
      'README.md',
      '.gitignore',
      'src/engine.ts',
      'src/vtn.ts',
      'test/engine.test.ts',
    ]) {
      expect(byPath.has(path), path).toBe(true);
    }
    for (const path of byPath.keys()) expect(path).toMatch(/^[a-z.][a-z0-9./-]*$/i);
  });

  it('writes an ESM package.json with the four scripts and caret ranges of the current engine-kit', () => {
    const pkg = project(kind).json('package.json');
    expect(pkg).toMatchObject({ name: 'my-engine', type: 'module', private: true });
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['dev', 'test', 'build', 'console']));
    expect(pkg.scripts.test).toContain('test/engine.test.ts');
    expect(pkg.dependencies).toMatchObject({
      '@engine-kit/engine': `^${versionOf('engine')}`,
      '@engine-kit/vtn-standard': `^${versionOf('vtn-standard')}`,
      '@engine-kit/contracts': `^${versionOf('contracts')}`,
    });
    expect(pkg.devDependencies['@engine-kit/toolkit']).toBe(`^${versionOf('toolkit')}`);
    for (const range of [...Object.values(pkg.dependencies), ...Object.values(pkg.devDependencies)]) {
      expect(range).toMatch(/^\^[0-9]+\.[0-9]+\.[0-9]+$/);
    }
  });

  it('writes a manifest that validateManifest accepts, with the engine mode of the kind', () => {
    const manifest = project(kind).json('manifest.json');
    const result = validateManifest(manifest);
    expect(result.success ? [] : result.issues).toEqual([]);
    expect(manifest.engineId).toBe('0b0e5d2c-1f1a-4a57-9a4e-6b2f0c1d2e3f');
    expect(manifest.engineMode).toBe(kind === 'library' ? 'chunk' : kind);
    expect(manifest.trainableViaApi).toBe(kind === 'library');
  });

  it('writes a Dockerfile in the seed pattern: the toolkit binary wraps node dist/engine.js', () => {
    const dockerfile = project(kind).read('Dockerfile');
    expect(dockerfile).toContain('FROM veritone/aiware-engine-toolkit AS vt-engine-toolkit');
    expect(dockerfile).toContain('COPY manifest.json /var/manifest.json');
    expect(dockerfile).toContain('ENTRYPOINT ["/opt/aiware/engine", "node", "/app/dist/engine.js"]');
  });

  it('writes a test that runs the engine through the toolkit and validates its output', () => {
    const test = project(kind).read('test/engine.test.ts');
    expect(test).toContain("from '@engine-kit/toolkit'");
    expect(test).toContain('runProcess(');
    expect(test).toContain('validate(output)');
    expect(test).toContain('validateManifest(');
  });

  it('names the VTN 2 schema in every document only when asked for v2', () => {
    expect(project(kind, 'v1').read('src/vtn.ts')).not.toContain('$schema');
    const v2 = project(kind, 'v2').read('src/vtn.ts');
    expect(v2).toContain("export const VTN_SCHEMA = 'https://get.aiware.com/schemas/v2/aion/schema.json'");
    expect(v2).toContain('$schema: VTN_SCHEMA');
  });
});

describe('kind specifics', () => {
  it('a library engine has train and run handlers, a seed library and the core emulator', () => {
    const { read, json } = project('library');
    expect(read('src/engine.ts')).toMatch(/train: async/);
    expect(read('src/engine.ts')).toMatch(/run: async/);
    const seed = json('samples/library/seed.json');
    expect(seed.libraries[0].engineModels[0].engineId).toBe('0b0e5d2c-1f1a-4a57-9a4e-6b2f0c1d2e3f');
    for (const entity of seed.libraries[0].entities) read(`samples/library/${entity.identifiers[0].file}`);
    expect(json('package.json').devDependencies['@engine-kit/core-emulator']).toBe(
      `^${versionOf('core-emulator')}`,
    );
  });

  it('a VTN 2 library engine gives its namedEntity objects a category and no confidence', () => {
    const v2 = project('library', 'v2').read('src/vtn.ts');
    expect(v2).toContain('objectCategory: [{ class: ENTITY_CLASS }]');
    expect(v2).not.toContain('confidence:');
    expect(project('library', 'v1').read('src/vtn.ts')).toContain('confidence:');
  });

  it('stream and batch engines acknowledge at once; a chunk engine answers in the response', () => {
    expect(project('stream').read('src/engine.ts')).toContain("mode: 'stream'");
    expect(project('batch').read('src/engine.ts')).toContain("mode: 'batch'");
    expect(project('chunk').read('src/engine.ts')).toContain("mode: 'chunk'");
  });

  it('gives every project its own random engineId unless one is given', () => {
    const a = JSON.parse(
      renderProject({ name: 'a', kind: 'chunk', vtn: 'v1' }).find((f) => f.path === 'manifest.json')!
        .contents,
    );
    const b = JSON.parse(
      renderProject({ name: 'a', kind: 'chunk', vtn: 'v1' }).find((f) => f.path === 'manifest.json')!
        .contents,
    );
    expect(a.engineId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.engineId).not.toBe(b.engineId);
  });
});
