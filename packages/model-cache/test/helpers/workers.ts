import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..', '..');
const workerScript = join(here, '..', 'fixtures', 'worker.ts');

export interface WorkerConfig {
  root: string;
  lockStaleMs: number;
  key: { libraryId: string; libraryEngineModelId: string; version?: string };
  /** `versionGraceMs` of the worker's cache (default: the cache's). */
  versionGraceMs?: number;
  /** Varies the model bytes, so two versions have different content (default 0). */
  fillSeed?: number;
  /** `loop` mode: pause between two reads. */
  loopDelayMs?: number;
  /** `loop` mode: ignore `loops` and go on until a stdin line arrives (after "go"). */
  loopUntilLine?: boolean;
  /** Each filler appends its pid here, so the test can count fills across processes. */
  fillLog: string;
  /** Bytes of `model.bin` the fill writes, in 8 steps. */
  fillBytes: number;
  /** Total time the fill takes, spread over the steps (a simulated download). */
  fillMs: number;
  /**
   * `fill`: normal; `fail`: fill throws half way; `die`: fill writes half, reports
   * `half-written` and waits to be SIGKILLed; `pause`: the same, but goes on at the next stdin
   * line; `slow-read`: after ensure, read half of the file and wait for a line before the rest;
   * `loop`: ensure and read `loops` times, then report counts of whole (`ok`), vanished (`gone`)
   * and wrong (`bad`) reads.
   */
  mode: 'fill' | 'fail' | 'die' | 'pause' | 'slow-read' | 'loop';
  loops?: number;
  /** Wait for a "go" line on stdin before calling ensure, so all workers start together. */
  waitForGo: boolean;
  /**
   * How the worker checks what it got: `hash` reads and hashes `model.bin` (tests);
   * `size` only stats it (the bench, so 8 hashing processes on 2 cores do not drown the cache's own cost).
   */
  readBack?: 'hash' | 'size';
  /**
   * Before "ready", fill and hit a throw-away key once, so the measured race is not dominated by
   * V8 compiling the cache's code for the first time in 8 processes on 2 cores.
   */
  warmUp?: boolean;
}

export interface WorkerEvent {
  pid: number;
  event: 'ready' | 'half-written' | 'reading' | 'done' | 'error';
  dir?: string;
  hit?: boolean;
  sha256?: string;
  size?: number;
  ok?: number;
  gone?: number;
  bad?: number;
  pathAfter?: string;
  code?: string;
}

const started = new Set<ChildProcess>();

/** A real `node` process running the worker fixture through tsx. */
export class Worker {
  readonly child: ChildProcess;
  readonly events: WorkerEvent[] = [];
  readonly exited: Promise<number | null>;
  #listeners: (() => void)[] = [];

  constructor(config: WorkerConfig) {
    this.child = spawn(process.execPath, ['--import', 'tsx', workerScript, JSON.stringify(config)], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    started.add(this.child);
    this.exited = new Promise((resolveExit) => {
      this.child.once('exit', (code) => {
        started.delete(this.child);
        resolveExit(code);
        this.#notify();
      });
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.events.push(JSON.parse(line) as WorkerEvent);
      this.#notify();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  #notify(): void {
    for (const listener of this.#listeners.splice(0)) listener();
  }

  /** Resolves with the first event of this kind (or a final `error` event). */
  async waitFor(kind: WorkerEvent['event'], timeoutMs = 90_000): Promise<WorkerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((event) => event.event === kind || event.event === 'error');
      if (found !== undefined) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`worker ${this.pid} exited before "${kind}"; events: ${JSON.stringify(this.events)}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`worker ${this.pid} sent no "${kind}" within ${timeoutMs} ms`);
      await new Promise<void>((resolveWait) => {
        const timer = setTimeout(resolveWait, left);
        this.#listeners.push(() => {
          clearTimeout(timer);
          resolveWait();
        });
      });
    }
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

/** Kills every worker a test started and did not see exit. */
export async function killAllWorkers(): Promise<void> {
  const exits = [...started].map(
    (child) =>
      new Promise<void>((resolveExit) => {
        child.once('exit', () => resolveExit());
        child.kill('SIGKILL');
      }),
  );
  await Promise.all(exits);
}
