// The memory store against real temp git repositories.
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { createMemoryStore } from '../../src/memory/store.js';
import { closedPort, collectSilentFailures, git, makeDir, makeRepo, removeDir } from './helpers.js';

const dirs: string[] = [];
async function repo(options?: { commit?: boolean }): Promise<string> {
  const dir = await makeRepo(options);
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeDir));
});

const MEMORIES = [
  { namespace: 'decisions', summary: 'Use SQLite for the local cache', content: 'No server to run; one file per repository.' },
  { namespace: 'learnings', summary: 'Jest needs --experimental-vm-modules for ESM', content: 'ts-jest with useESM.' },
  { namespace: 'blockers', summary: 'Staging cluster certificate expired', content: 'Renew through the ops ticket queue.' },
];

describe('capture then recall', () => {
  it('finds the captured memory first, with its content read back from the note', async () => {
    const store = createMemoryStore({ repo: await repo() });
    const results = [];
    for (const memory of MEMORIES) results.push(await store.capture(memory));
    expect(results.every((r) => r.indexed)).toBe(true);

    const found = await store.search('expired certificate on staging');
    expect(found[0]).toMatchObject({ id: results[2]!.id, namespace: 'blockers', summary: MEMORIES[2]!.summary, content: MEMORIES[2]!.content });
    expect(found[0]!.score).toBeGreaterThan(0);
    expect(found[0]!.commit).toBe(results[2]!.commit);
    expect(Date.parse(found[0]!.created)).not.toBeNaN();

    const onlyDecisions = await store.search('expired certificate on staging', { namespace: 'decisions' });
    expect(onlyDecisions.every((r) => r.namespace === 'decisions')).toBe(true);
  });

  it('keeps several memories in one note, each with its own id, and stores content verbatim', async () => {
    const dir = await repo();
    const store = createMemoryStore({ repo: dir });
    const content = 'trailing blanks   \n\n\n\nand a fake header\n---\nmemotel: 1\n---\n';
    const first = await store.capture({ namespace: 'patterns', summary: 'First', content });
    const second = await store.capture({ namespace: 'patterns', summary: 'Second', content: 'two' });
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    expect(first.id).toBe(`patterns:${head}:0`);
    expect(second.id).toBe(`patterns:${head}:1`);
    expect((await store.get(first.id)).content).toBe(content);
    expect((await store.get(second.id)).summary).toBe('Second');
    expect(git(dir, 'notes', '--ref', 'refs/notes/mem/patterns', 'list').trim().split('\n')).toHaveLength(1);
  });

  it('attaches to another commit when asked', async () => {
    const dir = await repo();
    const first = git(dir, 'rev-parse', 'HEAD').trim();
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'second');
    const store = createMemoryStore({ repo: dir });
    expect((await store.capture({ namespace: 'progress', summary: 'On the first commit', commit: first })).commit).toBe(first);
  });

  it('works from a subdirectory of the work tree', async () => {
    const dir = await repo();
    await mkdir(path.join(dir, 'sub', 'deeper'), { recursive: true });
    const store = createMemoryStore({ repo: path.join(dir, 'sub', 'deeper') });
    const result = await store.capture({ namespace: 'research', summary: 'x' });
    expect(result.indexed).toBe(true);
    expect(await createMemoryStore({ repo: dir }).count()).toBe(1);
  });

  it('rebuilds a deleted index from the notes (reindex)', async () => {
    const dir = await repo();
    const store = createMemoryStore({ repo: dir });
    for (const memory of MEMORIES) await store.capture(memory);
    await rm(path.join(dir, '.git', 'memotel', 'index'), { recursive: true });
    expect(await store.search('SQLite cache')).toEqual([]);
    expect(await store.reindex()).toEqual({ indexed: 3, skippedNotes: 0 });
    expect((await store.search('SQLite cache'))[0]!.summary).toBe(MEMORIES[0]!.summary);
    expect(await store.count()).toBe(3);
  });

  it('skips and reports a damaged note during reindex', async () => {
    const dir = await repo();
    const store = createMemoryStore({ repo: dir });
    await store.capture(MEMORIES[0]!);
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'second');
    git(dir, 'notes', '--ref', 'refs/notes/mem/decisions', 'add', '-m', '---\nmemotel: 1\nnamespace: decisions\n---\nbroken', 'HEAD');
    const failures = collectSilentFailures();
    const result = await store.reindex();
    failures.stop();
    expect(result).toEqual({ indexed: 1, skippedNotes: 1 });
    expect(failures.messages.map((m) => m.location)).toEqual(['reindex.note-unreadable']);
  });

  it('reports a search hit whose note vanished as recall.note-unreadable and skips it', async () => {
    const dir = await repo();
    const store = createMemoryStore({ repo: dir });
    await store.capture(MEMORIES[0]!);
    git(dir, 'notes', '--ref', 'refs/notes/mem/decisions', 'remove', 'HEAD');
    const failures = collectSilentFailures();
    expect(await store.search('SQLite cache')).toEqual([]);
    failures.stop();
    expect(failures.messages.map((m) => m.location)).toEqual(['recall.note-unreadable']);
  });
});

