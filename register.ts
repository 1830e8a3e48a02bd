// `node --import memotel/register app.js` (or ./register.js from the project root).
//
// Dev Note: this file is kept tiny and loads the rest afterwards, so that a compile cache is on
// before memotel's code is compiled. Node >= 22.1 has one built in (module.enableCompileCache:
// -13 ms of startup on the 2-core dev machine with Node 24, trivial app, medians of 15). Older
// Node (20) does not: there the CommonJS build (register.cjs, the same code) is run through a
// V8 code cache of memotel's own (src/sdk/code-cache.ts), ~50 ms less on Node 20. Both caches
// live in the user's cache directory; NODE_DISABLE_COMPILE_CACHE=1 turns them off, as it does
// Node's own.
import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireWithCodeCache } from './src/sdk/code-cache.js';

type WithCompileCache = { enableCompileCache?: (directory?: string) => unknown };
const enableCompileCache = (module as WithCompileCache).enableCompileCache;
const cacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'memotel');
const cacheOn = !process.env.NODE_DISABLE_COMPILE_CACHE;
try {
  if (cacheOn) enableCompileCache?.(join(cacheDir, 'node-compile-cache'));
} catch {
  // Only a speed-up.
}

// The configuration first: with OTEL_SDK_DISABLED=true the SDK is never loaded.
const { preflight } = await import('./src/sdk/preflight.js');
const resolved = preflight();
if (resolved) {
  if (enableCompileCache || !cacheOn) (await import('./src/sdk/preload.js')).startFromPreload(resolved);
  else requireWithCodeCache(fileURLToPath(new URL('./register.cjs', import.meta.url)), join(cacheDir, 'v8-code-cache'));
}
