// The SDK (dist/bundle/sdk.cjs) as the entry points load it: once per process, code-cached.
import { fileURLToPath } from 'node:url';
import { requireWithCodeCache } from './code-cache.js';

export type SdkModule = typeof import('./bundle.js');

/** `sdkUrl`: where dist/bundle/sdk.cjs is, relative to the calling entry point's own file. */
export function loadSdk(sdkUrl: URL): SdkModule {
  return requireWithCodeCache<SdkModule>(fileURLToPath(sdkUrl));
}
