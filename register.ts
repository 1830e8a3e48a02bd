// `node --import memotel/register app.js` (or ./register.js from the project root).
//
// Dev Note: this entry only loads register.cjs, which does the work: the configuration first
// (src/sdk/preflight.ts: with OTEL_SDK_DISABLED=true nothing else loads), then the SDK as one
// CommonJS file through memotel's code cache (src/sdk/load-sdk.ts, code-cache.ts). The same
// code as an ESM entry of its own cost ~2.5 ms more per process on Node 24 and ~1 ms on Node 20
// (2-core dev machine, OTEL_SDK_DISABLED=true, medians of 30): Node builds an ESM namespace for
// each built-in it imports and compiles an ESM entry without any cache.
import { createRequire } from 'node:module';

try {
  createRequire(import.meta.url)('./register.cjs');
} catch (err) {
  // Only a broken install gets here (register.cjs reports its own failures): the app still runs.
  process.stderr.write(`memotel error: could not start; the app runs without telemetry: ${(err as Error)?.stack ?? err}\n`);
}
