// Typed readers over an env object. Each returns the parsed value or the fallback, and
// reports a bad value through `warn` in one line: variable, value (redacted when secret),
// what was used instead. They never throw: a bad OTEL_* value must not crash the app.

export type Env = Readonly<Record<string, string | undefined>>;

export interface Reader {
  env: Env;
  warn(message: string): void;
}

/** Shown instead of a value that may be a credential. */
export const REDACTED = '[REDACTED]';

function raw(r: Reader, name: string): string | undefined {
  const value = r.env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function readString(r: Reader, name: string): string | undefined {
  return raw(r, name);
}

export function readBoolean(r: Reader, name: string, fallback: boolean): boolean {
  const value = raw(r, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  r.warn(`${name}="${value}" is not true or false; using ${fallback}`);
  return fallback;
}

export function readNumber(
  r: Reader,
  name: string,
  fallback: number,
  check: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const value = raw(r, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  const { min = -Infinity, max = Infinity, integer = false } = check;
  const ok = Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n));
  if (ok) return n;
  const range =
    (integer ? 'an integer' : 'a number') +
    (min > -Infinity && max < Infinity ? ` from ${min} to ${max}` : min > -Infinity ? ` >= ${min}` : '');
  r.warn(`${name}="${value}" is not ${range}; using ${fallback}`);
  return fallback;
}

/** An optional positive limit: unset means no limit. */
export function readOptionalInteger(r: Reader, name: string, min: number): number | undefined {
  const value = raw(r, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (Number.isInteger(n) && n >= min) return n;
  r.warn(`${name}="${value}" is not an integer >= ${min}; using no limit`);
  return undefined;
}

export function readEnum<T extends string>(r: Reader, name: string, allowed: readonly T[], fallback: T): T {
  const value = raw(r, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase() as T;
  if (allowed.includes(lower)) return lower;
  r.warn(`${name}="${value}" is not one of ${allowed.join(', ')}; using ${fallback}`);
  return fallback;
}

/** A comma list of known words; unknown words are dropped with a warning. */
export function readList<T extends string>(
  r: Reader,
  name: string,
  allowed: readonly T[],
): T[] | undefined {
  const value = raw(r, name);
  if (value === undefined) return undefined;
  const out: T[] = [];
  for (const item of value.split(',')) {
    const word = item.trim().toLowerCase();
    if (word === '') continue;
    if ((allowed as readonly string[]).includes(word)) {
      if (!out.includes(word as T)) out.push(word as T);
    } else {
      r.warn(`${name} contains unknown value "${word}" (known: ${allowed.join(', ')}); ignoring it`);
    }
  }
  return out;
}

/** A comma list of free words (instrumentation names and the like), lower-cased. */
export function readWords(r: Reader, name: string): string[] | undefined {
  const value = raw(r, name);
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w !== '');
}

/**
 * W3C-baggage-style `key=value,key2=value2` with percent-encoded values, as used by
 * OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS. A malformed entry is skipped with
 * a warning that shows the key but, for `headers`, never the value (it may be a credential);
 * header entries must also be something HTTP and gRPC can send.
 */
export function readKeyValues(r: Reader, name: string, headers: boolean): Record<string, string> {
  const value = raw(r, name);
  const out: Record<string, string> = {};
  if (value === undefined) return out;
  for (const entry of value.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    const shown = headers ? `${key || '(no key)'}=${REDACTED}` : entry.trim();
    if (key === '') {
      r.warn(`${name} has an entry without key=value ("${headers ? REDACTED : entry.trim()}"); skipping it`);
      continue;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      r.warn(`${name} has an entry whose value is not valid percent-encoding ("${shown}"); skipping it`);
      continue;
    }
    // Headers go on the wire: a key that is not an HTTP token, or a value with control
    // characters (a decoded %0A), would make every export fail in the HTTP client or grpc-js
    // instead of once here.
    if (headers && (!HEADER_NAME.test(key) || /-bin$/i.test(key))) {
      r.warn(`${name} has an entry whose key "${key}" is not a header name both HTTP and gRPC accept (letters, digits, "-", "_", "."; no "-bin" suffix); skipping it`);
      continue;
    }
    if (headers && !HEADER_VALUE.test(decoded)) {
      r.warn(`${name} has an entry whose value has characters a header cannot carry (only visible ASCII and spaces) ("${shown}"); skipping it`);
      continue;
    }
    out[key] = decoded;
  }
  return out;
}

/** What is both an HTTP token (RFC 9110) and a gRPC metadata key (grpc-js lower-cases it). */
const HEADER_NAME = /^[0-9A-Za-z_.-]+$/;
/** Visible ASCII and space: what both HTTP/1.1 and gRPC (non-binary) metadata accept. */
const HEADER_VALUE = /^[\x20-\x7e]*$/;

/** A URL with an http(s) scheme; anything else is reported and replaced. */
export function readUrl(r: Reader, name: string): string | undefined {
  const value = raw(r, name);
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // fall through to the warning
  }
  r.warn(`${name}="${redactUrl(value)}" is not an http:// or https:// URL; ignoring it`);
  return undefined;
}

/** Hides user:password in a URL-ish string, for messages. */
export function redactUrl(value: string): string {
  return value.replace(/\/\/[^/@]*@/, `//${REDACTED}@`);
}
