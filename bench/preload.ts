// The preload measured inside the process (issues 2 and 7): from Node running its first preload
// to the app's first line, bare and under memotel (local store), for a trivial app and for a
// hook process. A whole hook process varies by ±15 ms from run to run on a small machine (git
// child processes, the host); this phase does not, so it resolves changes of a fraction of a
// millisecond that the end-to-end benchmark cannot. For the hook, the rest of the process (the
// app's start, the handler, the flush, the exit) is given too: it starts sooner under memotel,
// whose preload has loaded built-ins the app needs anyway.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchNodes, fmt, initRepo, median, medianInterval, settle } from './lib.js';

interface Marks {
  start: number;
  app: number;
  exit: number;
  wallMs: number;
}

function runMarked(node: string, args: string[], env: Record<string, string>, stdin: string): Promise<Marks> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(node, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(stdin);
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = /MEMOTEL_BENCH_MARKS (.*)/.exec(stderr);
      if (code !== 0 || !line) return reject(new Error(`exit ${code}: ${stderr.slice(0, 2000)}`));
      resolve({ ...(JSON.parse(line[1]!) as Omit<Marks, 'wallMs'>), wallMs });
    });
  });
}

export async function preloadBench(root: string, rounds: number): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'memotel-preload-bench-'));
  const repo = initRepo(join(work, 'repo'));
  const memoryApp = join(root, 'examples/memory-app/app.mjs');
  const event = JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'bench-session', prompt: 'how do hooks answer?' });
  const apps = [
    { name: 'trivial app', args: [join(root, 'bench/apps/trivial.mjs')], stdin: '' },
    { name: 'hook process', args: [memoryApp, 'hook', '--repo', repo], stdin: event },
  ];
  const env = { HOME: work, MEMOTEL_SESSION_SALT: 'bench', MEMOTEL_STORE_DIR: join(work, 'store') };
  const marks = ['--require', join(root, 'bench/apps/marks.cjs')];
  const appMark = ['--import', join(root, 'bench/apps/mark-app.mjs')];
  const ms = (x: number) => `${x >= 0 ? '+' : ''}${fmt(x, 1)} ms`;
  const withInterval = (xs: number[]) => {
    const [low, high] = medianInterval(xs);
    return `${ms(median(xs))} (95% interval ${ms(low)}..${ms(high)})`;
  };
  try {
    for (const node of benchNodes(root)) {
      console.log(`\npreload measured inside the process, ${node.label} (${rounds} rounds, alternating; local store)`);
      for (const app of apps) {
        const bareArgs = [...marks, ...appMark, ...app.args];
        const memotelArgs = [...marks, '--import', join(root, 'register.js'), ...appMark, ...app.args];
        // Warm-up: the page cache, and memotel's code cache written by its first process.
        for (const args of [bareArgs, memotelArgs, memotelArgs]) await runMarked(node.path, args, env, app.stdin);
        const preload: number[] = [];
        const rest: number[] = [];
        const whole: number[] = [];
        let barePreload = 0;
        for (let i = 0; i < rounds; i++) {
          const pair = i % 2 === 0 ? [bareArgs, memotelArgs] : [memotelArgs, bareArgs];
          const run = async (args: string[]) => {
            await settle();
            return runMarked(node.path, args, env, app.stdin);
          };
          const [a, b] = [await run(pair[0]!), await run(pair[1]!)];
          const [bare, mem] = i % 2 === 0 ? [a, b] : [b, a];
          barePreload += (bare.app - bare.start) / rounds;
          preload.push(mem.app - mem.start - (bare.app - bare.start));
          rest.push(mem.exit - mem.app - (bare.exit - bare.app));
          whole.push(mem.wallMs - bare.wallMs);
        }
        console.log(`  ${app.name}: preload ${withInterval(preload)} over bare's ${fmt(barePreload, 1)} ms`);
        if (app.stdin) console.log(`    the rest of the process ${withInterval(rest)}; the whole process ${withInterval(whole)}`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
