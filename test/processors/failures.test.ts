import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { FailureSpanProcessor } from '../../src/processors/index.js';
import { setupTelemetry, spanNamed } from '../instrumentation/helpers.js';

const telemetry = setupTelemetry({ spanProcessors: [new FailureSpanProcessor()] });
const tracer = trace.getTracer('app');
const statusOf = (name: string) => spanNamed(telemetry.spans.getFinishedSpans(), name).status;

beforeEach(() => telemetry.reset());
afterAll(() => telemetry.shutdown());

test('an exception recorded without setStatus makes the span ERROR with the exception message', () => {
  const span = tracer.startSpan('forgot status');
  span.recordException(new Error('disk full'));
  span.end();
  expect(statusOf('forgot status')).toEqual({ code: SpanStatusCode.ERROR, message: 'disk full' });
});

test('error.type without status makes the span ERROR', () => {
  tracer.startSpan('typed', { attributes: { 'error.type': 'timeout' } }).end();
  expect(statusOf('typed').code).toBe(SpanStatusCode.ERROR);
});

test('a handled (silent-failure) exception event alone leaves the span UNSET', () => {
  const span = tracer.startSpan('degraded');
  span.addEvent('exception', { 'exception.type': 'MEMOTEL_ERR_EMBEDDING_FAILED', 'memotel.silent_failure': true });
  span.setAttribute('memotel.memory.degraded', true);
  span.end();
  expect(statusOf('degraded').code).toBe(SpanStatusCode.UNSET);
});

test('a span with both a handled and an unhandled exception is ERROR', () => {
  const span = tracer.startSpan('both');
  span.addEvent('exception', { 'exception.type': 'x', 'memotel.silent_failure': true });
  span.recordException(new Error('real failure'));
  span.end();
  expect(statusOf('both')).toEqual({ code: SpanStatusCode.ERROR, message: 'real failure' });
});

test('statuses set by the code are kept, clean spans stay UNSET', () => {
  const ok = tracer.startSpan('ok');
  ok.recordException(new Error('retried'));
  ok.setStatus({ code: SpanStatusCode.OK });
  ok.end();
  const error = tracer.startSpan('own message');
  error.recordException(new Error('low level'));
  error.setStatus({ code: SpanStatusCode.ERROR, message: 'high level' });
  error.end();
  tracer.startSpan('clean').end();
  expect(statusOf('ok').code).toBe(SpanStatusCode.OK);
  expect(statusOf('own message')).toEqual({ code: SpanStatusCode.ERROR, message: 'high level' });
  expect(statusOf('clean').code).toBe(SpanStatusCode.UNSET);
});

test('an HTTP server span answering 4xx keeps UNSET despite error.type, as the HTTP conventions require', () => {
  tracer.startSpan('GET /x', { kind: SpanKind.SERVER, attributes: { 'http.response.status_code': 404, 'error.type': '404' } }).end();
  tracer.startSpan('GET /y', { kind: SpanKind.SERVER, attributes: { 'http.response.status_code': 503, 'error.type': '503' } }).end();
  expect(statusOf('GET /x').code).toBe(SpanStatusCode.UNSET);
  expect(statusOf('GET /y').code).toBe(SpanStatusCode.ERROR);
});
