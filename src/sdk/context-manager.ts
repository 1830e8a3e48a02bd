import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

const STORAGE_KEY = Symbol.for('memotel.context-storage');

/**
 * OpenTelemetry's AsyncLocalStorage context manager, with the storage reachable.
 *
 * diagnostics_channel's `bindStore(storage, transform)` is how a subscriber makes its span the
 * active context for the traced function's whole run, so that nested memory operations become
 * child spans. That needs the very AsyncLocalStorage the context manager reads, which the
 * upstream class keeps private. We override the three methods that touch storage; the
 * inherited `bind` (functions and EventEmitters) calls `this.with`, so it uses ours too.
 */
export class MemotelContextManager extends AsyncLocalStorageContextManager {
  readonly storage = new AsyncLocalStorage<Context>();

  constructor() {
    super();
    // Shared by key so instrumentations bundled in another copy of memotel find it too.
    (globalThis as Record<symbol, unknown>)[STORAGE_KEY] = this.storage;
  }

  override active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const cb = thisArg == null ? fn : fn.bind(thisArg);
    return this.storage.run(context, cb as (...a: A) => ReturnType<F>, ...args);
  }

  override disable(): this {
    this.storage.disable();
    return this;
  }
}

/** The storage holding the active OpenTelemetry context, when memotel's SDK is running. */
export function activeContextStorage(): AsyncLocalStorage<Context> | undefined {
  return (globalThis as Record<symbol, unknown>)[STORAGE_KEY] as AsyncLocalStorage<Context> | undefined;
}
