/**
 * Library traversal benchmark: a 2,000-entity library (3 identifiers each) on the core emulator
 * (its own process) with 20 ms injected latency. Compares the client's bounded-concurrency iterator
 * with the naive sequential paging loop of the aiWARE docs, checks it under injected faults, and
 * shows that memory stays flat on a library ten times larger.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Seed } from '@engine-kit/core-emulator';
import { createLibraryClient, operations } from '../src/index.ts';
import { type EmulatorProcess, startEmulatorProcess } from './emulator-process.ts';

const ENTITIES = 2_000;
const LARGE_ENTITIES = 20_000;
const IDENTIFIERS = 3;
const LATENCY_MS = 20;
const PAGE_SIZE = 30;
const TOKEN = 'bench-token';
const LIBRARY_ID = 'bench-library';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function seedOf(entityCount: number): Seed {
  return {
    libraries: [
      {
        id: LIBRARY_ID,
        name: 'Bench',
        entities: Array.from({ length: entityCount }, (_, index) => ({
          id: `entity-${index}`,
          name: `Entity ${index}`,
          jsondata: { index },
          identifiers: Array.from({ length: IDENTIFIERS }, (_, k) => ({
            id: `entity-${index}-${k}`,
            url: `http://127.0.0.1:9/media/${index}/${k}.png`,
            contentType: 'image/png',
          })),
        })),
      },
    ],
  };
}

interface Run {
  name: string;
  entitiesInLibrary: number;
  wallMs: number;
  requests: number;
  minimumRequests: number;
  peakConcurrency: number;
  seen: number;
  unique: number;
  heapDeltaMb: number;
  rssDeltaMb: number;
  faults: number;
  throttled: number;
}

/** Runs `work` against a fresh stats window, sampling this process's memory for the peak above the start. */
async function measure(
  name: string,
  entitiesInLibrary: number,
  emulator: EmulatorProcess,
  work: () => Promise<string[]>,
): Promise<Run> {
  collectGarbage();
  await emulator.resetStats();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  }, 5);
  const started = performance.now();
  const ids = await work();
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  const stats = await emulator.stats();
  return {
    name,
    entitiesInLibrary,
    wallMs,
    requests: stats.requests,
    minimumRequests: Math.ceil(entitiesInLibrary / PAGE_SIZE),
    peakConcurrency: stats.peakConcurrency,
    seen: ids.length,
    unique: new Set(ids).size,
    heapDeltaMb: (peakHeap - before.heapUsed) / 2 ** 20,
    rssDeltaMb: (peakRss - before.rss) / 2 ** 20,
    faults: stats.faults,
    throttled: stats.throttled,
  };
}

/** The loop every engine writes by hand: one page after another with plain fetch. */
async function naiveSequential(graphqlUrl: string): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        query: operations.ListLibraryEntities,
        variables: { libraryId: LIBRARY_ID, identifierTypeId: 'face', offset, limit: PAGE_SIZE },
      }),
    });
    const body = (await response.json()) as {
      data: { library: { entities: { records: Array<{ id: string }> } } };
    };
    const records = body.data.library.entities.records;
    for (const record of records) ids.push(record.id);
    if (records.length < PAGE_SIZE) return ids;
  }
}

async function clientTraversal(graphqlUrl: string, concurrency: number, faulty = false): Promise<string[]> {
  const client = createLibraryClient({
    endpoint: graphqlUrl,
    token: TOKEN,
    concurrency,
    ...(faulty ? { retries: 10, retryBaseDelayMs: 50, retryMaxDelayMs: 1_000 } : {}),
  });
  const ids: string[] = [];
  for await (const entity of client.iterateEntities({ libraryId: LIBRARY_ID, identifierTypeId: 'face' })) {
    if (entity.identifiers.length !== IDENTIFIERS) throw new Error(`entity ${entity.id} lacks identifiers`);
    ids.push(entity.id);
  }
  return ids;
}

async function withEmulator<T>(
  seedPath: string,
  args: string[],
  use: (emulator: EmulatorProcess) => Promise<T>,
) {
  const emulator = await startEmulatorProcess([
    '--seed',
    seedPath,
    '--token',
    TOKEN,
    '--latency-ms',
    String(LATENCY_MS),
    ...args,
  ]);
  try {
    return await use(emulator);
  } finally {
    await emulator.close();
  }
}

