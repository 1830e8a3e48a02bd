// `node --import memotel/register app.js` (or ./register.js from the project root).
//
// Dev Note: this file is kept tiny. It reads the configuration (src/sdk/preflight.ts: with
// OTEL_SDK_DISABLED=true nothing else loads), then loads the SDK as one CommonJS file through
// memotel's code cache (src/sdk/code-cache.ts; NODE_DISABLE_COMPILE_CACHE=1 turns it off).
import { preloadSdk } from './src/sdk/load-sdk.js';

preloadSdk(new URL('./dist/bundle/sdk.cjs', import.meta.url));
