import { baggageEntryMetadataFromString, context, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { randomBytes } from 'node:crypto';
import { traced } from '../../src/memory/channels.js';
import { RecallInstrumentation } from '../../src/instrumentation/index.js';
import {
  currentRawSessionId,
  SessionIdHasher,
  SessionLogRecordProcessor,
  SessionSpanProcessor,
  withSession,
} from '../../src/processors/index.js';
import { allAttributeValues, setupTelemetry, spanNamed } from '../instrumentation/helpers.js';

const KEY = randomBytes(32);
const RAW = 'sess-7f3e-alice@example.com';
const FALLBACK = 'fallback-session-from-env';

const telemetry = setupTelemetry({
  spanProcessors: [new SessionSpanProcessor({ key: KEY, fallbackSessionId: FALLBACK })],
  logRecordProcessors: [new SessionLogRecordProcessor({ key: KEY, fallbackSessionId: FALLBACK })],
});
const recall = new RecallInstrumentation();
telemetry.use(recall);
const tracer = trace.getTracer('app');
const hash = (raw: string, key = KEY): string => new SessionIdHasher(key).hash(raw);

beforeEach(() => telemetry.reset());
afterAll(async () => {
  recall.disable();
  await telemetry.shutdown();
});

test('the hash is 32 hex characters, stable for one key and different across keys', () => {
  expect(hash(RAW)).toMatch(/^[0-9a-f]{32}$/);
  expect(hash(RAW)).toBe(new SessionIdHasher(Buffer.from(KEY)).hash(RAW));
  expect(hash(RAW, randomBytes(32))).not.toBe(hash(RAW));
  expect(hash('other')).not.toBe(hash(RAW));
});

test('withSession puts the hashed id on app and memotel spans and log records, never the raw id', async () => {
  await withSession(RAW, async () => {
    expect(currentRawSessionId()).toBe(RAW);
    await traced('recall', () => ({ operation: 'search', repo: '/r' }), async () => {
      tracer.startSpan('app span').end();
      logs.getLogger('app').emit({ body: 'hello' });
    });
  });
  const spans = telemetry.spans.getFinishedSpans();
  expect(spanNamed(spans, 'search_memory').attributes['session.id']).toBe(hash(RAW));
  expect(spanNamed(spans, 'app span').attributes['session.id']).toBe(hash(RAW));
  const [record] = telemetry.logs.getFinishedLogRecords();
  expect(record!.attributes['session.id']).toBe(hash(RAW));
  expect(allAttributeValues(spans)).not.toContain(RAW);
  expect(JSON.stringify(record!.attributes)).not.toContain(RAW);
});

test('resolution order: withSession, then baggage session.id, then the fallback', () => {
  const bag = propagation.createBaggage({ 'session.id': { value: 'from-baggage' } });
  const withBaggage = propagation.setBaggage(context.active(), bag);
  context.with(withBaggage, () => {
    tracer.startSpan('baggage').end();
    withSession(RAW, () => tracer.startSpan('declared').end());
  });
  tracer.startSpan('nothing').end();
  const spans = telemetry.spans.getFinishedSpans();
  expect(spanNamed(spans, 'declared').attributes['session.id']).toBe(hash(RAW));
  expect(spanNamed(spans, 'baggage').attributes['session.id']).toBe(hash('from-baggage'));
  expect(spanNamed(spans, 'nothing').attributes['session.id']).toBe(hash(FALLBACK));
});

test('baggage already hashed by an upstream memotel is used as is; a malformed "hashed" value is hashed', () => {
  const upstream = hash('upstream-raw', randomBytes(32));
  const marked = (value: string) =>
    propagation.setBaggage(
      context.active(),
      propagation.createBaggage({ 'session.id': { value, metadata: baggageEntryMetadataFromString('memotel-hashed') } }),
    );
  context.with(marked(upstream), () => tracer.startSpan('pre-hashed').end());
  context.with(marked('not-a-hash'), () => tracer.startSpan('fake-marker').end());
  const spans = telemetry.spans.getFinishedSpans();
  expect(spanNamed(spans, 'pre-hashed').attributes['session.id']).toBe(upstream);
  expect(spanNamed(spans, 'fake-marker').attributes['session.id']).toBe(hash('not-a-hash'));
});

test('a raw session.id set on the span after start is hashed before export', () => {
  const span = tracer.startSpan('late');
  span.setAttribute('session.id', 'raw-set-by-app');
  span.end();
  expect(spanNamed(telemetry.spans.getFinishedSpans(), 'late').attributes['session.id']).toBe(hash('raw-set-by-app'));
});

test('without a key, a processor cannot be made', () => {
  expect(() => new SessionSpanProcessor({ key: Buffer.alloc(4) })).toThrow(/at least 16 bytes/);
});
