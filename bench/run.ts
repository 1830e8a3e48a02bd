// `npm run bench`: every benchmark, printed as medians and ratios.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startupBench } from './startup.js';
import { autoBench } from './auto.js';
import { memoryOpsBench, memoryOpsPairedBench, spanTreeBench } from './memory-ops.js';
import { channelsBench } from './channels.js';
import { soakBench } from './soak.js';
import { hookBench } from './hook.js';
import { preloadBench } from './preload.js';
import { gitRunInstructionsBench, instructionsBench } from './instructions.js';
import { mcpBench } from './mcp.js';
import { faultsBench } from './faults.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

if (want('startup')) await startupBench(root, rounds);
if (want('auto')) await autoBench(root, rounds);
if (want('memory')) memoryOpsBench(root, rounds);
if (want('memory') || only.includes('paired')) memoryOpsPairedBench(root, Number(process.env.BENCH_PAIRED_OPS ?? 600));
if (want('memory') || only.includes('span-tree')) spanTreeBench(root, Number(process.env.BENCH_SPAN_TREE_OPS ?? 1000));
if (want('channels')) await channelsBench();
if (want('instructions')) await instructionsBench(root);
if (only.includes('instructions-git')) gitRunInstructionsBench(root);
// Hook targets are judged on medians of at least 40 interleaved rounds.
if (want('hook')) await hookBench(root, Math.max(rounds, 40));
if (want('preload')) await preloadBench(root, Math.max(rounds, 30));
if (want('mcp')) await mcpBench(root, rounds);
if (want('index')) {
  // The memory library's own benchmark (issue 3): brute-force search over 10,000 memories.
  console.log('\nvector index');
  const { spawnSync } = await import('node:child_process');
  spawnSync(process.execPath, [join(root, 'bench/index-search.mjs')], { stdio: 'inherit', cwd: root });
}
// Minutes long: only when asked for (npm run bench -- faults).
if (only.includes('faults')) await faultsBench();
// Minutes long: only when asked for (npm run bench -- soak), BENCH_SOAK_SECONDS (default 180).
if (only.includes('soak')) await soakBench(root, Number(process.env.BENCH_SOAK_SECONDS ?? 180));
