// Bundles bench/run.ts (with the test OTLP receiver it uses) and runs it.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';

await build({
  entryPoints: ['bench/run.ts'],
  outfile: '.bench/run.mjs',
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
