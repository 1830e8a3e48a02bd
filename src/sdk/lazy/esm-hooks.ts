// ESM imports of what the waiting instrumentations patch (the preload's part; CommonJS files
// imported from ESM are esm-cjs-imports.ts's, require() is require-hook.ts's).
//
// Where Node has module.registerHooks (in-thread, synchronous hooks that import-in-the-middle
// supports: Node >= 22.22.3, >= 24.11.1), a resolve hook watches what ESM code imports:
// - a built-in an instrumentation waits for (`node:net`): the instrumentation is woken and the
//   built-in's ESM named exports re-synced before the importing module runs;
// - a built-in an instrumentation created at start patches (`node:http`, `node:https`): loaded
//   through require(), which patches it, and its ESM named exports re-synced, the first time ESM
//   code imports it. Loading https (and tls) at start for ESM importers that may never come cost
//   a trivial app ~3.3 MB of peak RSS on Node 22 and ~0.8 MB on Node 24 (2-core dev machine,
//   issue 14's benchmark); where these hooks are unusable, preload.ts loads them at start;
// - an ES module (not CommonJS) inside a package an instrumentation waits for (the ESM build of
//   openai or of the MCP SDK): import-in-the-middle is loaded then, and only then, with memotel
//   deciding what it wraps (those packages' ES modules, nothing else: wrapping everything
//   breaks bundled apps). Loading it costs ~26-44 ms (Node 24, 2-core dev machine: its lexers
//   and worker_threads), so a process that never imports such a module never pays for it.
// Without registerHooks (Node 20, older 22 and 24), import-in-the-middle would need a loader
// thread for every process (~45 ms on Node 20): those ES modules stay uninstrumented there (said
// at debug level), and a built-in is woken when something require()s it, as upstream's
// register does (waking net and dns at start would trace connections no user code asked for).
import Module, { createRequire, isBuiltin, syncBuiltinESMExports } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { diag } from '@opentelemetry/api';
import { activateImportHooks, type ImportInTheMiddle } from './iitm-bridge.js';
import type { LazyTargets } from './targets.js';

interface ResolveResult {
  url: string;
  format?: string | null;
}
interface ResolveContext {
  conditions?: readonly string[];
}
type NextResolve = (specifier: string, context?: ResolveContext) => ResolveResult;
type NextLoad = (url: string, context?: object) => object;
interface SyncHooks {
  resolveSync(specifier: string, context: ResolveContext, next: NextResolve): ResolveResult;
  loadSync(url: string, context: object, next: NextLoad): object;
  applyOptions(options: { shouldInclude(url: string): boolean }): void;
}
type RegisterHooks = (hooks: {
  resolve(specifier: string, context: ResolveContext, next: NextResolve): ResolveResult;
  load(url: string, context: object, next: NextLoad): object;
}) => unknown;

const load = createRequire(import.meta.url);

/**
 * Installs the hooks for `targets` (the waiting instrumentations) and `builtins` (the built-ins
 * that instrumentations created at start patch). False when this Node has no usable
 * module.registerHooks: the caller then patches `builtins` for ESM itself.
 */
