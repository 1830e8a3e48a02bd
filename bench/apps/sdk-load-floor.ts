// Bench only (the "floor" variant of bench/hook.ts; scripts/bench.mjs bundles it): what memotel's
// preload does up to the SDK being loaded (configuration, then dist/bundle/sdk.cjs through the
// code cache, module top levels included), with nothing started. No preload that loads this SDK
// can cost less; the rest of the register's overhead is starting, patching and exporting.
import { pathToFileURL } from 'node:url';
import { loadSdk } from '../../src/sdk/load-sdk.js';
import { preflight } from '../../src/sdk/preflight.js';

const sdk = process.env.MEMOTEL_BENCH_SDK_BUNDLE;
if (!sdk) throw new Error('sdk-load-floor: set MEMOTEL_BENCH_SDK_BUNDLE to the path of dist/bundle/sdk.cjs');
const resolved = preflight();
if (resolved) loadSdk(pathToFileURL(sdk), resolved.config);
