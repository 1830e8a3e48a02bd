// Runs `git rev-parse HEAD` N times through the memory library (the memotel:git channel). Under
// memotel the spans are flushed after every fifth run, so their export is counted (see
// memory-loop.mjs).
import { trace } from '@opentelemetry/api';
import { runGit } from 'memotel/memory';

const n = Number(process.env.N);
const flushSpans = async () => trace.getTracerProvider().getDelegate?.().forceFlush?.();
for (let i = 0; i < n; i++) {
  await runGit(process.env.REPO, ['rev-parse', 'HEAD']);
  if (i % 5 === 4) await flushSpans();
}
