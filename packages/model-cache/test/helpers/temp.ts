import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp folder per test, with the cache root one level inside it. */
export function makeTempRoot(): { base: string; root: string; fillLog: string; cleanup: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'model-cache-test-'));
  return {
    base,
    root: join(base, 'cache'),
    fillLog: join(base, 'fills.log'),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** The pids that appended to a fill log, one per fill that started. */
export function fillsIn(fillLog: string): string[] {
  try {
    return readFileSync(fillLog, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** Entries of a folder, or [] when it does not exist. */
export function entriesOf(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
