/**
 * The fault-injection and security cases, defined and measured once: the jest suites in this
 * folder assert each row's problems are empty, and `npm run bench -- faults` prints the rows as
 * the reliability table (docs/reliability.md). Every case runs real child processes through the
 * preload, against real (misbehaving) collectors, stores and filesystems.
 *
 * A row: the surface, the case, the promise it tests, the figure measured, and the problems
 * found (each a broken promise; none means ok). Nothing here asserts a speed except the exit
 * bound, which is a documented promise (MEMOTEL_SHUTDOWN_TIMEOUT, with a generous margin for a
 * loaded machine).
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT, runFixture, tempDir, type FixtureResult, type TempDir } from '../utils/fixtures.js';
import { describeFault, startFaultyCollector, type CollectorFault, type OtlpTransport } from '../utils/faulty-collector.js';
import { asText, startReceiver, type Receiver } from '../utils/otlp-receiver.js';
import { forEachRequest, type ReadReport } from '../../src/store/reader.js';

export interface Row {
  surface: 'collector' | 'exit' | 'configuration' | 'store' | 'security' | 'privacy';
  case: string;
  promise: string;
  figure: string;
  /** Broken promises; empty when the case passed. */
  problems: string[];
  /** Set when the case could not run here (e.g. needs root); the reason. */
  skipped?: string;
}

export const SHUTDOWN_TIMEOUT_MS = 500;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 2000;
/** Room for a loaded 2-core machine on top of the bound: process teardown, a busy scheduler. */
export const EXIT_MARGIN_MS = 3000;

export const APP = join(PROJECT_ROOT, 'examples/memory-app/app.mjs');
const CLI = join(PROJECT_ROOT, 'dist/bundle/cli.js');
const REGISTER = pathToFileURL(join(PROJECT_ROOT, 'register.js')).href;

// ---------------------------------------------------------------------------------------------
// Helpers

function check(problems: string[], ok: boolean, problem: string): void {
  if (!ok) problems.push(problem);
}

/** memotel's own stderr lines (the documented ones) and everything else. */
function splitStderr(stderr: string): { memotel: string[]; other: string[] } {
  const lines = stderr.split('\n').filter((l) => l !== '');
  return { memotel: lines.filter((l) => /^memotel (error|warn|info|debug):/.test(l)), other: lines.filter((l) => !/^memotel (error|warn|info|debug):/.test(l)) };
}

export function initRepo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'ignore' });
  git('init', '-q');
  git('config', 'user.name', 'memotel faults');
  git('config', 'user.email', 'faults@memotel.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('commit', '-q', '--allow-empty', '-m', 'init');
  return dir;
}

export interface StoreContents {
  spans: Array<{ name: string; kind: number; attributes: Record<string, unknown> }>;
  report: ReadReport;
}

/** Every span the store holds, as the CLI's reader sees it. */
export function storeContents(dir: string): StoreContents {
  const spans: StoreContents['spans'] = [];
  const report = forEachRequest(dir, 'traces', (request) => {
    for (const rs of (request as { resourceSpans?: any[] }).resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? [])
          spans.push({ name: s.name, kind: s.kind, attributes: Object.fromEntries((s.attributes ?? []).map((a: any) => [a.key, a.value])) });
  });
  return { spans, report };
}

/** Every byte under a directory, for searching (links are not followed). */
function bytesUnder(dir: string): Buffer {
  if (!existsSync(dir)) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      const st = lstatSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) parts.push(readFileSync(full));
    }
  };
  walk(dir);
  return Buffer.concat(parts);
}

function cli(args: string[], env: Record<string, string>): Promise<FixtureResult> {
  return runFixture({ script: CLI, register: 'none', args, env });
}

/** `memotel health --json`: the telemetry and last-export components, as one line of reasons. */
async function healthReason(env: Record<string, string>, repo: string): Promise<{ ok: boolean; text: string }> {
  const r = await cli(['health', '--json', '--repo', repo], env);
  try {
    const json = JSON.parse(r.stdout) as { components: Array<{ name: string; status: string; summary: string; details: string[] }> };
    const parts = json.components.filter((c) => c.name === 'telemetry' || c.name === 'last export');
    const failing = parts.filter((c) => c.status === 'fail');
    return {
      ok: failing.length === 0,
      text: (failing.length ? failing : parts).map((c) => [c.summary, ...c.details.filter((d) => /failing|export/.test(d))].join('; ')).join(' | '),
    };
  } catch {
    return { ok: false, text: `health printed no JSON: ${r.stderr.slice(0, 300)}` };
  }
}

