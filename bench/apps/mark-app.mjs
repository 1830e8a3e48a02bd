// Bench only (bench/preload.ts): imported after memotel's register, so this is when the app begins.
globalThis[Symbol.for('memotel.bench.marks')].app = performance.now();
