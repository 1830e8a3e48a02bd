// The local store under stress and damage: many writers at once, a full disk (a small tmpfs,
// mounted as root), torn and garbled lines, the size bound. Cases in cases.ts.
import { expect, test } from '@jest/globals';
import { storeBound, storeConcurrent, storeFullDisk, storeGarbled } from './cases.js';

test('32 processes capture into one repository and one store: nothing lost, nothing unreadable', async () => {
  const row = await storeConcurrent(32);
  expect(row.problems).toEqual([]);
}, 240_000);

test('a full disk: the app is unaffected, the failure reported once, the store usable once space frees', async () => {
  const row = await storeFullDisk();
  if (row.skipped) {
    console.warn(`full-disk case skipped: ${row.skipped}`);
    return;
  }
  expect(row.problems).toEqual([]);
}, 60_000);

test('a truncated and garbled store file: the CLI skips it, says which file, keeps every good line', async () => {
  const row = await storeGarbled();
  expect(row.problems).toEqual([]);
}, 60_000);

test("the store's size bound holds", async () => {
  const row = await storeBound();
  expect(row.problems).toEqual([]);
}, 90_000);
