import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { traced, type EmbeddingContext } from '../../src/memory/channels.js';
import { MemotelError } from '../../src/memory/errors.js';
import { EmbeddingInstrumentation } from '../../src/instrumentation/index.js';
import { pointWith, setupTelemetry, spanNamed } from './helpers.js';

/** What a sampler or processor sees when the span starts. */
const atStart: Attributes[] = [];
const startRecorder: SpanProcessor = {
  onStart: (span: Span) => void atStart.push({ ...span.attributes }),
  onEnd: () => {},
  forceFlush: async () => {},
  shutdown: async () => {},
};

const telemetry = setupTelemetry({ spanProcessors: [startRecorder] });
const embedding = new EmbeddingInstrumentation();
telemetry.use(embedding);

const REMOTE: EmbeddingContext = {
  operation: 'embed',
  provider: 'openai-compatible',
  model: 'text-embedding-3-small',
  local: false,
  inputCount: 3,
  serverAddress: '127.0.0.1',
  serverPort: 11434,
};

beforeEach(() => {
  telemetry.reset();
  atStart.length = 0;
});
afterAll(async () => {
  embedding.disable();
  await telemetry.shutdown();
});

test('a remote embedding is a CLIENT span named after the model, with model and server attributes set at start', async () => {
  await traced('embedding', () => ({ ...REMOTE }), async (ctx) => {
    ctx!.dimensions = 1536;
    ctx!.inputTokens = 42;
    ctx!.attempts = 2;
  });
  const span = spanNamed(telemetry.spans.getFinishedSpans(), 'embeddings text-embedding-3-small');
  expect(span.kind).toBe(SpanKind.CLIENT);
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
  expect(atStart[0]).toEqual({
    'gen_ai.operation.name': 'embeddings',
    'gen_ai.provider.name': 'openai-compatible',
    'gen_ai.request.model': 'text-embedding-3-small',
    'memotel.embedding.local': false,
    'memotel.embedding.input.count': 3,
    'server.address': '127.0.0.1',
    'server.port': 11434,
  });
  expect(span.attributes).toMatchObject({
    'gen_ai.embeddings.dimension.count': 1536,
    'gen_ai.usage.input_tokens': 42,
    'memotel.embedding.attempts': 2,
  });
});

test('a local embedding is INTERNAL with no server attributes', async () => {
  await traced('embedding', () => ({ operation: 'embed', provider: 'memotel-local', model: 'mini', local: true, inputCount: 1 }), async (ctx) => {
    ctx!.dimensions = 384;
  });
  const span = spanNamed(telemetry.spans.getFinishedSpans(), 'embeddings mini');
  expect(span.kind).toBe(SpanKind.INTERNAL);
  expect(span.attributes['server.address']).toBeUndefined();
  expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
});

test('a failed embedding is ERROR with the error code', async () => {
  const error = new MemotelError('MEMOTEL_ERR_EMBEDDING_UNREACHABLE', 'Cannot reach http://127.0.0.1:11434: start the server.');
  await expect(traced('embedding', () => ({ ...REMOTE }), async () => { throw error; })).rejects.toBe(error);
  const span = spanNamed(telemetry.spans.getFinishedSpans(), 'embeddings text-embedding-3-small');
  expect(span.status.code).toBe(SpanStatusCode.ERROR);
  expect(span.attributes['error.type']).toBe('MEMOTEL_ERR_EMBEDDING_UNREACHABLE');
  const duration = await telemetry.metric('gen_ai.client.operation.duration');
  expect(pointWith(duration, { 'error.type': 'MEMOTEL_ERR_EMBEDDING_UNREACHABLE' })?.attributes).toEqual({
    'gen_ai.operation.name': 'embeddings',
    'gen_ai.provider.name': 'openai-compatible',
    'gen_ai.request.model': 'text-embedding-3-small',
    'error.type': 'MEMOTEL_ERR_EMBEDDING_UNREACHABLE',
  });
});

test('GenAI metrics: operation duration (s), token usage ({token}, input) and inputs counted', async () => {
  await traced('embedding', () => ({ ...REMOTE, model: 'metrics-model' }), async (ctx) => {
    ctx!.inputTokens = 300;
  });
  const model = { 'gen_ai.request.model': 'metrics-model' };
  const [duration] = await telemetry.metric('gen_ai.client.operation.duration');
  expect(duration!.descriptor.unit).toBe('s');
  expect(pointWith([duration!], model)?.attributes).toEqual({
    'gen_ai.operation.name': 'embeddings',
    'gen_ai.provider.name': 'openai-compatible',
    'gen_ai.request.model': 'metrics-model',
  });
  const [tokens] = await telemetry.metric('gen_ai.client.token.usage');
  expect(tokens!.descriptor.unit).toBe('{token}');
  const tokenPoint = pointWith([tokens!], model)!;
  expect(tokenPoint.attributes['gen_ai.token.type']).toBe('input');
  expect((tokenPoint.value as Histogram).sum).toBe(300);
  expect((tokenPoint.value as Histogram).buckets.boundaries[0]).toBe(1);
  const [inputs] = await telemetry.metric('memotel.embedding.inputs');
  expect(inputs!.descriptor.unit).toBe('{input}');
  expect(pointWith([inputs!], model)).toMatchObject({
    attributes: { 'gen_ai.provider.name': 'openai-compatible', 'gen_ai.request.model': 'metrics-model' },
    value: 3,
  });
});
