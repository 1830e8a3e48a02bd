// Keeps require-in-the-middle off the require() calls that cannot load an instrumented module.
//
// Dev Note: written by hand because neither library offers it. @opentelemetry/instrumentation
// installs one require-in-the-middle hook for all instrumentations, with no list of modules, so
// every require() in the process resolves its request a second time, then once more from the
// package's root to tell a package's main file from its internals. Measured on the 2-core dev
// machine, Node 20: loading pino (and its dependencies) takes ~15.5 ms bare and ~22 ms with the
// hook. Nothing changes for the requests that can reach an instrumented package: they still go
// through the hook, which decides as before.
import Module from 'node:module';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { diag } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { patchedModules, type InstrumentedPackage } from './instrumentations.js';

type RequireFn = (this: Module, id: string) => unknown;

/**
 * What require() was before the instrumentations were created; pass it to
 * `filterRequireHook` once they are.
 */
export function currentRequire(): RequireFn {
  return Module.prototype.require as RequireFn;
}

/**
 * If the instrumentations hooked require() since `before` was taken, sends only the requests
 * that may load one of their packages through the hook; the others go to `before`. Covers the
 * instrumentations given: memotel creates every module-patching one at start (runtime-node,
 * created later, patches no module).
 */
export function filterRequireHook(before: RequireFn, instrumentations: readonly Instrumentation[]): void {
  const hooked = Module.prototype.require as RequireFn;
  if (hooked === before) return;
  const { packages, complete } = patchedModules(instrumentations);
  if (!complete) return; // names unknown: leave every require to the hook
  const mayLoad = requestFilter(packages);
  Module.prototype.require = function (this: Module, id: string) {
    // eslint-disable-next-line prefer-rest-params
    return (mayLoad(id, this?.filename) ? hooked : before).apply(this, arguments as unknown as [string]);
  } as typeof Module.prototype.require;
  diag.debug(`require() hook limited to built-ins${packages.map((p) => `, ${p.name}`).join('')}`);
}

/**
 * True for a request that may load what an instrumentation patches: a built-in (the hook is
 * cheap for those), a package by name (`pino`, `pino/file`), a file of one by absolute path
 * (how memotel patches ESM imports, esm-cjs-imports.ts), or by relative path for a package
 * whose files are patched too. require-in-the-middle only recognises files under a
 * `node_modules/<name>/` directory, so the paths are checked for that.
 */
export function requestFilter(packages: readonly InstrumentedPackage[]): (request: string, parentFile: string | undefined) => boolean {
  const names = new Set(packages.map((p) => p.name));
  const dirOf = (name: string) => `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const dirs = packages.map((p) => dirOf(p.name));
  const dirsWithFiles = packages.filter((p) => p.files).map((p) => dirOf(p.name));
  return (request, parentFile) => {
    if (typeof request !== 'string') return true;
    if (request.startsWith('.')) {
      // no package name starts with a dot
      if (dirsWithFiles.length === 0) return false;
      const file = resolve(parentFile ? dirname(parentFile) : process.cwd(), request) + sep;
      return dirsWithFiles.some((dir) => file.includes(dir));
    }
    if (isAbsolute(request)) return dirs.some((dir) => (request + sep).includes(dir));
    return Module.isBuiltin(request) || names.has(packageName(request));
  };
}

function packageName(request: string): string {
  const parts = request.split('/');
  return request.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}
