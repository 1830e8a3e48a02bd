// The first thing a preload entry runs: whether there is anything to start. It loads only the
// configuration, so a process with OTEL_SDK_DISABLED=true (or a worker thread) never loads the
// SDK.
import { createRequire } from 'node:module';
import { resolveConfig, type Resolved } from '../config/index.js';
import { inertHandle, running, setRunning } from './running.js';

/** The configuration to start with, or undefined when there is nothing to start. */
export function preflight(): Resolved | undefined {
  // Worker threads inherit --import through NODE_OPTIONS and execArgv; the main thread's SDK
  // already sees their work, and a second SDK would export it twice.
  if (!inMainThread() || running()) return undefined;
  try {
    const resolved = resolveConfig(process.env);
    if (resolved.config.disabled) {
      setRunning(inertHandle(resolved.config)); // so that a later start() agrees
      return undefined;
    }
    return resolved;
  } catch (err) {
    reportStartFailure(err);
    return undefined;
  }
}

/**
 * worker_threads' isMainThread, without loading node:worker_threads in the main thread: that
 * costs ~2 ms (2-core dev machine, Node 20 and 24), and most apps never load it. A worker
 * thread always has it loaded (its bootstrap uses it: checked on Node 20.20, 22.12, 22.23,
 * 24.11 and 26.10), so a process where it is not loaded is in its main thread.
 */
export function inMainThread(): boolean {
  const loaded = (process as { moduleLoadList?: unknown }).moduleLoadList;
  if (Array.isArray(loaded) && !loaded.includes('NativeModule worker_threads')) return true;
  return (createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads')).isMainThread;
}

export function reportStartFailure(err: unknown): void {
  try {
    process.stderr.write(
      `memotel error: could not start; the app runs without telemetry: ${(err as Error)?.stack ?? err}\n`,
    );
  } catch {
    // nothing left to tell
  }
}
