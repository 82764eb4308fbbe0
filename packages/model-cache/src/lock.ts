import { readlinkSync } from 'node:fs';
import { mkdir, readFile, rename, rm, rmdir, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errnoCode, isMissing, pathExists, uniqueToken } from './common/fs.ts';

/** Who holds a lock; written to `owner.json` inside the lock folder. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** The pid namespace (Linux), so containers that share a hostname don't judge each other's pids. */
  pidNamespace?: string;
  token: string;
  acquiredAt: number;
}

/** What a waiter sees of a lock folder: its owner (when already written) and its last refresh. */
export interface LockState {
  owner?: LockOwner;
  mtimeMs: number;
}

const OWNER_FILE = 'owner.json';

function currentPidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

const localHost = { hostname: hostname(), pidNamespace: currentPidNamespace() };

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.token !== 'string' || typeof value.pid !== 'number') return undefined;
    return value as LockOwner;
  } catch {
    return undefined;
  }
}

/** Reads a lock folder; `undefined` when there is no lock. */
export async function readLockState(lockDir: string): Promise<LockState | undefined> {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(lockDir)).mtimeMs;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  try {
    return { owner: parseOwner(await readFile(join(lockDir, OWNER_FILE), 'utf8')), mtimeMs };
  } catch (error) {
    if (isMissing(error)) return { mtimeMs };
    throw error;
  }
}

/**
 * A lock is stale when its owner stopped refreshing it for `staleMs`, or, sooner, when the
 * owner ran on this host (same pid namespace) and its process no longer exists, which is
 * how a SIGKILLed filler (no exit handler runs) is recovered from at once.
 */
export function isLockStale(state: LockState, staleMs: number, now = Date.now()): boolean {
  if (now - state.mtimeMs > staleMs) return true;
  const owner = state.owner;
  if (owner === undefined) return false;
  const sameHost = owner.hostname === localHost.hostname && owner.pidNamespace === localHost.pidNamespace;
  return sameHost && owner.pid !== process.pid && !isProcessAlive(owner.pid);
}

/**
 * Removes a stale lock so that of several processes judging the same lock stale, only one
 * wins: the lock is renamed to a unique name (only one rename can succeed), and the renamed
 * folder is checked to still be the instance that was judged stale. If a new owner re-created
 * the lock in between, its lock is put back.
 */
async function takeOverStaleLock(lockDir: string, trashDir: string, observed: LockState): Promise<boolean> {
  const parked = join(trashDir, `lock-${uniqueToken()}`);
  try {
    await rename(lockDir, parked);
  } catch (error) {
    if (!isMissing(error)) throw error;
    // The lock is still there, so the trash folder was removed: re-create it for the next poll.
    if (await pathExists(lockDir)) await mkdir(trashDir, { recursive: true });
    return false;
  }
  const parkedState = await readLockState(parked);
  if (parkedState?.owner?.token === observed.owner?.token) {
    await rm(parked, { recursive: true, force: true });
    return true;
  }
  try {
    await rename(parked, lockDir);
  } catch {
    // Another process holds a new lock by now; the parked owner notices its loss on refresh.
    await rm(parked, { recursive: true, force: true });
  }
  return false;
}

export interface LockOptions {
  lockDir: string;
  trashDir: string;
  staleMs: number;
}

/**
 * An acquired lock. It refreshes itself (folder mtime) while held, and notices when it was
 * taken over because it looked stale; correctness never depends on it, it only keeps
 * processes from filling the same model twice.
 */
export class HeldLock {
  readonly owner: LockOwner;
  #lost = false;
  /** When this process last knew for sure that it held the lock (acquisition or a checked refresh). */
  #confirmedAt: number;
  #timer: NodeJS.Timeout;
  #refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: LockOptions,
    owner: LockOwner,
  ) {
    this.owner = owner;
    this.#confirmedAt = owner.acquiredAt;
    const every = Math.max(5, Math.floor(options.staleMs / 4));
    this.#timer = setInterval(() => {
      this.#refreshing = this.#refresh();
    }, every);
    this.#timer.unref();
  }

  /** True once another process took the lock over; the holder may still finish and publish. */
  get lost(): boolean {
    return this.#lost;
  }

  async #refresh(): Promise<void> {
    if (this.#lost) return;
    try {
      if (!(await this.#stillOwned())) {
        this.#lost = true;
        return;
      }
      const now = new Date();
      await utimes(this.options.lockDir, now, now);
      this.#confirmedAt = now.getTime();
    } catch {
      this.#lost = true;
    }
  }

  async #stillOwned(): Promise<boolean> {
    const state = await readLockState(this.options.lockDir);
    return state?.owner?.token === this.owner.token;
  }

  /**
   * Nobody takes a lock over before it has gone `staleMs` without a refresh, so within half
   * of that since the last confirmation the lock is certainly still ours and need not be read.
   */
  async #certainlyOwned(): Promise<boolean> {
    if (this.#lost) return false;
    if (Date.now() - this.#confirmedAt < this.options.staleMs / 2) return true;
    return this.#stillOwned();
  }

  /**
   * Stops refreshing and removes the lock, unless another process has taken it over.
   * The owner file goes first: an owner-less lock with a fresh mtime is never judged stale,
   * so no waiter acts on the lock between the two steps.
   */
  async release(): Promise<void> {
    clearInterval(this.#timer);
    await this.#refreshing;
    if (!(await this.#certainlyOwned())) return;
    try {
      await unlink(join(this.options.lockDir, OWNER_FILE));
      await rmdir(this.options.lockDir);
    } catch (error) {
      // Gone or re-taken in between: either way it is no longer ours to remove.
      if (!isMissing(error) && errnoCode(error) !== 'ENOTEMPTY') throw error;
    }
  }
}

async function createLock(options: LockOptions): Promise<HeldLock | undefined> {
  try {
    await mkdir(options.lockDir);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return undefined;
    throw error;
  }
  const owner: LockOwner = { pid: process.pid, ...localHost, token: uniqueToken(), acquiredAt: Date.now() };
  try {
    await writeFile(join(options.lockDir, OWNER_FILE), JSON.stringify(owner), { flag: 'wx' });
  } catch (error) {
    // Our fresh, still anonymous lock was judged stale and removed (and maybe re-created by
    // someone else): we do not hold it.
    if (isMissing(error) || errnoCode(error) === 'EEXIST') return undefined;
    throw error;
  }
  return new HeldLock(options, owner);
}

/**
 * One attempt to take the lock: create it, or take it over when its owner is gone.
 * Returns `undefined` when someone else holds it.
 */
export async function tryAcquireLock(options: LockOptions): Promise<HeldLock | undefined> {
  const created = await createLock(options);
  if (created !== undefined) return created;
  const state = await readLockState(options.lockDir);
  return state === undefined ? createLock(options) : acquireIfStale(options, state);
}

/**
 * The second half of an attempt, acting on what this caller saw of the lock earlier; by now
 * another process may have acted on the same sight. (Separate so tests can replay such orders.)
 */
export async function acquireIfStale(
  options: LockOptions,
  observed: LockState,
): Promise<HeldLock | undefined> {
  if (!isLockStale(observed, options.staleMs)) return undefined;
  if (!(await takeOverStaleLock(options.lockDir, options.trashDir, observed))) return undefined;
  return createLock(options);
}
