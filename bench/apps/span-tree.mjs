// The span tree of one capture without the memory library: the operations a capture publishes
// (capture → git hash-object, 2 × git notes, embedding, index insert, git notes) are published on
// the memotel:* channels by hand, as any memory library may, around functions that do nothing
// or (GAP=spawn) start a child process where git would run. Paired like memory-ops-ab.mjs:
// blocks with memotel's instrumentations on and off, ABBA. So the instrumentation's own cost is
// measured without git's run-to-run variance, and the spawn variant shows what a child process
// between spans does to it. Prints the blocks as JSON on stdout.
import { spawn } from 'node:child_process';
import diagnostics_channel from 'node:diagnostics_channel';
import { AsyncLocalStorage } from 'node:async_hooks';
import { trace } from '@opentelemetry/api';
import { start } from 'memotel';

const perBlock = Number(process.env.PER_BLOCK ?? 20);
const opsPerArm = Number(process.env.OPS_PER_ARM ?? 1000);
const gap = process.env.GAP ?? 'none';
const memotel = start();
const storage = globalThis[Symbol.for('memotel.context-storage')];
if (!(storage instanceof AsyncLocalStorage) || memotel.instrumentations.length === 0) {
  throw new Error('span-tree must run under memotel\'s register with its instrumentations enabled');
}
const flushSpans = () => trace.getTracerProvider().getDelegate?.().forceFlush?.();
const ours = memotel.instrumentations.filter((i) => i.instrumentationName.startsWith('memotel'));
function setInstrumented(on) {
  for (const i of ours) on ? i.enable() : i.disable();
  if (!on) storage.disable();
}

const channel = (name) => diagnostics_channel.tracingChannel(`memotel:${name}`);
const [captureChannel, gitChannel, embeddingChannel, indexChannel] = ['capture', 'git', 'embedding', 'index'].map(channel);
const repo = '/tmp/span-tree-repo';
const notesRef = 'refs/notes/memotel/research';
const childProcess = () => new Promise((resolve) => spawn('/bin/true').on('exit', resolve));

async function git(subcommand) {
  const message = { subcommand, args: [subcommand], cwd: repo, notesRef };
  await gitChannel.tracePromise(async () => {
    if (gap === 'spawn') await childProcess();
    message.exitCode = 0;
  }, message);
}

function capture(i) {
  const message = { operation: 'capture', namespace: 'research', notesRef, repo, summary: `s${i}`, content: `c${i}`, contentBytes: 2 };
  return captureChannel.tracePromise(async () => {
    await git('hash-object');
    await git('notes');
    await git('notes');
    const embedding = { operation: 'embed', provider: 'local', model: 'hashing', local: true, inputCount: 1 };
    await embeddingChannel.tracePromise(async () => {
      embedding.dimensions = 256;
    }, embedding);
    const insert = { operation: 'insert', repo, namespace: 'research' };
    await indexChannel.tracePromise(async () => {
      insert.resultCount = 1;
      insert.recordCount = i;
    }, insert);
    await git('notes');
    Object.assign(message, { id: `research-${i}`, commit: 'c0ffee', indexed: true });
  }, message);
}

let n = 0;
async function timed() {
  const t = process.hrtime.bigint();
  const elu = performance.eventLoopUtilization();
  for (let i = 0; i < perBlock; i++) await capture(n++);
  await flushSpans();
  const busy = performance.eventLoopUtilization(elu).active * 1e3;
  return { wall: Number(process.hrtime.bigint() - t) / 1e3 / perBlock, busy: busy / perBlock };
}

const out = { perBlock, on: { capture: [] }, off: { capture: [] } };
for (let b = 0; b * perBlock < opsPerArm; b++) {
  for (const on of b % 2 === 0 ? [true, false] : [false, true]) {
    setInstrumented(on);
    (on ? out.on : out.off).capture.push({ done: b * perBlock, ...(await timed()) });
  }
}
setInstrumented(true);
console.log(JSON.stringify(out));
