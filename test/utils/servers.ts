/**
 * Real database servers from Debian's packages (redis-server, postgresql), started by a test on a
 * free 127.0.0.1 port with a temporary data directory and stopped by their PID. `.ci/run`
 * installs the packages; on a machine without them the caller skips with the reason.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { closedPort, tempDir } from './fixtures.js';

export interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

export const REDIS_SERVER = '/usr/bin/redis-server';

/** The newest installed PostgreSQL's bin directory, or undefined. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin/postgres'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, 'bin') : undefined;
}

export async function startRedis(): Promise<RunningServer> {
  const dir = await tempDir('memotel-redis-');
  const port = await closedPort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir.path], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return ready(child, port, dir.cleanup, 'redis-server');
}

/**
 * PostgreSQL refuses to run as root, so its data directory belongs to the `postgres` user the
 * Debian package creates, and the server runs as that user. Trust authentication on 127.0.0.1.
 */
export async function startPostgres(): Promise<RunningServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (Debian package postgresql)');
  const dir = await tempDir('memotel-pg-');
  const user = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  const ids = process.getuid?.() === 0 && user.status === 0 ? { uid: Number(user.stdout), gid: Number(group.stdout) } : {};
  if ('uid' in ids) await chown(dir.path, ids.uid!, ids.gid!);
  const data = join(dir.path, 'data');
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], { ...ids, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await closedPort();
  const child = spawn(
    join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir.path, '-c', 'fsync=off', '-c', 'logging_collector=off'],
    { ...ids, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return ready(child, port, dir.cleanup, 'postgres');
}

/** Resolves once the port accepts connections; rejects if the server exits first. */
async function ready(child: ChildProcess, port: number, cleanup: () => Promise<void>, name: string): Promise<RunningServer> {
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await cleanup();
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await accepts(port)) return { port, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`${name} did not start on 127.0.0.1:${port}:\n${output}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
