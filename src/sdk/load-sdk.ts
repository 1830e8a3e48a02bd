// The SDK (dist/bundle/sdk.cjs) as the entry points load it: once per process, code-cached.
import { fileURLToPath } from 'node:url';
import { SIGNALS, type MemotelConfig } from '../config/index.js';
import { requireWithCodeCache } from './code-cache.js';
import { preflight, reportStartFailure } from './preflight.js';

export type SdkModule = typeof import('./bundle.js');

/**
 * `sdkUrl`: where dist/bundle/sdk.cjs is, relative to the calling entry point's own file.
 * Configurations that export differently keep separate caches: V8 reads a whole cache at
 * start, so one that also held the gRPC client would slow every store-only process (measured:
 * hook process in store mode +33 % → +41 % on Node 24 with a cache that also covered gRPC).
 */
export function loadSdk(sdkUrl: URL, config: MemotelConfig): SdkModule {
  return requireWithCodeCache<SdkModule>(fileURLToPath(sdkUrl), cacheVariant(config));
}

/** `local` (store, console) or the OTLP protocols the configuration exports with. */
export function cacheVariant(config: MemotelConfig): string {
  const protocols = new Set(SIGNALS.filter((s) => config.exporters[s].includes('otlp')).map((s) => config.otlp[s].protocol));
  return protocols.size === 0 ? 'local' : [...protocols].sort().join('+').replace(/[^a-z+]/g, '');
}

/**
 * What a preload entry (register.js, register.cjs) does: the configuration first, then, unless
 * there is nothing to start, the SDK. A failure is one line on stderr; the app runs without
 * telemetry.
 */
export function preloadSdk(sdkUrl: URL): void {
  const resolved = preflight();
  if (!resolved) return;
  try {
    loadSdk(sdkUrl, resolved.config).startFromPreload(resolved);
  } catch (err) {
    reportStartFailure(err);
  }
}
