// Instructions per memory-service git run (issue 4), counted by valgrind: deterministic, unlike
// the wall and CPU times of child-process-heavy operations (±15 % here). This process only
// (children not traced); per-op = (count at N=60 - count at N=10) / 50, so startup cancels out.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRepo, benchNodes } from './lib.js';

function count(node: string, args: string[], env: Record<string, string>): number {
  const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', node, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  const m = /Collected : (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`valgrind gave no count: ${r.stderr.slice(-500)}`);
  return Number(m[1]);
}

export function instructionsBench(root: string): void {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.log('\ninstructions per git run: skipped (valgrind is not installed)');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'memotel-instr-'));
  const repo = join(work, 'repo');
  initRepo(repo);
  const app = join(root, 'bench/apps/git-loop.mjs');
  const nodes = benchNodes(root);
  const env = { HOME: work, REPO: repo, MEMOTEL_STORE_DIR: join(work, 'store'), OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'memotel-git' };
  console.log('\ninstructions per git run of the memory library, this process only (valgrind)');
  try {
    for (const node of nodes) {
      const perOp = (args: string[]) => {
        // Warm-up: fills memotel's compile cache (Node 22+), which would otherwise make the
        // first measured run pay for compilation.
        count(node.path, args, { ...env, N: '1' });
        return (count(node.path, args, { ...env, N: '60' }) - count(node.path, args, { ...env, N: '10' })) / 50;
      };
      const bare = perOp([app]);
      const instrumented = perOp(['--import', join(root, 'register.js'), app]);
      console.log(
        `  ${node.label.padEnd(26)} bare ${(bare / 1e6).toFixed(2)} M, instrumented ${(instrumented / 1e6).toFixed(2)} M (${(((instrumented - bare) / bare) * 100).toFixed(0)}%)`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
