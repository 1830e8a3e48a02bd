// The cross-process lock.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { acquireLock, withLock } from '../../src/memory/lock.js';
import { collectSilentFailures, makeDir, removeDir } from './helpers.js';

let dir: string;
let lockPath: string;
beforeEach(async () => {
  dir = await makeDir();
  lockPath = path.join(dir, 'memotel', 'lock');
});
afterEach(() => removeDir(dir));

describe('lock', () => {
  it('serialises holders', async () => {
    const order: string[] = [];
    const run = (name: string) =>
      withLock(lockPath, {}, async () => {
        order.push(`${name}:in`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(`${name}:out`);
      });
    await Promise.all([run('a'), run('b'), run('c')]);
    for (let i = 0; i < order.length; i += 2) expect(order[i]!.split(':')[0]).toBe(order[i + 1]!.split(':')[0]);
  });

  it('times out with MEMOTEL_ERR_LOCK_TIMEOUT while a live process holds it', async () => {
    const held = await acquireLock(lockPath);
    await expect(acquireLock(lockPath, { timeoutMs: 50 })).rejects.toMatchObject({
      code: 'MEMOTEL_ERR_LOCK_TIMEOUT',
      message: expect.stringContaining(`pid ${process.pid}`),
    });
    await held.release();
  });

  it('takes over a lock whose process is gone', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    await acquireLock(lockPath).then((l) => l.release()); // creates the directory
    await writeFile(lockPath, JSON.stringify({ pid: deadPid, host: os.hostname(), token: 'old', created: Date.now() }));
    const lock = await acquireLock(lockPath, { timeoutMs: 2000 });
    expect(JSON.parse(await readFile(lockPath, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a lock from another host once it is older than staleMs', async () => {
    await acquireLock(lockPath).then((l) => l.release());
    await writeFile(lockPath, JSON.stringify({ pid: 1, host: 'elsewhere', token: 'old', created: Date.now() - 10_000 }));
    const lock = await acquireLock(lockPath, { timeoutMs: 2000, staleMs: 5_000 });
    await lock.release();
  });

  it('reports a failed release as lock.release instead of throwing', async () => {
    const lock = await acquireLock(lockPath);
    await unlink(lockPath);
    const failures = collectSilentFailures();
    await lock.release();
    failures.stop();
    expect(failures.messages.map((m) => m.location)).toEqual(['lock.release']);
  });
});
