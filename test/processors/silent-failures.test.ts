import { SeverityNumber } from '@opentelemetry/api-logs';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { LoggerProvider } from '@opentelemetry/api-logs';
import { reportSilentFailure } from '../../src/memory/channels.js';
import { MemotelError } from '../../src/memory/errors.js';
import { FailureSpanProcessor, SilentFailureRecorder } from '../../src/processors/index.js';
import { pointWith, setupTelemetry, spanNamed } from '../instrumentation/helpers.js';

const telemetry = setupTelemetry({ spanProcessors: [new FailureSpanProcessor()] });
const recorder = new SilentFailureRecorder({ meterProvider: telemetry.meterProvider, loggerProvider: telemetry.loggerProvider });
const tracer = trace.getTracer('app');

beforeAll(() => recorder.start());
beforeEach(() => telemetry.reset());
afterAll(async () => {
  recorder.stop();
  await telemetry.shutdown();
});

test('a silent failure is an exception event on the active span, a WARN log tied to it, and a count', async () => {
  const error = new MemotelError('MEMOTEL_ERR_NOTE_UNREADABLE', 'note on abc1234 is not valid JSON');
  tracer.startActiveSpan('search', (span) => {
    reportSilentFailure('recall.note-unreadable', error, 'skipped note');
    reportSilentFailure('recall.note-unreadable', error, 'skipped note');
    span.end();
  });
  const span = spanNamed(telemetry.spans.getFinishedSpans(), 'search');
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
  expect(span.attributes['memotel.silent_failure.count']).toBe(2);
  expect(span.events).toHaveLength(2);
  expect(span.events[0]!.name).toBe('exception');
  expect(span.events[0]!.attributes).toMatchObject({
    'exception.type': 'MEMOTEL_ERR_NOTE_UNREADABLE',
    'exception.message': 'note on abc1234 is not valid JSON',
    'exception.stacktrace': expect.stringContaining('MemotelError'),
    'memotel.silent_failure': true,
    'memotel.silent_failure.location': 'recall.note-unreadable',
    'memotel.silent_failure.handling': 'skipped note',
  });

  const records = telemetry.logs.getFinishedLogRecords();
  expect(records).toHaveLength(2);
  const record = records[0]!;
  expect(record.eventName).toBe('memotel.silent_failure.exception');
  expect(record.severityNumber).toBe(SeverityNumber.WARN);
  expect(record.severityText).toBe('WARN');
  expect(record.spanContext?.spanId).toBe(span.spanContext().spanId);
  expect(record.spanContext?.traceId).toBe(span.spanContext().traceId);
  expect(record.attributes).toMatchObject({ 'exception.type': 'MEMOTEL_ERR_NOTE_UNREADABLE', 'memotel.silent_failure.location': 'recall.note-unreadable' });

  const [counter] = await telemetry.metric('memotel.silent_failures');
  expect(counter!.descriptor.unit).toBe('{failure}');
  expect(pointWith([counter!], { 'memotel.silent_failure.location': 'recall.note-unreadable' })?.value).toBe(2);
});

test('without an active span: log and count only; unknown locations are _other on the metric', async () => {
  reportSilentFailure('plugin/some/file.ts:12', 'a thrown string');
  const [record] = telemetry.logs.getFinishedLogRecords();
  expect(record!.spanContext).toBeUndefined();
  expect(record!.attributes).toMatchObject({
    'exception.type': '_OTHER',
    'exception.message': 'a thrown string',
    'memotel.silent_failure.location': 'plugin/some/file.ts:12',
  });
  const failures = await telemetry.metric('memotel.silent_failures');
  expect(pointWith(failures, { 'memotel.silent_failure.location': '_other' })?.value).toBe(1);
});

test('recording never throws into the publisher', () => {
  const broken = new SilentFailureRecorder({
    meterProvider: telemetry.meterProvider,
    loggerProvider: { getLogger: () => ({ emit: () => { throw new Error('exporter exploded'); } }) } as unknown as LoggerProvider,
  }).start();
  try {
    expect(() => reportSilentFailure('lock.release', new Error('EPERM'))).not.toThrow();
  } finally {
    broken.stop();
  }
});

test('stop() unsubscribes', () => {
  const extra = new SilentFailureRecorder({ meterProvider: telemetry.meterProvider, loggerProvider: telemetry.loggerProvider }).start();
  extra.start(); // idempotent
  reportSilentFailure('lock.release', new Error('x'));
  expect(telemetry.logs.getFinishedLogRecords()).toHaveLength(2);
  extra.stop();
  telemetry.reset();
  reportSilentFailure('lock.release', new Error('x'));
  expect(telemetry.logs.getFinishedLogRecords()).toHaveLength(1);
});
