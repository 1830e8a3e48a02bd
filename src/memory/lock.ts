// A cross-process lock: a file created with O_EXCL ('wx') under <git-common-dir>/memotel/.
// Held while a capture appends its note and index entry, and during reindex, so that
// concurrent processes (hooks fire in parallel) never lose or interleave writes.
//
// Stale locks: a holder that died leaves its file behind. A waiter takes over when the
// recorded pid is gone (same host) or, for a holder on another host, the lock is older than staleMs.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { reportSilentFailure } from './channels.js';
import { MemotelError } from './errors.js';
import { noopLogger, type MemoryLogger } from './logger.js';

export interface LockOptions {
  /** How long to wait for the lock before MEMOTEL_ERR_LOCK_TIMEOUT. */
  timeoutMs?: number;
  /** Age after which a lock held from another host is taken over. */
  staleMs?: number;
  logger?: MemoryLogger;
}

export interface HeldLock {
  readonly path: string;
  /** Releases the lock; never throws (a failure is reported as silent failure lock.release). */
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  created: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_STALE_MS = 60_000;

export async function acquireLock(lockPath: string, options: LockOptions = {}): Promise<HeldLock> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const logger = options.logger ?? noopLogger;
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), token: randomBytes(8).toString('hex'), created: Date.now() };
  await mkdir(path.dirname(lockPath), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    if (await tryCreate(lockPath, owner)) return heldLock(lockPath, owner.token, logger);
    const holder = await readOwner(lockPath);
    if (holder && isStale(holder, staleMs)) {
      logger.warn({ pid: holder.pid, ageMs: Date.now() - holder.created }, 'taking over a stale memotel lock');
      await removeIfUnchanged(lockPath, holder);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new MemotelError(
        'MEMOTEL_ERR_LOCK_TIMEOUT',
        `Could not take the memotel lock ${lockPath} within ${timeoutMs} ms` +
          (holder ? ` (held by pid ${holder.pid} on ${holder.host})` : '') +
          ': another memotel process is writing; retry, or delete the file if no such process runs.',
      );
    }
    // Jittered backoff so that waiters do not retry in lockstep.
    await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
    delay = Math.min(delay * 2, 100);
  }
}

async function tryCreate(lockPath: string, owner: LockOwner): Promise<boolean> {
  // Written to a private file first and linked into place, so the lock never exists empty.
  const temp = `${lockPath}.${owner.token}`;
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(JSON.stringify({ ...owner, created: Date.now() }));
  } finally {
    await handle.close();
  }
  try {
    await link(temp, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(lockPath, 'utf8')) as LockOwner;
  } catch {
    return undefined; // gone meanwhile, or written by something else: just wait
  }
}

function isStale(holder: LockOwner, staleMs: number): boolean {
  // On this host the pid answers exactly, so a long reindex keeps its lock however long it
  // takes; for a holder on another host (shared file system) only the age can tell.
  if (holder.host !== os.hostname() || typeof holder.pid !== 'number') return Date.now() - holder.created > staleMs;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes the lock only if it is still the stale one we looked at (not a new holder's). */
async function removeIfUnchanged(lockPath: string, stale: LockOwner): Promise<void> {
  const aside = `${lockPath}.stale.${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // someone else removed it first
  }
  const moved = await readOwner(aside);
  if (moved && moved.token !== stale.token) {
    // A new holder took the lock between our read and rename: put theirs back.
    await link(aside, lockPath).catch(() => {});
  }
  await unlink(aside).catch(() => {});
}

function heldLock(lockPath: string, token: string, logger: MemoryLogger): HeldLock {
  let released = false;
  return {
    path: lockPath,
    async release() {
      if (released) return;
      released = true;
      try {
        const holder = await readOwner(lockPath);
        if (holder?.token !== token) {
          throw new MemotelError('MEMOTEL_ERR_LOCK_LOST', `The memotel lock ${lockPath} was taken over while held (held too long?).`);
        }
        await unlink(lockPath);
      } catch (error) {
        reportSilentFailure('lock.release', error, 'lock left for stale detection');
        logger.warn({ code: (error as { code?: string }).code }, 'could not release the memotel lock');
      }
    },
  };
}

/** Runs `fn` holding the lock. */
export async function withLock<T>(lockPath: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(lockPath, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
