import { SpanKind } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { traced } from '../../src/memory/channels.js';
import { IndexInstrumentation } from '../../src/instrumentation/index.js';
import { pointWith, points, setupTelemetry, spanNamed } from './helpers.js';

const telemetry = setupTelemetry();
const index = new IndexInstrumentation();
telemetry.use(index);

beforeEach(() => telemetry.reset());
afterAll(async () => {
  index.disable();
  await telemetry.shutdown();
});

test('an index operation is an INTERNAL `index {operation}` span with memotel.index.* attributes', async () => {
  await traced('index', () => ({ operation: 'search', repo: '/home/alice/r', namespace: 'decisions', k: 5 }), async (ctx) => {
    ctx!.resultCount = 3;
    ctx!.recordCount = 40;
  });
  const span = spanNamed(telemetry.spans.getFinishedSpans(), 'index search');
  expect(span.kind).toBe(SpanKind.INTERNAL);
  expect(span.attributes).toEqual({
    'memotel.index.operation': 'search',
    'memotel.memory.namespace': 'decisions',
    'memotel.index.k': 5,
    'memotel.index.result.count': 3,
    'memotel.index.record.count': 40,
  });
});

test('index metrics: duration by operation and outcome, records gauge holds the last count', async () => {
  await traced('index', () => ({ operation: 'insert', repo: '/r' }), async (ctx) => {
    ctx!.recordCount = 41;
  });
  await traced('index', () => ({ operation: 'delete', repo: '/r' }), async (ctx) => {
    ctx!.recordCount = 39;
  });
  const duration = await telemetry.metric('memotel.index.operation.duration');
  expect(duration[0]!.descriptor.unit).toBe('s');
  const insert = pointWith(duration, { 'memotel.index.operation': 'insert' })!;
  expect(insert.attributes).toEqual({ 'memotel.index.operation': 'insert', 'memotel.outcome': 'success' });
  expect((insert.value as Histogram).buckets.boundaries[0]).toBe(0.0005);
  const records = await telemetry.metric('memotel.index.records');
  expect(records[0]!.descriptor.unit).toBe('{memory}');
  expect(points(records).map((p) => p.value)).toEqual([39]);
});
