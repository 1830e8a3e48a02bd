// Memory operations with and without memotel (issue 4): captures and recalls in one process,
// bare and under the register (local store), interleaved runs in fresh repositories.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRepo, median, benchNodes } from './lib.js';

function freshRepo(): string {
  return initRepo(mkdtempSync(join(tmpdir(), 'memotel-bench-')));
}

export function memoryOpsBench(root: string, rounds: number): void {
  const empty = () => ({ capture: [] as number[], recall: [] as number[], captureCpu: [] as number[], recallCpu: [] as number[] });
  const results = { bare: empty(), memotel: empty() };
  const store = mkdtempSync(join(tmpdir(), 'memotel-bench-store-'));
  for (let i = 0; i < Math.max(4, rounds); i++) {
    for (const variant of ['bare', 'memotel'] as const) {
      const repo = freshRepo();
      const args = variant === 'bare' ? [] : ['--import', join(root, 'register.js')];
      const r = spawnSync(process.execPath, [...args, join(root, 'bench/apps/memory-ops.mjs')], {
        cwd: root,
        env: { PATH: process.env.PATH, HOME: store, REPO: repo, ROUNDS: '30', MEMOTEL_STORE_DIR: join(store, 's') },
        encoding: 'utf8',
      });
      rmSync(repo, { recursive: true, force: true });
      if (r.status !== 0) throw new Error(`memory-ops ${variant} failed: ${r.stderr}`);
      const sample = JSON.parse(r.stdout) as Record<'capture' | 'recall' | 'captureCpu' | 'recallCpu', number>;
      for (const key of ['capture', 'recall', 'captureCpu', 'recallCpu'] as const) results[variant][key].push(sample[key]);
    }
  }
  rmSync(store, { recursive: true, force: true });
  console.log(`\nmemory operations (mean per op within a process, median over runs; local store)`);
  for (const op of ['capture', 'recall'] as const) {
    const bare = median(results.bare[op]);
    const mem = median(results.memotel[op]);
    const bareCpu = median(results.bare[`${op}Cpu`]);
    const memCpu = median(results.memotel[`${op}Cpu`]);
    console.log(
      `  ${op.padEnd(8)} wall: bare ${(bare / 1000).toFixed(2)} ms, memotel ${(mem / 1000).toFixed(2)} ms, ${(((mem - bare) / bare) * 100).toFixed(1)}% (target < 1%)` +
        `  | this process's CPU: +${(memCpu - bareCpu).toFixed(0)} µs per op = ${(((memCpu - bareCpu) / bare) * 100).toFixed(2)}% of the bare wall time`,
    );
  }
  console.log('  (wall time is dominated by git child processes, whose spawn time varies by ±15% run to run)');
}

interface Block {
  wall: number;
  cpu: number;
}
type Arm = Record<'capture' | 'recall', Block[]>;

/**
 * The precise figure: one process under the register alternating blocks of operations with
 * memotel's instrumentations on and off (bench/apps/memory-ops-ab.mjs), so git's run-to-run
 * variance cancels out. Per-block ratios on/off, median; and the mean difference per operation.
 */
export function memoryOpsPairedBench(root: string, blocks: number): void {
  const nodes = benchNodes(root);
  console.log(`\nmemory operations, paired in one process (${blocks} blocks of 10 per arm, alternating; each block ends with a flush of its spans)`);
  for (const node of nodes) {
    const repo = freshRepo();
    const store = mkdtempSync(join(tmpdir(), 'memotel-bench-store-'));
    try {
      const r = spawnSync(node.path, ['--import', join(root, 'register.js'), join(root, 'bench/apps/memory-ops-ab.mjs')], {
        cwd: root,
        env: { PATH: process.env.PATH, HOME: store, REPO: repo, BLOCKS: String(blocks), MEMOTEL_STORE_DIR: join(store, 's') },
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`memory-ops-ab failed: ${r.stderr}`);
      const { on, off } = JSON.parse(r.stdout) as { on: Arm; off: Arm };
      for (const op of ['capture', 'recall'] as const) {
        const ratio = (k: keyof Block) => median(on[op].map((b, i) => b[k] / off[op][i][k] - 1)) * 100;
        const diff = (k: keyof Block) => (on[op].reduce((n, b) => n + b[k], 0) - off[op].reduce((n, b) => n + b[k], 0)) / on[op].length;
        console.log(
          `  ${node.label.padEnd(26)} ${op.padEnd(8)} off ${(median(off[op].map((b) => b.wall)) / 1000).toFixed(2)} ms, on: wall ${ratio('wall').toFixed(1)}% (${diff('wall').toFixed(0)} µs), ` +
            `this process's CPU ${ratio('cpu').toFixed(1)}% (${diff('cpu').toFixed(0)} µs)  (target < 1%)`,
        );
      }
    } finally {
      rmSync(repo, { recursive: true, force: true });
      rmSync(store, { recursive: true, force: true });
    }
  }
}
