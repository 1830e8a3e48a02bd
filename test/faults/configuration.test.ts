// Bad and hostile OTEL_* / MEMOTEL_* values (cases.ts lists them): no crash, stdout and exit
// code unchanged, exactly one warning naming the variable.
import { expect, test } from '@jest/globals';
import { expectPromiseKept } from './expect-row.js';
import { CONFIG_CASES, configCase, configCaseName } from './cases.js';

test('at least 40 hostile values are covered', () => {
  expect(CONFIG_CASES.length).toBeGreaterThanOrEqual(40);
});

test.each(CONFIG_CASES.map((c) => [configCaseName(c), c] as const))('%s', async (_name, c) => {
  const row = await configCase(c);
  expectPromiseKept(row);
}, 30_000);
