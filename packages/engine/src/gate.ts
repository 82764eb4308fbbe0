/** A place in the gate: admitted at once, running once a slot frees. */
export interface Ticket {
  /** Resolves when the work may run (at once when a slot is free, else in the order start() was called). */
  start(): Promise<void>;
  /** Frees the slot (and the place); idempotent. */
  release(): void;
}

/**
 * Bounds `/process` work: at most `concurrency` run at once and at most `maxQueued` more wait
 * (in arrival order). Anything beyond is refused at the door, so the caller can answer 503
 * with Retry-After instead of piling up chunk files and memory.
 */
export class WorkGate {
  #running = 0;
  #admitted = 0;
  readonly #waiting: Array<() => void> = [];
  readonly #idle: Array<() => void> = [];

  constructor(
    readonly concurrency: number,
    readonly maxQueued: number,
  ) {}

  /** Work admitted and not yet released: running, waiting, or still receiving its body. */
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
    let queued: (() => void) | undefined;
    return {
      start: () =>
        new Promise<void>((resolve) => {
          const run = () => {
            started = true;
            this.#running += 1;
            resolve();
          };
          if (this.#running < this.concurrency && this.#waiting.length === 0) run();
          else {
            queued = run;
            this.#waiting.push(run);
          }
        }),
      release: () => {
        if (released) return;
        released = true;
        this.#admitted -= 1;
        if (started) {
          this.#running -= 1;
          this.#waiting.shift()?.();
        } else if (queued) {
          this.#waiting.splice(this.#waiting.indexOf(queued), 1);
        }
        if (this.#admitted === 0) {
          for (const resolve of this.#idle.splice(0)) resolve();
        }
      },
    };
  }

  /** Resolves when no work is admitted. */
  whenIdle(): Promise<void> {
    if (this.#admitted === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
