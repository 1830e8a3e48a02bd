import { context, defaultTextMapGetter, defaultTextMapSetter, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { randomBytes } from 'node:crypto';
import { SessionIdHasher, SessionSafeBaggagePropagator, withSession } from '../../src/processors/index.js';
import { baggageSessionIdentity } from '../../src/processors/session-context.js';

const KEY = randomBytes(32);
const RAW = 'raw-session-42';

function contextWithBaggage(entries: Record<string, string>) {
  const bag = propagation.createBaggage(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, { value: v }])));
  return propagation.setBaggage(ROOT_CONTEXT, bag);
}

function inject(propagator: SessionSafeBaggagePropagator, ctx = contextWithBaggage({ 'session.id': RAW, tenant: 'acme' })) {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, defaultTextMapSetter);
  return carrier;
}

test('with a key, the raw session.id in outbound baggage is replaced by its marked hash; other entries stay', () => {
  const carrier = inject(new SessionSafeBaggagePropagator(new W3CBaggagePropagator(), { key: KEY }));
  expect(carrier.baggage).not.toContain(RAW);
  expect(carrier.baggage).toContain('tenant=acme');
  expect(carrier.baggage).toContain(`session.id=${new SessionIdHasher(KEY).hash(RAW)};memotel-hashed`);

  // Downstream, the marked hash is recognised and used as is.
  const extracted = new W3CBaggagePropagator().extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
  expect(baggageSessionIdentity(extracted)).toEqual({ hashed: new SessionIdHasher(KEY).hash(RAW) });
});

test('without a key, session.id is removed from outbound baggage', () => {
  const carrier = inject(new SessionSafeBaggagePropagator(new W3CBaggagePropagator()));
  expect(carrier.baggage).toBe('tenant=acme');
});

test('wrapping a composite propagator sanitises baggage for every inner propagator and keeps their fields', () => {
  const composite = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
  const safe = new SessionSafeBaggagePropagator(composite, { key: KEY });
  expect(safe.fields().sort()).toEqual(composite.fields().sort());
  const carrier = inject(safe);
  expect(JSON.stringify(carrier)).not.toContain(RAW);
});

test('a withSession id is local: it is not added to outbound baggage, and the caller context is not modified', () => {
  const propagator = new SessionSafeBaggagePropagator(new W3CBaggagePropagator(), { key: KEY });
  const carrier = withSession(RAW, () => {
    const c: Record<string, string> = {};
    propagator.inject(context.active(), c, defaultTextMapSetter);
    return c;
  });
  expect(carrier.baggage).toBeUndefined();
  const ctx = contextWithBaggage({ 'session.id': RAW });
  inject(propagator, ctx);
  expect(propagation.getBaggage(ctx)?.getEntry('session.id')?.value).toBe(RAW);
});

test('extract is the inner propagator unchanged (inbound raw ids are hashed by the processors)', () => {
  const propagator = new SessionSafeBaggagePropagator(new W3CBaggagePropagator(), { key: KEY });
  const ctx = propagator.extract(ROOT_CONTEXT, { baggage: `session.id=${RAW}` }, defaultTextMapGetter);
  expect(baggageSessionIdentity(ctx)).toEqual({ raw: RAW });
});
