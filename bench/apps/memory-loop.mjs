// Runs N captures (OP=capture) or N recalls (OP=recall) through the memory library, for
// counting this process's instructions per operation (bench/instructions.ts). WINDOWS names
// ranges of operations to count, e.g. "early:6-25,steady:301-330": before a range's first
// operation and after its last the app writes `MEMOTEL_BENCH_MARK <name>-start|end` on stderr
// and waits for a line on stdin, while the benchmark switches valgrind's counting on or off.
// Without WINDOWS (or with stdin closed) it just runs. Under memotel the spans are flushed
// after every fifth operation, so their export is counted; run it with timed exports and
// runtime metrics off, so that nothing depends on how long the process lives.
import { createInterface } from 'node:readline';
import { trace } from '@opentelemetry/api';
import { createMemoryStore } from 'memotel/memory';

const n = Number(process.env.N);
const windows = (process.env.WINDOWS ?? '')
  .split(',')
  .filter(Boolean)
  .map((w) => {
    const [, name, from, to] = /^(\w+):(\d+)-(\d+)$/.exec(w) ?? [];
    if (!name) throw new Error(`WINDOWS: "${w}" is not name:first-last`);
    return { name, from: Number(from), to: Number(to) };
  });
const input = windows.length > 0 ? createInterface({ input: process.stdin }) : undefined;
const lines = input?.[Symbol.asyncIterator]();
const mark = async (name) => {
  process.stderr.write(`MEMOTEL_BENCH_MARK ${name}\n`);
  await lines.next();
};

const store = createMemoryStore({ repo: process.env.REPO });
const text = (i) => `memory number ${i} about ${['index', 'vector', 'notes', 'hook'][i % 4]}`;
const flushSpans = async () => trace.getTracerProvider().getDelegate?.().forceFlush?.();
for (let i = 1; i <= n; i++) {
  for (const w of windows) if (w.from === i) await mark(`${w.name}-start`);
  if (process.env.OP === 'recall') await store.search(text(i), { k: 5 });
  else await store.capture({ namespace: 'research', summary: `loop ${i}`, content: text(i) });
  if (i % 5 === 0) await flushSpans();
  for (const w of windows) if (w.to === i) await mark(`${w.name}-end`);
}
input?.close();
