// What @opentelemetry/instrumentation gets for `import-in-the-middle` in memotel's bundles.
//
// InstrumentationBase creates an import-in-the-middle Hook for each module it patches as it is
// enabled. Loading the real package costs ~5-8 ms (Node 24, 2-core dev machine; it loads
// worker_threads among others), and its hooks only ever fire once an ESM loader hook wraps a
// module, which memotel sets up only when the app first imports an ES module that an
// instrumentation patches (esm-hooks.ts). Until then the Hooks are recorded; from then on they
// are real ones, the recorded ones included.
type HookFn = (exports: unknown, name: string, baseDir?: string) => unknown;
type HookArgs = [modules: string[] | null, options: { internals?: boolean } | null | HookFn, hookFn?: HookFn];

export interface ImportInTheMiddle {
  Hook: new (...args: HookArgs) => { unhook(): void };
}

let real: ImportInTheMiddle | undefined;
const pending = new Set<Hook>();

export class Hook {
  readonly #args: HookArgs;
  #real: { unhook(): void } | undefined;

  constructor(...args: HookArgs) {
    this.#args = args;
    if (real) this.#real = new real.Hook(...args);
    else pending.add(this);
  }

  unhook(): void {
    pending.delete(this);
    this.#real?.unhook();
  }

  /** Called once, when import-in-the-middle becomes active. */
  becomeReal(iitm: ImportInTheMiddle): void {
    this.#real = new iitm.Hook(...this.#args);
  }
}

// import-in-the-middle's other exports, unused by @opentelemetry/instrumentation.
export function addHook(): void {}
export function removeHook(): void {}

/** From now on Hooks are import-in-the-middle's own; the ones recorded so far become real. */
export function activateImportHooks(iitm: ImportInTheMiddle): void {
  if (real) return;
  real = iitm;
  for (const hook of pending) hook.becomeReal(iitm);
  pending.clear();
}
