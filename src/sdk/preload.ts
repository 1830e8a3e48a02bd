// What the preload entries (register.js, register.cjs) do. Kept out of start() so that
// starting memotel from code never registers loader hooks behind the user's back.
//
// ESM apps: built-in modules (http, https) are patched through require() and their ESM named
// exports re-synced (syncBuiltinESMExports), so no loader hook is needed for them. The
// import-in-the-middle loader hook is registered only for instrumented *packages* (pino) that
// the app can import at all. On Node 20 that hook runs on a loader thread whose start blocks
// the process for ~45 ms on the 2-core dev machine (bench: trivial ESM app, +124 ms with it,
// +80 ms without, medians of 15), a fifth of memotel's startup budget.
import { createRequire, register, syncBuiltinESMExports } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { diag } from '@opentelemetry/api';
import { resolveConfig, type MemotelConfig, type Resolved } from '../config/index.js';
import { running, startResolved } from './start.js';
import { patchedBuiltins, patchedPackages } from './instrumentations.js';

/** ESM preload: resolves once the loader hook (if any) is ready, before the app is imported. */
export async function startFromPreloadEsm(): Promise<void> {
  const resolved = preflight();
  if (!resolved) return;
  const { config } = resolved;
  const start = () => startResolved(resolved);
  try {
    const packages = packagesToHook(config, process.argv[1]);
    if (packages.length === 0) {
      start();
    } else if (await syncHooksSupported()) {
      // In-thread hooks (Node >= 22.22.3 / 24.11.1): no loader thread, no acknowledgement.
      const { register: registerSync } = await import('import-in-the-middle/register-hooks.mjs');
      registerSync({ include: packages });
      start();
    } else {
      await startWithLoaderThread(start);
    }
    patchBuiltinsForEsm(config);
  } catch (err) {
    report(err);
  }
}

/** CommonJS preload: synchronous, so ESM imports made right at startup may race the hook. */
export function startFromPreloadCjs(): void {
  const resolved = preflight();
  if (!resolved) return;
  const { config } = resolved;
  const start = () => startResolved(resolved);
  try {
    if (packagesToHook(config, process.argv[1]).length === 0) start();
    else void startWithLoaderThread(start);
    patchBuiltinsForEsm(config);
  } catch (err) {
    report(err);
  }
}

/** The configuration to start with, or undefined when there is nothing to start. */
function preflight(): Resolved | undefined {
  // Worker threads inherit --import through NODE_OPTIONS and execArgv; the main thread's SDK
  // already sees their work, and a second SDK would export it twice.
  if (!isMainThread || running()) return undefined;
  try {
    const resolved = resolveConfig(process.env);
    if (resolved.config.disabled) {
      startResolved(resolved); // records the disabled state, so a later start() agrees
      return undefined;
    }
    return resolved;
  } catch (err) {
    report(err);
    return undefined;
  }
}

/**
 * Instrumented packages the app could import as ESM: none when the entry point is CommonJS
 * (require() is hooked without a loader) or when the package cannot be resolved from it.
 * Without an entry point (-e, REPL) every instrumented package counts.
 */
export function packagesToHook(config: MemotelConfig, entry: string | undefined): string[] {
  const packages = patchedPackages(config);
  if (packages.length === 0 || !entry) return packages;
  if (isCommonJsEntry(entry)) return [];
  const resolveFromApp = createRequire(entry);
  return packages.filter((name) => {
    try {
      resolveFromApp.resolve(name);
      return true;
    } catch {
      return false;
    }
  });
}

function isCommonJsEntry(entry: string): boolean {
  if (entry.endsWith('.cjs') || entry.endsWith('.cts')) return true;
  if (!entry.endsWith('.js')) return false; // .mjs, .mts, .ts, extensionless: treat as ESM-capable
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return JSON.parse(readFileSync(manifest, 'utf8')).type !== 'module';
      } catch {
        return false;
      }
    }
    if (dirname(dir) === dir) return true; // no package.json: CommonJS by default
  }
}

/**
 * Loads the instrumented built-ins through require() (so the instrumentation patches their
 * exports) and re-syncs the named exports ESM code imports (`import { request } from
 * 'node:http'`), which Node otherwise leaves pointing at the unpatched functions.
 */
function patchBuiltinsForEsm(config: MemotelConfig): void {
  const builtins = patchedBuiltins(config);
  if (builtins.length === 0) return;
  const load = createRequire(import.meta.url);
  for (const name of builtins) load(`node:${name}`);
  syncBuiltinESMExports();
  diag.debug(`patched built-ins for ESM: ${builtins.join(', ')}`);
}

/**
 * import-in-the-middle on Node's loader thread, wrapping only the modules instrumentations
 * ask for (the include list grows as they register their hooks), not every module.
 */
function startWithLoaderThread(start: () => unknown): Promise<void> {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  start();
  return waitForAllMessagesAcknowledged().catch(report);
}

async function syncHooksSupported(): Promise<boolean> {
  try {
    const { supportsSyncHooks } = await import('import-in-the-middle/supports-sync-hooks.mjs');
    return supportsSyncHooks();
  } catch {
    return false;
  }
}

function report(err: unknown): void {
  try {
    process.stderr.write(
      `memotel error: could not start; the app runs without telemetry: ${(err as Error)?.stack ?? err}\n`,
    );
  } catch {
    // nothing left to tell
  }
}
