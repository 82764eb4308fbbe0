import { ModelCacheError } from './errors.ts';

export interface JoinLimits {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * One run that several callers in this process wait on together. Each caller has its own
 * `signal` and `timeoutMs`; a caller leaving does not stop the run for the others, but when
 * the last caller leaves, the run's own signal aborts so a fill nobody waits for stops.
 */
export class SharedRun<T> {
  readonly #controller = new AbortController();
  readonly #promise: Promise<T>;
  #participants = 0;
  #onOver: () => void;

  /** `onOver` runs once the run settles or every caller has left, whichever comes first. */
  constructor(run: (signal: AbortSignal) => Promise<T>, onOver: () => void) {
    this.#onOver = onOver;
    this.#promise = run(this.#controller.signal);
    // Callers observe the outcome through join(); this also keeps an abandoned failure from going unhandled.
    this.#promise.then(onOver, onOver);
  }

  get abandoned(): boolean {
    return this.#controller.signal.aborted;
  }

  join(limits: JoinLimits): Promise<T> {
    this.#participants += 1;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        limits.signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const leave = (error: ModelCacheError) => {
        if (!finish()) return;
        this.#participants -= 1;
        if (this.#participants === 0) {
          this.#controller.abort(error);
          this.#onOver();
        }
        reject(error);
      };
      const onAbort = () =>
        leave(
          new ModelCacheError('aborted', 'Waiting for the model was aborted by the caller.', {
            cause: limits.signal?.reason,
          }),
        );
      const timer =
        limits.timeoutMs === undefined
          ? undefined
          : setTimeout(
              () =>
                leave(
                  new ModelCacheError(
                    'timeout',
                    `The model was not ready within ${limits.timeoutMs} ms; raise timeoutMs or check the filling process.`,
                  ),
                ),
              limits.timeoutMs,
            );
      limits.signal?.addEventListener('abort', onAbort, { once: true });
      if (limits.signal?.aborted) onAbort();
      this.#promise.then(
        (value) => {
          if (finish()) resolve(value);
        },
        (error: unknown) => {
          if (finish()) reject(error);
        },
      );
    });
  }
}
