// Session ids in URLs: the MCP SDK's SSE transport (and other servers) carry the session in the
// query string (`POST /messages?sessionId=...`), and the HTTP and undici instrumentations record
// URLs as they are. The value of a session-like query parameter is replaced by REDACTED (the
// HTTP instrumentation's own marker for the credentials it redacts) before the span ends, so a
// raw session id never leaves the process in a URL attribute.
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** The attributes that hold a URL or its query, stable and older names. */
const URL_ATTRIBUTES = ['url.full', 'url.query', 'http.url', 'http.target'] as const;

/** sessionId, session_id, session-id, session, mcp-session-id, ... (case-insensitive). */
const SESSION_PARAM = /^(?:[a-z]+[-_]?)?session(?:[-_]?id)?$/i;

/** The URL (or query string) with the values of session-like query parameters redacted. */
export function redactSessionParams(value: string): string {
  if (!/session/i.test(value)) return value;
  const at = value.indexOf('?');
  const queryOnly = at === -1 && !value.includes('/');
  if (at === -1 && !queryOnly) return value;
  const head = queryOnly ? '' : value.slice(0, at + 1);
  const [query = '', fragment] = (queryOnly ? value : value.slice(at + 1)).split('#', 2) as [string, string?];
  const redacted = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // left as it is
      }
      return SESSION_PARAM.test(name) ? `${pair.slice(0, eq)}=REDACTED` : pair;
    })
    .join('&');
  return `${head}${redacted}${fragment === undefined ? '' : `#${fragment}`}`;
}

export class UrlSessionSpanProcessor implements SpanProcessor {
  onStart(): void {}

  onEnding(span: Span): void {
    for (const name of URL_ATTRIBUTES) {
      const value = span.attributes[name];
      if (typeof value !== 'string') continue;
      const redacted = redactSessionParams(value);
      if (redacted !== value) span.setAttribute(name, redacted);
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