function printTable(runs: Run[]) {
  const header = [
    'run',
    'entities',
    'wall ms',
    'requests',
    'minimum',
    'peak conc.',
    'seen (unique)',
    'heap Δ MB',
    'rss Δ MB',
  ];
  const rows = runs.map((run) => [
    run.name,
    String(run.entitiesInLibrary),
    run.wallMs.toFixed(0),
    String(run.requests),
    String(run.minimumRequests),
    String(run.peakConcurrency),
    `${run.seen} (${run.unique})`,
    run.heapDeltaMb.toFixed(1),
    run.rssDeltaMb.toFixed(1),
  ]);
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((cells) => cells[column]!.length)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ');
  console.log(format(header));
  for (const cells of rows) console.log(format(cells));
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'library-client-bench-'));
  try {
    const seedPath = join(dir, 'seed.json');
    const largeSeedPath = join(dir, 'large-seed.json');
    writeFileSync(seedPath, JSON.stringify(seedOf(ENTITIES)));
    writeFileSync(largeSeedPath, JSON.stringify(seedOf(LARGE_ENTITIES)));

    const runs: Run[] = [];
    await withEmulator(seedPath, [], async (emulator) => {
      runs.push(
        await measure('naive sequential loop', ENTITIES, emulator, () =>
          naiveSequential(emulator.graphqlUrl),
        ),
      );
      runs.push(
        await measure('client, concurrency 4', ENTITIES, emulator, () =>
          clientTraversal(emulator.graphqlUrl, 4),
        ),
      );
      runs.push(
        await measure('client, concurrency 8', ENTITIES, emulator, () =>
          clientTraversal(emulator.graphqlUrl, 8),
        ),
      );
    });
    const faultArgs = [
      '--fault-rate',
      '0.1',
      '--throttle-rate',
      '0.1',
      '--retry-after',
      '1',
      '--random-seed',
      '2024',
    ];
    await withEmulator(seedPath, faultArgs, async (emulator) => {
      runs.push(
        await measure('client, 10% 5xx + 10% 429', ENTITIES, emulator, () =>
          clientTraversal(emulator.graphqlUrl, 4, true),
        ),
      );
    });
    await withEmulator(largeSeedPath, [], async (emulator) => {
      runs.push(
        await measure('client, concurrency 4', LARGE_ENTITIES, emulator, () =>
          clientTraversal(emulator.graphqlUrl, 4),
        ),
      );
    });

    console.log(
      `\nLibrary traversal: ${IDENTIFIERS} identifiers per entity, ${LATENCY_MS} ms injected latency, page size ${PAGE_SIZE}, emulator in its own process\n`,
    );
    printTable(runs);
    const [naive, four, eight, faulty, large] = runs as [Run, Run, Run, Run, Run];
    console.log(
      `\nwall time ratio naive/client: concurrency 4 ${(naive.wallMs / four.wallMs).toFixed(2)}x, concurrency 8 ${(naive.wallMs / eight.wallMs).toFixed(2)}x`,
    );
    console.log(`requests/minimum: client ${(four.requests / four.minimumRequests).toFixed(2)}`);
    console.log(
      `fault run: ${faulty.faults} injected 5xx and ${faulty.throttled} 429 (Retry-After 1 s), ${faulty.requests} requests, every entity seen once: ${faulty.seen === ENTITIES && faulty.unique === ENTITIES}`,
    );
    console.log(
      `memory, ${LARGE_ENTITIES} vs ${ENTITIES} entities: heap Δ ${large.heapDeltaMb.toFixed(1)} vs ${four.heapDeltaMb.toFixed(1)} MB`,
    );

    const problems: string[] = [];
    for (const [run, limit] of [
      [naive, 1],
      [four, 4],
      [eight, 8],
      [faulty, 4],
      [large, 4],
    ] as const) {
      if (run.peakConcurrency > limit)
        problems.push(`${run.name}: peak concurrency ${run.peakConcurrency} > ${limit}`);
      if (run.seen !== run.entitiesInLibrary || run.unique !== run.entitiesInLibrary) {
        problems.push(
          `${run.name}: saw ${run.seen} entities (${run.unique} unique) of ${run.entitiesInLibrary}`,
        );
      }
    }
    if (four.requests !== four.minimumRequests)
      problems.push(`client made ${four.requests} requests, minimum ${four.minimumRequests}`);
    if (problems.length > 0) {
      console.error(`\nFAILED: ${problems.join('; ')}`);
      process.exitCode = 1;
    } else {
      console.log(
        '\nchecks passed: every entity seen exactly once, peak concurrency within each limit, minimum requests',
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
