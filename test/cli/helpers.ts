// Running the built CLI (dist/bundle/cli.js, from `npm run build`) as a child process with a
// clean environment, and writing real stores by running apps through memotel's preload.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, runFixture, tempDir, type FixtureResult, type TempDir } from '../utils/fixtures.js';

export const CLI = join(PROJECT_ROOT, 'dist/bundle/cli.js');
export const CLI_FIXTURES = join(PROJECT_ROOT, 'test/cli/fixtures');
export const MEMORY_APP = join(PROJECT_ROOT, 'examples/memory-app/app.mjs');

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);

export interface Sandbox {
  dir: TempDir;
  /** MEMOTEL_STORE_DIR for apps and the CLI. */
  store: string;
  /** HOME for apps and the CLI (nothing of the real home leaks in). */
  home: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function sandbox(prefix = 'memotel-cli-'): Promise<Sandbox> {
  const dir = await tempDir(prefix);
  const store = join(dir.path, 'store');
  const home = join(dir.path, 'home');
  return { dir, store, home, env: { MEMOTEL_STORE_DIR: store, HOME: home }, cleanup: () => dir.cleanup() };
}

/** `node dist/bundle/cli.js ...args` with the sandbox's environment plus `env`. */
export function memotel(box: Sandbox, args: string[], env: Record<string, string | undefined> = {}, cwd?: string): Promise<FixtureResult> {
  return runFixture({ script: CLI, args, register: 'none', env: { ...box.env, ...env }, cwd: cwd ?? box.dir.path });
}

/** Runs an app through the preload (`node --import register.js`), writing to the sandbox's store. */
export function throughPreload(
  box: Sandbox,
  script: string,
  args: string[] = [],
  env: Record<string, string | undefined> = {},
): Promise<FixtureResult> {
  return runFixture({ script, args, register: 'esm', env: { ...box.env, ...env } });
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A git work tree with a local identity and one commit, inside the sandbox. */
export function makeRepo(box: Sandbox, name = 'repo'): string {
  const repo = join(box.dir.path, name);
  execFileSync('mkdir', ['-p', repo]);
  git(repo, 'init', '-q');
  git(repo, 'config', 'user.name', 'Memotel Test');
  git(repo, 'config', 'user.email', 'test@memotel.invalid');
  git(repo, 'config', 'commit.gpgsign', 'false');
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'init');
  return repo;
}

export function expectExit(result: FixtureResult, code: number): void {
  if (result.code !== code) {
    throw new Error(`expected exit ${code}, got ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
}

/**
 * Starts the example app's HTTP server through the preload, sends each request, then stops it
 * with SIGTERM (memotel flushes on the way out). Resolves with the responses' statuses.
 */
export async function serveAndRequest(
  box: Sandbox,
  repo: string,
  requests: Array<{ method: string; path: string; body?: unknown }>,
): Promise<number[]> {
  const { spawn } = await import('node:child_process');
  const { pathToFileURL } = await import('node:url');
  const child = spawn(
    process.execPath,
    ['--import', pathToFileURL(join(PROJECT_ROOT, 'register.js')).href, MEMORY_APP, 'serve', '--repo', repo],
    { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH, ...box.env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 15_000);
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.on('error', reject);
    });
    const statuses: number[] = [];
    for (const r of requests) {
      const response = await fetch(`http://127.0.0.1:${port}${r.path}`, {
        method: r.method,
        ...(r.body !== undefined && { body: JSON.stringify(r.body), headers: { 'content-type': 'application/json' } }),
      });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    return statuses;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}
