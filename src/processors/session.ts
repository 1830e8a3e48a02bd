// session.id on every span and log record: always the keyed hash, never the raw id.
import { type Context, context as contextApi } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { LogRecordProcessor, SdkLogRecord } from '@opentelemetry/sdk-logs';
import { ATTR_SESSION_ID } from '../instrumentation/semconv.js';
import { sessionIdentity } from './session-context.js';
import { SessionIdHasher } from './session-key.js';

export interface SessionProcessorOptions {
  /** The HMAC key, from loadSessionKey(). */
  key: Buffer;
  /** The raw id used when neither withSession nor baggage names one (the register passes MEMOTEL_SESSION_ID). */
  fallbackSessionId?: string;
}

/** Resolves and hashes the session of a context: withSession, then baggage, then the fallback. */
class SessionResolver {
  readonly #hasher: SessionIdHasher;
  readonly #fallback: string | undefined;

  constructor({ key, fallbackSessionId }: SessionProcessorOptions) {
    this.#hasher = new SessionIdHasher(key);
    this.#fallback = fallbackSessionId || undefined;
  }

  hashedSessionOf(ctx: Context): string | undefined {
    const identity = sessionIdentity(ctx);
    if (identity && 'hashed' in identity) return identity.hashed;
    const raw = identity?.raw ?? this.#fallback;
    return raw === undefined ? undefined : this.#hasher.hash(raw);
  }

  hash(raw: string): string {
    return this.#hasher.hash(raw);
  }
}

export class SessionSpanProcessor implements SpanProcessor {
  readonly #resolver: SessionResolver;
  readonly #assigned = new WeakMap<Span, string>();

  constructor(options: SessionProcessorOptions) {
    this.#resolver = new SessionResolver(options);
  }

  onStart(span: Span, parentContext: Context): void {
    const hashed = this.#resolver.hashedSessionOf(parentContext);
    if (hashed === undefined) return;
    span.setAttribute(ATTR_SESSION_ID, hashed);
    this.#assigned.set(span, hashed);
  }

  // Code that sets session.id itself after start (an app, another instrumentation) would put a raw
  // id on the span: hash whatever is there if it is not the value assigned at start.
  onEnding(span: Span): void {
    const current = span.attributes[ATTR_SESSION_ID];
    if (typeof current === 'string' && current !== this.#assigned.get(span)) {
      span.setAttribute(ATTR_SESSION_ID, this.#resolver.hash(current));
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export class SessionLogRecordProcessor implements LogRecordProcessor {
  readonly #resolver: SessionResolver;

  constructor(options: SessionProcessorOptions) {
    this.#resolver = new SessionResolver(options);
  }

  onEmit(record: SdkLogRecord, ctx?: Context): void {
    const hashed = this.#resolver.hashedSessionOf(ctx ?? contextApi.active());
    const current = record.attributes[ATTR_SESSION_ID];
    if (hashed !== undefined) record.setAttribute(ATTR_SESSION_ID, hashed);
    // A raw id logged as an attribute by the app is hashed too.
    else if (typeof current === 'string') record.setAttribute(ATTR_SESSION_ID, this.#resolver.hash(current));
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
