/**
 * One run, three comparisons:
 * 1. hit latency of `ensure` against a bare `fs.promises.stat` of the same folder;
 * 2. one lock acquire + release cycle against proper-lockfile's `lock` + unlock;
 * 3. wall time of 8 processes racing for one cold key against one uncontended process,
 *    both with the same fill: a simulated 200 ms download that writes 4 MiB (8 writes of
 *    512 KiB, 25 ms apart), each process then checking the file it got. Timed from "go"
 *    (all processes started and ready) until every process has its model; median of 7;
 * 4. a version switch (a new version of a model whose previous version is published: fill, publish,
 *    swap `current`, sweep old versions under the lock) against a cold fill of a model never seen,
 *    both with the same fill (4 MiB written at once); median of 30 alternating rounds.
 * `BENCH_ONLY=hit,lock,race,switch` runs only the named cases.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { ModelCache } from '../src/index.ts';
import { tryAcquireLock } from '../src/lock.ts';
import { killAllWorkers, Worker, type WorkerConfig } from '../test/helpers/workers.ts';

const base = mkdtempSync(join(tmpdir(), 'model-cache-bench-'));
const key = { libraryId: 'library-1', libraryEngineModelId: 'model-1' };

interface Row {
  case: string;
  ours: string;
  baseline: string;
  ratio: string;
}
const rows: Row[] = [];

function micros(totalMs: number, iterations: number): string {
  return `${((totalMs * 1_000) / iterations).toFixed(1)} µs`;
}

/**
 * Times two loops in alternating rounds, so that load from anything else on the machine
 * falls on both alike. Returns total milliseconds of each.
 */
async function timeAlternating(
  iterations: number,
  ours: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
): Promise<{ ours: number; baseline: number }> {
  const rounds = 10;
  const perRound = Math.ceil(iterations / rounds);
  const totals = { ours: 0, baseline: 0 };
  for (let i = 0; i < 200; i += 1) {
    await ours();
    await baseline();
  }
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, body] of [
      ['ours', ours],
      ['baseline', baseline],
    ] as const) {
      const started = performance.now();
      for (let i = 0; i < perRound; i += 1) await body();
      totals[name] += performance.now() - started;
    }
  }
  return totals;
}

async function benchHit(): Promise<void> {
  const cache = new ModelCache({ root: join(base, 'hit') });
  const { dir } = await cache.ensure(key, ({ dir }) => writeFileSync(join(dir, 'w.bin'), 'x'));
  const fill = () => {
    throw new Error('a hit must not fill');
  };
  const iterations = 20_000;
  const timed = await timeAlternating(
    iterations,
    () => cache.ensure(key, fill),
    () => stat(dir),
  );
  rows.push({
    case: 'hit: ensure() vs fs.stat(dir)',
    ours: micros(timed.ours, iterations),
    baseline: micros(timed.baseline, iterations),
    ratio: (timed.ours / timed.baseline).toFixed(2),
  });
}

async function benchLock(): Promise<void> {
  const dir = join(base, 'lock');
  mkdirSync(join(dir, 'trash'), { recursive: true });
  const options = { lockDir: join(dir, 'ours.lock'), trashDir: join(dir, 'trash'), staleMs: 10_000 };
  const target = join(dir, 'theirs');
  writeFileSync(target, '');
  const iterations = 2_000;
  const timed = await timeAlternating(
    iterations,
    async () => {
      const lock = await tryAcquireLock(options);
      if (lock === undefined) throw new Error('lock unexpectedly held');
      await lock.release();
    },
    async () => {
      const release = await lockfile.lock(target, { stale: 10_000, realpath: false });
      await release();
    },
  );
  rows.push({
    case: 'lock: acquire+release vs proper-lockfile',
    ours: micros(timed.ours, iterations),
    baseline: micros(timed.baseline, iterations),
    ratio: (timed.ours / timed.baseline).toFixed(2),
  });
}

/** Starts `count` processes, waits until all are ready, then times from "go" until all have read the model. */
async function raceOnce(count: number, run: number, warmUp: boolean): Promise<number> {
  const root = join(base, `race-${count}-${run}-${warmUp}`);
  const config: WorkerConfig = {
    root,
    lockStaleMs: 10_000,
    key,
    fillLog: join(root, 'fills.log'),
    fillBytes: 4 * 1024 * 1024,
    fillMs: 200,
    mode: 'fill',
    waitForGo: true,
    readBack: 'size',
    warmUp,
  };
  const workers = Array.from({ length: count }, () => new Worker(config));
  await Promise.all(workers.map((worker) => worker.waitFor('ready', 60_000)));
  const started = performance.now();
  for (const worker of workers) worker.send('go');
  const results = await Promise.all(workers.map((worker) => worker.waitFor('done', 60_000)));
  const elapsed = performance.now() - started;
  if (results.some((result) => result.event !== 'done' || result.size !== config.fillBytes)) {
    throw new Error(`a worker failed: ${JSON.stringify(results)}`);
  }
  await Promise.all(workers.map((worker) => worker.exited));
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Median wall times of the 8-process race and of one process, run alternately so that load
 * from anything else on the machine hits both alike.
 */
async function benchRace(warmUp: boolean): Promise<void> {
  const runs = 7;
  const single: number[] = [];
  const raced: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    single.push(await raceOnce(1, run, warmUp));
    raced.push(await raceOnce(8, run, warmUp));
  }
  const ratio = median(raced) / median(single);
  const processes = warmUp ? 'processes that used the cache before' : 'fresh processes';
  rows.push({
    case: `cold key, ${processes}: 8 racing vs 1 alone`,
    ours: `${median(raced).toFixed(0)} ms`,
    baseline: `${median(single).toFixed(0)} ms`,
    ratio: `${ratio.toFixed(2)} (target <= 1.30)`,
  });
}

async function benchVersionSwitch(): Promise<void> {
  const cache = new ModelCache({ root: join(base, 'switch') });
  const payload = Buffer.alloc(4 * 1024 * 1024, 7);
  const fill = ({ dir }: { dir: string }) => writeFileSync(join(dir, 'model.bin'), payload);
  await cache.ensure({ ...key, version: 'v0' }, fill);
  const switches: number[] = [];
  const cold: number[] = [];
  for (let round = 1; round <= 30; round += 1) {
    let started = performance.now();
    const switched = await cache.ensure({ ...key, version: `v${round}` }, fill);
    switches.push(performance.now() - started);
    started = performance.now();
    const fresh = await cache.ensure(
      { libraryId: 'cold', libraryEngineModelId: `m${round}`, version: 'v1' },
      fill,
    );
    cold.push(performance.now() - started);
    if (switched.hit || fresh.hit) throw new Error('expected fills');
  }
  rows.push({
    case: 'version switch (v1 published) vs cold fill',
    ours: `${median(switches).toFixed(2)} ms`,
    baseline: `${median(cold).toFixed(2)} ms`,
    ratio: (median(switches) / median(cold)).toFixed(2),
  });
}

const only = process.env.BENCH_ONLY?.split(',');
const wanted = (name: string) => only === undefined || only.includes(name);
try {
  if (wanted('hit')) await benchHit();
  if (wanted('lock')) await benchLock();
  if (wanted('race')) {
    await benchRace(false);
    await benchRace(true);
  }
  if (wanted('switch')) await benchVersionSwitch();
  console.table(rows);
} finally {
  await killAllWorkers();
  rmSync(base, { recursive: true, force: true });
}
