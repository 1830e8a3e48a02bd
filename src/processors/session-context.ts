// Where a span or log record finds its session: the raw id the app declared, or one that
// arrived in W3C baggage (raw, or already pseudonymised by an upstream memotel).
import { context, propagation, type Context } from '@opentelemetry/api';

/** Symbol.for, not createContextKey: several bundled copies of memotel must agree on the key. */
const RAW_SESSION_ID_KEY = Symbol.for('memotel.session.raw-id');

/** The baggage entry memotel reads (and sanitises on the way out). */
export const SESSION_ID_BAGGAGE_KEY = 'session.id';
/** Baggage property marking a session.id value that is already the keyed hash. */
export const HASHED_SESSION_PROPERTY = 'memotel-hashed';

const HASHED_VALUE = /^[0-9a-f]{32}$/;

/** Runs `fn` with `rawId` as the session of every span and log record created inside it. */
export function withSession<T>(rawId: string, fn: () => T): T {
  return context.with(context.active().setValue(RAW_SESSION_ID_KEY, rawId), fn);
}

/** The raw session id set by withSession, else an unhashed `session.id` baggage entry. */
export function currentRawSessionId(ctx: Context = context.active()): string | undefined {
  const identity = sessionIdentity(ctx);
  return identity && 'raw' in identity ? identity.raw : undefined;
}

export type SessionIdentity = { raw: string } | { hashed: string };

/** Resolution order: withSession, then baggage `session.id`. The constructor fallback is the caller's. */
export function sessionIdentity(ctx: Context): SessionIdentity | undefined {
  const declared = ctx.getValue(RAW_SESSION_ID_KEY);
  if (typeof declared === 'string' && declared !== '') return { raw: declared };
  return baggageSessionIdentity(ctx);
}

/** The `session.id` baggage entry of ctx: already hashed (marked and well-formed) or raw. */
export function baggageSessionIdentity(ctx: Context): SessionIdentity | undefined {
  const entry = propagation.getBaggage(ctx)?.getEntry(SESSION_ID_BAGGAGE_KEY);
  if (!entry || entry.value === '') return undefined;
  if (isMarkedHashed(entry.metadata?.toString()) && HASHED_VALUE.test(entry.value)) return { hashed: entry.value };
  return { raw: entry.value };
}

function isMarkedHashed(metadata: string | undefined): boolean {
  if (!metadata) return false;
  return metadata.split(';').some((property) => property.trim() === HASHED_SESSION_PROPERTY);
}
