import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CoreEmulator, CoreEmulatorError, startCoreEmulator } from '../src/index.ts';
import { gql, gqlMultipart, PNG_BYTES } from './helpers.ts';

let dir: string;
let emulator: CoreEmulator | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'core-emulator-seed-'));
});
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const LIBRARY_QUERY = `{ libraries { records { id name entities { count records { name identifiers { count records { identifierTypeId url contentType title } } } } } } }`;

describe('seeding', () => {
  it('turns a folder of <entity-name>/*.png into a library with entities and image identifiers', async () => {
    const root = join(dir, 'celebrities');
    for (const [name, files] of [
      ['ada', ['1.png', '2.png']],
      ['grace', ['a.png']],
    ] as const) {
      mkdirSync(join(root, name), { recursive: true });
      for (const file of files) writeFileSync(join(root, name, file), PNG_BYTES);
    }
    writeFileSync(join(root, 'ada', 'notes.md'), 'not media');
    emulator = await startCoreEmulator({ seed: root, engineId: 'engine-1' });
    const result = await gql(emulator.graphqlUrl, LIBRARY_QUERY);
    const library = result.body.data?.libraries.records[0];
    expect(library.name).toBe('celebrities');
    expect(library.entities.count).toBe(2);
    expect(library.entities.records.map((entity: { name: string }) => entity.name)).toEqual(['ada', 'grace']);
    const ada = library.entities.records[0].identifiers;
    expect(ada.count).toBe(2);
    expect(ada.records[0]).toMatchObject({
      identifierTypeId: 'face',
      contentType: 'image/png',
      title: '1.png',
    });
    const media = await fetch(ada.records[0].url);
    expect(media.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await media.arrayBuffer())).toEqual(PNG_BYTES);
    const models = [...emulator.store.models.values()];
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ engineId: 'engine-1', libraryId: library.id, trainStatus: 'pending' });
  });

  it('gives the same ids to the same folder seed on every start', async () => {
    mkdirSync(join(dir, 'lib', 'x'), { recursive: true });
    writeFileSync(join(dir, 'lib', 'x', 'p.png'), PNG_BYTES);
    const first = await startCoreEmulator({ seed: join(dir, 'lib') });
    const second = await startCoreEmulator({ seed: join(dir, 'lib') });
    try {
      expect([...first.store.libraries.keys()]).toEqual([...second.store.libraries.keys()]);
      expect([...first.store.entities.keys()]).toEqual([...second.store.entities.keys()]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('reads a JSON seed with identifier files relative to it', async () => {
    writeFileSync(join(dir, 'face.png'), PNG_BYTES);
    writeFileSync(
      join(dir, 'seed.json'),
      JSON.stringify({
        libraries: [
          {
            id: 'lib-1',
            name: 'From JSON',
            identifierTypeId: 'logo',
            entities: [
              {
                id: 'e-1',
                name: 'Brand',
                identifiers: [
                  { file: 'face.png' },
                  { url: 'http://127.0.0.1:9/l.png', contentType: 'image/png' },
                ],
              },
            ],
            engineModels: [{ id: 'm-1', engineId: 'engine-9', jsondata: { note: 'seeded' } }],
          },
        ],
      }),
    );
    emulator = await startCoreEmulator({ seed: join(dir, 'seed.json') });
    const library = (await gql(emulator.graphqlUrl, LIBRARY_QUERY)).body.data?.libraries.records[0];
    expect(library).toMatchObject({ id: 'lib-1', name: 'From JSON' });
    const identifiers = library.entities.records[0].identifiers.records;
    expect(identifiers.map((item: { identifierTypeId: string }) => item.identifierTypeId)).toEqual([
      'logo',
      'logo',
    ]);
    expect(identifiers[0].url).toMatch(/\/media\//);
    expect(identifiers[1].url).toBe('http://127.0.0.1:9/l.png');
    const model = await gql(
      emulator.graphqlUrl,
      '{ libraryEngineModel(id: "m-1") { engineId jsondata trainStatus } }',
    );
    expect(model.body.data?.libraryEngineModel).toEqual({
      engineId: 'engine-9',
      jsondata: { note: 'seeded' },
      trainStatus: 'pending',
    });
  });

  it('rejects an invalid seed with CoreEmulatorError invalid_seed naming the problem', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ libraries: [{ entities: [] }] }));
    const error = await startCoreEmulator({ seed: join(dir, 'bad.json') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CoreEmulatorError);
    expect(error).toMatchObject({ code: 'invalid_seed' });
    expect((error as Error).message).toMatch(/libraries\.0\.name/);
    writeFileSync(join(dir, 'broken.json'), '{ nope');
    await expect(startCoreEmulator({ seed: join(dir, 'broken.json') })).rejects.toMatchObject({
      code: 'invalid_seed',
    });
    await expect(startCoreEmulator({ seed: join(dir, 'missing.json') })).rejects.toMatchObject({
      code: 'invalid_seed',
    });
  });

  it('keeps models and uploads across restarts when persisted to a dataDir', async () => {
    const dataDir = join(dir, 'data');
    const seed = { libraries: [{ id: 'lib', name: 'L', engineModels: [{ id: 'm', engineId: 'e' }] }] };
    const first = await startCoreEmulator({ dataDir, seed });
    await gqlMultipart(
      first.graphqlUrl,
      'mutation { updateLibraryEngineModel(input: { id: "m", trainStatus: complete }) { id } }',
      {},
      { data: 'persisted', contentType: 'text/plain', filename: 'model.txt' },
    );
    await first.close();
    emulator = await startCoreEmulator({ dataDir, seed: { libraries: [] } });
    const model = (
      await gql(emulator.graphqlUrl, '{ libraryEngineModel(id: "m") { trainStatus dataUrl contentType } }')
    ).body.data?.libraryEngineModel;
    expect(model).toMatchObject({ trainStatus: 'complete', contentType: 'text/plain' });
    expect(await (await fetch(model.dataUrl)).text()).toBe('persisted');
  });
});
