// Real parts for memory tests: temp git repositories, child processes, closed ports.
import { execFileSync, spawn } from 'node:child_process';
import diagnostics_channel from 'node:diagnostics_channel';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHANNELS, type SilentFailureMessage } from '../../src/memory/channels.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const APP = path.join(ROOT, 'examples/memory-app/app.mjs');
export const MEMORY_BUNDLE = path.join(ROOT, 'dist/bundle/memory.js');

/** A temp git repository with a local identity and, unless told otherwise, one commit. */
export async function makeRepo(options: { commit?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'memotel-mem-'));
  git(dir, 'init', '-q');
  git(dir, 'config', 'user.name', 'Memotel Test');
  git(dir, 'config', 'user.email', 'test@memotel.invalid');
  git(dir, 'config', 'commit.gpgsign', 'false');
  if (options.commit !== false) git(dir, 'commit', '-q', '--allow-empty', '-m', 'init');
  return dir;
}

export async function makeDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'memotel-dir-'));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A 127.0.0.1 port that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Records memotel:silent-failure messages until stop(). */
export function collectSilentFailures(): { messages: SilentFailureMessage[]; stop(): void } {
  const messages: SilentFailureMessage[] = [];
  const onMessage = (message: unknown) => messages.push(message as SilentFailureMessage);
  diagnostics_channel.subscribe(CHANNELS.silentFailure, onMessage);
  return { messages, stop: () => diagnostics_channel.unsubscribe(CHANNELS.silentFailure, onMessage) };
}

export interface AppRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for child processes: no inherited memotel or embedding settings. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'SYSTEMROOT']) if (process.env[key]) env[key] = process.env[key];
  return { ...env, ...extra };
}

/** Runs the example app (built bundle required) and collects its output. */
export function runApp(args: string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<AppRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [APP, ...args], { cwd: options.cwd ?? ROOT, env: cleanEnv(options.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export function requireBuiltBundle(): void {
  if (!existsSync(MEMORY_BUNDLE)) throw new Error(`${MEMORY_BUNDLE} is missing: run "npm run build" first.`);
}

type TracingEvent = 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error';

/** Subscribes handlers for some TracingChannel events (others are no-ops); returns the undo. */
export function subscribeTracing(channelName: string, handlers: Partial<Record<TracingEvent, (ctx: unknown) => void>>): () => void {
  const noop = () => {};
  const full = {
    start: handlers.start ?? noop,
    end: handlers.end ?? noop,
    asyncStart: handlers.asyncStart ?? noop,
    asyncEnd: handlers.asyncEnd ?? noop,
    error: handlers.error ?? noop,
  };
  const channel = diagnostics_channel.tracingChannel(channelName);
  channel.subscribe(full);
  return () => channel.unsubscribe(full);
}
