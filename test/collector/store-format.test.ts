// Store-and-forward: what memotel writes to its local store, from real runs of the example app
// under the preload, is what the collector's otlp_json_file receivers read. Every line decodes
// as an OTLP export request with the official proto definitions, and the receivers' include
// globs pick up exactly the files of their signal, rotated segments included.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRotated } from '../../src/store/layout.js';
import { runFixture, tempDir, type TempDir } from '../utils/fixtures.js';
import { readCollectorConfig } from './collector-config.js';
import { APP, appEnv, initRepo, startEmbeddingServer, type EmbeddingServer } from './memory-server.js';
import { decodeStoreLine, idsOf, type StoreSignal } from './otlp-json.js';

const SIGNALS: StoreSignal[] = ['traces', 'metrics', 'logs'];

let dir: TempDir;
let embedding: EmbeddingServer;
let store: string;
let files: string[];

function linesOf(file: string): string[] {
  return readFileSync(join(store, file), 'utf8').split('\n').filter((l) => l !== '');
}

function signalOf(file: string): StoreSignal {
  return file.split(/[-.]/)[0] as StoreSignal;
}

beforeAll(async () => {
  dir = await tempDir('memotel-collector-store-');
  // The first embedding call fails once with 503: memotel retries it and records a silent
  // failure, which is also a log record, so all three signals reach the store.
  embedding = await startEmbeddingServer({ failFirst: 1 });
  const repo = join(dir.path, 'repo');
  mkdirSync(repo);
  initRepo(repo);
  store = join(dir.path, 'store');
  // A small store budget so the runs below fill segments and rotate them.
  const env = appEnv(dir.path, embedding, { MEMOTEL_STORE_DIR: store, MEMOTEL_STORE_MAX_BYTES: String(64 * 1024) });
  const runs: string[][] = [
    ['capture', '--namespace', 'decisions', '--summary', 'Use pnpm for the monorepo', '--content', 'pnpm workspaces'],
    ['capture', '--namespace', 'learnings', '--summary', 'Bind test servers to 127.0.0.1', '--content', 'never localhost'],
    ['capture', '--namespace', 'decisions', '--summary', 'SQLite for the cache', '--content', 'one file'],
    ['recall', 'pnpm', 'monorepo'],
    ['recall', 'sqlite', 'cache', '--k', '1'],
    ['capture', '--namespace', 'patterns', '--summary', 'Small files with one role', '--content', 'style'],
    ['recall', 'small', 'files'],
  ];
  for (const args of runs) {
    const run = await runFixture({ script: APP, args: [...args, '--repo', repo], env });
    if (run.code !== 0) throw new Error(`app.mjs ${args.join(' ')} exited ${run.code}:\n${run.stderr}`);
  }
  files = readdirSync(store).sort();
}, 60_000);

afterAll(async () => {
  await embedding?.close();
  await dir?.cleanup();
});

it('real runs filled every signal of the store and rotated segments', () => {
  // A signal's active file may have just been rotated away: count files per signal instead.
  for (const signal of SIGNALS) expect(files.filter((f) => signalOf(f) === signal).length).toBeGreaterThan(0);
  expect(files.filter(isRotated).length).toBeGreaterThan(0);
  for (const file of files) expect(file).toMatch(/^(traces|metrics|logs)(-\d{15}-\d+)?\.jsonl$/);
});

describe.each(SIGNALS)('%s lines', (signal) => {
  it('each decode as an OTLP export request, with hex ids that survive the protobuf round trip', () => {
    const lines = files.filter((f) => signalOf(f) === signal).flatMap(linesOf);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const decoded = decodeStoreLine(signal, line);
      // Decoding hex as base64 (the plain proto3 JSON rule) would change every id.
      expect(idsOf(signal, decoded.message)).toEqual(decoded.ids);
      for (const id of decoded.ids) expect(id).toMatch(/^([0-9a-f]{32}|[0-9a-f]{16})$/);
    }
  });
});

it('the decoder rejects what a receiver would reject: snake_case keys, base64 ids, enum names', () => {
  const good = linesOf(files.find((f) => signalOf(f) === 'traces')!)[0]!;
  expect(() => decodeStoreLine('traces', good)).not.toThrow();
  expect(() => decodeStoreLine('traces', good.replace('"resourceSpans"', '"resource_spans"'))).toThrow(/resource_spans|resourceSpans/);
  const span = JSON.parse(good).resourceSpans[0].scopeSpans[0].spans[0];
  const base64Id = Buffer.from(span.traceId, 'hex').toString('base64');
  expect(() => decodeStoreLine('traces', good.replace(span.traceId, base64Id))).toThrow(/hex/);
  expect(() => decodeStoreLine('traces', good.replace(`"kind":${span.kind}`, '"kind":"SPAN_KIND_INTERNAL"'))).toThrow(/integers/);
  expect(() => decodeStoreLine('metrics', good)).toThrow(/resourceMetrics/);
});

it('memory operations are in the store: create_memory and search_memory spans', () => {
  const names = new Set<string>();
  for (const line of files.filter((f) => signalOf(f) === 'traces').flatMap(linesOf)) {
    for (const rs of JSON.parse(line).resourceSpans)
      for (const ss of rs.scopeSpans)
        for (const span of ss.spans)
          for (const a of span.attributes) if (a.key === 'gen_ai.operation.name') names.add(a.value.stringValue);
  }
  expect([...names]).toEqual(expect.arrayContaining(['create_memory', 'search_memory', 'embeddings']));
});

it('counters and histograms are DELTA in the store (why the store pipeline needs deltatocumulative)', () => {
  const temporalities = new Map<string, number>();
  for (const line of files.filter((f) => signalOf(f) === 'metrics').flatMap(linesOf)) {
    for (const rm of JSON.parse(line).resourceMetrics)
      for (const sm of rm.scopeMetrics)
        for (const metric of sm.metrics) {
          const data = metric.sum ?? metric.histogram;
          if (data && metric.name.startsWith('memotel.')) temporalities.set(metric.name, data.aggregationTemporality);
        }
  }
  expect(temporalities.get('memotel.memory.operation.duration')).toBe(1); // AGGREGATION_TEMPORALITY_DELTA
  expect(temporalities.get('memotel.memory.captures')).toBe(1);
  expect(new Set(temporalities.values())).toEqual(new Set([1]));
  const config = readCollectorConfig('collector.yaml');
  expect(config.service.pipelines['metrics/store']!.processors).toContain('deltatocumulative');
});

describe.each(['collector.yaml', 'agent.yaml'])('the otlp_json_file include globs of %s', (configFile) => {
  const config = readCollectorConfig(configFile);
  it.each(SIGNALS)('match every %s file of a real store and no other', (signal) => {
    const include = (config.receivers![`otlp_json_file/${signal}`] as { include: string[] }).include;
    const patterns = include.map((glob) => globToRegExp(glob.replace('${env:MEMOTEL_STORE_DIR}', store)));
    const matched = files.filter((file) => patterns.some((p) => p.test(join(store, file))));
    expect(matched).toEqual(files.filter((file) => signalOf(file) === signal));
    expect(matched.length).toBeGreaterThan(0);
  });
});

/** The collector's glob syntax for what these configs use: `*` is any run of non-separators. */
function globToRegExp(glob: string): RegExp {
  if (/[?[\]{}]/.test(glob.replace(store, ''))) throw new Error(`glob ${glob} uses syntax this test does not translate`);
  const source = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${source}$`);
}
