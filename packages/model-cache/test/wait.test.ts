import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelCacheError } from '../src/index.ts';
import { backoffDelay, ChangeWaiter } from '../src/wait.ts';
import { makeTempRoot } from './helpers/temp.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('waiting between polls', () => {
  it('grows the delay exponentially with jitter, never above the cap', () => {
    for (let attempt = 0; attempt < 30; attempt += 1) {
      const delay = backoffDelay(attempt, 400);
      const ceiling = Math.min(400, 10 * 2 ** attempt);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
    const samples = new Set(Array.from({ length: 20 }, () => backoffDelay(10, 400)));
    expect(samples.size).toBeGreaterThan(1);
  });

  it('wakes early when a watched folder changes', async () => {
    const { base, cleanup } = makeTempRoot();
    cleanups.push(cleanup);
    const waiter = new ChangeWaiter([base]);
    try {
      const started = Date.now();
      setTimeout(() => writeFileSync(join(base, 'published'), 'x'), 30);
      await waiter.sleep(5_000);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      waiter.close();
    }
  });

  it('still sleeps and returns by polling when a folder cannot be watched', async () => {
    const waiter = new ChangeWaiter(['/nonexistent/model-cache-test']);
    const started = Date.now();
    await waiter.sleep(40);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    waiter.close();
  });

  it('ends the sleep with a typed error when the signal aborts', async () => {
    const waiter = new ChangeWaiter([]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    const aborted = await waiter.sleep(5_000, controller.signal).catch((error) => error);
    expect(aborted).toBeInstanceOf(ModelCacheError);
    expect(aborted.code).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(2_000);
    waiter.close();
  });
});
