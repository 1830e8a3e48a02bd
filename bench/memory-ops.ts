// Memory operations with and without memotel (issue 4): captures and recalls in one process,
// bare and under the register (local store), interleaved runs in fresh repositories.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshIdentity, median } from './lib.js';

function freshRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'memotel-bench-'));
  execFileSync('git', ['init', '-q', dir]);
  freshIdentity(dir);
  execFileSync('git', ['-C', dir, 'commit', '-q', '--allow-empty', '-m', 'init']);
  return dir;
}

export function memoryOpsBench(root: string, rounds: number): void {
  const results = { bare: { capture: [] as number[], recall: [] as number[] }, memotel: { capture: [] as number[], recall: [] as number[] } };
  const store = mkdtempSync(join(tmpdir(), 'memotel-bench-store-'));
  for (let i = 0; i < Math.max(3, Math.round(rounds / 2)); i++) {
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
      const { capture, recall } = JSON.parse(r.stdout);
      results[variant].capture.push(capture);
      results[variant].recall.push(recall);
    }
  }
  rmSync(store, { recursive: true, force: true });
  console.log(`\nmemory operations (mean per op within a process, median over runs; local store)`);
  for (const op of ['capture', 'recall'] as const) {
    const bare = median(results.bare[op]);
    const mem = median(results.memotel[op]);
    console.log(
      `  ${op.padEnd(8)} bare ${(bare / 1000).toFixed(2)} ms  memotel ${(mem / 1000).toFixed(2)} ms  overhead ${(((mem - bare) / bare) * 100).toFixed(1)}% (target < 1%)`,
    );
  }
}
