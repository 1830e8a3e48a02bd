import { readFileSync } from 'node:fs';
import { recordsAttribute, truncateText } from '../../src/instrumentation/content.js';
import { errorTypeOf } from '../../src/instrumentation/error-type.js';
import { metricLocation, metricNamespace } from '../../src/instrumentation/metric-values.js';
import { PACKAGE_VERSION, redactUrlCredentials } from '../../src/instrumentation/index.js';
import { MemotelError } from '../../src/memory/errors.js';

describe('redactUrlCredentials', () => {
  test.each([
    ['https://user:pa55@github.com/acme/app.git', 'https://REDACTED:REDACTED@github.com/acme/app.git'],
    ['https://ghp_tokenonly@github.com/acme/app.git', 'https://REDACTED:REDACTED@github.com/acme/app.git'],
    ['ssh://git@host.example:2222/acme/app.git', 'ssh://REDACTED:REDACTED@host.example:2222/acme/app.git'],
    ['https://u:p%40ss@host/x?y=a@b', 'https://REDACTED:REDACTED@host/x?y=a@b'],
    ['https://github.com/acme/app.git', 'https://github.com/acme/app.git'],
    ['git@github.com:acme/app.git', 'git@github.com:acme/app.git'],
    ['/srv/git/app.git', '/srv/git/app.git'],
  ])('%s', (input, expected) => {
    expect(redactUrlCredentials(input)).toBe(expected);
  });

  test('empty input gives undefined', () => {
    expect(redactUrlCredentials('')).toBeUndefined();
    expect(redactUrlCredentials(undefined)).toBeUndefined();
  });
});

test('errorTypeOf: string code, else class name, else _OTHER', () => {
  expect(errorTypeOf(new MemotelError('MEMOTEL_ERR_NOT_A_REPO', 'x'))).toBe('MEMOTEL_ERR_NOT_A_REPO');
  expect(errorTypeOf(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('ENOENT');
  expect(errorTypeOf(Object.assign(new TypeError('x'), { code: 42 }))).toBe('TypeError');
  expect(errorTypeOf({ message: 'plain object' })).toBe('_OTHER');
  expect(errorTypeOf(undefined)).toBe('_OTHER');
  expect(errorTypeOf('text')).toBe('_OTHER');
});

test('content helpers keep JSON valid within the limit', () => {
  expect(truncateText('abcdef', 3)).toBe('abc');
  expect(truncateText('abcdef', undefined)).toBe('abcdef');
  const records = [
    { content: '"quoted" \\ and \n newlines'.repeat(10), id: 'a' },
    { content: 'second', id: 'b' },
  ];
  for (const limit of [30, 45, 80, 400]) {
    const json = recordsAttribute(records, limit);
    expect(json.length).toBeLessThanOrEqual(limit);
    expect(Array.isArray(JSON.parse(json))).toBe(true);
  }
  expect(JSON.parse(recordsAttribute(records, undefined))).toHaveLength(2);
  expect(recordsAttribute([{ content: 'x', id: 'a-very-long-id' }], 5)).toBe('[]');
});

test('metric values are bounded', () => {
  expect(metricNamespace(undefined, undefined)).toBe('_all');
  expect(metricNamespace('decisions', undefined)).toBe('decisions');
  expect(metricNamespace('alice-private', undefined)).toBe('_other');
  expect(metricNamespace('custom', ['custom'])).toBe('custom');
  expect(metricLocation('capture.embed')).toBe('capture.embed');
  expect(metricLocation('some/path/file.ts:12')).toBe('_other');
});

test('the scope version follows package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(PACKAGE_VERSION).toBe(pkg.version);
});