export function installEsmHooks(targets: LazyTargets, builtins: readonly string[]): boolean {
  const registerHooks = (Module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (typeof registerHooks !== 'function' || !syncHooksSupported()) {
    if (targets.size > 0) {
      diag.debug(
        `memotel: Node ${process.versions.node} has no usable module.registerHooks: ES modules of instrumented packages ` +
          '(the ESM builds of openai or @modelcontextprotocol/sdk, say) are not instrumented; CommonJS ones are',
      );
    }
    return false;
  }
  const unpatched = new Set(builtins);
  // Loaded before memotel started (by another preload, say): patched now, as before these hooks.
  for (const name of unpatched) if (builtinLoaded(name)) patchBuiltin(unpatched, name);
  if (targets.size === 0 && unpatched.size === 0) return true;
  const esmTarget = esmFileOf(targets);
  let iitm: SyncHooks | undefined;
  const activate = (): SyncHooks => {
    iitm = loadImportInTheMiddle((url) => {
      const pkg = esmTarget(url);
      if (pkg === undefined) return false;
      targets.wake(pkg, 'imported');
      return true;
    });
    return iitm;
  };
  registerHooks({
    resolve(specifier, context, next) {
      if (context.conditions?.includes('require')) return next(specifier, context);
      const resolved = iitm ? iitm.resolveSync(specifier, context, next) : next(specifier, context);
      if (resolved.url.startsWith('node:')) {
        const name = resolved.url.slice(5);
        if (unpatched.has(name)) patchBuiltin(unpatched, name);
        if (targets.has(name)) wakeBuiltin(targets, name, 'imported');
      } else if (!iitm && esmTarget(resolved.url) !== undefined) {
        return activate().resolveSync(specifier, context, next);
      }
      return resolved;
    },
    load(url, context, next) {
      return iitm ? iitm.loadSync(url, context, next) : next(url, context);
    },
  });
  return true;
}

/** Whether Node has loaded built-in `name` (without loading it). */
function builtinLoaded(name: string): boolean {
  const list = (process as { moduleLoadList?: unknown }).moduleLoadList;
  return !Array.isArray(list) || list.includes(`NativeModule ${name}`);
}

/** Patches a built-in an instrumentation created at start waits for, once. */
function patchBuiltin(unpatched: Set<string>, name: string): void {
  unpatched.delete(name);
  if (patchForEsm(name)) diag.debug(`memotel: patched ${name} for ESM imports`);
}

/** Wakes a built-in's instrumentations and patches it for ESM. */
function wakeBuiltin(targets: LazyTargets, name: string, how: string): void {
  if (!isBuiltin(name) || targets.awake(name)) return;
  targets.wake(name, how);
  patchForEsm(name);
}

/** Loads a built-in through require() (which patches it) and re-syncs its ESM named exports. */
function patchForEsm(name: string): boolean {
  try {
    load(`node:${name}`);
    syncBuiltinESMExports();
    return true;
  } catch (err) {
    diag.debug(`memotel: could not patch ${name} for ESM imports:`, err);
    return false;
  }
}

/**
 * For a file: URL, the package an instrumentation waits for when the file is an ES module of
 * it; undefined otherwise (CommonJS files are patched through require-in-the-middle).
 */
function esmFileOf(targets: LazyTargets): (url: string) => string | undefined {
  const typeOfDir = new Map<string, boolean>();
  const isModuleScope = (dir: string, root: string): boolean => {
    let known = typeOfDir.get(dir);
    if (known !== undefined) return known;
    try {
      known = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type === 'module';
    } catch {
      known = dir === root || dir.length <= root.length ? false : isModuleScope(dirname(dir), root);
    }
    typeOfDir.set(dir, known);
    return known;
  };
  return (url) => {
    if (!url.startsWith('file:')) return undefined;
    const file = fileURLToPath(url);
    const pkg = targets.packageOfFile(file);
    if (pkg === undefined) return undefined;
    if (file.endsWith('.cjs') || file.endsWith('.json') || file.endsWith('.node')) return undefined;
    if (file.endsWith('.mjs')) return pkg;
    const root = file.slice(0, file.lastIndexOf(`/node_modules/${pkg}/`) + `/node_modules/${pkg}`.length);
    return isModuleScope(dirname(file), root) ? pkg : undefined;
  };
}

/** import-in-the-middle's synchronous hooks, wrapping what `shouldInclude` accepts. */
function loadImportInTheMiddle(shouldInclude: (url: string) => boolean): SyncHooks {
  const main = load.resolve('import-in-the-middle');
  const dir = dirname(main);
  const { createHook } = load(join(dir, 'create-hook.mjs')) as { createHook(meta: { url: string }): SyncHooks };
  const hooks = createHook({ url: pathToFileURL(join(dir, 'hook.mjs')).href });
  hooks.applyOptions({ shouldInclude });
  activateImportHooks(load(main) as ImportInTheMiddle);
  diag.debug('memotel: import-in-the-middle loaded for the ES modules of instrumented packages');
  return hooks;
}

/**
 * import-in-the-middle's synchronous hooks need a module.registerHooks that accepts nullish
 * CommonJS source: Node >= 22.22.3, >= 24.11.1, >= 25.1.0 or >= 26 (its supports-sync-hooks.mjs
 * says the same; read here because loading that ES module from a --require preload starts
 * Node's ESM loader, ~4-5 ms on Node 24).
 */
export function syncHooksSupported(version = process.versions.node): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((n) => parseInt(n, 10));
  const atLeast = (m: number, p: number) => minor > m || (minor === m && patch >= p);
  if (major === 22) return atLeast(22, 3);
  if (major === 24) return atLeast(11, 1);
  if (major === 25) return atLeast(1, 0);
  return major >= 26;
}
