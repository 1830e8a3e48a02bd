// memotel's public API, for starting in code instead of (or as well as) the preload.
// The SDK itself is loaded only by start(), and only when no copy of it is running yet.
import type { MemotelHandle, StartOptions } from './sdk/start.js';
import { resolveConfig } from './config/index.js';
import { inertHandle, running } from './sdk/running.js';
import { reportStartFailure } from './sdk/preflight.js';
import { loadSdk } from './sdk/load-sdk.js';

export type { MemotelHandle, StartOptions } from './sdk/start.js';
export type { MemotelConfig } from './config/index.js';
export { resolveConfig };
export { VERSION } from './version.js';
export { withSession, currentRawSessionId } from './processors/session-context.js';

/** Starts memotel (once per process; later calls return the running instance). */
export function start(options?: StartOptions): MemotelHandle {
  const existing = running();
  if (existing) return { ...existing, started: false };
  const { config } = resolveConfig(options?.env ?? process.env, {});
  try {
    return loadSdk(new URL('./sdk.cjs', import.meta.url), config).start(options);
  } catch (err) {
    reportStartFailure(err); // the app runs without telemetry
    return inertHandle(config);
  }
}

/** Flushes all pending telemetry. Resolves when done; never rejects. */
export async function forceFlush(): Promise<void> {
  await running()?.forceFlush();
}

/** Flushes and stops memotel. Resolves when done; never rejects. */
export async function shutdown(): Promise<void> {
  await running()?.shutdown();
}
