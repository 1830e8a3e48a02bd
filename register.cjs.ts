// `node --require memotel/register.cjs app.js`, for setups that can only preload CommonJS.
// Does what --import memotel/register does; the preload is synchronous, so memotel runs before the app.
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
