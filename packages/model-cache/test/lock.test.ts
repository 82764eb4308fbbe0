import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireIfStale, isLockStale, readLockState, tryAcquireLock } from '../src/lock.ts';
import { entriesOf, makeTempRoot } from './helpers/temp.ts';
import { until } from './helpers/until.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function lockPlace(staleMs = 1_000) {
  const temp = makeTempRoot();
  cleanups.push(temp.cleanup);
  const trashDir = join(temp.base, 'trash');
  mkdirSync(trashDir);
  return { lockDir: join(temp.base, 'key.lock'), trashDir, staleMs };
}

function plantLock(lockDir: string, owner: Record<string, unknown>, ageMs = 0) {
  mkdirSync(lockDir);
  writeFileSync(join(lockDir, 'owner.json'), JSON.stringify(owner));
  const when = new Date(Date.now() - ageMs);
  utimesSync(lockDir, when, when);
}

function ownerToken(lockDir: string): string {
  return JSON.parse(readFileSync(join(lockDir, 'owner.json'), 'utf8')).token;
}

describe('the fill lock', () => {
  it('is held by one caller at a time and free again after release', async () => {
    const options = lockPlace();
    const first = await tryAcquireLock(options);
    expect(first).toBeDefined();
    expect(await tryAcquireLock(options)).toBeUndefined();
    expect(ownerToken(options.lockDir)).toBe(first!.owner.token);
    expect(first!.owner).toMatchObject({ pid: process.pid, hostname: hostname() });
    await first!.release();
    expect(entriesOf(options.trashDir)).toEqual([]);
    const second = await tryAcquireLock(options);
    expect(second).toBeDefined();
    await second!.release();
  });

  it('refreshes itself while held, so it never looks stale to waiters', async () => {
    const options = lockPlace(400);
    const lock = await tryAcquireLock(options);
    const longAgo = new Date(Date.now() - 3_600_000);
    utimesSync(options.lockDir, longAgo, longAgo);
    await until(() => statSync(options.lockDir).mtimeMs > longAgo.getTime());
    expect(await tryAcquireLock(options)).toBeUndefined();
    await lock!.release();
  });

  it('lets exactly one of many concurrent callers take over a stale lock', async () => {
    const options = lockPlace(500);
    plantLock(options.lockDir, { pid: 1, hostname: 'gone-host', token: 'stale', acquiredAt: 0 }, 60_000);
    const attempts = await Promise.all(Array.from({ length: 16 }, () => tryAcquireLock(options)));
    const winners = attempts.filter((lock) => lock !== undefined);
    expect(winners).toHaveLength(1);
    expect(ownerToken(options.lockDir)).toBe(winners[0]!.owner.token);
    await winners[0]!.release();
  });

  it('lets only the first of two callers who saw the same stale lock take it over', async () => {
    const options = lockPlace(500);
    plantLock(options.lockDir, { pid: 1, hostname: 'gone-host', token: 'stale', acquiredAt: 0 }, 60_000);
    const seenByBoth = (await readLockState(options.lockDir))!;

    const first = await acquireIfStale(options, seenByBoth);
    const second = await acquireIfStale(options, seenByBoth);

    expect(first).toBeDefined();
    expect(second).toBeUndefined();
    expect(ownerToken(options.lockDir)).toBe(first!.owner.token);
    expect(entriesOf(options.trashDir)).toEqual([]);
    await first!.release();
  });

  it('takes over a stale lock on the next attempt when the trash folder had been removed', async () => {
    const options = lockPlace(500);
    plantLock(options.lockDir, { pid: 1, hostname: 'gone-host', token: 'stale', acquiredAt: 0 }, 60_000);
    rmSync(options.trashDir, { recursive: true });
    expect(await tryAcquireLock(options)).toBeUndefined();
    const lock = await tryAcquireLock(options);
    expect(lock).toBeDefined();
    await lock!.release();
  });

  it('puts back a lock that was re-created between judging it stale and renaming it', async () => {
    const options = lockPlace(500);
    plantLock(options.lockDir, { pid: 1, hostname: 'gone-host', token: 'stale', acquiredAt: 0 }, 60_000);
    const seen = (await readLockState(options.lockDir))!;
    rmSync(options.lockDir, { recursive: true });
    plantLock(options.lockDir, { pid: 2, hostname: 'other', token: 'fresh-owner', acquiredAt: Date.now() });

    expect(await acquireIfStale(options, seen)).toBeUndefined();
    expect(ownerToken(options.lockDir)).toBe('fresh-owner');
    expect(entriesOf(options.trashDir)).toEqual([]);
  });

  it('treats a lock as stale after staleMs without refresh, or at once when its local process is dead', () => {
    const now = Date.now();
    const remote = { pid: 1, hostname: 'other-host', token: 't', acquiredAt: now };
    expect(isLockStale({ owner: remote, mtimeMs: now - 100 }, 1_000, now)).toBe(false);
    expect(isLockStale({ owner: remote, mtimeMs: now - 1_001 }, 1_000, now)).toBe(true);
    expect(isLockStale({ mtimeMs: now - 100 }, 1_000, now)).toBe(false);
  });

  it('takes over at once from a process on this host that no longer runs', async () => {
    const options = lockPlace(60_000);
    const current = await tryAcquireLock(options);
    const local = { ...current!.owner };
    await current!.release();
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    plantLock(options.lockDir, { ...local, pid: deadPid, token: 'dead' });
    const state = await readLockState(options.lockDir);
    expect(isLockStale(state!, 60_000)).toBe(true);
    const lock = await tryAcquireLock(options);
    expect(lock).toBeDefined();
    await lock!.release();
  });

  it('does not remove a lock that another process took over', async () => {
    const options = lockPlace(100);
    const lock = await tryAcquireLock(options);
    rmSync(options.lockDir, { recursive: true });
    plantLock(options.lockDir, { pid: 1, hostname: 'other', token: 'new-owner', acquiredAt: Date.now() });
    await until(() => lock!.lost);
    await lock!.release();
    expect(ownerToken(options.lockDir)).toBe('new-owner');
  });
});
