import { type FSWatcher, watch } from 'node:fs';
import { ModelCacheError } from './errors.ts';

/** Throws the typed error once `signal` has aborted; returns when waiting may go on. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new ModelCacheError('aborted', 'Waiting for the model was aborted by the caller.', {
      cause: signal.reason,
    });
  }
}

/**
 * Poll delay for the n-th wait: exponential from 10 ms up to `maxMs`, with full jitter on
 * the upper half so that many waiters do not wake in lock-step.
 */
export function backoffDelay(attempt: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, 10 * 2 ** Math.min(attempt, 20));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Sleeps between polls but wakes as soon as anything changes in the watched folders.
 * `fs.watch` does not see changes made by other hosts on network file systems, and may be
 * unavailable; polling is always the fallback, the watch only shortens the wait.
 */
export class ChangeWaiter {
  #watchers: FSWatcher[] = [];
  #wake: (() => void) | undefined;
  #changed = false;

  constructor(dirs: readonly string[]) {
    for (const dir of dirs) {
      try {
        const watcher = watch(dir, { persistent: false }, () => this.#notify());
        watcher.on('error', () => watcher.close());
        this.#watchers.push(watcher);
      } catch {
        // Missing folder or no watch support here: polling alone still works.
      }
    }
  }

  #notify(): void {
    this.#changed = true;
    this.#wake?.();
  }

  /** Waits up to `ms`, or less when a watched folder changes; throws `aborted` when `signal` aborts. */
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    if (this.#changed) {
      this.#changed = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#wake = undefined;
        this.#changed = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
      signal?.addEventListener('abort', done, { once: true });
    });
    throwIfAborted(signal);
  }

  close(): void {
    for (const watcher of this.#watchers) watcher.close();
    this.#watchers = [];
  }
}
