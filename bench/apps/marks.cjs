// Bench only (bench/preload.ts), preloaded first with --require: when Node starts running
// preloads, and (with mark-app.mjs, imported after memotel's register) when the app is reached.
// Written to stderr at exit, one line: stdout is the app's (and the hook's answer).
const marks = (globalThis[Symbol.for('memotel.bench.marks')] = { start: performance.now() });
process.on('exit', () => {
  marks.exit = performance.now();
  process.stderr.write(`MEMOTEL_BENCH_MARKS ${JSON.stringify(marks)}\n`);
});