describe('degraded capture', () => {
  it('stores the memory without index when the embedding server is down, and reports capture.embed once', async () => {
    const dir = await repo();
    const port = await closedPort();
    const store = createMemoryStore({
      repo: dir,
      embedding: { provider: 'openai-compatible', url: `http://127.0.0.1:${port}`, model: 'm', maxRetries: 0 },
    });
    const failures = collectSilentFailures();
    const result = await store.capture(MEMORIES[0]!);
    failures.stop();
    expect(result.indexed).toBe(false);
    expect((await createMemoryStore({ repo: dir }).get(result.id)).content).toBe(MEMORIES[0]!.content);
    const captureFailures = failures.messages.filter((m) => m.location.startsWith('capture.'));
    expect(captureFailures).toHaveLength(1);
    expect(captureFailures[0]).toMatchObject({ location: 'capture.embed', handling: 'stored without index', error: expect.objectContaining({ code: 'MEMOTEL_ERR_EMBEDDING_UNREACHABLE' }) });
  });

  it('fails a search clearly when the embedding server is unreachable', async () => {
    const port = await closedPort();
    const store = createMemoryStore({
      repo: await repo(),
      embedding: { provider: 'openai-compatible', url: `http://127.0.0.1:${port}`, model: 'm', maxRetries: 1, timeoutMs: 2000 },
    });
    await expect(store.search('anything')).rejects.toMatchObject({
      code: 'MEMOTEL_ERR_EMBEDDING_UNREACHABLE',
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });
  });
});

describe('clear errors', () => {
  it.each([
    [{ namespace: 'nonsense', summary: 'x' }, 'MEMOTEL_ERR_INVALID_NAMESPACE'],
    [{ namespace: 'decisions', summary: '' }, 'MEMOTEL_ERR_INVALID_SUMMARY'],
    [{ namespace: 'decisions', summary: 'y'.repeat(101) }, 'MEMOTEL_ERR_INVALID_SUMMARY'],
    [{ namespace: 'decisions', summary: 'x', content: 'z'.repeat(64 * 1024 + 1) }, 'MEMOTEL_ERR_CONTENT_TOO_LARGE'],
  ])('capture rejects bad input %# before touching git', async (input, code) => {
    const dir = await repo();
    await expect(createMemoryStore({ repo: dir }).capture(input)).rejects.toMatchObject({ code, name: 'MemotelError' });
    expect(git(dir, 'for-each-ref', 'refs/notes/')).toBe('');
  });

  it('says when the directory is not a git repository', async () => {
    const dir = await makeDir();
    dirs.push(dir);
    await expect(createMemoryStore({ repo: dir }).capture({ namespace: 'decisions', summary: 'x' })).rejects.toMatchObject({
      code: 'MEMOTEL_ERR_NOT_A_REPO',
      message: expect.stringMatching(/not inside a git repository.*git init/),
    });
    await expect(createMemoryStore({ repo: path.join(dir, 'missing') }).search('x')).rejects.toMatchObject({ code: 'MEMOTEL_ERR_NOT_A_REPO' });
  });

  it('says when the repository has no commit yet', async () => {
    await expect(createMemoryStore({ repo: await repo({ commit: false }) }).capture({ namespace: 'decisions', summary: 'x' })).rejects.toMatchObject({
      code: 'MEMOTEL_ERR_NO_COMMIT',
      message: expect.stringMatching(/no commit yet.*commit/),
    });
  });

  it('rejects bad search arguments and unknown ids', async () => {
    const dir = await repo();
    const store = createMemoryStore({ repo: dir });
    await expect(store.search('')).rejects.toMatchObject({ code: 'MEMOTEL_ERR_INVALID_ARGUMENT' });
    await expect(store.search('x', { k: 0 })).rejects.toMatchObject({ code: 'MEMOTEL_ERR_INVALID_ARGUMENT' });
    await expect(store.search('x', { namespace: 'nope' })).rejects.toMatchObject({ code: 'MEMOTEL_ERR_INVALID_NAMESPACE' });
    await expect(store.get('decisions:123')).rejects.toMatchObject({ code: 'MEMOTEL_ERR_INVALID_ID' });
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    await expect(store.get(`decisions:${head}:0`)).rejects.toMatchObject({ code: 'MEMOTEL_ERR_NOT_FOUND' });
  });
});
