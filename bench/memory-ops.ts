// Memory operations with and without memotel (issue 4): captures and recalls in one process,
// bare and under the register (local store), interleaved runs in fresh repositories.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapInterval, benchNodes, initRepo, mean, median } from './lib.js';

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
  /** Operations of this kind the arm had done before the block. */
  done: number;
  /** µs per operation: wall time, and the part of it the event loop was busy (not waiting for git). */
  wall: number;
  busy: number;
}
type Arm = Record<'capture' | 'recall', Block[]>;

/** The first blocks (V8 still compiling the span path) and the second half of the run. */
const EARLY_OPS = 100;

/**
 * The precise figure: one process under the register alternating blocks of operations with
 * memotel's instrumentations on and off (bench/apps/memory-ops-ab.mjs), so git's run-to-run
 * variance cancels out. Reported twice: for the first operations of each arm and for the second
 * half of the run, where V8 has optimised the span path (the steady state of a long-running
 * server). Each figure is the mean paired difference per operation (on minus off, blocks run
 * back to back), as µs and as a share of the off arm's wall time, with a 95 % bootstrap interval;
 * and the same for the event loop's busy time, which leaves out the wait for git's child
 * processes, the largest source of noise.
 */
export function memoryOpsPairedBench(root: string, opsPerArm: number): void {
  const nodes = benchNodes(root);
  const perBlock = 20;
  console.log(
    `\nmemory operations, paired in one process (${opsPerArm} of each kind per arm, in alternating blocks of ${perBlock}; ` +
      `each block ends with a flush of its spans)`,
  );
  for (const node of nodes) {
    const repo = freshRepo();
    const store = mkdtempSync(join(tmpdir(), 'memotel-bench-store-'));
    try {
      const r = spawnSync(node.path, ['--import', join(root, 'register.js'), join(root, 'bench/apps/memory-ops-ab.mjs')], {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          HOME: store,
          REPO: repo,
          PER_BLOCK: String(perBlock),
          OPS_PER_ARM: String(opsPerArm),
          MEMOTEL_STORE_DIR: join(store, 's'),
        },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (r.status !== 0) throw new Error(`memory-ops-ab failed: ${r.stderr}`);
      const { on, off } = JSON.parse(r.stdout) as { on: Arm; off: Arm };
      for (const op of ['capture', 'recall'] as const) {
        const phases: Array<[string, (b: Block) => boolean]> = [
          [`operations 1–${EARLY_OPS}`, (b) => b.done < EARLY_OPS],
          [`operations ${opsPerArm / 2 + 1}–${opsPerArm}`, (b) => b.done >= opsPerArm / 2],
        ];
        for (const [phase, within] of phases) {
          const pairs = on[op].map((b, i) => [b, off[op][i]!] as const).filter(([b]) => within(b));
          if (pairs.length === 0) continue;
          const offWall = mean(pairs.map(([, o]) => o.wall));
          const added = (key: 'wall' | 'busy') => {
            const diffs = pairs.map(([b, o]) => b[key] - o[key]);
            const [low, high] = bootstrapInterval(diffs, mean);
            const pct = (us: number) => `${((us / offWall) * 100).toFixed(1)}%`;
            return `${pct(mean(diffs))} (${mean(diffs).toFixed(0)} µs; 95% interval ${pct(low)}..${pct(high)})`;
          };
          console.log(
            `  ${node.label.padEnd(26)} ${op.padEnd(8)} ${phase.padEnd(20)} off ${(offWall / 1000).toFixed(2)} ms; on adds: wall ${added('wall')}, ` +
              `main thread busy ${added('busy')}  (target < 1%)`,
          );
        }
      }
    } finally {
      rmSync(repo, { recursive: true, force: true });
      rmSync(store, { recursive: true, force: true });
    }
  }
  console.log('  (busy: event-loop utilisation, the time the main thread worked rather than waited for git; both as a share of the off arm\'s wall time)');
}
