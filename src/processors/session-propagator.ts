// Outbound baggage must never carry a raw session id: this decorator sanitises the
// `session.id` entry before any propagator (W3C baggage or a composite) writes it.
import {
  baggageEntryMetadataFromString,
  propagation,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { baggageSessionIdentity, HASHED_SESSION_PROPERTY, SESSION_ID_BAGGAGE_KEY } from './session-context.js';
import { SessionIdHasher } from './session-key.js';

export interface SessionSafeBaggageOptions {
  /**
   * The HMAC key (loadSessionKey()). Given: the entry is replaced by its hash, marked with the
   * `memotel-hashed` property so a downstream memotel uses it as is and the session stays one
   * across services. Omitted: the entry is removed.
   */
  key?: Buffer;
}

export class SessionSafeBaggagePropagator implements TextMapPropagator {
  readonly #inner: TextMapPropagator;
  readonly #hasher: SessionIdHasher | undefined;

  constructor(inner: TextMapPropagator, options: SessionSafeBaggageOptions = {}) {
    this.#inner = inner;
    this.#hasher = options.key ? new SessionIdHasher(options.key) : undefined;
  }

  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    this.#inner.inject(this.#sanitised(ctx), carrier, setter);
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    return this.#inner.extract(ctx, carrier, getter);
  }

  fields(): string[] {
    return this.#inner.fields();
  }

  #sanitised(ctx: Context): Context {
    const baggage = propagation.getBaggage(ctx);
    if (!baggage?.getEntry(SESSION_ID_BAGGAGE_KEY)) return ctx;
    // Only the baggage entry matters: a withSession id is local and is never propagated.
    const identity = baggageSessionIdentity(ctx);
    if (identity && 'hashed' in identity) return ctx;
    if (!this.#hasher || !identity) return propagation.setBaggage(ctx, baggage.removeEntry(SESSION_ID_BAGGAGE_KEY));
    const hashed = this.#hasher.hash(identity.raw);
    return propagation.setBaggage(
      ctx,
      baggage.setEntry(SESSION_ID_BAGGAGE_KEY, { value: hashed, metadata: baggageEntryMetadataFromString(HASHED_SESSION_PROPERTY) }),
    );
  }
}
