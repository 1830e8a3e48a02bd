// How memotel words errors on stderr (src/sdk/diag.ts): one readable line each.
import { describe, expect, test } from '@jest/globals';
import { describeError } from '../../src/sdk/diag.js';

describe('describeError', () => {
  test('an Error is its message, its name when not plain Error, and its code when the message lacks it', () => {
    expect(describeError(new Error('export failed'))).toBe('export failed');
    expect(describeError(new TypeError('bad value'))).toBe('TypeError: bad value');
    expect(describeError(Object.assign(new Error('no connection'), { code: 14 }))).toBe('no connection (14)');
    expect(describeError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toBe(
      'connect ECONNREFUSED 127.0.0.1:9',
    );
  });

  test('anything else is its text or its JSON', () => {
    expect(describeError('plain text')).toBe('plain text');
    expect(describeError({ code: 14 })).toBe('{"code":14}');
  });
});
