// Which loaded modules wake which not-yet-loaded instrumentations: the manifest's module
// definitions (src/generated/instrumentation-manifest.ts) indexed by module name.
import type { LazyInstrumentation } from './lazy-instrumentation.js';
import type { InstrumentationManifestEntry } from './manifest-types.js';

const NODE_MODULES = '/node_modules/';

export class LazyTargets {
  /** Package or built-in name (no `node:`) -> the instrumentations that patch it. */
  readonly #byModule = new Map<string, LazyInstrumentation[]>();
  /** Packages whose own files (not only their entry) an instrumentation patches. */
  readonly #withFiles = new Set<string>();

  constructor(instrumentations: readonly { entry: InstrumentationManifestEntry; lazy: LazyInstrumentation }[]) {
    for (const { entry, lazy } of instrumentations) {
      for (const module of entry.modules) {
        const list = this.#byModule.get(module.name) ?? [];
        if (!list.includes(lazy)) list.push(lazy);
        this.#byModule.set(module.name, list);
        if (module.files.length > 0) this.#withFiles.add(module.name);
      }
    }
  }

  get size(): number {
    return this.#byModule.size;
  }

  /** True for a package or built-in some instrumentation patches. */
  has(module: string): boolean {
    return this.#byModule.has(module);
  }

  /** The package some instrumentation patches that a file path lies in, or undefined. */
  packageOfFile(file: string): string | undefined {
    const pkg = packageOfPath(file);
    return pkg !== undefined && this.#byModule.has(pkg) ? pkg : undefined;
  }

  /** True for a package whose own files (not only its entry) are patched. */
  patchesFilesOf(pkg: string): boolean {
    return this.#withFiles.has(pkg);
  }

  /** True when every instrumentation of `module` is loaded (or failed to). */
  awake(module: string): boolean {
    return this.#byModule.get(module)?.every((lazy) => lazy.settled) ?? true;
  }

  /**
   * Loads the instrumentations of `module` that are not loaded yet, as it is first loaded:
   * they then patch it and every later load.
   */
  wake(module: string, how: string): void {
    const list = this.#byModule.get(module);
    if (!list) return;
    for (const lazy of list) if (!lazy.settled) lazy.load(`${module} ${how}`);
  }
}

/**
 * The package a file path belongs to: the name after the last `/node_modules/` in it
 * (`@scope/name` or `name`), or undefined outside node_modules.
 */
export function packageOfPath(file: string): string | undefined {
  const at = file.lastIndexOf(NODE_MODULES);
  if (at === -1) return undefined;
  const start = at + NODE_MODULES.length;
  let end = file.indexOf('/', start);
  if (end !== -1 && file.charCodeAt(start) === 64 /* @ */) end = file.indexOf('/', end + 1);
  return end === -1 ? undefined : file.slice(start, end);
}

/** The package a bare request names (`pino/file` -> `pino`, `@a/b/c` -> `@a/b`). */
export function packageOfRequest(request: string): string {
  const slash = request.indexOf('/');
  if (slash === -1) return request;
  if (request.charCodeAt(0) !== 64 /* @ */) return request.slice(0, slash);
  const second = request.indexOf('/', slash + 1);
  return second === -1 ? request : request.slice(0, second);
}
