import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { reportSilentFailure, traced, type CaptureContext } from '../../src/memory/channels.js';
import { MemotelError } from '../../src/memory/errors.js';
import {
  CaptureInstrumentation,
  EmbeddingInstrumentation,
  GitInstrumentation,
  IndexInstrumentation,
} from '../../src/instrumentation/index.js';
import { FailureSpanProcessor } from '../../src/processors/failures.js';
import { SilentFailureRecorder } from '../../src/processors/silent-failures.js';
import { allAttributeValues, isChildOf, pointWith, setupTelemetry, spanNamed } from './helpers.js';

const telemetry = setupTelemetry({ spanProcessors: [new FailureSpanProcessor()] });
const capture = new CaptureInstrumentation();
const git = new GitInstrumentation();
const embedding = new EmbeddingInstrumentation();
const index = new IndexInstrumentation();
telemetry.use(capture, git, embedding, index);
const recorder = new SilentFailureRecorder({ meterProvider: telemetry.meterProvider, loggerProvider: telemetry.loggerProvider }).start();

const SECRET_CONTENT = 'the deploy key lives in vault path kv/deploy';
const SECRET_SUMMARY = 'where the deploy key lives';

function captureMessage(): CaptureContext {
  return {
    operation: 'capture',
    namespace: 'decisions',
    notesRef: 'refs/notes/mem/decisions',
    repo: '/tmp/some/repo',
    summary: SECRET_SUMMARY,
    content: SECRET_CONTENT,
    contentBytes: Buffer.byteLength(SECRET_CONTENT),
  };
}

/** A capture shaped like the real service: git, embedding and index calls nested inside. */
async function runCapture(options: { embedFails?: boolean; fail?: unknown } = {}): Promise<void> {
  await traced('capture', captureMessage, async (ctx) => {
    await traced('git', () => ({ subcommand: 'rev-parse', args: ['rev-parse', 'HEAD'], cwd: '/tmp/some/repo' }), async (g) => {
      g!.exitCode = 0;
    });
    if (options.fail) throw options.fail;
    let vector = true;
    try {
      await traced(
        'embedding',
        () => ({ operation: 'embed', provider: 'memotel-local', model: 'mini', local: true, inputCount: 1 }),
        async (e) => {
          if (options.embedFails) throw new MemotelError('MEMOTEL_ERR_EMBEDDING_FAILED', 'model file missing');
          e!.dimensions = 384;
        },
      );
    } catch (error) {
      vector = false;
      reportSilentFailure('capture.embed', error, 'stored without index');
    }
    await traced(
      'git',
      () => ({ subcommand: 'notes', args: ['notes', '--ref', 'refs/notes/mem/decisions', 'add'], cwd: '/tmp/some/repo', notesRef: 'refs/notes/mem/decisions' }),
      async (g) => {
        g!.exitCode = 0;
      },
    );
    if (vector) {
      await traced('index', () => ({ operation: 'insert', repo: '/tmp/some/repo', namespace: 'decisions' }), async (i) => {
        i!.resultCount = 1;
        i!.recordCount = 7;
      });
    }
    // Something the app does inside the operation (e.g. a hook) must nest too.
    trace.getTracer('app').startActiveSpan('app work', (span) => span.end());
    ctx!.id = 'decisions:abc1234:0';
    ctx!.commit = 'abc1234';
    ctx!.indexed = vector;
  });
}

beforeEach(() => telemetry.reset());
afterAll(async () => {
  recorder.stop();
  for (const i of [capture, git, embedding, index]) i.disable();
  await telemetry.shutdown();
});

test('a capture is one create_memory span with git, embedding, index and app spans as children', async () => {
  await trace.getTracer('app').startActiveSpan('request', async (request) => {
    await runCapture();
    request.end();
  });
  const spans = telemetry.spans.getFinishedSpans();
  const root = spanNamed(spans, 'request');
  const span = spanNamed(spans, 'create_memory');
  expect(isChildOf(span, root)).toBe(true);
  expect(span.kind).toBe(SpanKind.INTERNAL);
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
  expect(span.instrumentationScope.name).toBe('memotel/instrumentation-capture');
  expect(span.attributes).toMatchObject({
    'gen_ai.operation.name': 'create_memory',
    'gen_ai.memory.store.id': 'refs/notes/mem/decisions',
    'gen_ai.memory.record.id': 'decisions:abc1234:0',
    'gen_ai.memory.record.count': 1,
    'memotel.memory.namespace': 'decisions',
    'memotel.memory.operation': 'capture',
    'memotel.memory.indexed': true,
    'memotel.memory.content.size': Buffer.byteLength(SECRET_CONTENT),
  });
  expect(span.attributes['memotel.memory.degraded']).toBeUndefined();
  for (const name of ['git rev-parse', 'git notes', 'embeddings mini', 'index insert', 'app work']) {
    expect(isChildOf(spanNamed(spans, name), span)).toBe(true);
  }
});

test('content is not recorded by default', async () => {
  await runCapture();
  const text = allAttributeValues(telemetry.spans.getFinishedSpans());
  expect(text).not.toContain(SECRET_CONTENT);
  expect(text).not.toContain(SECRET_SUMMARY);
  expect(spanNamed(telemetry.spans.getFinishedSpans(), 'create_memory').attributes['gen_ai.memory.records']).toBeUndefined();
});

