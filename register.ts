// `node --import memotel/register app.js` (or ./register.js from the project root).
import { startFromPreloadEsm } from './src/sdk/preload.js';

await startFromPreloadEsm();
