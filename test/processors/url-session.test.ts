// Session ids in URL attributes are redacted (src/processors/url-session.ts).
import { describe, expect, test } from '@jest/globals';
import { redactSessionParams } from '../../src/processors/url-session.js';

describe('redactSessionParams', () => {
  test('the value of a session-like query parameter is replaced, the rest kept', () => {
    expect(redactSessionParams('http://127.0.0.1:3000/messages?sessionId=9f1c-raw&x=1')).toBe('http://127.0.0.1:3000/messages?sessionId=REDACTED&x=1');
    expect(redactSessionParams('/messages?a=1&session_id=abc#frag')).toBe('/messages?a=1&session_id=REDACTED#frag');
    expect(redactSessionParams('sessionid=abc&mcp-session-id=def&Session=g')).toBe('sessionid=REDACTED&mcp-session-id=REDACTED&Session=REDACTED');
    expect(redactSessionParams('/x?session%5Fid=abc')).toBe('/x?session%5Fid=REDACTED');
  });

  test('other parameters and paths are left alone', () => {
    for (const value of ['http://h/x?q=session+notes', 'http://h/sessions/123', '/x?sessions_count=3', 'http://h/x', '/session?id=1']) {
      expect(redactSessionParams(value)).toBe(value);
    }
  });
});
