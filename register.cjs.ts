// `node --require memotel/register.cjs app.js`, for setups that can only preload CommonJS.
// Does what --import memotel/register does; the preload is synchronous, so memotel runs before the app.
import { preflight } from './src/sdk/preflight.js';
import { startFromPreload } from './src/sdk/preload.js';

const resolved = preflight();
if (resolved) startFromPreload(resolved);
