// The first thing a preload entry runs: whether there is anything to start. It loads only the
// configuration, so a process with OTEL_SDK_DISABLED=true (or a worker thread) never loads the
// SDK.
import { isMainThread } from 'node:worker_threads';
import { resolveConfig, type Resolved } from '../config/index.js';
import { inertHandle, running, setRunning } from './running.js';

/** The configuration to start with, or undefined when there is nothing to start. */
export function preflight(): Resolved | undefined {
  // Worker threads inherit --import through NODE_OPTIONS and execArgv; the main thread's SDK
  // already sees their work, and a second SDK would export it twice.
  if (!isMainThread || running()) return undefined;
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

export function reportStartFailure(err: unknown): void {
  try {
    process.stderr.write(
      `memotel error: could not start; the app runs without telemetry: ${(err as Error)?.stack ?? err}\n`,
    );
  } catch {
    // nothing left to tell
  }
}
