// The one assertion of the fault suites: the row's promise held (no problems), or the case
// could not run on this machine (e.g. not root), which is said on stderr.
import { expect } from '@jest/globals';
import type { Row } from './cases.js';

export function expectPromiseKept(row: Row): void {
  if (row.skipped) {
    console.warn(`${row.surface}: ${row.case} skipped: ${row.skipped}`);
    return;
  }
  expect(row.problems).toEqual([]);
}
