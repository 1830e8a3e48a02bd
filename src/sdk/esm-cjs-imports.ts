// ESM imports of instrumented CommonJS packages (pino, express, pg...), patched without a loader hook.
//
// Dev Note: written by hand because no maintained library does this. require-in-the-middle
// patches what require() returns, but an ESM `import pino from 'pino'` of a CommonJS package
// does not go through require(): Node's ESM loader calls Module._load(file, undefined) and then
// reads the exports that Module.prototype.load snapshotted for it. import-in-the-middle does
// handle it, but only as a loader hook: on Node 20 that is a loader thread costing ~45 ms of
// startup (2-core dev machine), and everywhere loading it costs ~26-44 ms and it re-parses the
// module's source. So, for the files of the packages instrumentations wait for: when the ESM
// loader loads one, its exports are passed through require() (which wakes the instrumentation
// and lets require-in-the-middle patch it, the half-loaded module being returned as is) before
// Node snapshots them.
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
 * Patches ESM imports of the CommonJS files `isTarget` accepts (absolute paths, as Node resolves
 * them: files of the packages instrumentations wait for). `requireFrom` is a file whose
 * require() the instrumentations see (the app's entry point).
 */
export function patchEsmImportsOfCommonJs(isTarget: (file: string) => boolean, requireFrom: string): void {
  const internals = Module as unknown as ModuleInternals & Record<symbol, unknown>;
  if (internals[INSTALLED]) return;
  const requireHooked = createRequire(requireFrom);
  const load = internals._load;
  const loadJs = internals._extensions['.js'];
  if (typeof load !== 'function' || typeof loadJs !== 'function') {
    diag.debug('memotel: Module._load is not available; ESM imports of CommonJS packages stay unpatched');
    return;
  }
  internals[INSTALLED] = true;
  let importing: string | undefined; // the target the ESM loader is loading right now

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
