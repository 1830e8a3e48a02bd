import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { traced, type RecallContext } from '../../src/memory/channels.js';
import { MemotelError } from '../../src/memory/errors.js';
import { EmbeddingInstrumentation, IndexInstrumentation, RecallInstrumentation } from '../../src/instrumentation/index.js';
import { allAttributeValues, isChildOf, pointWith, setupTelemetry, spanNamed } from './helpers.js';

const telemetry = setupTelemetry();
const recall = new RecallInstrumentation();
const embedding = new EmbeddingInstrumentation();
const index = new IndexInstrumentation();
telemetry.use(recall, embedding, index);

const QUERY = 'how do we rotate the staging database password';
const RESULTS = [
  { id: 'decisions:abc:0', namespace: 'decisions', score: 0.91, summary: 'rotate via the vault job' },
  { id: 'learnings:def:2', namespace: 'learnings', score: 0.72, summary: 'staging password lives in vault' },
];

async function search(message: Partial<RecallContext> = {}): Promise<void> {
  await traced('recall', () => ({ operation: 'search', repo: '/r', query: QUERY, k: 5, minSimilarity: 0.3, ...message }), async (ctx) => {
    await traced('embedding', () => ({ operation: 'embed', provider: 'memotel-local', model: 'mini', local: true, inputCount: 1 }), async () => {});
    await traced('index', () => ({ operation: 'search', repo: '/r', k: 5 }), async (i) => {
      i!.resultCount = 2;
    });
    ctx!.resultCount = RESULTS.length;
    ctx!.results = RESULTS;
  });
}

beforeEach(() => telemetry.reset());
afterAll(async () => {
  for (const i of [recall, embedding, index]) i.disable();
  await telemetry.shutdown();
});

test('a search is a search_memory span with embedding and index children', async () => {
  await search();
  const spans = telemetry.spans.getFinishedSpans();
  const span = spanNamed(spans, 'search_memory');
  expect(span.kind).toBe(SpanKind.INTERNAL);
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
  expect(span.attributes).toEqual({
    'gen_ai.operation.name': 'search_memory',
    'memotel.memory.operation': 'search',
    'gen_ai.request.top_k': 5,
    'memotel.recall.min_similarity': 0.3,
    'gen_ai.memory.record.count': 2,
  });
  expect(isChildOf(spanNamed(spans, 'embeddings mini'), span)).toBe(true);
  expect(isChildOf(spanNamed(spans, 'index search'), span)).toBe(true);
  expect(allAttributeValues(spans)).not.toContain('vault');
});

test('query and returned records are recorded only when opted in', async () => {
  recall.setConfig({ captureContent: true, attributeValueLengthLimit: 20 });
  try {
    await search();
    const span = spanNamed(telemetry.spans.getFinishedSpans(), 'search_memory');
    expect(span.attributes['gen_ai.memory.query.text']).toBe(QUERY.slice(0, 20));
    recall.setConfig({ captureContent: true });
    telemetry.reset();
    await search();
    const records = JSON.parse(String(spanNamed(telemetry.spans.getFinishedSpans(), 'search_memory').attributes['gen_ai.memory.records']));
    expect(records).toEqual([
      { content: 'rotate via the vault job', id: 'decisions:abc:0', score: 0.91, metadata: { namespace: 'decisions' } },
      { content: 'staging password lives in vault', id: 'learnings:def:2', score: 0.72, metadata: { namespace: 'learnings' } },
    ]);
  } finally {
    recall.setConfig({});
  }
});

test('get is a search_memory span targeting one record; reindex is memotel.reindex', async () => {
  await traced('recall', () => ({ operation: 'get', repo: '/r', id: 'decisions:abc:0' }), async (ctx) => {
    ctx!.resultCount = 1;
  });
  await traced('recall', () => ({ operation: 'reindex', repo: '/r' }), async (ctx) => {
    ctx!.resultCount = 12;
  });
  const spans = telemetry.spans.getFinishedSpans();
  expect(spanNamed(spans, 'search_memory').attributes).toMatchObject({
    'gen_ai.operation.name': 'search_memory',
    'memotel.memory.operation': 'get',
    'gen_ai.memory.record.id': 'decisions:abc:0',
    'gen_ai.memory.record.count': 1,
  });
  const reindex = spanNamed(spans, 'memotel.reindex');
  expect(reindex.attributes['gen_ai.operation.name']).toBeUndefined();
  expect(reindex.attributes).toMatchObject({ 'memotel.memory.operation': 'reindex', 'gen_ai.memory.record.count': 12 });
});

test('a failed get is ERROR with the code as error.type', async () => {
  const error = new MemotelError('MEMOTEL_ERR_NOT_FOUND', 'No memory decisions:zzz:0: list memories with recall.');
  await expect(traced('recall', () => ({ operation: 'get', repo: '/r', id: 'decisions:zzz:0' }), async () => { throw error; })).rejects.toBe(error);
  const span = spanNamed(telemetry.spans.getFinishedSpans(), 'search_memory');
  expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message });
  expect(span.attributes['error.type']).toBe('MEMOTEL_ERR_NOT_FOUND');
  const duration = await telemetry.metric('memotel.memory.operation.duration');
  expect(pointWith(duration, { 'memotel.memory.operation': 'get', 'memotel.outcome': 'error' })?.attributes).toEqual({
    'gen_ai.operation.name': 'search_memory',
    'memotel.memory.operation': 'get',
    'memotel.memory.namespace': '_all',
    'memotel.outcome': 'error',
    'error.type': 'MEMOTEL_ERR_NOT_FOUND',
  });
});

test('recall metrics: results counted by namespace searched (_all when none), reindex not counted as results', async () => {
  const before = (await telemetry.metric('memotel.memory.recall.results'));
  const base = Number(pointWith(before, { 'memotel.memory.namespace': '_all' })?.value ?? 0);
  await search();
  await search({ namespace: 'decisions' });
  await traced('recall', () => ({ operation: 'reindex', repo: '/r' }), async (ctx) => {
    ctx!.resultCount = 100;
  });
  const results = await telemetry.metric('memotel.memory.recall.results');
  expect(results[0]!.descriptor.unit).toBe('{memory}');
  expect(pointWith(results, { 'memotel.memory.namespace': '_all' })?.value).toBe(base + 2);
  expect(pointWith(results, { 'memotel.memory.namespace': 'decisions' })?.value).toBe(2);
  const duration = await telemetry.metric('memotel.memory.operation.duration');
  expect(pointWith(duration, { 'memotel.memory.operation': 'reindex' })?.attributes).toEqual({
    'memotel.memory.operation': 'reindex',
    'memotel.memory.namespace': '_all',
    'memotel.outcome': 'success',
  });
});
