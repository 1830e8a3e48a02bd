// What the preload entries (register.js, register.cjs) do once the SDK is loaded. Kept out of
// start() so that starting memotel from code never patches module loading behind the user's back.
//
// No loader hook at all: built-in modules (http, https) are patched through require() and
// their ESM named exports re-synced (syncBuiltinESMExports); the instrumented packages (pino,
// CommonJS) are patched as the ESM loader loads them (esm-cjs-imports.ts), and only when the
// app can import them. The import-in-the-middle loader hook this replaces cost ~45 ms of
// startup on Node 20 (its loader thread) and ~10 ms on Node 24 (re-parsing the package).
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join, resolve } from 'node:path';
import { diag } from '@opentelemetry/api';
import type { Resolved } from '../config/index.js';
import { startResolved } from './start.js';
import { reportStartFailure } from './preflight.js';
import { patchedModules } from './instrumentations.js';
import { patchEsmImportsOfCommonJs } from './esm-cjs-imports.js';

/**
 * Starts memotel for a preload entry that has run preflight(): before the app is loaded, then
 * patches what the app may import.
 */
export function startFromPreload(resolved: Resolved): void {
  try {
    const { builtins, packages } = patchedModules(startResolved(resolved).instrumentations);
    patchBuiltinsForEsm(builtins);
    const entry = process.argv[1] ? resolve(process.argv[1]) : join(process.cwd(), '[eval]');
    const names = packages.map((p) => p.name);
    // Resolved when the ESM loader first loads a CommonJS file (~0.7 ms on Node 20): an app that
    // never imports CommonJS from ESM never pays for it.
    if (names.length > 0) patchEsmImportsOfCommonJs(() => packageEntriesToHook(names, entry), entry);
  } catch (err) {
    reportStartFailure(err);
  }
}

/**
 * Entry files of the instrumented packages the app could import as ESM, as Node resolves them
 * from the app's entry file (none for a package it cannot resolve).
 */
export function packageEntriesToHook(packages: readonly string[], entry: string): string[] {
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
function patchBuiltinsForEsm(builtins: readonly string[]): void {
  if (builtins.length === 0) return;
  const load = createRequire(import.meta.url);
  for (const name of builtins) load(`node:${name}`);
  syncBuiltinESMExports();
  diag.debug(`patched built-ins for ESM: ${builtins.join(', ')}`);
}

