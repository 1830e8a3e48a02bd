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
import { createMemoryStore } from 'memotel/memory';
import { instrumentationSwitch, pairedBlocks } from './paired.mjs';

const setInstrumented = instrumentationSwitch('memory-ops-ab');
const store = createMemoryStore({ repo: process.env.REPO });
const words = ['index', 'vector', 'notes', 'session', 'hook', 'recall', 'capture', 'latency'];
const text = (i) => `${words[i % 8]} ${words[(i * 3) % 8]} memory number ${i}`;
const capture = (i) => store.capture({ namespace: 'research', summary: `bench ${i}`, content: text(i) });
const recall = (i) => store.search(text(i), { k: 5 });

// A few operations in both arms first, so neither arm pays for loading the memory library.
let warm = 0;
for (const on of [true, false]) {
  setInstrumented(on);
  for (let i = 0; i < 3; i++) await capture(warm++);
  for (let i = 0; i < 3; i++) await recall(warm++);
}

const out = await pairedBlocks(setInstrumented, { capture, recall }, {
  perBlock: Number(process.env.PER_BLOCK ?? 20),
  opsPerArm: Number(process.env.OPS_PER_ARM ?? 600),
  first: warm,
});
console.log(JSON.stringify(out));
