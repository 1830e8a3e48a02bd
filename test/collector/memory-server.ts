/**
 * Real parts for the collector and Prometheus tests: the example app's `serve` running under
 * memotel's preload with the Prometheus pull exporter, an OpenAI-compatible embedding server on
 * 127.0.0.1 (so embeddings report token usage and can fail once, which memotel retries and
 * records as a silent failure), and the traffic that exercises capture, recall, index and git.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closedPort, PROJECT_ROOT, tempDir, type TempDir } from '../utils/fixtures.js';

export const APP = join(PROJECT_ROOT, 'examples/memory-app/app.mjs');
export const EMBEDDING_MODEL = 'test-embed-16';
const DIMENSIONS = 16;

/** A fresh git repository with one commit, as the memory store requires. */
export function initRepo(dir: string): void {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } });
  git('init', '-q');
  git('config', 'user.name', 'Memotel Test');
  git('config', 'user.email', 'test@memotel.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('commit', '-q', '--allow-empty', '-m', 'init');
}

export interface EmbeddingServer {
  url: string;
  requests: number;
  close(): Promise<void>;
}

/**
 * Answers POST /v1/embeddings like an OpenAI-compatible server, with usage.prompt_tokens.
 * The first `failFirst` requests get HTTP 503, which memotel retries.
 */
export async function startEmbeddingServer(options: { failFirst?: number } = {}): Promise<EmbeddingServer> {
  let failuresLeft = options.failFirst ?? 0;
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    readBody(req).then((body) => {
      state.requests++;
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
        res.writeHead(404).end();
        return;
      }
      if (failuresLeft > 0) {
        failuresLeft--;
        res.writeHead(503, { 'retry-after': '0' }).end();
        return;
      }
      const { input } = JSON.parse(body) as { input: string[] };
      const data = input.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) }));
      const tokens = input.reduce((n, text) => n + text.split(/\s+/).filter(Boolean).length, 0);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', model: EMBEDDING_MODEL, data, usage: { prompt_tokens: tokens, total_tokens: tokens } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A bag-of-words vector: texts sharing words land close together, so recall finds them. */
function embed(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().split(/\W+/).filter(Boolean)) {
    vector[createHash('sha256').update(word).digest()[0]! % DIMENSIONS]! += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((x) => x / norm);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => resolve(body));
  });
}

/** Environment for the app: only what it needs, with every memotel state path in `home`. */
export function appEnv(home: string, embedding: EmbeddingServer, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'TMPDIR', 'LANG']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    MEMOTEL_EMBEDDING_PROVIDER: 'openai-compatible',
    MEMOTEL_EMBEDDING_URL: embedding.url,
    MEMOTEL_EMBEDDING_MODEL: EMBEDDING_MODEL,
    OTEL_SERVICE_NAME: 'memory-app-test',
    ...extra,
  };
}

export interface MemoryServer {
  /** http://127.0.0.1:PORT of the memory API. */
  url: string;
  /** http://127.0.0.1:PORT/metrics of memotel's Prometheus exporter. */
  metricsUrl: string;
  metricsPort: number;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts `app.mjs serve` under `--import register.js` with OTEL_METRICS_EXPORTER=prometheus on a
 * free 127.0.0.1 port; resolves once the app prints its "listening on" line.
 */
export async function startMemoryServer(options: { embedding: EmbeddingServer; dir: TempDir }): Promise<MemoryServer> {
  const repo = join(options.dir.path, 'repo');
  mkdirSync(repo, { recursive: true });
  initRepo(repo);
  const metricsPort = await closedPort();
  const child = spawn(
    process.execPath,
    ['--import', pathToFileURL(join(PROJECT_ROOT, 'register.js')).href, APP, 'serve', '--port', '0', '--repo', repo],
    {
      cwd: PROJECT_ROOT,
      env: appEnv(options.dir.path, options.embedding, {
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        MEMOTEL_STORE_DIR: join(options.dir.path, 'store'),
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 15 s.\n--- stderr ---\n${stderr}`)), 15_000);
    child.stderr!.on('data', () => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening.\n--- stderr ---\n${stderr}`));
    });
  });
  const port = await listening.catch(async (error: Error) => {
    await stopChild(child); // never leave a half-started server behind
    throw error;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    metricsPort,
    stderr: () => stderr,
    stop: () => stopChild(child),
  };
}

/** SIGTERM, then SIGKILL if the process is still there after 5 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Captures in two namespaces, one refused capture, and recalls: every memory metric moves. */
export async function driveMemoryTraffic(baseUrl: string): Promise<void> {
  const memories = [
    { namespace: 'decisions', summary: 'Use pnpm for the monorepo', content: 'pnpm workspaces replace npm' },
    { namespace: 'learnings', summary: 'Flaky test fixed by a fresh port', content: 'bind port 0 on 127.0.0.1' },
    { namespace: 'decisions', summary: 'SQLite for the cache', content: 'one file, no server' },
  ];
  for (const memory of memories) {
    const res = await fetch(`${baseUrl}/memories`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(memory),
    });
    if (res.status !== 201) throw new Error(`POST /memories answered ${res.status}: ${await res.text()}`);
  }
  // An invalid namespace: the capture fails (memotel.outcome=error on the metrics).
  const refused = await fetch(`${baseUrl}/memories`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ namespace: 'not-a-namespace', summary: 'x', content: 'y' }),
  });
  await refused.text();
  for (const q of ['pnpm monorepo', 'sqlite cache', 'fresh port']) {
    const res = await fetch(`${baseUrl}/memories/search?q=${encodeURIComponent(q)}&k=2`);
    if (res.status !== 200) throw new Error(`GET /memories/search answered ${res.status}: ${await res.text()}`);
    await res.text();
  }
}
