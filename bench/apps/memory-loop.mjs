// Runs N captures (OP=capture) or N recalls (OP=recall) through the memory library, for
// counting this process's instructions per operation (bench/instructions.ts). Under memotel the
// spans are flushed after every fifth operation, so their export is counted; run it with timed
// exports and runtime metrics off, so that nothing depends on how long the process lives.
import { trace } from '@opentelemetry/api';
import { createMemoryStore } from 'memotel/memory';

const n = Number(process.env.N);
const store = createMemoryStore({ repo: process.env.REPO });
const text = (i) => `memory number ${i} about ${['index', 'vector', 'notes', 'hook'][i % 4]}`;
const flushSpans = async () => trace.getTracerProvider().getDelegate?.().forceFlush?.();
for (let i = 0; i < n; i++) {
  if (process.env.OP === 'recall') await store.search(text(i), { k: 5 });
  else await store.capture({ namespace: 'research', summary: `loop ${i}`, content: text(i) });
  if (i % 5 === 4) await flushSpans();
}
