// Bundles bench/run.ts (with the test OTLP receiver it uses) and the preloads it needs, and runs it.
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
// The floor variant of the hook benchmark: an ESM preload like register.js.
await build({
  entryPoints: ['bench/apps/sdk-load-floor.ts'],
  outfile: '.bench/sdk-load-floor.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.6',
  packages: 'external',
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, ['.bench/run.mjs', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
