// The diagnostics-channel contract (docs/channels.md): which events fire, in which order,
// with which fields, and that nothing is built when nobody listens.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics_channel from 'node:diagnostics_channel';
import {
  CHANNELS,
  traced,
  type CaptureContext,
  type ChannelContexts,
  type EmbeddingContext,
  type GitContext,
  type IndexContext,
  type RecallContext,
} from '../../src/memory/channels.js';
import { createMemoryStore } from '../../src/memory/store.js';
import { git, makeRepo, removeDir, subscribeTracing } from './helpers.js';

type Name = keyof ChannelContexts;
const NAMES: Name[] = ['capture', 'recall', 'embedding', 'index', 'git'];
const EVENTS = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;

interface Seen {
  channel: Name;
  event: (typeof EVENTS)[number];
  ctx: Record<string, unknown>;
}

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function record(): Seen[] {
  const seen: Seen[] = [];
  for (const channel of NAMES) {
    const handlers = Object.fromEntries(
      EVENTS.map((event) => [event, (ctx: unknown) => void seen.push({ channel, event, ctx: ctx as Record<string, unknown> })]),
    );
    cleanups.push(subscribeTracing(CHANNELS[channel], handlers));
  }
  return seen;
}

async function repo(): Promise<string> {
  const dir = await makeRepo();
  cleanups.push(() => removeDir(dir));
  return dir;
}

function finished<N extends Name>(seen: Seen[], channel: N): ChannelContexts[N][] {
  return seen.filter((s) => s.channel === channel && s.event === 'asyncEnd').map((s) => s.ctx as unknown as ChannelContexts[N]);
}

describe('memotel channels', () => {
  it('capture publishes capture, embedding, git and index events with the documented fields', async () => {
    const dir = await repo();
    const store = createMemoryStore({ repo: dir });
    const seen = record();
    const result = await store.capture({ namespace: 'decisions', summary: 'Use SQLite', content: 'héllo' });

    const [capture] = finished(seen, 'capture') as CaptureContext[];
    expect(capture).toEqual({
      operation: 'capture',
      namespace: 'decisions',
      notesRef: 'refs/notes/mem/decisions',
      repo: git(dir, 'rev-parse', '--show-toplevel').trim(),
      summary: 'Use SQLite',
      content: 'héllo',
      contentBytes: 6,
      id: result.id,
      commit: result.commit,
      indexed: true,
      result, // set by diagnostics_channel: the resolved value
    });

    const embedding = finished(seen, 'embedding') as EmbeddingContext[];
    expect(embedding).toEqual([
      { operation: 'embed', provider: 'memotel-local', model: 'memotel-hash-384-v1', local: true, inputCount: 1, dimensions: 384, result: [expect.any(Array)] },
    ]);

    const gitRuns = finished(seen, 'git') as GitContext[];
    expect(gitRuns.map((g) => g.subcommand)).toEqual(expect.arrayContaining(['rev-parse', 'notes', 'hash-object']));
    for (const g of gitRuns) {
      expect(g).toMatchObject({ args: expect.any(Array), cwd: expect.any(String), exitCode: expect.any(Number) });
      expect(g.args).not.toContain('héllo'); // note text travels on stdin
    }
    expect(gitRuns.filter((g) => g.subcommand === 'notes').every((g) => g.notesRef === 'refs/notes/mem/decisions')).toBe(true);

    const index = finished(seen, 'index') as IndexContext[];
    expect(index.find((i) => i.operation === 'insert')).toEqual({
      operation: 'insert',
      repo: capture!.repo,
      namespace: 'decisions',
      resultCount: 1,
      recordCount: 1,
      result: undefined,
    });
  });

  it('search publishes a recall context with query, k, results and counts', async () => {
    const store = createMemoryStore({ repo: await repo() });
    const { id } = await store.capture({ namespace: 'learnings', summary: 'Jest needs ESM flag' });
    const seen = record();
    await store.search('jest esm', { k: 3, namespace: 'learnings' });
    const [recall] = finished(seen, 'recall') as RecallContext[];
    expect(recall).toEqual({
      operation: 'search',
      repo: expect.any(String),
      query: 'jest esm',
      k: 3,
      namespace: 'learnings',
      minSimilarity: 0,
      resultCount: 1,
      results: [{ id, namespace: 'learnings', summary: 'Jest needs ESM flag', score: expect.any(Number) }],
      result: [expect.objectContaining({ id })],
    });
    const search = finished(seen, 'index').find((i) => i.operation === 'search');
    expect(search).toMatchObject({ k: 3, namespace: 'learnings', resultCount: 1, recordCount: 1 });
  });

  it('orders events start → end → asyncStart → asyncEnd, with error before asyncEnd on failure', async () => {
    const store = createMemoryStore({ repo: await repo() });
    const seen = record();
    await store.capture({ namespace: 'progress', summary: 'ok' });
    await store.capture({ namespace: 'bogus', summary: 'fails' }).catch(() => {});
    const captures = seen.filter((s) => s.channel === 'capture');
    const ok = captures.filter((s) => s.ctx.namespace === 'progress').map((s) => s.event);
    const failed = captures.filter((s) => s.ctx.namespace === 'bogus');
    expect(ok).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(failed.map((s) => s.event)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(failed[0]!.ctx.error).toMatchObject({ code: 'MEMOTEL_ERR_INVALID_NAMESPACE' });
  });

  it('runs nested operations inside the outer one, so a store bound on start reaches them', async () => {
    const store = createMemoryStore({ repo: await repo() });
    const storage = new AsyncLocalStorage<string>();
    const captureChannel = diagnostics_channel.tracingChannel(CHANNELS.capture);
    captureChannel.start.bindStore(storage, (ctx) => `capture:${(ctx as CaptureContext).namespace}`);
    cleanups.push(() => void captureChannel.start.unbindStore(storage));
    const parents: Array<string | undefined> = [];
    cleanups.push(subscribeTracing(CHANNELS.git, { start: () => void parents.push(storage.getStore()) }));

    await store.capture({ namespace: 'reviews', summary: 'nested' });
    expect(parents.length).toBeGreaterThan(2);
    expect(new Set(parents)).toEqual(new Set(['capture:reviews']));
  });

  it('builds no context object when nobody subscribes', async () => {
    const build = jest.fn((): GitContext => ({ subcommand: 'status', args: [], cwd: '/' }));
    const seenCtx: unknown[] = [];
    await traced('git', build, async (ctx) => {
      seenCtx.push(ctx);
    });
    expect(build).not.toHaveBeenCalled();
    expect(seenCtx).toEqual([undefined]);

    record();
    await traced('git', build, async (ctx) => {
      seenCtx.push(ctx);
    });
    expect(build).toHaveBeenCalledTimes(1);
    expect(seenCtx[1]).toMatchObject({ subcommand: 'status' });
  });
});
