// Paired in-process comparison for issue 4. Runs under memotel's register and alternates blocks
// of captures and recalls with memotel's instrumentations and context propagation on and off
// (the process, its heap and the repository are the same for both arms, so the run-to-run
// variance of git child processes cancels out). Each block ends with a flush of the spans,
// timed with it, so their export counts; metrics are exported on their own schedule (once a
// minute), as in any process.
//
// The run is long on purpose: V8 compiles a function with its optimising compiler only after
// thousands of calls, and a capture calls most of the SDK's span path once per span, so the
// per-operation cost falls for the first several hundred operations. Each block records how many
// operations its arm had done before it, so the report can tell early blocks from the steady
// state. Prints the blocks as JSON on stdout.
import { AsyncLocalStorage } from 'node:async_hooks';
import { trace } from '@opentelemetry/api';
import { start } from 'memotel';
import { createMemoryStore } from 'memotel/memory';

const perBlock = Number(process.env.PER_BLOCK ?? 20);
const opsPerArm = Number(process.env.OPS_PER_ARM ?? 600);
const memotel = start();
const storage = globalThis[Symbol.for('memotel.context-storage')];
if (!(storage instanceof AsyncLocalStorage) || memotel.instrumentations.length === 0) {
  throw new Error('memory-ops-ab must run under memotel\'s register with its instrumentations enabled');
}
const flushSpans = () => trace.getTracerProvider().getDelegate?.().forceFlush?.();
const ours = memotel.instrumentations.filter((i) => i.instrumentationName.startsWith('memotel'));

function setInstrumented(on) {
  for (const i of ours) on ? i.enable() : i.disable();
  // Off: no store is active, so (on Node < 22) AsyncLocalStorage's async hooks are removed too.
  if (!on) storage.disable();
}

const store = createMemoryStore({ repo: process.env.REPO });
const words = ['index', 'vector', 'notes', 'session', 'hook', 'recall', 'capture', 'latency'];
const text = (i) => `${words[i % 8]} ${words[(i * 3) % 8]} memory number ${i}`;
let n = 0;

async function timed(fn) {
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  for (let i = 0; i < perBlock; i++) await fn(n++);
  await flushSpans();
  const u = process.cpuUsage(c);
  const busy = performance.eventLoopUtilization(elu).active * 1e3;
  return { wall: Number(process.hrtime.bigint() - t) / 1e3 / perBlock, busy: busy / perBlock, cpu: (u.user + u.system) / perBlock };
}
const capture = (i) => store.capture({ namespace: 'research', summary: `bench ${i}`, content: text(i) });
const recall = (i) => store.search(text(i), { k: 5 });

// A few operations in both arms first, so neither arm pays for loading the memory library.
for (const on of [true, false]) {
  setInstrumented(on);
  for (let i = 0; i < 3; i++) await capture(n++);
  for (let i = 0; i < 3; i++) await recall(n++);
}

const out = { perBlock, on: { capture: [], recall: [] }, off: { capture: [], recall: [] } };
for (let b = 0; b * perBlock < opsPerArm; b++) {
  // ABBA order so that drift (a growing repository) does not favour one arm.
  for (const on of b % 2 === 0 ? [true, false] : [false, true]) {
    setInstrumented(on);
    const arm = on ? out.on : out.off;
    arm.capture.push({ done: b * perBlock, ...(await timed(capture)) });
    arm.recall.push({ done: b * perBlock, ...(await timed(recall)) });
  }
}
setInstrumented(true);
console.log(JSON.stringify(out));
