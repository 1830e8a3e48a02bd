// memotel traces, against a store written by real processes through the preload: a fixture
// that makes a trace of known shape, and the example memory app serving one HTTP request.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_FIXTURES, expectExit, makeRepo, memotel, sandbox, serveAndRequest, throughPreload, type Sandbox } from './helpers.js';

let box: Sandbox;
let knownTraceId: string;

const SESSION_ENV = { MEMOTEL_SESSION_ID: 'cli-test-session', MEMOTEL_SESSION_SALT: 'cli-test-salt', OTEL_SERVICE_NAME: 'cli-test' };

beforeAll(async () => {
  box = await sandbox();
  const repo = makeRepo(box);
  const [known, statuses] = await Promise.all([
    throughPreload(box, join(CLI_FIXTURES, 'known-trace.mjs'), [], SESSION_ENV),
    serveAndRequest(box, repo, [{ method: 'POST', path: '/memories', body: { namespace: 'decisions', summary: 'use the store', content: '' } }]),
  ]);
  expectExit(known, 0);
  expect(statuses).toEqual([201]);
  knownTraceId = known.stdout.trim();
  expect(knownTraceId).toMatch(/^[0-9a-f]{32}$/);
  // A process killed mid-write leaves a torn line; the next process appends after it.
  appendFileSync(join(box.store, 'traces.jsonl'), '{"resourceSpans":[{"resource":{"attri');
  appendFileSync(join(box.store, 'traces.jsonl'), '\n');
});

afterAll(async () => box?.cleanup());

interface ListedTrace {
  traceId: string;
  rootName: string;
  status: string;
  spanCount: number;
  sessionId: string | null;
  durationMs: number;
  startTime: string;
  services: string[];
}

async function listJson(...args: string[]): Promise<ListedTrace[]> {
  const r = await memotel(box, ['traces', '--json', ...args]);
  expectExit(r, 0);
  return JSON.parse(r.stdout).traces;
}

describe('memotel traces (list)', () => {
  test('lists every trace once, newest first, with root operation, status, span count and session', async () => {
    const traces = await listJson('--limit', '100');
    const known = traces.find((t) => t.traceId === knownTraceId)!;
    expect(known).toMatchObject({ rootName: 'handle request', status: 'error', spanCount: 5, services: ['cli-test'] });
    expect(known.sessionId).toMatch(/^[0-9a-f]{32}$/);
    expect(known.sessionId).not.toContain('cli-test-session');

    // The HTTP request of the example app: a server span named after the method.
    const served = traces.find((t) => t.rootName.startsWith('POST'))!;
    expect(served).toBeDefined();
    expect(served.status).toBe('ok');

    const starts = traces.map((t) => Date.parse(t.startTime));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(new Set(traces.map((t) => t.traceId)).size).toBe(traces.length);
  });

  test('prints a table without ANSI colour when stdout is not a terminal, and skips the torn line with a note', async () => {
    const r = await memotel(box, ['traces']);
    expectExit(r, 0);
    expect(r.stdout).not.toContain('\u001b[');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^TIME\s+OPERATION\s+DURATION\s+STATUS\s+SPANS\s+SESSION\s+TRACE$/);
    const row = lines.find((l) => l.includes(knownTraceId))!;
    expect(row).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  handle request\s+\d+(\.\d+)? (µs|ms|s)  error\s+5  [0-9a-f]{8}  [0-9a-f]{32}$/);
    expect(r.stderr).toMatch(/skipped 1 unreadable traces line in traces\.jsonl/);
  });

  test('filters by status, operation, session, age and count', async () => {
    const errors = await listJson('--status', 'error');
    expect(errors.map((t) => t.traceId)).toEqual([knownTraceId]);
    const oks = await listJson('--status', 'ok', '--limit', '100');
    expect(oks.length).toBeGreaterThan(0);
    expect(oks.every((t) => t.status === 'ok')).toBe(true);

    expect((await listJson('--operation', 'handle request')).map((t) => t.traceId)).toEqual([knownTraceId]);
    expect((await listJson('--operation', 'handle*')).map((t) => t.traceId)).toEqual([knownTraceId]);
    expect(await listJson('--operation', 'handle')).toEqual([]); // exact unless globbed

    const [known] = await listJson('--status', 'error');
    expect((await listJson('--session', known!.sessionId!.slice(0, 8))).map((t) => t.traceId)).toEqual([knownTraceId]);
    expect(await listJson('--session', '0000000000')).toEqual([]);

    expect((await listJson('--since', '1h', '--limit', '100')).length).toBeGreaterThanOrEqual(2);
    expect((await listJson('--limit', '1')).length).toBe(1);
  });
});

