// Instructions per memory-service git run and per capture (issue 4), counted by valgrind:
// deterministic, unlike the wall and CPU times of child-process-heavy operations (±15 % here).
// This process's main thread only (children not traced, V8's compiler threads left out), and
// user space only (not the kernel's fork work).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRepo, benchNodes } from './lib.js';

/** Instructions the main thread executed (V8's compiler and GC threads run beside it and are left out). */
function count(node: string, args: string[], env: Record<string, string>): number {
  const out = mkdtempSync(join(tmpdir(), 'memotel-callgrind-'));
  try {
    const r = spawnSync(
      'valgrind',
      ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${join(out, 'out')}`, node, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' },
    );
    const main = readdirSync(out).find((name) => name.endsWith('-01'));
    const m = main && /^summary: (\d+)/m.exec(readFileSync(join(out, main), 'utf8'));
    if (!m) throw new Error(`valgrind gave no count: ${r.stderr.slice(-500)}`);
    return Number(m[1]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function instructionsBench(root: string): void {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.log('\ninstructions per operation: skipped (valgrind is not installed)');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'memotel-instr-'));
  const nodes = benchNodes(root);
  // Per operation = (count at `many` - count at `few`) / (many - few), so startup cancels out.
  const measure = (label: string, app: string, env: Record<string, string>, few: number, many: number) => {
    console.log(`\ninstructions per ${label}, this process's main thread (valgrind)`);
    for (const node of nodes) {
      let run = 0;
      const perOp = (args: string[]) => {
        // A fresh repository per variant; the warm-up fills memotel's code cache, which would
        // otherwise make the first measured run pay for compilation.
        const repo = initRepo(join(work, `repo-${node.label.replace(/\W+/g, '-')}-${label.length}-${run++}`));
        const base = { HOME: work, REPO: repo, MEMOTEL_STORE_DIR: join(work, 'store'), ...env };
        count(node.path, args, { ...base, N: '1' });
        return (count(node.path, args, { ...base, N: String(many) }) - count(node.path, args, { ...base, N: String(few) })) / (many - few);
      };
      const bare = perOp([join(root, 'bench/apps', app)]);
      const instrumented = perOp(['--import', join(root, 'register.js'), join(root, 'bench/apps', app)]);
      console.log(
        `  ${node.label.padEnd(26)} bare ${(bare / 1e6).toFixed(2)} M, instrumented ${(instrumented / 1e6).toFixed(2)} M (${(((instrumented - bare) / bare) * 100).toFixed(0)}%)`,
      );
    }
  };
  try {
    // No timers, so that nothing depends on how long valgrind makes the process live: the apps
    // flush spans every fifth operation, metrics export at exit (not counted), and runtime
    // metrics (started after 10 s) are off.
    const untimed = { OTEL_BSP_SCHEDULE_DELAY: '3600000', OTEL_METRIC_EXPORT_INTERVAL: '3600000', MEMOTEL_RUNTIME_METRICS: 'off' };
    measure('git run of the memory library (only the git instrumentation)', 'git-loop.mjs', { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'memotel-git', ...untimed }, 10, 60);
    // A capture's first few dozen runs: the span path is not optimised yet (performance.md).
    measure('capture (all instrumentations; captures 6-25 of the process)', 'memory-loop.mjs', { OP: 'capture', ...untimed }, 5, 25);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
