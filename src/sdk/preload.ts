// What the preload entries (register.js, register.cjs) do. Kept out of start() so that
// starting memotel from code never registers loader hooks behind the user's back.
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { resolveConfig, type MemotelConfig } from '../config/index.js';
import { start, running } from './start.js';
import { hookedModules } from './instrumentations.js';

/** ESM preload: resolves once the loader hook is ready, before the app is imported. */
export async function startFromPreloadEsm(): Promise<void> {
  const config = preflight();
  if (!config) return;
  try {
    if (await syncHooksSupported()) {
      // In-thread hooks (Node >= 22.22.3 / 24.11.1): no loader thread to boot (~50 ms on the
      // 2-core dev machine) and no acknowledgement round trip.
      const { register: registerSync } = await import('import-in-the-middle/register-hooks.mjs');
      registerSync({ include: hookedModules(config) });
      start();
      return;
    }
    await startWithLoaderThread();
  } catch (err) {
    report(err);
  }
}

/** CommonJS preload: synchronous, so ESM imports made right at startup may race the hook. */
export function startFromPreloadCjs(): void {
  if (!preflight()) return;
  try {
    void startWithLoaderThread();
  } catch (err) {
    report(err);
  }
}

/** The config to start with, or undefined when there is nothing to start. */
function preflight(): MemotelConfig | undefined {
  // Worker threads inherit --import through NODE_OPTIONS and execArgv; the main thread's SDK
  // already sees their work, and a second SDK would export it twice.
  if (!isMainThread || running()) return undefined;
  try {
    const { config } = resolveConfig(process.env);
    if (config.disabled) {
      start(); // records the disabled state, so a later start() agrees
      return undefined;
    }
    return config;
  } catch (err) {
    report(err);
    return undefined;
  }
}

/**
 * import-in-the-middle on Node's loader thread, wrapping only the modules instrumentations
 * ask for (the include list grows as they register their hooks), not every module.
 */
function startWithLoaderThread(): Promise<void> {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  start();
  return waitForAllMessagesAcknowledged().catch(report);
}

async function syncHooksSupported(): Promise<boolean> {
  try {
    const { supportsSyncHooks } = await import('import-in-the-middle/supports-sync-hooks.mjs');
    return supportsSyncHooks();
  } catch {
    return false;
  }
}

function report(err: unknown): void {
  try {
    process.stderr.write(
      `memotel error: could not start; the app runs without telemetry: ${(err as Error)?.stack ?? err}\n`,
    );
  } catch {
    // nothing left to tell
  }
}
