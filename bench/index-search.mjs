// Vector index search over 10,000 memories (memotel-local, 384 dims), through the built bundle.
//   npm run build && node bench/index-search.mjs [count] [searches]
// Prints build/load/search timings. Brute force: every search scores every vector.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalEmbeddingProvider, VectorIndex } from '../dist/bundle/memory.js';

const COUNT = Number(process.argv[2] ?? 10_000);
const SEARCHES = Number(process.argv[3] ?? 200);
const NAMESPACES = ['decisions', 'learnings', 'progress', 'blockers', 'patterns'];
const WORDS = 'cache sqlite deploy helm cluster certificate retry backoff lock index vector search embed git note commit branch review test jest esm module bundle span trace metric log session hook prompt memory recall capture token model server timeout'.split(' ');

function sentence(seed) {
  let x = seed * 2654435761 >>> 0;
  const out = [];
  for (let i = 0; i < 12; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]);
  }
  return out.join(' ');
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'memotel-bench-'));
try {
  const embedder = new LocalEmbeddingProvider();
  const texts = Array.from({ length: COUNT }, (_, i) => sentence(i + 1));
  let t = performance.now();
  const vectors = await embedder.embed(texts);
  const embedMs = performance.now() - t;

  const index = new VectorIndex({ dir, name: 'bench', repo: dir });
  const entries = vectors.map((vector, i) => ({
    id: `decisions:${'0'.repeat(40)}:${i}`,
    namespace: NAMESPACES[i % NAMESPACES.length],
    commit: '0'.repeat(40),
    summary: texts[i].slice(0, 60),
    created: new Date(1_700_000_000_000 + i).toISOString(),
    vector,
  }));
  t = performance.now();
  await index.rebuild(entries);
  const rebuildMs = performance.now() - t;

  const fresh = new VectorIndex({ dir, name: 'bench', repo: dir });
  t = performance.now();
  await fresh.count();
  const loadMs = performance.now() - t;

  const queries = (await embedder.embed(Array.from({ length: SEARCHES }, (_, i) => sentence(COUNT + i + 1).split(' ').slice(0, 4).join(' '))));
  for (let i = 0; i < 20; i++) await fresh.search(queries[i % queries.length], { k: 5 }); // warm up the JIT
  t = performance.now();
  for (const q of queries) await fresh.search(q, { k: 5 });
  const searchMs = (performance.now() - t) / queries.length;
  t = performance.now();
  for (const q of queries) await fresh.search(q, { k: 5, namespace: 'learnings' });
  const filteredMs = (performance.now() - t) / queries.length;

  const f = (ms) => ms.toFixed(2);
  console.log(`memories: ${COUNT}, dimensions: ${vectors[0].length}, node ${process.version}`);
  console.log(`embed all (memotel-local): ${f(embedMs)} ms (${f(embedMs / COUNT * 1000)} µs/text)`);
  console.log(`rebuild (write file): ${f(rebuildMs)} ms; load in a new process-like instance: ${f(loadMs)} ms`);
  console.log(`search top-5: ${f(searchMs)} ms/search; with namespace filter: ${f(filteredMs)} ms/search`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
