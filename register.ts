// `node --import memotel/register app.js` (or ./register.js from the project root).
//
// Dev Note: this file is kept tiny. It reads the configuration (src/sdk/preflight.ts: with
// OTEL_SDK_DISABLED=true nothing else loads), then loads the SDK as one CommonJS file through
// memotel's code cache (src/sdk/code-cache.ts; NODE_DISABLE_COMPILE_CACHE=1 turns it off).
import { preflight, reportStartFailure } from './src/sdk/preflight.js';
import { loadSdk } from './src/sdk/load-sdk.js';

const resolved = preflight();
if (resolved) {
  try {
    loadSdk(new URL('./dist/bundle/sdk.cjs', import.meta.url), resolved.config).startFromPreload(resolved);
  } catch (err) {
    reportStartFailure(err); // the app runs without telemetry
  }
}
