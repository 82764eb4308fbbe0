import { engineKitRanges } from '../versions.ts';
import { testPreamble } from './test-support.ts';
import type { KindTemplate, TemplateInput } from './types.ts';
import { vtnPreamble, vtnSchemaConstant } from './vtn.ts';

const LIBRARY_ARGS =
  '--core http://127.0.0.1:4000 --token dev --library-id computing-pioneers --library-engine-model-id computing-pioneers-model';

const ENTITIES = [
  {
    id: 'ada-lovelace',
    name: 'Ada Lovelace',
    phrases: 'Ada Lovelace\nAnalytical Engine\nCountess of Lovelace\n',
  },
  { id: 'grace-hopper', name: 'Grace Hopper', phrases: 'Grace Hopper\nCOBOL\nHarvard Mark I\n' },
  { id: 'alan-turing', name: 'Alan Turing', phrases: 'Alan Turing\nTuring machine\nBletchley Park\n' },
];

const CHUNK = `Notes on early computing. The Analytical Engine was never built, yet its notes held the
first program. Decades later the Harvard Mark I ran for the Navy, and COBOL followed.
`;

function seed(engineId: string): string {
  return `${JSON.stringify(
    {
      libraries: [
        {
          id: 'computing-pioneers',
          name: 'Computing pioneers',
          identifierTypeId: 'text',
          entities: ENTITIES.map(({ id, name }) => ({
            id,
            name,
            identifiers: [{ file: `${id}.txt`, contentType: 'text/plain' }],
          })),
          engineModels: [{ id: 'computing-pioneers-model', engineId }],
        },
      ],
    },
    null,
    2,
  )}\n`;
}

