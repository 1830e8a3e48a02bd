// memotel's public API, for starting in code instead of (or as well as) the preload.
import { running, start as startSdk, type MemotelHandle, type StartOptions } from './sdk/start.js';

export type { MemotelHandle, StartOptions } from './sdk/start.js';
export type { MemotelConfig } from './config/index.js';
export { resolveConfig } from './config/index.js';
export { VERSION } from './version.js';
export { withSession, currentRawSessionId } from './processors/session-context.js';

/** Starts memotel (once per process; later calls return the running instance). */
export function start(options?: StartOptions): MemotelHandle {
  return startSdk(options);
}

/** Flushes all pending telemetry. Resolves when done; never rejects. */
export async function forceFlush(): Promise<void> {
  await running()?.forceFlush();
}

/** Flushes and stops memotel. Resolves when done; never rejects. */
export async function shutdown(): Promise<void> {
  await running()?.shutdown();
}
