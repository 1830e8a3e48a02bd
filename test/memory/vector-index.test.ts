// The on-disk vector index, in a temp directory.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { VectorIndex, type IndexEntry } from '../../src/memory/vector-index.js';
import { collectSilentFailures, makeDir, removeDir } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await makeDir();
});
afterEach(() => removeDir(dir));

function entry(id: string, namespace: string, vector: number[]): IndexEntry {
  return { id, namespace, commit: 'c'.repeat(40), summary: `summary ${id}`, created: `2026-01-0${id.length}T00:00:00.000Z`, vector };
}

function openIndex(): VectorIndex {
  return new VectorIndex({ dir, name: 'test-model', repo: '/repo' });
}

describe('VectorIndex', () => {
  it('inserts, searches by cosine with a namespace filter, counts and deletes', async () => {
    const index = openIndex();
    await index.insert([entry('a', 'decisions', [1, 0, 0]), entry('b', 'learnings', [0.8, 0.6, 0])]);
    await index.insert([entry('c', 'decisions', [0, 0, 5])]);

    const hits = await index.search([2, 0, 0], { k: 2 });
    expect(hits.map((h) => h.id)).toEqual(['a', 'b']);
    expect(hits[0]!.score).toBeCloseTo(1, 5);
    expect(hits[1]!.score).toBeCloseTo(0.8, 5);
    expect((await index.search([1, 0, 0], { k: 5, namespace: 'learnings' })).map((h) => h.id)).toEqual(['b']);
    expect((await index.search([1, 0, 0], { k: 5, minSimilarity: 0.5 })).map((h) => h.id)).toEqual(['a', 'b']);
    expect(await index.count()).toBe(3);
    expect(await index.count('decisions')).toBe(2);

    expect(await index.delete(['a', 'missing'])).toBe(1);
    expect((await index.search([1, 0, 0], { k: 1 }))[0]!.id).toBe('b');
    // A second process (a new instance) sees the same state.
    expect(await openIndex().count()).toBe(2);
  });

  it('replaces an entry inserted again under the same id', async () => {
    const index = openIndex();
    await index.insert([entry('a', 'decisions', [1, 0])]);
    await index.insert([entry('a', 'decisions', [0, 1])]);
    expect(await index.count()).toBe(1);
    expect((await index.search([0, 1], { k: 1 }))[0]!.score).toBeCloseTo(1, 5);
  });

  it('ignores a torn last entry and cuts it off before the next append', async () => {
    const index = openIndex();
    await index.insert([entry('a', 'decisions', [1, 0])]);
    const cleanSize = (await stat(index.file)).size;
    await appendFile(index.file, Buffer.from([1, 200, 0, 0, 0, 0x7b])); // a crash mid-append
    expect(await openIndex().count()).toBe(1);
    await index.insert([entry('b', 'decisions', [0, 1])]);
    expect(await openIndex().count()).toBe(2);
    expect((await stat(index.file)).size).toBeGreaterThan(cleanSize);
  });

  it('treats a damaged file as empty, reports index.load, and recovers on rebuild', async () => {
    const index = openIndex();
    await writeFile(path.join(dir, 'test-model.bin'), 'not an index');
    const failures = collectSilentFailures();
    expect(await index.count()).toBe(0);
    failures.stop();
    expect(failures.messages.map((m) => m.location)).toEqual(['index.load']);
    await index.rebuild([entry('a', 'decisions', [1, 1])]);
    expect(await openIndex().count()).toBe(1);
    expect((await readFile(index.file)).subarray(0, 8).toString()).toBe('MEMOTIDX');
  });

  it('refuses vectors of another dimension', async () => {
    const index = openIndex();
    await index.insert([entry('a', 'decisions', [1, 0])]);
    await expect(index.insert([entry('b', 'decisions', [1, 0, 0])])).rejects.toMatchObject({ code: 'MEMOTEL_ERR_INVALID_ARGUMENT' });
    await expect(index.search([1, 0, 0], { k: 1 })).rejects.toMatchObject({ code: 'MEMOTEL_ERR_INVALID_ARGUMENT' });
  });

  it('lists the newest records', async () => {
    const index = openIndex();
    await index.insert([entry('a', 'decisions', [1, 0]), entry('bbb', 'decisions', [0, 1]), entry('cc', 'learnings', [1, 1])]);
    expect((await index.recent(2)).map((r) => r.id)).toEqual(['bbb', 'cc']);
    expect((await index.recent(5, 'learnings')).map((r) => r.id)).toEqual(['cc']);
  });
});