export function libraryTemplate({ vtn, engineId }: TemplateInput): KindTemplate {
  const engine = `import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineError, runEngine } from '@engine-kit/engine';
import { buildModel, entityDocument, MODEL_CONTENT_TYPE, parseModel, type TrainingEntity } from './vtn.js';

/** Largest identifier text read while training. */
const MAX_IDENTIFIER_BYTES = 64 * 1024;

/** Identifier media; the API token goes only to the API's own origin, never to another host. */
async function fetchIdentifierText(url: string, apiBaseUrl?: string, token?: string): Promise<string> {
  const sameOrigin = apiBaseUrl !== undefined && new URL(url).origin === new URL(apiBaseUrl).origin;
  const response = await fetch(url, sameOrigin && token ? { headers: { authorization: \`Bearer \${token}\` } } : {});
  if (!response.ok) throw new EngineError('input_failed', \`identifier \${url} answered \${response.status}\`);
  const text = await response.text();
  if (Buffer.byteLength(text) > MAX_IDENTIFIER_BYTES) {
    throw new EngineError('input_failed', \`identifier \${url} is larger than 64 KiB\`, { failureReason: 'invalid_data' });
  }
  return text;
}

await runEngine({
  identifierTypeId: 'text',
  // payload.mode === 'library-train': always asynchronous, with heartbeats.
  train: async ({ request, entities, context }) => {
    const trained: TrainingEntity[] = [];
    for await (const entity of entities) {
      const texts: string[] = [entity.name];
      for (const identifier of entity.identifiers) {
        if (identifier.url) texts.push(await fetchIdentifierText(identifier.url, request.veritoneApiBaseUrl, request.token));
      }
      trained.push({ id: entity.id, name: entity.name, texts });
      context.setInfo(\`\${trained.length} entities\`);
    }
    const model = buildModel(trained);
    const dir = request.taskTmpDir ?? (await mkdtemp(join(tmpdir(), 'train-')));
    const file = join(dir, 'model.json');
    await writeFile(file, JSON.stringify(model));
    return {
      jsondata: { entities: model.entities.length, phrases: model.entities.reduce((sum, entity) => sum + entity.phrases.length, 0) },
      file: { path: file, contentType: MODEL_CONTENT_TYPE },
    };
  },
  // payload.mode === 'library-run': the model is downloaded once per process into libraryModelDirectory.
  run: async ({ request, model }) => {
    if (!request.chunk) throw new EngineError('invalid_request', 'library-run needs a chunk', { status: 400, failureReason: 'invalid_data' });
    if (!model.file) throw new EngineError('model_load_failed', 'the library engine model has no file: train it first');
    const trained = parseModel(await readFile(model.file, 'utf8'));
    return entityDocument(await readFile(request.chunk, 'utf8'), trained, model.libraryId);
  },
  process: () => {
    throw new EngineError('unsupported_mode', 'this library engine needs payload.mode library-train or library-run', {
      status: 400,
      failureReason: 'invalid_data',
    });
  },
});
`;
  const vtnSource = `import type { VtnDocument } from '@engine-kit/vtn-standard';
${vtnSchemaConstant(vtn)}
export const MODEL_CONTENT_TYPE = 'application/json';
${vtn === 'v2' ? "\n/** The objectCategory class of this library's entities (people). */\nexport const ENTITY_CLASS = 'PERSON';\n" : ''}
export interface TrainingEntity {
  id: string;
  name: string;
  /** The entity's name and the text of its identifiers: one phrase per line. */
  texts: string[];
}

export interface PhraseModel {
  version: 1;
  entities: { id: string; name: string; phrases: string[] }[];
}

/** Phrases are compared in lower case with runs of spaces and punctuation made one space. */
export function normalise(text: string): string {
  return \` \${text.toLowerCase().replace(/[^\\p{L}\\p{N}]+/gu, ' ').trim()} \`;
}

/** The model: each entity with its distinct normalised phrases. */
export function buildModel(entities: readonly TrainingEntity[]): PhraseModel {
  return {
    version: 1,
    entities: entities.map(({ id, name, texts }) => ({
      id,
      name,
      phrases: [...new Set(texts.flatMap((text) => text.split('\\n')).map(normalise).filter((phrase) => phrase.trim()))],
    })),
  };
}

export function parseModel(text: string): PhraseModel {
  const model = JSON.parse(text) as PhraseModel;
  if (model.version !== 1 || !Array.isArray(model.entities)) throw new Error('not a model of this engine');
  return model;
}

/** An \`entity\` document: every library entity one of whose phrases the text contains. */
export function entityDocument(text: string, model: PhraseModel, libraryId: string): VtnDocument {
  const haystack = normalise(text);
  const found = model.entities
    .map((entity) => ({ entity, hits: entity.phrases.filter((phrase) => haystack.includes(phrase)).length }))
    .filter(({ hits }) => hits > 0);
  return {
${vtnPreamble(vtn, 'entity', '    ')}    object: found.map(({ entity, hits }) => ({
      type: 'namedEntity',
      label: entity.name,
      entityId: entity.id,
      libraryId,
${vtn === 'v2' ? '      // VTN 2 namedEntity objects carry a category and no confidence.\n      objectCategory: [{ class: ENTITY_CLASS }],' : '      confidence: Math.round((hits / entity.phrases.length) * 1000) / 1000,'}
    })),
  };
}
`;
  const test = `${testPreamble("import { startCoreEmulator } from '@engine-kit/core-emulator';\n")}
const libraryId = 'computing-pioneers';
const libraryEngineModelId = 'computing-pioneers-model';

test('library-train builds the model from the library and library-run recognises its entities', async (t) => {
  // A local aiWARE core with the library of samples/library/seed.json.
  const core = await startCoreEmulator({ seed: projectFile('samples/library/seed.json') });
  t.after(() => core.close());
  const task = { payload: { mode: 'library-train', libraryId, libraryEngineModelId }, libraryId, libraryEngineModelId };

  const trainLog = engineLog();
  const trained = await runProcess({
    command: engineCommand,
    ...task,
    veritoneApiBaseUrl: core.url,
    maxTtlSeconds: 60,
    onEngineOutput: trainLog.onEngineOutput,
  });
  assert.equal(trained.status, 'complete', trainLog.explain(trained));
  assert.deepEqual(core.store.models.get(libraryEngineModelId)?.jsondata, { entities: 3, phrases: 9 });

  const runLog = engineLog();
  const ran = await runProcess({
    command: engineCommand,
    ...task,
    payload: { ...task.payload, mode: 'library-run' },
    chunk: { path: projectFile('samples/library/chunk.txt'), mimeType: 'text/plain' },
    veritoneApiBaseUrl: core.url,
    maxTtlSeconds: 60,
    onEngineOutput: runLog.onEngineOutput,
  });
  assert.equal(ran.status, 'complete', runLog.explain(ran));
  assertValidOutputs(ran, runLog.explain);
  const document = ran.outputs[0]?.output as { object: { entityId: string; libraryId: string }[] };
  assert.deepEqual(
    document.object.map((found) => [found.libraryId, found.entityId]),
    [
      [libraryId, 'ada-lovelace'],
      [libraryId, 'grace-hopper'],
    ],
  );
});
`;
  return {
    summary:
      'A library engine: library-train learns the phrases of each entity, library-run finds them in text.',
    scripts: {
      core: 'core-emulator --port 4000 --seed samples/library/seed.json --token dev',
      train: `engine-toolkit train ${LIBRARY_ARGS} -- tsx src/engine.ts`,
      process: `engine-toolkit run ${LIBRARY_ARGS} --chunk samples/library/chunk.txt --mime text/plain -- tsx src/engine.ts`,
    },
    manifest: {
      category: 'entity',
      preferredInputFormat: 'text/plain',
      supportedInputFormats: ['text/plain'],
      engineMode: 'chunk',
      trainableViaApi: true,
    },
    devDependencies: { '@engine-kit/core-emulator': engineKitRanges()['@engine-kit/core-emulator'] },
    howItWorks: `The engine has two modes, chosen by the task payload's \`mode\`:

- \`library-train\`: the runtime pages through the library's entities (identifier type \`text\`) with
  \`@engine-kit/library-client\`, the handler reads each identifier's text (one phrase per line), and the
  model file it returns (\`model.json\`) is uploaded to the library engine model, whose \`trainStatus\`
  goes \`running\` then \`complete\` (or \`failed\`).
- \`library-run\`: the model is downloaded once per process into \`libraryModelDirectory\` through
  \`@engine-kit/model-cache\`, and each chunk of text is answered with an \`entity\` document: every entity
  one of whose phrases the text contains, with \`libraryId\` and \`entityId\`.

The test starts a local aiWARE core (\`@engine-kit/core-emulator\`) with \`samples/library/seed.json\`,
trains the engine, then runs it. To try it by hand: \`npm run core\` in one terminal (a core on port 4000 with
that library), then \`npm run train\` and \`npm run process\` (library-run on \`samples/library/chunk.txt\`)
in another.`,
    files: [
      { path: 'src/engine.ts', contents: engine },
      { path: 'src/vtn.ts', contents: vtnSource },
      { path: 'test/engine.test.ts', contents: test },
      { path: 'samples/library/seed.json', contents: seed(engineId) },
      { path: 'samples/library/chunk.txt', contents: CHUNK },
      ...ENTITIES.map(({ id, phrases }) => ({ path: `samples/library/${id}.txt`, contents: phrases })),
    ],
  };
}