/** The text the health figure shows: the reason, without URLs and timestamps. */
function shortReason(text: string): string {
  const m = /(cannot connect \([A-Z]+\)|no answer to an export[^(]*|rejects exports: [^,|;]+|did not finish within \d+ ms)/.exec(text);
  return m ? m[1]!.trim() : text.slice(0, 80);
}

/**
 * The app goes on for 500 ms after its request and the batch delay is 50 ms: the spans' export
 * is in flight (to a collector that does not answer, or waiting to retry) as the app finishes,
 * or, where it failed at once (gRPC does not retry), its spans are already in the store.
 */
const LINGER_ENV = { MODE: 'linger', LINGER_MS: '500' };

const bareRuns = new Map<boolean, Promise<FixtureResult>>();
/** exit-paths.mjs without memotel (lingering or not): what the app prints and how it ends on its own. */
function bareShortScript(lingering = false): Promise<FixtureResult> {
  let run = bareRuns.get(lingering);
  if (!run) bareRuns.set(lingering, (run = runFixture({ script: 'exit-paths.mjs', register: 'none', env: lingering ? LINGER_ENV : {} })));
  return run;
}

// ---------------------------------------------------------------------------------------------
// Collector faults: a short script

/**
 * exit-paths.mjs (one HTTP request, so one SERVER and one CLIENT span, then a natural end)
 * against a collector with `fault`. The exit delay is measured from the app's last line to the
 * process's end, so startup does not count. `inFlight`: the app lingers after its request, so
 * an export is already under way, or waiting to retry, when it finishes (LINGER_ENV).
 */
export async function collectorShortScript(fault: CollectorFault, transport: OtlpTransport, { inFlight = false } = {}): Promise<Row> {
  const box = await tempDir('memotel-faults-');
  const collector = await startFaultyCollector(fault, transport);
  const problems: string[] = [];
  try {
    // A healthy collector gets the default bound: 500 ms can pass on a loaded machine while the
    // first process loads gRPC, and that case is about nothing being left behind.
    const bound = fault === 'healthy' ? DEFAULT_SHUTDOWN_TIMEOUT_MS : SHUTDOWN_TIMEOUT_MS;
    const env = {
      HOME: box.path,
      MEMOTEL_STORE_DIR: join(box.path, 'store'),
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: transport,
      MEMOTEL_SHUTDOWN_TIMEOUT: String(bound),
      ...(inFlight ? { ...LINGER_ENV, OTEL_BSP_SCHEDULE_DELAY: '50' } : {}),
    };
    const bare = await bareShortScript(inFlight);
    let lastLineAt = 0;
    const started = performance.now();
    const r = await runFixture({
      script: 'exit-paths.mjs',
      env,
      timeoutMs: 30_000,
      onStdoutLine: () => {
        lastLineAt = performance.now();
        void collector.kill(); // killed mid-run: the collector dies as the app finishes its work
      },
    });
    const exitDelay = started + r.durationMs - lastLineAt;
    const delivered = collector.receiver?.spans().length ?? 0;
    const stored = storeContents(env.MEMOTEL_STORE_DIR).spans.length;
    const health = await healthReason(env, box.path);

    check(problems, r.code === bare.code && r.signal === bare.signal, `exit ${r.code ?? r.signal}, bare node ${bare.code ?? bare.signal}`);
    check(problems, r.stdout === bare.stdout, `stdout changed: ${JSON.stringify(r.stdout)}`);
    check(problems, splitStderr(r.stderr).other.length === 0, `stderr has lines that are not memotel's: ${splitStderr(r.stderr).other.join(' / ')}`);
    check(problems, exitDelay < bound + EXIT_MARGIN_MS, `exit took ${exitDelay.toFixed(0)} ms after the app's last line (bound ${bound} ms)`);
    check(problems, delivered + stored >= 2, `spans lost: ${delivered} delivered, ${stored} in the store, 2 made`);
    if (fault === 'healthy') {
      const cutShort = r.stderr.includes('(MEMOTEL_SHUTDOWN_TIMEOUT)');
      check(problems, delivered >= 2, `healthy collector: ${delivered} delivered, ${stored} left in the store`);
      // A flush the bound cut short is recorded for health, rightly; otherwise it must say ok.
      check(problems, health.ok || cutShort, `memotel health calls a healthy collector unhealthy: ${health.text}`);
    } else {
      check(problems, !health.ok, `memotel health does not name the fault: ${health.text}`);
    }
    return {
      surface: 'collector',
      case: `${describeFault(fault, transport)} (${transport}), short script${inFlight ? ', export in flight at its end' : ''}`,
      promise: 'same stdout and exit code; exit within MEMOTEL_SHUTDOWN_TIMEOUT; undelivered spans in the store; health names the reason',
      figure: `exit +${exitDelay.toFixed(0)} ms; ${delivered} delivered, ${stored} in store; health: ${health.ok ? 'ok' : shortReason(health.text)}`,
      problems,
    };
  } finally {
    await collector.close();
    await box.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// Collector faults: `serve` under load

export interface LoadOptions {
  rps: number;
  seconds: number;
}

export interface ServeFigures {
  row: Row;
  latency: { p50: number; p99: number };
  rssMb: { start: number; end: number };
  requests: number;
}

function quantile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * p;
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
}

const CAPTURE_EVERY = 40;

function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  } catch {
    return NaN;
  }
}

/**
 * The example app's `serve` through the preload, at a steady `rps` (open loop: a request every
 * 1/rps s whatever the answers do; one in CAPTURE_EVERY a capture, the rest searches) for
 * `seconds`, then SIGTERM. Captures take the memory library's file lock and run git: more of
 * them would measure the app's lock queue on 2 shared cores rather than memotel.
 */
