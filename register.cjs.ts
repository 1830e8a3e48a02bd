// `node --require memotel/register.cjs app.js`, for setups that can only preload CommonJS.
// ESM imports made right at startup may race the loader hook's setup; prefer --import.
import { startFromPreloadCjs } from './src/sdk/preload.js';

startFromPreloadCjs();
