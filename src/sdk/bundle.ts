// The SDK as one CommonJS file, dist/bundle/sdk.cjs: what the preload entries and start() load
// through memotel's code cache (code-cache.ts), so every process has one copy of it.
export { start } from './start.js';
export { startFromPreload } from './preload.js';
