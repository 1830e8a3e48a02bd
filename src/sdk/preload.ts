// What the preload entries (register.js, register.cjs) do once the SDK is loaded. Kept out of
// start() so that starting memotel from code never patches module loading behind the user's back.
//
// ESM code sees the instrumented modules without a loader thread: built-ins (http, https) are
// patched through require() and their ESM named exports re-synced (syncBuiltinESMExports), as
// ESM code first imports them where module.registerHooks is usable (lazy/esm-hooks.ts), at start
// elsewhere; the CommonJS files of instrumented packages (pino, express, pg...) are patched as the
// ESM loader loads them (esm-cjs-imports.ts); ES modules of instrumented packages and built-ins
// the waiting instrumentations patch are lazy/esm-hooks.ts's.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join, resolve } from 'node:path';
import { diag } from '@opentelemetry/api';
import type { Resolved } from '../config/index.js';
import { startResolved } from './start.js';
import { reportStartFailure } from './preflight.js';
import { patchEsmImportsOfCommonJs } from './esm-cjs-imports.js';
import { installEsmHooks } from './lazy/esm-hooks.js';

/**
 * Starts memotel for a preload entry that has run preflight(): before the app is loaded, then
 * patches what the app may import.
 */
export function startFromPreload(resolved: Resolved): void {
  try {
    startResolved(resolved, {}, ({ builtins, targets }) => {
      if (targets.size > 0) {
        const entry = process.argv[1] ? resolve(process.argv[1]) : join(process.cwd(), '[eval]');
        patchEsmImportsOfCommonJs((file) => targets.packageOfFile(file) !== undefined, entry);
      }
      if (!installEsmHooks(targets, builtins)) patchBuiltinsForEsm(builtins);
    });
  } catch (err) {
    reportStartFailure(err);
  }
}

/**
 * Loads the instrumented built-ins through require() (so the instrumentation patches their
 * exports) and re-syncs the named exports ESM code imports (`import { request } from
 * 'node:http'`), which Node otherwise leaves pointing at the unpatched functions.
 */
function patchBuiltinsForEsm(builtins: readonly string[]): void {
  if (builtins.length === 0) return;
  const load = createRequire(import.meta.url);
  for (const name of builtins) load(`node:${name}`);
  syncBuiltinESMExports();
  diag.debug(`patched built-ins for ESM: ${builtins.join(', ')}`);
}
