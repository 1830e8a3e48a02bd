// The zero-infrastructure default: many short-lived processes append to one local store.
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runFixture, tempDir, type TempDir } from '../utils/fixtures.js';
import { StoreWriter } from '../../src/store/writer.js';

let dir: TempDir;
beforeEach(async () => {
  dir = await tempDir('memotel-store-');
});
afterEach(async () => dir.cleanup());

function lines(file: string): any[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

test('with no endpoint configured, spans, metrics and logs go to the store as OTLP/JSON, privately', async () => {
  const store = join(dir.path, 'state');
  const r = await runFixture({ script: 'exit-paths.mjs', env: { MEMOTEL_STORE_DIR: store, MODE: 'throw' } });
  expect(r.code).toBe(1);
  const traces = lines(join(store, 'traces.jsonl'));
  const span = traces[0].resourceSpans[0].scopeSpans[0].spans[0];
  expect(span.traceId).toMatch(/^[0-9a-f]{32}$/); // hex ids, as the OTLP/JSON encoding requires
  expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
  expect(typeof span.startTimeUnixNano).toBe('string');
  expect(lines(join(store, 'metrics.jsonl'))[0].resourceMetrics[0].scopeMetrics.length).toBeGreaterThan(0);
  expect(lines(join(store, 'logs.jsonl'))[0].resourceLogs[0].scopeLogs[0].logRecords[0].severityText).toBe('FATAL');
  expect(statSync(store).mode & 0o777).toBe(0o700);
  for (const f of readdirSync(store)) expect(statSync(join(store, f)).mode & 0o777).toBe(0o600);
});

test('eight processes writing at once lose nothing and corrupt nothing', async () => {
  const store = join(dir.path, 'shared');
  const runs = await Promise.all(
    Array.from({ length: 8 }, () => runFixture({ script: 'exit-paths.mjs', env: { MEMOTEL_STORE_DIR: store } })),
  );
  expect(runs.map((r) => r.code)).toEqual(Array(8).fill(0));
  const traces = lines(join(store, 'traces.jsonl')); // JSON.parse of every line: none torn
  const servers = traces.flatMap((t) =>
    t.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans.filter((s: any) => s.kind === 2))),
  );
  expect(servers).toHaveLength(8);
  expect(new Set(servers.map((s: any) => s.traceId)).size).toBe(8);
});

test('the store stays within its size bound by rotating and pruning segments', () => {
  const maxBytes = 256 * 1024;
  const writer = new StoreWriter({ dir: dir.path, maxBytes });
  const line = Buffer.from(JSON.stringify({ resourceSpans: [], pad: 'x'.repeat(4000) }));
  for (let i = 0; i < 400; i++) writer.append('traces', line); // ~1.6 MB written
  const files = readdirSync(dir.path);
  const total = files.reduce((n, f) => n + statSync(join(dir.path, f)).size, 0);
  expect(files.length).toBeGreaterThan(1); // rotated
  expect(total).toBeLessThanOrEqual(maxBytes / 3 + maxBytes / 12 + line.length + 1); // one signal's share
  for (const f of files) for (const l of lines(join(dir.path, f))) expect(l.pad).toHaveLength(4000);
});
