// The local store under stress and damage: many writers at once, a full disk (a small tmpfs,
// mounted as root), torn and garbled lines, the size bound. Cases in cases.ts.
import { test } from '@jest/globals';
import { expectPromiseKept } from './expect-row.js';
import { storeBound, storeConcurrent, storeFullDisk, storeGarbled } from './cases.js';

test('32 processes capture into one repository and one store: nothing lost, nothing unreadable', async () => {
  const row = await storeConcurrent(32);
  expectPromiseKept(row);
}, 240_000);

test('a full disk: the app is unaffected, the failure reported once, the store usable once space frees', async () => {
  const row = await storeFullDisk();
  expectPromiseKept(row);
}, 60_000);

test('a truncated and garbled store file: the CLI skips it, says which file, keeps every good line', async () => {
  const row = await storeGarbled();
  expectPromiseKept(row);
}, 60_000);

test("the store's size bound holds", async () => {
  const row = await storeBound();
  expectPromiseKept(row);
}, 90_000);