test('content is recorded as gen_ai.memory.records when opted in, cut to the length limit as valid JSON', async () => {
  capture.setConfig({ captureContent: true });
  try {
    await runCapture();
    const full = JSON.parse(String(spanNamed(telemetry.spans.getFinishedSpans(), 'create_memory').attributes['gen_ai.memory.records']));
    expect(full).toEqual([{ content: SECRET_CONTENT, id: 'decisions:abc1234:0', metadata: { summary: SECRET_SUMMARY } }]);

    telemetry.reset();
    capture.setConfig({ captureContent: true, attributeValueLengthLimit: 120 });
    await runCapture();
    const cut = String(spanNamed(telemetry.spans.getFinishedSpans(), 'create_memory').attributes['gen_ai.memory.records']);
    expect(cut.length).toBeLessThanOrEqual(120);
    const parsed = JSON.parse(cut) as Array<{ content: string }>;
    expect(SECRET_CONTENT.startsWith(parsed[0]!.content)).toBe(true);
    expect(parsed[0]!.content.length).toBeLessThan(SECRET_CONTENT.length);
  } finally {
    capture.setConfig({});
  }
});

test('a failed capture is ERROR with the error code as error.type and an exception event; the error reaches the caller unchanged', async () => {
  const error = new MemotelError('MEMOTEL_ERR_NOT_A_REPO', '/tmp/x is not a git repository: run git init');
  await expect(runCapture({ fail: error })).rejects.toBe(error);
  const span = spanNamed(telemetry.spans.getFinishedSpans(), 'create_memory');
  expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message });
  expect(span.attributes['error.type']).toBe('MEMOTEL_ERR_NOT_A_REPO');
  expect(span.attributes['gen_ai.memory.record.id']).toBeUndefined();
  expect(span.events.map((e) => [e.name, e.attributes?.['exception.type']])).toEqual([['exception', 'MEMOTEL_ERR_NOT_A_REPO']]);

  const duration = await telemetry.metric('memotel.memory.operation.duration');
  expect(pointWith(duration, { 'memotel.outcome': 'error', 'error.type': 'MEMOTEL_ERR_NOT_A_REPO' })).toBeDefined();
});

test('error.type falls back to the class name, then _OTHER', async () => {
  await expect(runCapture({ fail: new RangeError('bad') })).rejects.toThrow('bad');
  expect(spanNamed(telemetry.spans.getFinishedSpans(), 'create_memory').attributes['error.type']).toBe('RangeError');
  telemetry.reset();
  await expect(runCapture({ fail: 'a string' })).rejects.toBe('a string');
  const span = spanNamed(telemetry.spans.getFinishedSpans(), 'create_memory');
  expect(span.attributes['error.type']).toBe('_OTHER');
  expect(span.status.code).toBe(SpanStatusCode.ERROR);
});

test('a degraded capture stays UNSET, says degraded, keeps the swallowed error as an event and counts it', async () => {
  await runCapture({ embedFails: true });
  const spans = telemetry.spans.getFinishedSpans();
  const span = spanNamed(spans, 'create_memory');
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
  expect(span.attributes).toMatchObject({
    'memotel.memory.indexed': false,
    'memotel.memory.degraded': true,
    'memotel.silent_failure.count': 1,
  });
  const event = span.events.find((e) => e.name === 'exception');
  expect(event?.attributes).toMatchObject({
    'exception.type': 'MEMOTEL_ERR_EMBEDDING_FAILED',
    'exception.message': 'model file missing',
    'memotel.silent_failure': true,
    'memotel.silent_failure.location': 'capture.embed',
  });
  // The embedding call itself did fail.
  expect(spanNamed(spans, 'embeddings mini').status.code).toBe(SpanStatusCode.ERROR);

  const failures = await telemetry.metric('memotel.silent_failures');
  expect(pointWith(failures, { 'memotel.silent_failure.location': 'capture.embed' })?.value).toBeGreaterThanOrEqual(1);
  const captures = await telemetry.metric('memotel.memory.captures');
  expect(pointWith(captures, { 'memotel.memory.namespace': 'decisions', 'memotel.outcome': 'degraded' })?.value).toBe(1);
});

test('capture metrics: duration histogram in seconds with bounded attributes, and the captures counter', async () => {
  await runCapture();
  const [duration] = await telemetry.metric('memotel.memory.operation.duration');
  expect(duration!.descriptor.unit).toBe('s');
  const point = pointWith([duration!], { 'memotel.outcome': 'success' })!;
  expect(point.attributes).toEqual({
    'gen_ai.operation.name': 'create_memory',
    'memotel.memory.operation': 'capture',
    'memotel.memory.namespace': 'decisions',
    'memotel.outcome': 'success',
  });
  expect((point.value as Histogram).buckets.boundaries).toEqual([
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
  ]);
  const [captures] = await telemetry.metric('memotel.memory.captures');
  expect(captures!.descriptor.unit).toBe('{memory}');
  expect(pointWith([captures!], { 'memotel.outcome': 'success' })?.attributes).toEqual({
    'memotel.memory.namespace': 'decisions',
    'memotel.outcome': 'success',
  });
});

test('an unknown namespace is _other on metrics but kept on the span', async () => {
  await traced('capture', () => ({ ...captureMessage(), namespace: 'user-1234', notesRef: 'refs/notes/mem/user-1234' }), async (ctx) => {
    ctx!.id = 'x';
    ctx!.indexed = true;
  });
  expect(spanNamed(telemetry.spans.getFinishedSpans(), 'create_memory').attributes['memotel.memory.namespace']).toBe('user-1234');
  const captures = await telemetry.metric('memotel.memory.captures');
  expect(pointWith(captures, { 'memotel.memory.namespace': '_other' })).toBeDefined();
  expect(pointWith(captures, { 'memotel.memory.namespace': 'user-1234' })).toBeUndefined();
});
