// The span tree of one capture without the memory library: the operations a capture publishes
// (capture → git hash-object, 2 × git notes, embedding, index insert, git notes) are published on
// the memotel:* channels by hand, as any memory library may, around functions that do nothing
// or (GAP=spawn) start a child process where git would run. Paired like memory-ops-ab.mjs:
// blocks with memotel's instrumentations on and off, ABBA. So the instrumentation's own cost is
// measured without git's run-to-run variance, and the spawn variant shows what a child process
// between spans does to it. Prints the blocks as JSON on stdout.
import { spawn } from 'node:child_process';
import diagnostics_channel from 'node:diagnostics_channel';
import { instrumentationSwitch, pairedBlocks } from './paired.mjs';

const gap = process.env.GAP ?? 'none';
const setInstrumented = instrumentationSwitch('span-tree');

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

const out = await pairedBlocks(setInstrumented, { capture }, {
  perBlock: Number(process.env.PER_BLOCK ?? 20),
  opsPerArm: Number(process.env.OPS_PER_ARM ?? 1000),
});
console.log(JSON.stringify(out));
