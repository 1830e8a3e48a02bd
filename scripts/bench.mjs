// Bundles bench/run.ts (with the test OTLP receiver it uses) and the preloads it needs, and runs it.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';

await build({
  // The benchmarks, and the floor variant of the hook benchmark (an ESM preload like register.js).
  entryPoints: { run: 'bench/run.ts', 'sdk-load-floor': 'bench/apps/sdk-load-floor.ts' },
  outdir: '.bench',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.6',
  // Dependencies stay in node_modules; memotel's own sources are bundled from TypeScript.
  packages: 'external',
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, ['.bench/run.mjs', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
