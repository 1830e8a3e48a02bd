// ESM imports of instrumented CommonJS packages (pino), patched without a loader hook.
//
// Dev Note: written by hand because no maintained library does this. require-in-the-middle
// patches what require() returns, but an ESM `import pino from 'pino'` of a CommonJS package
// does not go through require(): Node's ESM loader calls Module._load(file, undefined) and then
// reads the exports that Module.prototype.load snapshotted for it. import-in-the-middle does
// handle it, but only as a loader hook: on Node 20 that is a loader thread costing ~45 ms of
// startup (2-core dev machine), and everywhere it re-parses the module's source. So, for the
// few package entry files an instrumentation patches: when the ESM loader loads one, its
// exports are passed through require-in-the-middle (the instrumentation's own patching, by
// requiring the half-loaded module, which Node returns as is) before Node snapshots them.
// Verified on Node 20.20 and 24.11 by the pino correlation tests (test/integration/logs).
import Module, { createRequire } from 'node:module';
import { diag } from '@opentelemetry/api';

type LoadFn = (request: string, parent: unknown, isMain: boolean) => unknown;
type ExtensionFn = (module: { exports: unknown }, filename: string) => void;
interface ModuleInternals {
  _load: LoadFn;
  _extensions: Record<string, ExtensionFn>;
}

const INSTALLED = Symbol.for('memotel.esm-cjs-imports');

/**
 * Patches ESM imports of these CommonJS entry files (absolute, as Node resolves them), which
 * `entryFiles` gives when the ESM loader first loads a CommonJS file.
 * `requireFrom` is a file whose require() the instrumentations see (the app's entry point).
 */
export function patchEsmImportsOfCommonJs(entryFiles: () => readonly string[], requireFrom: string): void {
  const internals = Module as unknown as ModuleInternals & Record<symbol, unknown>;
  if (internals[INSTALLED]) return;
  let targets: Set<string> | undefined;
  const requireHooked = createRequire(requireFrom);
  const load = internals._load;
  const loadJs = internals._extensions['.js'];
  if (typeof load !== 'function' || typeof loadJs !== 'function') {
    diag.debug('memotel: Module._load is not available; ESM imports of CommonJS packages stay unpatched');
    return;
  }
  internals[INSTALLED] = true;
  let importing: string | undefined; // the target the ESM loader is loading right now
  const isTarget = (file: string): boolean => {
    if (!targets) {
      try {
        targets = new Set(entryFiles());
      } catch (err) {
        diag.debug('memotel: could not resolve the instrumented packages for ESM imports:', err);
        targets = new Set();
      }
    }
    return targets.has(file);
  };

  internals._load = function (this: unknown, request: string, parent: unknown, isMain: boolean) {
    // The ESM loader's call: no parent module. require() calls always pass one.
    if (parent !== undefined || isMain || !isTarget(request)) return load.apply(this, [request, parent, isMain]);
    const outer = importing;
    importing = request;
    try {
      return load.apply(this, [request, parent, isMain]);
    } finally {
      importing = outer;
    }
  };

  internals._extensions['.js'] = function (this: unknown, module: { exports: unknown }, filename: string) {
    loadJs.apply(this, [module, filename]);
    if (filename !== importing) return;
    importing = undefined;
    try {
      // The module has run but is not marked loaded: require() returns its exports as they
      // are, and require-in-the-middle hands them to the instrumentation to patch.
      module.exports = requireHooked(filename);
    } catch (err) {
      diag.warn(`memotel: could not patch ${filename} for ESM import; it runs unpatched:`, err);
    }
  };
}
