// What the preload entries (register.js, register.cjs) do. Kept out of start() so that
// starting memotel from code never registers loader hooks behind the user's back.
//
// No loader hook at all: built-in modules (http, https) are patched through require() and
// their ESM named exports re-synced (syncBuiltinESMExports); the instrumented packages (pino,
// CommonJS) are patched as the ESM loader loads them (esm-cjs-imports.ts), and only when the
// app can import them. The import-in-the-middle loader hook this replaces cost ~45 ms of
// startup on Node 20 (its loader thread) and ~10 ms on Node 24 (re-parsing the package).
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join, resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { diag } from '@opentelemetry/api';
import { resolveConfig, type MemotelConfig, type Resolved } from '../config/index.js';
import { running, startResolved } from './start.js';
import { patchedBuiltins, patchedPackages } from './instrumentations.js';
import { patchEsmImportsOfCommonJs } from './esm-cjs-imports.js';

/** ESM preload: starts memotel before the app is imported. */
export async function startFromPreloadEsm(): Promise<void> {
  startFromPreload();
}

/** CommonJS preload (register.cjs): the same, synchronously. */
export function startFromPreloadCjs(): void {
  startFromPreload();
}

function startFromPreload(): void {
  const resolved = preflight();
  if (!resolved) return;
  const { config } = resolved;
  try {
    startResolved(resolved);
    patchBuiltinsForEsm(config);
    const entry = process.argv[1] ? resolve(process.argv[1]) : join(process.cwd(), '[eval]');
    patchEsmImportsOfCommonJs(packageEntriesToHook(config, entry), entry);
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
 * Entry files of the instrumented packages the app could import as ESM, as Node resolves them
 * from the app's entry file (none for a package it cannot resolve).
 */
export function packageEntriesToHook(config: MemotelConfig, entry: string): string[] {
  const packages = patchedPackages(config);
  if (packages.length === 0) return [];
  const resolveFromApp = createRequire(entry);
  return packages.flatMap((name) => {
    try {
      return [resolveFromApp.resolve(name)];
    } catch {
      return [];
    }
  });
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

function report(err: unknown): void {
  try {
    process.stderr.write(
      `memotel error: could not start; the app runs without telemetry: ${(err as Error)?.stack ?? err}\n`,
    );
  } catch {
    // nothing left to tell
  }
}
