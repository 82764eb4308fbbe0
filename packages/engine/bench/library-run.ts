/**
 * Latency of a library-run task on a model that is already cached, with the per-task version
 * check (the default: one `GetLibraryEngineModelVersion` round trip to the core) against the
 * hit path without it (`versionCheckIntervalMs` of an hour: no query), in the same run; then the
 * first task after a retrain (version switch: query, full record, download, publish) against a
 * steady task. Core emulator and engines run in this process on loopback; the client posts one
 * task at a time, in alternating rounds, and the median of each side is reported.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProcessForm } from '@engine-kit/contracts';
import { startCoreEmulator } from '@engine-kit/core-emulator';
import { createLibraryClient, graphqlEndpointFromBaseUrl } from '@engine-kit/library-client';
import { createEngine, type Engine, type EngineLogger } from '../src/index.ts';

const TASKS_PER_ROUND = 50;
const ROUNDS = 10;
const SWITCHES = 15;
const MODEL_BYTES = 1024 * 1024;
const TOKEN = 'bench-token';

const quiet: EngineLogger = { debug() {}, info() {}, warn() {}, error() {} };
const work = mkdtempSync(join(tmpdir(), 'engine-library-bench-'));
const models = join(work, 'models');
mkdirSync(models);
const core = await startCoreEmulator({
  token: TOKEN,
  seed: {
    libraries: [
      {
        id: 'lib',
        name: 'Bench',
        identifierTypeId: 'face',
        entities: [],
        engineModels: [{ id: 'model', engineId: 'engine-1', trainStatus: 'pending' }],
      },
    ],
  },
});
const client = createLibraryClient({ endpoint: graphqlEndpointFromBaseUrl(core.url), token: TOKEN });
let retrains = 0;
async function retrain(): Promise<void> {
  retrains += 1;
  const file = join(work, `model-${retrains}.bin`);
  writeFileSync(file, Buffer.alloc(MODEL_BYTES, retrains));
  await new Promise((resolve) => setTimeout(resolve, 2));
  await client.uploadLibraryEngineModelFile({
    id: 'model',
    filePath: file,
    contentType: 'application/octet-stream',
    filename: 'model.bin',
    trainStatus: 'complete',
  });
}

function startEngine(versionCheckIntervalMs: number): Promise<{ engine: Engine; url: string }> {
  const engine = createEngine({
    port: 0,
    host: '127.0.0.1',
    logger: quiet,
    validateOutput: false,
    library: { versionCheckIntervalMs },
    process: () => undefined,
    run: ({ model }) => {
      readFileSync(model.file!);
      return undefined;
    },
  });
  return engine.listen().then(({ processUrl }) => ({ engine, url: processUrl }));
}

const fields = {
  internalJobId: 'job',
  internalTaskId: 'task',
  chunkMimeType: 'image/png',
  veritoneApiBaseUrl: core.url,
  token: TOKEN,
  libraryId: 'lib',
  libraryEngineModelId: 'model',
  libraryModelDirectory: models,
  payload: { mode: 'library-run' as const, libraryId: 'lib', libraryEngineModelId: 'model' },
};

async function task(url: string): Promise<number> {
  const started = performance.now();
  const reply = await fetch(url, { method: 'POST', body: buildProcessForm(fields) });
  await reply.arrayBuffer();
  if (reply.status !== 204) throw new Error(`task answered ${reply.status}`);
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(2)} ms`;

try {
  await retrain();
  const checked = await startEngine(0);
  const unchecked = await startEngine(60 * 60_000);
  for (let i = 0; i < 50; i += 1) {
    await task(checked.url);
    await task(unchecked.url);
  }
  const withCheck: number[] = [];
  const withoutCheck: number[] = [];
  core.resetStats();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let i = 0; i < TASKS_PER_ROUND; i += 1) withCheck.push(await task(checked.url));
    for (let i = 0; i < TASKS_PER_ROUND; i += 1) withoutCheck.push(await task(unchecked.url));
  }
  const queries = core.stats().operations.GetLibraryEngineModelVersion ?? 0;

  const switches: number[] = [];
  const steady: number[] = [];
  for (let i = 0; i < SWITCHES; i += 1) {
    await retrain();
    switches.push(await task(checked.url));
    steady.push(await task(checked.url));
  }
  console.table([
    {
      case: `cached model: per-task version check vs none (${ROUNDS * TASKS_PER_ROUND} tasks each)`,
      ours: ms(median(withCheck)),
      baseline: ms(median(withoutCheck)),
      difference: ms(median(withCheck) - median(withoutCheck)),
      ratio: (median(withCheck) / median(withoutCheck)).toFixed(2),
      'version queries': `${queries} (${(queries / (ROUNDS * TASKS_PER_ROUND)).toFixed(2)} per checked task)`,
    },
    {
      case: `first task after a retrain (${MODEL_BYTES / 1024 / 1024} MiB model) vs steady task`,
      ours: ms(median(switches)),
      baseline: ms(median(steady)),
      difference: ms(median(switches) - median(steady)),
      ratio: (median(switches) / median(steady)).toFixed(2),
      'version queries': '',
    },
  ]);
  await checked.engine.close({ timeoutMs: 1_000 });
  await unchecked.engine.close({ timeoutMs: 1_000 });
} finally {
  await core.close();
  rmSync(work, { recursive: true, force: true });
}
