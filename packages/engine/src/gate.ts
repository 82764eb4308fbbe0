/** A place in the gate: admitted at once, running once a slot frees. */
export interface Ticket {
  /**
   * Resolves when the work may run (at once when a slot is free, else in the order start() was called);
   * rejects when the gate gives up on waiting work ({@link WorkGate.refuseWaiting}).
   */
  start(): Promise<void>;
  /** Frees the slot (and the place); idempotent. */
  release(): void;
}

interface Waiter {
  run: () => void;
  refuse: (error: unknown) => void;
}

/**
 * Bounds `/process` work: at most `concurrency` run at once and at most `maxQueued` more wait
 * (in arrival order). Anything beyond is refused at the door, so the caller can answer 503
 * with Retry-After instead of piling up chunk files and memory. Work is admitted once its body
 * is fully received, so a slow upload never holds a place.
 */
export class WorkGate {
  #running = 0;
  #admitted = 0;
  readonly #waiting: Waiter[] = [];
  readonly #idle: Array<() => void> = [];

  constructor(
    readonly concurrency: number,
    readonly maxQueued: number,
  ) {}

  /** Work admitted and not yet released: running or waiting. */
  get admitted(): number {
    return this.#admitted;
  }

  get running(): number {
    return this.#running;
  }

  tryAdmit(): Ticket | undefined {
    if (this.#admitted >= this.concurrency + this.maxQueued) return undefined;
    this.#admitted += 1;
    let started = false;
    let released = false;
    let queued: Waiter | undefined;
    return {
      start: () =>
        new Promise<void>((resolve, reject) => {
          const run = () => {
            started = true;
            this.#running += 1;
            resolve();
          };
          if (this.#running < this.concurrency && this.#waiting.length === 0) run();
          else {
            queued = { run, refuse: reject };
            this.#waiting.push(queued);
          }
        }),
      release: () => {
        if (released) return;
        released = true;
        this.#admitted -= 1;
        if (started) {
          this.#running -= 1;
          this.#waiting.shift()?.run();
        } else if (queued) {
          const at = this.#waiting.indexOf(queued);
          if (at !== -1) this.#waiting.splice(at, 1);
        }
        if (this.#admitted === 0) {
          for (const resolve of this.#idle.splice(0)) resolve();
        }
      },
    };
  }

  /** Rejects every waiting `start()` with `error` (a drain that timed out); running work is not touched. */
  refuseWaiting(error: unknown): void {
    for (const waiter of this.#waiting.splice(0)) waiter.refuse(error);
  }

  /** Resolves when no work is admitted. */
  whenIdle(): Promise<void> {
    if (this.#admitted === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
