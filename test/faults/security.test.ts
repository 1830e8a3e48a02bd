// Files kept to the user and nothing private leaked: modes, planted links, store directories
// others control, and a search of every exported and stored byte. Cases in cases.ts.
import { test } from '@jest/globals';
import { expectPromiseKept } from './expect-row.js';
import { privacy, securityPermissions, securityPlantedLink, securityRefusedDir, type PlantedLink, type RefusedDir } from './cases.js';

test('store dir 0700, store files and the session key 0600', async () => {
  expectPromiseKept(await securityPermissions());
}, 60_000);

test.each<PlantedLink>(['session key', 'next store file'])('a link planted in place of the %s is never followed', async (where) => {
  expectPromiseKept(await securityPlantedLink(where));
}, 60_000);

test.each<RefusedDir>(['world-writable', 'foreign-owned'])('a %s store directory is refused with a clear message', async (kind) => {
  const row = await securityRefusedDir(kind);
  expectPromiseKept(row);
}, 60_000);

test.each([false, true])('privacy with content capture %s: raw session ids, content, queries and credentials', async (captureContent) => {
  expectPromiseKept(await privacy(captureContent));
}, 120_000);