describe('memotel traces TRACE_ID (waterfall)', () => {
  // Durations and bars depend on timing: masked. Names, tree, marks and attributes do not.
  const mask = (line: string) => line.replace(/\|[ █]{40}\| +\d+(?:\.\d+)? (?:µs|ms|s)/, '|BAR| D');

  test('shows the known trace as a tree with bars, durations, status marks and key attributes', async () => {
    const r = await memotel(box, ['traces', knownTraceId]);
    expectExit(r, 0);
    expect(r.stdout).not.toContain('\u001b[');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Trace ${knownTraceId}: handle request`);
    expect(lines[1]).toMatch(/^  started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · \d+(\.\d+)? (µs|ms|s) · 5 spans · error · service cli-test · session [0-9a-f]{8}$/);
    expect(lines[2]).toBe('');
    expect(lines.slice(3).map(mask)).toEqual([
      '✓ handle request               |BAR| D  http.request.method=POST url.path=/memories http.response.status_code=500',
      '✓ ├─ create_memory             |BAR| D  gen_ai.memory.record.count=1 memotel.memory.namespace=decisions',
      '✓ │  ├─ git notes              |BAR| D  process.exit.code=0',
      '✓ │  └─ embeddings test-model  |BAR| D  gen_ai.operation.name=embeddings gen_ai.request.model=test-model',
      '✗ └─ search_memory             |BAR| D  error.type=MEMOTEL_ERR_INDEX_CORRUPT',
      '        error: index is corrupt',
    ]);

    // Bars: the root spans the whole width; each child lies within its parent; siblings in start order.
    const bars = lines.slice(3, 8).map((l) => /\|([ █]{40})\|/.exec(l)![1]!);
    const extent = (bar: string) => [bar.indexOf('█'), bar.lastIndexOf('█')] as const;
    expect(bars[0]).toBe('█'.repeat(40));
    const [create, gitNotes, embeddings, search] = bars.slice(1).map(extent);
    expect(gitNotes![0]).toBeGreaterThanOrEqual(create![0]);
    expect(embeddings![1]).toBeLessThanOrEqual(create![1]);
    expect(embeddings![0]).toBeGreaterThanOrEqual(gitNotes![0]);
    expect(search![0]).toBeGreaterThanOrEqual(create![1] - 1);
  });

  test('finds a trace by a unique prefix of 8 or more hex digits; --json has every span in tree order', async () => {
    const r = await memotel(box, ['traces', knownTraceId.slice(0, 10), '--json']);
    expectExit(r, 0);
    const trace = JSON.parse(r.stdout);
    expect(trace.traceId).toBe(knownTraceId);
    expect(trace.spans.map((s: { name: string; depth: number }) => `${s.depth}:${s.name}`)).toEqual([
      '0:handle request',
      '1:create_memory',
      '2:git notes',
      '2:embeddings test-model',
      '1:search_memory',
    ]);
    expect(trace.spans[0]).toMatchObject({ kind: 'server', parentSpanId: null, status: 'ok', service: 'cli-test' });
    expect(trace.spans[4]).toMatchObject({ status: 'error', statusMessage: 'index is corrupt' });
  });

  test('shows the example app\'s HTTP request as a server span at the root', async () => {
    const [served] = await listJson('--operation', 'POST*');
    const r = await memotel(box, ['traces', served!.traceId, '--json']);
    expectExit(r, 0);
    const root = JSON.parse(r.stdout).spans[0];
    expect(root).toMatchObject({ kind: 'server', depth: 0, status: 'ok' });
    expect(root.attributes).toMatchObject({ 'http.request.method': 'POST', 'url.path': '/memories', 'http.response.status_code': 201 });
    const text = await memotel(box, ['traces', served!.traceId]);
    expect(text.stdout.split('\n')[3]).toMatch(/^✓ POST\S* +\|█{40}\| .*http\.request\.method=POST url\.path=\/memories http\.response\.status_code=201/);
  });

  test('an unknown trace id is an error (exit 1); a malformed one a usage error (exit 2)', async () => {
    const unknown = await memotel(box, ['traces', 'ffffffffffffffffffffffffffffffff']);
    expectExit(unknown, 1);
    expect(unknown.stderr).toMatch(/^memotel traces: no trace ffffffffffffffffffffffffffffffff in .*store/m);
    expect(unknown.stdout).toBe('');

    const malformed = await memotel(box, ['traces', 'abc']);
    expectExit(malformed, 2);
    expect(malformed.stderr).toContain('TRACE_ID "abc" is not a trace id');
    expect(malformed.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
