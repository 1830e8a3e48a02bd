// The one require() hook: it wakes an instrumentation when a module it patches is first
// required, and keeps require-in-the-middle off the requests that cannot load a patched module.
//
// Dev Note: written by hand because neither library offers it. @opentelemetry/instrumentation
// installs one require-in-the-middle hook for all instrumentations, with no list of modules, so
// every require() in the process resolves its request a second time, then once more from the
// package's root to tell a package's main file from its internals (loading pino took ~15.5 ms
// bare and ~22 ms through that hook; 2-core dev machine, Node 20). And it only sees modules of
// instrumentations already constructed, which is what memotel defers.
import Module, { isBuiltin } from 'node:module';
import { dirname, resolve, sep } from 'node:path';
import { diag } from '@opentelemetry/api';
import { InstrumentationBase } from '@opentelemetry/instrumentation';
import { packageOfPath, packageOfRequest, type LazyTargets } from './targets.js';

type RequireFn = (this: Module, id: string) => unknown;

const INSTALLED = Symbol.for('memotel.require-hook');

/** What require() is before any instrumentation is created: pass it to `installRequireHook`. */
export function currentRequire(): RequireFn {
  return Module.prototype.require as RequireFn;
}

/**
 * Puts memotel's hook in front of require-in-the-middle's, once the instrumentations created at
 * start exist. `before`: require() as it was before them. `ownDir`: memotel's bundles, whose
 * own requires (an instrumentation bundle loading `path`, say) wake nothing.
 */
export function installRequireHook(before: RequireFn, targets: LazyTargets, ownDir: string): void {
  const moduleProto = Module.prototype as unknown as Record<symbol, unknown> & { require: RequireFn };
  if (moduleProto[INSTALLED]) return;
  ensureRequireInTheMiddle();
  const hooked = moduleProto.require;
  if (hooked === before) return; // nothing hooks require(): nothing to filter or wake
  const own = ownDir.endsWith(sep) ? ownDir : `${ownDir}${sep}`;

  moduleProto.require = function (this: Module, id: string) {
    const parent = this?.filename;
    const target = typeof id === 'string' ? requireTarget(targets, id, parent) : true;
    if (typeof target === 'string' && !parent?.startsWith(own)) targets.wake(target, 'required');
    // eslint-disable-next-line prefer-rest-params
    return (target === false ? before : hooked).apply(this, arguments as unknown as [string]);
  } as RequireFn;
  moduleProto[INSTALLED] = true;
  wakeLoadedBefore(targets);
  diag.debug(`memotel: require() hook for built-ins and ${targets.size} modules that instrumentations wait for`);
}

/**
 * What a request can load: the name of a module an instrumentation patches (wake it), true for
 * one that goes through require-in-the-middle without waking anything (a built-in, a file
 * inside a package whose files are patched), false for the rest.
 */
export function requireTarget(targets: LazyTargets, request: string, parentFile: string | undefined): string | boolean {
  if (request.startsWith('.')) {
    // A file of the requiring package (no package name starts with a dot).
    const pkg = parentFile ? packageOfPath(resolve(dirname(parentFile), request) + sep) : undefined;
    return pkg !== undefined && targets.patchesFilesOf(pkg);
  }
  if (request.startsWith('/')) {
    // How the ESM loader's CommonJS imports arrive (esm-cjs-imports.ts).
    return targets.packageOfFile(request + sep) ?? false;
  }
  if (isBuiltin(request)) {
    const name = request.startsWith('node:') ? request.slice(5) : request;
    return targets.has(name) ? name : true;
  }
  const pkg = packageOfRequest(request);
  return targets.has(pkg) ? pkg : false;
}

/**
 * require-in-the-middle's hook exists once any InstrumentationBase has been constructed. It is
 * created here if none was, before memotel's hook goes over it: created later, it would wrap
 * memotel's hook and be called back by it.
 */
function ensureRequireInTheMiddle(): void {
  new (class extends InstrumentationBase {
    constructor() {
      super('memotel-require-hook', '0', { enabled: false });
    }
    protected init(): undefined {
      return undefined;
    }
  })();
}

/**
 * Instrumented packages some code required before memotel started: said once at debug level,
 * and woken, so that what requires them from now on is patched.
 */
function wakeLoadedBefore(targets: LazyTargets): void {
  const seen = new Set<string>();
  for (const file of Object.keys((Module as unknown as { _cache?: object })._cache ?? {})) {
    const pkg = targets.packageOfFile(file);
    if (pkg === undefined || seen.has(pkg)) continue;
    seen.add(pkg);
    diag.debug(`memotel: ${pkg} was loaded before memotel started; only what loads it from now on is instrumented`);
    targets.wake(pkg, 'loaded before memotel');
  }
}
