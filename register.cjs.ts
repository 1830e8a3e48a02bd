// `node --require memotel/register.cjs app.js`, for setups that can only preload CommonJS.
// Does what --import memotel/register does; the preload is synchronous, so memotel runs before the app.
import { preloadSdk } from './src/sdk/load-sdk.js';

preloadSdk(new URL('./dist/bundle/sdk.cjs', import.meta.url));
