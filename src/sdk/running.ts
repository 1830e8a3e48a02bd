// The process-wide record of memotel's state. Kept apart from start.ts so that reading it (the
// preload's checks) and recording a disabled SDK load none of the SDK.
import type { MemotelConfig } from '../config/index.js';
import type { MemotelHandle } from './start.js';

const RUNNING = Symbol.for('memotel.sdk');
type Global = Record<symbol, MemotelHandle | undefined>;

/** The running handle, if memotel was started (or found disabled) in this process. */
export function running(): MemotelHandle | undefined {
  return (globalThis as Global)[RUNNING];
}

export function setRunning(handle: MemotelHandle): void {
  (globalThis as Global)[RUNNING] = handle;
}

/** The handle of an SDK that is not running (OTEL_SDK_DISABLED): every call is a no-op. */
export function inertHandle(config: MemotelConfig): MemotelHandle {
  return { config, started: false, instrumentations: [], forceFlush: async () => {}, shutdown: async () => {} };
}
