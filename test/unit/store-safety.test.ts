// The store writer and readers on a hostile filesystem: links planted in place of store files
// or the session key are never followed, and a store directory others control is refused, with
// one message per problem rather than one per export.
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { chmodSync, chownSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { StoreWriter, StoreWriteError } from '../../src/store/writer.js';
import { forEachRequest, listStoreFiles } from '../../src/store/reader.js';
import { readPipelineStatus } from '../../src/store/pipeline-status.js';
import { loadSessionKey } from '../../src/processors/session-key.js';
import { tempDir, type TempDir } from '../utils/fixtures.js';

let dir: TempDir;
let warnings: string[];
beforeEach(async () => {
  dir = await tempDir('memotel-store-safety-');
  warnings = [];
  const noop = () => {};
  diag.setLogger({ error: noop, info: noop, debug: noop, verbose: noop, warn: (m) => void warnings.push(m) }, DiagLogLevel.WARN);
});
afterEach(async () => {
  diag.disable();
  await dir.cleanup();
});

const line = Buffer.from('{"resourceSpans":[]}');

test('a link planted in place of the active file is never written through, and is reported once', () => {
  const store = join(dir.path, 'store');
  mkdirSync(store, { mode: 0o700 });
  const target = join(dir.path, 'victim');
  symlinkSync(target, join(store, 'traces.jsonl'));
  const writer = new StoreWriter({ dir: store, maxBytes: 1 << 20 });
  for (let i = 0; i < 3; i++) expect(() => writer.append('traces', line)).toThrow(StoreWriteError);
  writer.append('metrics', line); // the other signals keep working
  expect(() => writer.append('traces', line)).toThrow(/symbolic link/);
  expect(existsSync(target)).toBe(false);
  expect(warnings).toHaveLength(1);
});

test('readers skip a planted link: it is neither listed nor read', () => {
  const store = join(dir.path, 'store');
  mkdirSync(store, { mode: 0o700 });
  const elsewhere = join(dir.path, 'elsewhere.jsonl');
  writeFileSync(elsewhere, '{"resourceSpans":[{"secret":true}]}\n');
  symlinkSync(elsewhere, join(store, 'traces.jsonl'));
  symlinkSync(elsewhere, join(store, 'pipeline-status.json'));
  expect(listStoreFiles(store)).toEqual([]);
  const seen: unknown[] = [];
  forEachRequest(store, 'traces', (r) => seen.push(r));
  expect(seen).toEqual([]);
  expect(readPipelineStatus(store)).toMatchObject({ state: 'unreadable', reason: expect.stringContaining('symbolic link') });
});

test.each([
  ['a symbolic link', (p: string) => symlinkSync(join(p, '..'), p), /symbolic link/],
  ['a file', (p: string) => writeFileSync(p, 'x'), /not a directory/],
  ['writable by others', (p: string) => (mkdirSync(p), chmodSync(p, 0o777)), /writable by other users/],
  ['group-writable', (p: string) => (mkdirSync(p), chmodSync(p, 0o770)), /writable by other users/],
])('a store directory that is %s is refused, once, naming MEMOTEL_STORE_DIR', (_name, make, reason) => {
  const store = join(dir.path, 'store');
  make(store);
  const writer = new StoreWriter({ dir: store, maxBytes: 1 << 20 });
  expect(() => writer.append('traces', line)).toThrow(reason);
  expect(() => writer.append('metrics', line)).toThrow(reason);
  expect(warnings).toEqual([expect.stringContaining('MEMOTEL_STORE_DIR')]);
});

const root = process.getuid?.() === 0;
(root ? test : test.skip)("another user's store directory is refused (needs root to chown)", () => {
  const store = join(dir.path, 'store');
  mkdirSync(store, { mode: 0o700 });
  chownSync(store, 65534, 65534);
  const writer = new StoreWriter({ dir: store, maxBytes: 1 << 20 });
  expect(() => writer.append('traces', line)).toThrow(/another user/);
  expect(listStoreFiles(store)).toEqual([]);
});

test('a session key file that is a link is refused, not read', () => {
  const real = join(dir.path, 'real-key');
  writeFileSync(real, 'ab'.repeat(32) + '\n', { mode: 0o600 });
  const keyFile = join(dir.path, 'session-key');
  symlinkSync(real, keyFile);
  expect(() => loadSessionKey({ keyFile })).toThrow(/symbolic link/);
});
