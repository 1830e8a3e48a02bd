// Microbenchmark (issue 4): one channel-published no-op operation, with nobody subscribed and
// with memotel's instrumentation creating, nesting and ending a span for it.
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { traced } from '../src/memory/channels.js';
import { MemotelContextManager } from '../src/sdk/context-manager.js';
import { GitInstrumentation } from '../src/instrumentation/git.js';

async function perOp(n: number): Promise<number> {
  const noop = async () => undefined;
  const build = () => ({ subcommand: 'notes', args: [] as string[], cwd: '/repo' });
  for (let i = 0; i < 2000; i++) await traced('git', build, noop);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await traced('git', build, noop);
  return Number(process.hrtime.bigint() - start) / n;
}

export async function channelsBench(): Promise<void> {
  const n = 200_000;
  const plainStart = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await (async () => undefined)();
  const plain = Number(process.hrtime.bigint() - plainStart) / n;
  const without = await perOp(n);

  const manager = new MemotelContextManager();
  context.setGlobalContextManager(manager.enable());
  // Spans are created, nested and ended; no exporter, so only the instrumentation is measured.
  trace.setGlobalTracerProvider(new BasicTracerProvider());
  const instrumentation = new GitInstrumentation();
  const withSubscribers = await perOp(n / 4);
  instrumentation.disable();
  context.disable();
  trace.disable();

  console.log('\nchannel-published no-op operation (ns/op)');
  console.log(`  plain async call             ${plain.toFixed(0).padStart(6)} ns`);
  console.log(`  published, no subscribers    ${without.toFixed(0).padStart(6)} ns  (+${(without - plain).toFixed(0)} ns over a plain call; target: not measurable)`);
  console.log(`  instrumented (span per op)   ${withSubscribers.toFixed(0).padStart(6)} ns  (+${((withSubscribers - plain) / 1000).toFixed(2)} µs; target < 5 µs)`);
}
