// Every way a process ends, side by side with bare node: same exit code or signal, stdout and
// stderr (but for memotel's documented lines), and the spans delivered or saved. Cases in cases.ts.
import { test } from '@jest/globals';
import { expectPromiseKept } from './expect-row.js';
import { EXIT_CASES, exitPath } from './cases.js';

test.each(EXIT_CASES.map((c) => [c.name, c] as const))('%s ends as it does under bare node', async (_name, c) => {
  const row = await exitPath(c);
  expectPromiseKept(row);
}, 60_000);