export async function collectorServeLoad(fault: CollectorFault, transport: OtlpTransport, load: LoadOptions, withMemotel = true): Promise<ServeFigures> {
  const box = await tempDir('memotel-faults-serve-');
  const collector = await startFaultyCollector(fault, transport);
  const problems: string[] = [];
  const repo = initRepo(join(box.path, 'repo'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: box.path,
    MEMOTEL_STORE_DIR: join(box.path, 'store'),
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: transport,
    MEMOTEL_SHUTDOWN_TIMEOUT: String(SHUTDOWN_TIMEOUT_MS),
    OTEL_BSP_SCHEDULE_DELAY: '500',
    OTEL_METRIC_EXPORT_INTERVAL: '2000',
  };
  const preload = withMemotel ? ['--import', REGISTER] : [];
  const child = spawn(process.execPath, [...preload, APP, 'serve', '--port', '0', '--repo', repo], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 20_000);
      child.stderr.on('data', () => {
        const m = /listening on (http:\/\/\S+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      void exited.then(() => reject(new Error(`serve exited: ${stderr}`)));
    });

    const latencies: number[] = [];
    let failures = 0;
    let lockTimeouts = 0;
    const inFlight: Promise<void>[] = [];
    const total = Math.round(load.rps * load.seconds);
    const loadStart = performance.now();
    let rssStart = NaN;
    for (let i = 0; i < total; i++) {
      const due = loadStart + (i * 1000) / load.rps;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (i === Math.round(load.rps)) rssStart = rssMb(child.pid!); // after the first second's warm-up
      if (fault === 'killed mid-run' && i === Math.floor(total / 2)) void collector.kill();
      const sent = performance.now();
      const request =
        i % CAPTURE_EVERY === 0
          ? fetch(`${url}/memories`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ namespace: 'progress', summary: `load ${i}`, content: 'fault injection load' }),
            })
          : fetch(`${url}/memories/search?q=load+${i % 50}&k=3`);
      inFlight.push(
        request
          .then(async (res) => {
            const body = await res.text();
            // The app's own overload answer: its memory library's lock queue timed out.
            if (!res.ok && body.includes('MEMOTEL_ERR_LOCK_TIMEOUT')) lockTimeouts++;
            else if (!res.ok) failures++;
            latencies.push(performance.now() - sent);
          })
          .catch(() => void failures++),
      );
    }
    await Promise.all(inFlight);
    const rssEnd = rssMb(child.pid!);
    const signalled = performance.now();
    child.kill('SIGTERM');
    const end = await exited;
    const exitDelay = end.at - signalled;
    const delivered = collector.receiver?.spans().filter((s) => s.kind === 'SERVER').length ?? 0;
    const stored = storeContents(env.MEMOTEL_STORE_DIR!).spans.filter((s) => s.kind === 2).length;
    const health = withMemotel ? await healthReason(env, repo) : { ok: true, text: 'bare' };
    const p50 = quantile(latencies, 0.5);
    const p99 = quantile(latencies, 0.99);

    check(problems, failures === 0, `${failures} of ${total} requests failed (not counting ${lockTimeouts} lock timeouts the app reports under overload)`);
    check(problems, end.signal === 'SIGTERM', `serve ended with ${end.code ?? end.signal}, not SIGTERM as bare node does`);
    check(problems, stdout === '', `stdout changed: ${JSON.stringify(stdout.slice(0, 200))}`);
    // The app's own lines: its address, and its pino log records (JSON).
    const other = splitStderr(stderr).other.filter((l) => !l.startsWith('listening on ') && !l.startsWith('{"level":'));
    check(problems, other.length === 0, `stderr has lines that are neither the app's nor memotel's: ${other.slice(0, 3).join(' / ')}`);
    check(problems, exitDelay < SHUTDOWN_TIMEOUT_MS + EXIT_MARGIN_MS, `exit took ${exitDelay.toFixed(0)} ms after SIGTERM (bound ${SHUTDOWN_TIMEOUT_MS} ms)`);
    if (fault === 'healthy') check(problems, health.ok, `memotel health calls a healthy collector unhealthy: ${health.text}`);
    else check(problems, !health.ok, `memotel health does not name the fault: ${health.text}`);
    // What the collector did not take, during the run or at its end, is in the store.
    if (withMemotel) check(problems, delivered + stored >= total, `server spans lost: ${delivered} delivered, ${stored} in the store, ${total} requests`);

    return {
      row: {
        surface: 'collector',
        case: withMemotel ? `${describeFault(fault, transport)} (${transport}), serve at ${load.rps} req/s for ${load.seconds} s` : `bare node (no memotel), serve at ${load.rps} req/s for ${load.seconds} s`,
        promise: 'every request answered; exit on SIGTERM within MEMOTEL_SHUTDOWN_TIMEOUT; every server span delivered or in the store; RSS flat; health names the reason',
        figure:
          `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms${lockTimeouts ? ` (${lockTimeouts} app lock timeouts)` : ''}; RSS ${rssStart.toFixed(0)}→${rssEnd.toFixed(0)} MB; exit +${exitDelay.toFixed(0)} ms; ` +
          `server spans ${delivered} delivered, ${stored} in store (of ${total}); health: ${health.ok ? 'ok' : shortReason(health.text)}`,
        problems,
      },
      latency: { p50, p99 },
      rssMb: { start: rssStart, end: rssEnd },
      requests: total,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await collector.close();
    await box.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// Exit paths, side by side with bare node

export interface ExitCase {
  name: string;
  script: 'exit-paths.mjs' | 'long-server.mjs';
  mode?: string;
  signal?: 'SIGTERM' | 'SIGINT';
}

export const EXIT_CASES: readonly ExitCase[] = [
  { name: 'natural end', script: 'exit-paths.mjs' },
  { name: 'process.exit(3)', script: 'exit-paths.mjs', mode: 'exit' },
  { name: 'uncaught exception', script: 'exit-paths.mjs', mode: 'throw' },
  { name: 'unhandled rejection', script: 'exit-paths.mjs', mode: 'reject' },
  { name: 'uncaught exception, app handler', script: 'exit-paths.mjs', mode: 'throw-handled' },
  { name: 'SIGTERM', script: 'long-server.mjs', signal: 'SIGTERM' },
  { name: 'SIGINT', script: 'long-server.mjs', signal: 'SIGINT' },
  { name: 'SIGTERM, app handler', script: 'long-server.mjs', mode: 'handler', signal: 'SIGTERM' },
  { name: 'SIGINT, app handler', script: 'long-server.mjs', mode: 'handler', signal: 'SIGINT' },
];

/**
 * Node's report of an uncaught error starts with the source location it was thrown from; memotel
 * rethrows, so that header points into memotel (documented). The error and its stack follow
 * unchanged: compare from the first line that is not part of the header.
 */
function comparableStderr(stderr: string): string {
  const lines = splitStderr(stderr).other;
  const header = /^(file:\/\/|\/|node:)\S+:\d+$/.test(lines[0] ?? '');
  if (!header) return lines.join('\n');
  const errorLine = lines.findIndex((l, i) => i > 0 && /^\S*(Error|Exception)\b|^Uncaught|^\[/.test(l));
  return lines.slice(errorLine < 0 ? 0 : errorLine).join('\n');
}

export async function exitPath(c: ExitCase): Promise<Row> {
  const box = await tempDir('memotel-faults-exit-');
  const receiver = await startReceiver({ http: false });
  const problems: string[] = [];
  try {
    const options = {
      script: c.script,
      signal: c.signal ? { name: c.signal, afterStdoutLine: /ready/ } : undefined,
      timeoutMs: 20_000,
    };
    const bare = await runFixture({ ...options, register: 'none', env: { MODE: c.mode } });
    const store = join(box.path, 'store');
    const r = await runFixture({
      ...options,
      env: { MODE: c.mode, HOME: box.path, MEMOTEL_STORE_DIR: store, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl },
    });
    const delivered = receiver.spans().filter((s) => s.kind === 'SERVER').length;
    const stored = storeContents(store).spans.filter((s) => s.kind === 2).length;
    check(problems, r.code === bare.code && r.signal === bare.signal, `ended with ${r.code ?? r.signal}, bare node with ${bare.code ?? bare.signal}`);
    check(problems, r.stdout === bare.stdout, `stdout ${JSON.stringify(r.stdout)}, bare node ${JSON.stringify(bare.stdout)}`);
    check(problems, comparableStderr(r.stderr) === comparableStderr(bare.stderr), `stderr differs from bare node's:\n${r.stderr}\n--- bare ---\n${bare.stderr}`);
    // The one documented line: a flush the bound cut short (a loaded machine, here).
    const undocumented = splitStderr(r.stderr).memotel.filter((l) => !l.includes('(MEMOTEL_SHUTDOWN_TIMEOUT); exiting without it'));
    check(problems, undocumented.length === 0, `memotel printed: ${undocumented.join(' / ')}`);
    check(problems, delivered + stored >= 1, 'the SERVER span was neither delivered nor saved');
    return {
      surface: 'exit',
      case: c.name,
      promise: 'same exit code or signal, stdout and stderr as bare node; spans delivered',
      figure: `${r.code !== null ? `code ${r.code}` : r.signal} (bare: ${bare.code !== null ? `code ${bare.code}` : bare.signal}); server span ${delivered ? 'delivered' : stored ? 'in store' : 'lost'}`,
      problems,
    };
  } finally {
    await receiver.close();
    await box.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile configuration

/** A root-only tmpfs mount for a case; undefined (with the reason) when this machine cannot. */
export function mountTmpfs(dir: string, options: string): { unmount(): void } | { skipped: string } {
  if (process.getuid?.() !== 0) return { skipped: 'needs root to mount a tmpfs' };
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'memotel-faults', dir], { stdio: 'pipe' });
  } catch (error) {
    return { skipped: `mount -t tmpfs is not permitted here (${String((error as { stderr?: Buffer }).stderr ?? error).trim()})` };
  }
  return {
    unmount: () => {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
    },
  };
}

export interface ConfigCase {
  /** The variable the warning must name. */
  variable: string;
  value: string;
  /** More variables the case needs (e.g. the sampler an _ARG belongs to). */
  env?: Record<string, string>;
  /** Prepares the filesystem; returns the value to use (a path), or { skipped }. */
  setup?: (box: string) => { value: string; cleanup?: () => void } | { skipped: string };
}

const storeDirCase = (what: string, make: (path: string, box: string) => { cleanup?: () => void } | { skipped: string } | void): ConfigCase => ({
  variable: 'MEMOTEL_STORE_DIR',
  value: what,
  setup: (box) => {
    const path = join(box, 'store-under-test');
    const made = make(path, box);
    if (made && 'skipped' in made) return made;
    return { value: path, cleanup: made?.cleanup };
  },
});

export const CONFIG_CASES: readonly ConfigCase[] = [
  { variable: 'OTEL_TRACES_SAMPLER', value: 'sometimes' },
  { variable: 'OTEL_TRACES_SAMPLER_ARG', value: '2', env: { OTEL_TRACES_SAMPLER: 'traceidratio' } },
  { variable: 'OTEL_TRACES_SAMPLER_ARG', value: '-0.5', env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' } },
  { variable: 'OTEL_TRACES_SAMPLER_ARG', value: 'NaN', env: { OTEL_TRACES_SAMPLER: 'traceidratio' } },
  { variable: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: '::' },
  { variable: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://' },
  { variable: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'ftp://collector.invalid:4317' },
  { variable: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://127.0.0.1:99999' },
  { variable: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'https://user:hunter2@' },
  { variable: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', value: 'not a url' },
  { variable: 'OTEL_EXPORTER_OTLP_HEADERS', value: 'novalue' },
  { variable: 'OTEL_EXPORTER_OTLP_HEADERS', value: 'authorization=Bearer%ZZhunter2' },
  { variable: 'OTEL_EXPORTER_OTLP_HEADERS', value: 'x-api-key=hunter2%0D%0Ainjected: 1' },
  { variable: 'OTEL_EXPORTER_OTLP_HEADERS', value: 'bad key=hunter2' },
  { variable: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'carrier-pigeon' },
  { variable: 'OTEL_EXPORTER_OTLP_TIMEOUT', value: '-1' },
  { variable: 'OTEL_EXPORTER_OTLP_TIMEOUT', value: '99999999999' },
  { variable: 'OTEL_EXPORTER_OTLP_COMPRESSION', value: 'brotli' },
  { variable: 'OTEL_EXPORTER_OTLP_INSECURE', value: 'maybe' },
  { variable: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', value: '-5' },
  { variable: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', value: '100000' },
  { variable: 'OTEL_BSP_MAX_QUEUE_SIZE', value: '0' },
  { variable: 'OTEL_BSP_MAX_QUEUE_SIZE', value: '1e309' },
  { variable: 'OTEL_BSP_SCHEDULE_DELAY', value: 'soon' },
  { variable: 'OTEL_BSP_SCHEDULE_DELAY', value: '99999999999' },
  { variable: 'OTEL_BSP_EXPORT_TIMEOUT', value: '0' },
  { variable: 'OTEL_BLRP_MAX_QUEUE_SIZE', value: '-1' },
  { variable: 'OTEL_BLRP_SCHEDULE_DELAY', value: '1.5' },
  { variable: 'OTEL_METRIC_EXPORT_INTERVAL', value: '0' },
  { variable: 'OTEL_METRIC_EXPORT_INTERVAL', value: '99999999999' },
  { variable: 'OTEL_METRIC_EXPORT_TIMEOUT', value: 'abc' },
  { variable: 'OTEL_RESOURCE_ATTRIBUTES', value: 'team=%E0%A4%A' },
  { variable: 'OTEL_RESOURCE_ATTRIBUTES', value: 'justakey' },
  { variable: 'OTEL_LOG_LEVEL', value: 'loud' },
  { variable: 'OTEL_SDK_DISABLED', value: 'yes' },
  { variable: 'OTEL_PROPAGATORS', value: 'xray' },
  { variable: 'OTEL_NODE_RESOURCE_DETECTORS', value: 'cloud9' },
  { variable: 'OTEL_TRACES_EXPORTER', value: 'zipkin' },
  { variable: 'OTEL_METRICS_EXPORTER', value: 'graphite' },
  { variable: 'OTEL_LOGS_EXPORTER', value: 'kafka' },
  { variable: 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', value: '-1' },
  { variable: 'OTEL_ATTRIBUTE_COUNT_LIMIT', value: 'lots' },
  { variable: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', value: 'sure' },
  { variable: 'OTEL_NODE_ENABLED_INSTRUMENTATIONS', value: 'telepathy' },
  { variable: 'OTEL_EXPORTER_PROMETHEUS_PORT', value: '70000' },
  { variable: 'MEMOTEL_SHUTDOWN_TIMEOUT', value: '-5' },
  { variable: 'MEMOTEL_SHUTDOWN_TIMEOUT', value: '99999999' },
  { variable: 'MEMOTEL_SHUTDOWN_TIMEOUT', value: 'forever' },
  { variable: 'MEMOTEL_STORE_MAX_BYTES', value: '1' },
  { variable: 'MEMOTEL_STORE_MAX_BYTES', value: '-1' },
  { variable: 'MEMOTEL_RUNTIME_METRICS', value: 'always' },
  { variable: 'MEMOTEL_RUNTIME_METRICS_DELAY', value: '-1' },
  { variable: 'MEMOTEL_SESSION_SALT', value: '' },
  {
    variable: 'MEMOTEL_SESSION_KEY_FILE',
    value: 'a directory',
    setup: (box) => {
      mkdirSync(join(box, 'key-dir'));
      return { value: join(box, 'key-dir') };
    },
  },
  {
    variable: 'MEMOTEL_SESSION_KEY_FILE',
    value: 'not a key',
    setup: (box) => {
      writeFileSync(join(box, 'bad-key'), 'hello\n', { mode: 0o600 });
      return { value: join(box, 'bad-key') };
    },
  },
  storeDirCase('a file', (path) => writeFileSync(path, 'not a directory')),
  storeDirCase('a symbolic link', (path, box) => {
    mkdirSync(join(box, 'real-store'), { mode: 0o700 });
    symlinkSync(join(box, 'real-store'), path);
  }),
  storeDirCase("another user's", (path) => {
    if (process.getuid?.() !== 0) return { skipped: 'needs root to chown' };
    mkdirSync(path, { mode: 0o700 });
    chownSync(path, 65534, 65534);
  }),
  storeDirCase('writable by everyone', (path) => {
    mkdirSync(path);
    chmodSync(path, 0o777);
  }),
  storeDirCase('unwritable (a read-only mount)', (path) => {
    // Root ignores permission bits: a read-only filesystem is what stops root too.
    const mounted = mountTmpfs(path, 'ro,size=64k,mode=700');
    return 'skipped' in mounted ? mounted : { cleanup: mounted.unmount };
  }),
];

export function configCaseName(c: ConfigCase): string {
  return `${c.variable}=${c.setup ? `(${c.value})` : JSON.stringify(c.value)}`;
}

/** exit-paths.mjs with one bad value: nothing may change but one warning naming the variable. */
export async function configCase(c: ConfigCase): Promise<Row> {
  const box = await tempDir('memotel-faults-config-');
  const problems: string[] = [];
  const name = configCaseName(c);
  let cleanup: (() => void) | undefined;
  try {
    let value = c.value;
    if (c.setup) {
      const prepared = c.setup(box.path);
      if ('skipped' in prepared) {
        return { surface: 'configuration', case: name, promise: '', figure: '', problems: [], skipped: prepared.skipped };
      }
      value = prepared.value;
      cleanup = prepared.cleanup;
    }
    const bare = await bareShortScript();
    const r = await runFixture({
      script: 'exit-paths.mjs',
      env: { HOME: box.path, MEMOTEL_STORE_DIR: join(box.path, 'store'), MEMOTEL_SHUTDOWN_TIMEOUT: String(SHUTDOWN_TIMEOUT_MS), ...c.env, [c.variable]: value },
      timeoutMs: 20_000,
    });
    const { memotel, other } = splitStderr(r.stderr);
    check(problems, r.code === bare.code, `exit code ${r.code}, bare node ${bare.code}`);
    check(problems, r.stdout === bare.stdout, `stdout changed: ${JSON.stringify(r.stdout)}`);
    check(problems, other.length === 0, `stderr has lines that are not memotel's: ${other.join(' / ')}`);
    check(problems, memotel.length === 1, `${memotel.length} memotel lines, not one: ${memotel.join(' / ')}`);
    check(problems, memotel.every((l) => l.includes(c.variable)), `the warning does not name ${c.variable}: ${memotel.join(' / ')}`);
    check(problems, !r.stderr.includes('hunter2'), 'the warning shows a credential');
    return {
      surface: 'configuration',
      case: name,
      promise: 'no crash, same stdout and exit code, one warning naming the variable',
      figure: memotel[0]?.replace(/^memotel warn: /, '').slice(0, 110) ?? '(no warning)',
      problems,
    };
  } finally {
    cleanup?.();
    await box.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// The store

/** Runs `count` functions at most `width` at a time. */
async function pool<T>(count: number, width: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await run(i);
      }
    }),
  );
  return out;
}

/** `count` processes capture into one repository and one store, all at once. */
export async function storeConcurrent(count: number): Promise<Row> {
  const box = await tempDir('memotel-faults-store-');
  const problems: string[] = [];
  try {
    const repo = initRepo(join(box.path, 'repo'));
    const store = join(box.path, 'store');
    const env = { HOME: box.path, MEMOTEL_STORE_DIR: store };
    const runs = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        runFixture({ script: APP, args: ['capture', '--namespace', 'progress', '--summary', `concurrent ${i}`, '--content', `body ${i}`, '--repo', repo], env, timeoutMs: 120_000 }),
      ),
    );
    const ids = runs.map((r) => {
      try {
        return (JSON.parse(r.stdout) as { id: string }).id;
      } catch {
        return undefined;
      }
    });
    const listed = await runFixture({
      script: join(PROJECT_ROOT, 'test/fixtures/list-memories.mjs'),
      register: 'none',
      args: [repo],
    });
    const inRepo = new Set<string>(listed.code === 0 ? (JSON.parse(listed.stdout) as string[]) : []);
    const { spans, report } = storeContents(store);
    const captures = spans.filter((s) => s.name === 'create_memory').length;
    const traces = await cli(['traces', '--json', '--limit', String(count * 4), '--operation', 'create_memory'], env);
    let listedTraces = 0;
    try {
      listedTraces = (JSON.parse(traces.stdout) as { total: number }).total;
    } catch {
      problems.push(`memotel traces printed no JSON: ${traces.stderr.slice(0, 200)}`);
    }
    // A capture the app reports as failed is not a lost memory: the memory library's lock
    // (10 s) can time out when 32 processes queue on 2 loaded cores, and the app says so (exit 1,
    // MEMOTEL_ERR_LOCK_TIMEOUT). A memory is lost when the app said it was stored and it is not.
    const stored = ids.filter((id): id is string => id !== undefined);
    const lost = stored.filter((id) => !inRepo.has(id)).length;
    const refused = runs.filter((r) => r.code !== 0);
    const unexplained = refused.filter((r) => !/Could not take the memotel lock/.test(r.stderr));
    check(problems, unexplained.length === 0, `captures failed for another reason than the app's lock: ${unexplained.map((r) => r.stderr.trim()).join(' / ').slice(0, 300)}`);
    check(problems, lost === 0, `${lost} of ${stored.length} stored memories are not in the repository`);
    check(problems, report.unreadable.length === 0, `${report.unreadable.length} unreadable store lines`);
    check(problems, captures === count, `${captures} create_memory spans in the store, ${count} captures (failed ones included)`);
    check(problems, listedTraces === count && traces.code === 0 && traces.stderr === '', `memotel traces lists ${listedTraces} capture traces (exit ${traces.code}): ${traces.stderr}`);
    return {
      surface: 'store',
      case: `${count} processes capture into one repo and one store at once`,
      promise: '0 memories lost, 0 unreadable store lines, every span readable by the CLI',
      figure:
        `${stored.length - lost}/${stored.length} stored memories in the repo (${refused.length} captures refused by the app's lock timeout); ` +
        `${captures} capture spans, ${report.lines} lines, ${report.unreadable.length} unreadable; CLI lists ${listedTraces}`,
      problems,
    };
  } finally {
    await box.cleanup();
  }
}

/** Fills a filesystem: appends to a file until the disk refuses. */
function fillDisk(file: string): void {
  const chunk = Buffer.alloc(4096, 120);
  for (;;) {
    try {
      appendFileSync(file, chunk);
    } catch {
      break;
    }
  }
  const small = Buffer.alloc(1, 120);
  for (let i = 0; i < 4096; i++) {
    try {
      appendFileSync(file, small);
    } catch {
      break;
    }
  }
}

/** The store on a small tmpfs that is full: the app is unaffected, one line says so, and space freed makes it work again. */
export async function storeFullDisk(): Promise<Row> {
  const box = await tempDir('memotel-faults-full-');
  const problems: string[] = [];
  const mountPoint = join(box.path, 'disk');
  const mounted = mountTmpfs(mountPoint, 'size=256k,mode=700');
  const name = 'full disk (a 256 KiB tmpfs as the store)';
  if ('skipped' in mounted) {
    await box.cleanup();
    return { surface: 'store', case: name, promise: '', figure: '', problems: [], skipped: mounted.skipped };
  }
  try {
    const store = join(mountPoint, 'store');
    mkdirSync(store, { mode: 0o700 });
    const filler = join(mountPoint, 'filler');
    fillDisk(filler);
    const env = { HOME: box.path, MEMOTEL_STORE_DIR: store, MEMOTEL_SHUTDOWN_TIMEOUT: String(SHUTDOWN_TIMEOUT_MS), MODE: 'throw' };
    const bare = await runFixture({ script: 'exit-paths.mjs', register: 'none', env: { MODE: 'throw' } });
    const full = await runFixture({ script: 'exit-paths.mjs', env });
    const { memotel } = splitStderr(full.stderr);
    const before = storeContents(store).spans.length;
    rmSync(filler);
    const freed = await runFixture({ script: 'exit-paths.mjs', env });
    const after = storeContents(store);
    check(problems, full.code === bare.code && full.stdout === bare.stdout, `disk full: exit ${full.code} / stdout ${JSON.stringify(full.stdout)}; bare ${bare.code} / ${JSON.stringify(bare.stdout)}`);
    check(problems, comparableStderr(full.stderr) === comparableStderr(bare.stderr), "the app's own stderr changed");
    check(problems, memotel.length === 1 && /out of space/.test(memotel[0]!), `disk full reported ${memotel.length} times: ${memotel.join(' / ')}`);
    check(problems, freed.code === bare.code && splitStderr(freed.stderr).memotel.length === 0, `after freeing space: exit ${freed.code}, ${freed.stderr}`);
    check(problems, after.spans.length > before, `after freeing space the store got no spans (${before} → ${after.spans.length})`);
    return {
      surface: 'store',
      case: name,
      promise: 'app unaffected, the failure reported once, the store usable again once space frees',
      figure: `full: exit ${full.code} as bare, ${memotel.length} warning; freed: spans ${before} → ${after.spans.length}, ${after.report.unreadable.length} torn line(s) skipped`,
      problems,
    };
  } finally {
    mounted.unmount();
    await box.cleanup();
  }
}

/** Torn, garbled and binary lines in a store file: the CLI shows the good traces and names the file it skipped lines in. */
export async function storeGarbled(): Promise<Row> {
  const box = await tempDir('memotel-faults-garbled-');
  const problems: string[] = [];
  try {
    const store = join(box.path, 'store');
    const env = { HOME: box.path, MEMOTEL_STORE_DIR: store };
    await runFixture({ script: 'exit-paths.mjs', env });
    const file = join(store, 'traces.jsonl');
    const good = readFileSync(file, 'utf8').split('\n')[0]!;
    appendFileSync(file, '{"resourceSpans": [{"garbled\n');
    appendFileSync(file, Buffer.from([0x00, 0xff, 0xfe, 0x0a]));
    // A write cut off without its newline, then a whole line from the next process.
    appendFileSync(file, good.slice(0, good.length / 2));
    await runFixture({ script: 'exit-paths.mjs', env });
    const r = await cli(['traces', '--json'], env);
    let traces = 0;
    try {
      traces = (JSON.parse(r.stdout) as { total: number }).total;
    } catch {
      problems.push(`memotel traces printed no JSON (exit ${r.code}): ${r.stderr}`);
    }
    check(problems, r.code === 0, `memotel traces exited ${r.code}`);
    check(problems, /skipped \d+ unreadable traces lines? in traces\.jsonl/.test(r.stderr), `no message naming the file: ${JSON.stringify(r.stderr)}`);
    check(problems, traces === 2, `${traces} traces listed; both runs' traces should be (the second's line follows a torn one)`);
    return {
      surface: 'store',
      case: 'a truncated and garbled store file',
      promise: 'the CLI skips what it cannot read, says which file, and keeps every good line',
      figure: `${traces} of 2 traces listed; ${r.stderr.trim().replace(/^memotel[^:]*: /, '')}`,
      problems,
    };
  } finally {
    await box.cleanup();
  }
}

/** Many spans into a store bounded at its minimum (64 KiB): it rotates and prunes, never exceeding the bound. */
export async function storeBound(): Promise<Row> {
  const box = await tempDir('memotel-faults-bound-');
  const problems: string[] = [];
  const maxBytes = 64 * 1024;
  try {
    const store = join(box.path, 'store');
    const env = { HOME: box.path, MEMOTEL_STORE_DIR: store, MEMOTEL_STORE_MAX_BYTES: String(maxBytes), COUNT: '1500', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '50' };
    let written = 0;
    for (let i = 0; i < 4; i++) {
      const r = await runFixture({ script: 'many-spans.mjs', env });
      check(problems, r.code === 0 && r.stdout === 'ended 1500\n', `run ${i}: exit ${r.code}, ${r.stderr}`);
      written += 1500;
    }
    const files = readdirSync(store).filter((f) => f.endsWith('.jsonl'));
    const total = files.reduce((n, f) => n + statSync(join(store, f)).size, 0);
    // Each signal keeps its third in rotated segments plus its active segment (a twelfth).
    const bound = maxBytes + 3 * Math.max(16 * 1024, Math.floor(maxBytes / 12));
    check(problems, total <= bound, `the store holds ${total} bytes, over ${bound}`);
    check(problems, storeContents(store).report.unreadable.length === 0, 'rotation left unreadable lines');
    return {
      surface: 'store',
      case: `${written} spans into MEMOTEL_STORE_MAX_BYTES=${maxBytes}`,
      promise: "the store's size bound holds (oldest segments pruned)",
      figure: `${(total / 1024).toFixed(0)} KiB in ${files.length} files (bound with active segments: ${(bound / 1024).toFixed(0)} KiB)`,
      problems,
    };
  } finally {
    await box.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// Security

function mode(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

/** A hook process (session key created, store written): directory 0700, files and key 0600. */
export async function securityPermissions(): Promise<Row> {
  const box = await tempDir('memotel-faults-perms-');
  const problems: string[] = [];
  try {
    const repo = initRepo(join(box.path, 'repo'));
    const store = join(box.path, 'state/memotel/store');
    const r = await runFixture({
      script: APP,
      args: ['hook', '--repo', repo],
      stdin: JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'perm-session', prompt: 'remember: permissions matter' }),
      env: { HOME: box.path, XDG_STATE_HOME: join(box.path, 'state'), XDG_CONFIG_HOME: join(box.path, 'config') },
    });
    const key = join(box.path, 'config/memotel/session-key');
    check(problems, r.code === 0, `hook exited ${r.code}: ${r.stderr}`);
    const modes: string[] = [];
    if (existsSync(store)) {
      check(problems, mode(store) === '700', `store dir ${mode(store)}`);
      for (const f of readdirSync(store)) {
        modes.push(`${f} ${mode(join(store, f))}`);
        check(problems, mode(join(store, f)) === '600', `${f} is ${mode(join(store, f))}`);
      }
    } else problems.push('no store written');
    check(problems, existsSync(key) && mode(key) === '600', `session key ${existsSync(key) ? mode(key) : 'missing'}`);
    check(problems, existsSync(key) && mode(join(key, '..')) === '700', 'session key dir not 0700');
    return {
      surface: 'security',
      case: 'modes of what memotel creates',
      promise: 'store dir 0700, store files and the session key 0600',
      figure: `store ${existsSync(store) ? mode(store) : '-'}; ${modes.length} files 600; key ${existsSync(key) ? mode(key) : '-'} in a ${existsSync(key) ? mode(join(key, '..')) : '-'} dir`,
      problems,
    };
  } finally {
    await box.cleanup();
  }
}

export type PlantedLink = 'session key' | 'next store file';

/**
 * A symbolic link planted where memotel will write or read next: in place of the session key
 * (pointing at a key the planter knows), or of the active traces file (pointing at a file to
 * clobber, which also holds a trace the CLI must not show).
 */
export async function securityPlantedLink(where: PlantedLink): Promise<Row> {
  const box = await tempDir('memotel-faults-link-');
  const problems: string[] = [];
  try {
    const store = join(box.path, 'store');
    mkdirSync(store, { mode: 0o700 });
    const keyFile = join(box.path, 'config/memotel/session-key');
    mkdirSync(join(box.path, 'config/memotel'), { recursive: true, mode: 0o700 });
    const victim = join(box.path, 'victim');
    const planted = `{"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{"name":"x"},"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef","name":"planted-span","kind":1,"startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}\n`;
    const victimBefore = where === 'session key' ? 'ab'.repeat(32) + '\n' : planted;
    writeFileSync(victim, victimBefore, { mode: 0o644 });
    symlinkSync(victim, where === 'session key' ? keyFile : join(store, 'traces.jsonl'));
    const env = { HOME: box.path, MEMOTEL_STORE_DIR: store, XDG_CONFIG_HOME: join(box.path, 'config'), MEMOTEL_SESSION_ID: 'link-session' };
    const bare = await bareShortScript();
    const r = await runFixture({ script: 'exit-paths.mjs', env });
    const { memotel } = splitStderr(r.stderr);
    const shown = await cli(['traces', '--json'], env);
    check(problems, r.code === bare.code && r.stdout === bare.stdout, `app changed: exit ${r.code}, ${JSON.stringify(r.stdout)}`);
    check(problems, readFileSync(victim, 'utf8') === victimBefore, 'the link was followed: its target was written');
    check(problems, memotel.length === 1 && /symbolic link/.test(memotel[0]!), `${memotel.length} messages: ${memotel.join(' / ')}`);
    check(problems, !shown.stdout.includes('planted-span'), 'the CLI read the planted link');
    if (where === 'session key') {
      const sessions = storeContents(store).spans.map((s) => s.attributes['session.id']);
      check(problems, sessions.every((s) => s === undefined), 'spans carry a session hash made with the planted key');
    }
    return {
      surface: 'security',
      case: `a symbolic link planted in place of the ${where}`,
      promise: 'never followed for writing or reading; app unaffected; one clear message',
      figure: memotel[0]?.replace(/^memotel warn: /, '').slice(0, 110) ?? '(no message)',
      problems,
    };
  } finally {
    await box.cleanup();
  }
}

export type RefusedDir = 'world-writable' | 'foreign-owned';

export async function securityRefusedDir(kind: RefusedDir): Promise<Row> {
  const name = `a ${kind} store directory`;
  if (kind === 'foreign-owned' && process.getuid?.() !== 0) {
    return { surface: 'security', case: name, promise: '', figure: '', problems: [], skipped: 'needs root to chown' };
  }
  const box = await tempDir('memotel-faults-refuse-');
  const problems: string[] = [];
  try {
    const store = join(box.path, 'store');
    mkdirSync(store);
    if (kind === 'world-writable') chmodSync(store, 0o777);
    else {
      chmodSync(store, 0o700);
      chownSync(store, 65534, 65534);
    }
    const bare = await bareShortScript();
    const r = await runFixture({ script: 'exit-paths.mjs', env: { HOME: box.path, MEMOTEL_STORE_DIR: store } });
    const { memotel } = splitStderr(r.stderr);
    check(problems, r.code === bare.code && r.stdout === bare.stdout, `app changed: exit ${r.code}, ${JSON.stringify(r.stdout)}`);
    check(problems, readdirSync(store).length === 0, `memotel wrote into it: ${readdirSync(store).join(', ')}`);
    check(problems, memotel.length === 1 && memotel[0]!.includes('MEMOTEL_STORE_DIR'), `messages: ${memotel.join(' / ') || '(none)'}`);
    return {
      surface: 'security',
      case: name,
      promise: 'refused with a clear message, nothing written there, app unaffected',
      figure: memotel[0]?.replace(/^memotel warn: /, '').replace(store, '…/store').slice(0, 110) ?? '(no message)',
      problems,
    };
  } finally {
    await box.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// Privacy

/** Distinctive values that must never leave the process (but content and query, when opted in). */
export const SECRETS = {
  hookSession: 'hook-session-RAW-7c1f5e',
  envSession: 'env-session-RAW-93ab2d',
  content: 'memory-content-SECRET-5d2e',
  query: 'query-text-SECRET-a81c',
  token: 'ghp_TOKEN0123456789SECRET',
};

/**
 * The example app through every path that sees private data (a hook capture and a hook recall
 * with a session id, a CLI capture and recall with MEMOTEL_SESSION_ID, a repository whose remote
 * URL holds a token), exporting over gRPC, over http/protobuf and to the store; then every byte
 * each collector received (raw and decoded) and the whole store are searched.
 */
export async function privacy(captureContent: boolean): Promise<Row> {
  const box = await tempDir('memotel-faults-privacy-');
  const receivers: Receiver[] = [];
  const problems: string[] = [];
  try {
    const repo = initRepo(join(box.path, 'repo'));
    execFileSync('git', ['-C', repo, 'remote', 'add', 'origin', `https://user:${SECRETS.token}@git.example.invalid/x.git`]);
    const grpc = await startReceiver({ http: false });
    const http = await startReceiver({ grpc: false });
    receivers.push(grpc, http);
    const destinations: Array<[string, Record<string, string>]> = [
      ['grpc', { OTEL_EXPORTER_OTLP_ENDPOINT: grpc.grpcUrl }],
      ['http/protobuf', { OTEL_EXPORTER_OTLP_ENDPOINT: http.httpUrl, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }],
      ['store', {}],
    ];
    const store = join(box.path, 'store');
    for (const [, destination] of destinations) {
      const env = {
        HOME: box.path,
        MEMOTEL_STORE_DIR: store,
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: String(captureContent),
        ...destination,
      };
      const hook = (prompt: string) =>
        runFixture({ script: APP, args: ['hook', '--repo', repo], env, stdin: JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: SECRETS.hookSession, prompt }) });
      const withEnvSession = { ...env, MEMOTEL_SESSION_ID: SECRETS.envSession };
      const runs = [
        await hook(`remember(decisions): ${SECRETS.content}`),
        await hook(`${SECRETS.query} ${SECRETS.content}`),
        await runFixture({ script: APP, args: ['capture', '--namespace', 'learnings', '--summary', 'about secrets', '--content', SECRETS.content, '--repo', repo], env: withEnvSession }),
        await runFixture({ script: APP, args: ['recall', SECRETS.query, '--repo', repo], env: withEnvSession }),
      ];
      for (const r of runs) check(problems, r.code === 0, `a run exited ${r.code}: ${r.stderr.slice(0, 200)}`);
    }
    const raw = Buffer.concat([...grpc.requests, ...http.requests].map((q) => q.raw ?? Buffer.alloc(0)));
    const decoded = [grpc, http].map((r) => asText({ spans: r.spans(), metrics: r.metrics(), logs: r.logs() })).join('\n');
    const onDisk = bytesUnder(store);
    const places: Array<[string, (s: string) => boolean]> = [
      ['exported bytes', (s) => raw.includes(s)],
      ['decoded export', (s) => decoded.includes(s)],
      ['store', (s) => onDisk.includes(s)],
    ];
    const found: string[] = [];
    for (const [secret, value] of Object.entries(SECRETS)) {
      const where = places.filter(([, has]) => has(value)).map(([p]) => p);
      const allowed = captureContent && (secret === 'content' || secret === 'query');
      if (allowed) check(problems, where.length === places.length, `with content capture on, ${secret} is missing from: ${places.filter(([p]) => !where.includes(p)).map(([p]) => p).join(', ')}`);
      else check(problems, where.length === 0, `${secret} leaked into: ${where.join(', ')}`);
      if (where.length) found.push(`${secret}: ${where.length}/3`);
    }
    check(problems, grpc.spans().length > 0 && http.spans().length > 0 && onDisk.length > 0, 'a destination received nothing to search');
    return {
      surface: 'privacy',
      case: `content capture ${captureContent ? 'on' : 'off (default)'}`,
      promise: captureContent
        ? 'content and query text appear; raw session ids and credentials still do not'
        : 'raw session ids, content, query text and remote credentials appear 0 times in exported bytes, decoded, and the store',
      figure: `${(raw.length / 1024).toFixed(0)} KiB exported, ${(onDisk.length / 1024).toFixed(0)} KiB stored; found: ${found.join(', ') || 'nothing'}`,
      problems,
    };
  } finally {
    for (const r of receivers) await r.close();
    await box.cleanup();
  }
}
