// The example app under the register: memory operations become well-formed telemetry with no
// code change in the app (issue 4), checked at a real OTLP h.receiver.
import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asText, childrenOf, findSpan, type ReceivedSpan } from '../utils/otlp-receiver.js';
import { closedPort, PROJECT_ROOT, runFixture, tempDir } from '../utils/fixtures.js';
import { EXAMPLE_APP as APP, useHarness } from '../utils/harness.js';

const h = useHarness({ repo: true });

function app(args: string[], env: Record<string, string> = {}, stdin?: string) {
  return runFixture({
    script: APP,
    args: [...args, '--repo', h.repo],
    stdin,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: h.receiver.grpcUrl, HOME: h.home.path, MEMOTEL_STORE_DIR: join(h.home.path, 'store'), ...env },
  });
}

const names = (spans: ReceivedSpan[]) => spans.map((s) => s.name).sort();

test('capture: create_memory is the parent of its git, embedding and index spans', async () => {
  const r = await app(['capture', '--namespace', 'decisions', '--summary', 'Use gRPC for OTLP', '--content', 'secret body']);
  expect(r.code).toBe(0);
  const { id } = JSON.parse(r.stdout);
  const spans = h.receiver.spans();
  const root = findSpan(spans, 'create_memory');
  expect(root.parentSpanId).toBe('');
  expect(root.kind).toBe('INTERNAL');
  expect(root.status.code).toBe('UNSET');
  expect(root.attributes).toMatchObject({
    'gen_ai.operation.name': 'create_memory',
    'gen_ai.memory.store.id': 'refs/notes/mem/decisions',
    'gen_ai.memory.record.id': id,
    'gen_ai.memory.record.count': 1,
    'memotel.memory.namespace': 'decisions',
    'memotel.memory.indexed': true,
  });
  const children = childrenOf(spans, root);
  expect(spans.every((s) => s.traceId === root.traceId)).toBe(true);
  expect(names(children)).toEqual(expect.arrayContaining(['embeddings memotel-hash-384-v1', 'git notes', 'index insert']));
  const embedding = findSpan(children, 'embeddings memotel-hash-384-v1');
  expect(embedding.kind).toBe('INTERNAL'); // in-process model
  expect(embedding.attributes).toMatchObject({
    'gen_ai.operation.name': 'embeddings',
    'gen_ai.provider.name': 'memotel-local',
    'gen_ai.embeddings.dimension.count': 384,
  });
  const notes = children.filter((s) => s.name === 'git notes');
  const write = notes.find((s) => s.attributes['process.exit.code'] === 0)!;
  expect(write.attributes).toMatchObject({ 'process.executable.name': 'git', 'memotel.git.notes.ref': 'refs/notes/mem/decisions' });
  // Looking up a note that does not exist yet exits 1: expected, handled, not an error.
  expect(notes.filter((s) => s.attributes['process.exit.code'] !== 0).every((s) => s.status.code === 'UNSET')).toBe(true);
  expect(spans.some((s) => Object.keys(s.attributes).some((k) => k.startsWith('process.command')))).toBe(false);
  // Privacy by default: neither the summary nor the body leaves the process.
  const exported = asText([spans, h.receiver.logs(), h.receiver.metrics()]);
  expect(exported).not.toContain('secret body');
  expect(exported).not.toContain('Use gRPC for OTLP');
});

test('recall: search_memory is the parent of its embedding and index spans; content only when opted in', async () => {
  await app(['capture', '--namespace', 'research', '--summary', 'vector search notes', '--content', 'cosine similarity']);
  h.receiver.reset();
  const r = await app(['recall', 'vector search', '--k', '3'], { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' });
  expect(r.code).toBe(0);
  const spans = h.receiver.spans();
  const root = findSpan(spans, 'search_memory');
  expect(root.parentSpanId).toBe('');
  expect(root.attributes).toMatchObject({ 'gen_ai.operation.name': 'search_memory', 'gen_ai.request.top_k': 3, 'gen_ai.memory.record.count': 1 });
  expect(root.attributes['gen_ai.memory.query.text']).toBe('vector search');
  expect(String(root.attributes['gen_ai.memory.records'])).toContain('vector search notes');
  expect(names(childrenOf(spans, root))).toEqual(expect.arrayContaining(['embeddings memotel-hash-384-v1', 'index search']));
});

test('metrics: operation durations and counters arrive with bounded attributes', async () => {
  await app(['capture', '--namespace', 'learnings', '--summary', 'metrics test']);
  const duration = h.receiver.metrics().find((m) => m.name === 'memotel.memory.operation.duration')!;
  expect(duration.unit).toBe('s');
  expect(duration.points[0]!.attributes).toMatchObject({ 'gen_ai.operation.name': 'create_memory', 'memotel.memory.namespace': 'learnings', 'memotel.outcome': 'success' });
  const captures = h.receiver.metrics().find((m) => m.name === 'memotel.memory.captures')!;
  expect(captures.points[0]!.value).toBe(1);
  const git = h.receiver.metrics().find((m) => m.name === 'memotel.git.command.duration')!;
  expect(git.points.map((p) => p.attributes['memotel.git.subcommand'])).toContain('notes');
  for (const m of h.receiver.metrics()) {
    for (const p of m.points) {
      for (const k of Object.keys(p.attributes)) expect(k).not.toMatch(/id$|session|query|path|repo/);
    }
  }
});

test('a memory operation served over HTTP is a child of the request span', async () => {
  const child = spawn(process.execPath, ['--import', join(PROJECT_ROOT, 'register.js'), APP, 'serve', '--port', '0', '--repo', h.repo], {
    env: { PATH: process.env.PATH, HOME: h.home.path, OTEL_EXPORTER_OTLP_ENDPOINT: h.receiver.grpcUrl, OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
        const m = /listening on (http:\/\/\S+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`serve exited: ${err}`)));
    });
    const res = await fetch(`${url}/memories`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ namespace: 'progress', summary: 'served capture', content: 'x' }),
    });
    expect(res.status).toBe(201);
    await h.receiver.waitFor((rc) => rc.spans().some((s) => s.name === 'create_memory'));
    const spans = h.receiver.spans();
    const server = spans.find((s) => s.kind === 'SERVER' && s.name.startsWith('POST'))!;
    expect(findSpan(spans, 'create_memory').parentSpanId).toBe(server.spanId);
  } finally {
    // Wait for its final flush, so it cannot reach the next test's h.receiver.
    await new Promise((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
  }
});

describe('session ids', () => {
  const hook = (sessionId: string, env: Record<string, string>) =>
    app(['hook'], env, JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: sessionId, prompt: 'remember: sessions are hashed' }));

  test('equal across two processes of one session, different across salts, never raw', async () => {
    const raw = 'raw-session-7f3a9c';
    const a = await hook(raw, { MEMOTEL_SESSION_SALT: 'salt-one' });
    const b = await hook(raw, { MEMOTEL_SESSION_SALT: 'salt-one' });
    expect(a.code).toBe(0);
    expect(JSON.parse(b.stdout)).toBeDefined();
    const hashes = new Set(h.receiver.spans().map((s) => s.attributes['session.id']));
    expect(hashes.size).toBe(1);
    const [hash] = [...hashes];
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    h.receiver.reset();
    await hook(raw, { MEMOTEL_SESSION_SALT: 'salt-two' });
    const other = h.receiver.spans()[0]!.attributes['session.id'];
    expect(other).toMatch(/^[0-9a-f]{32}$/);
    expect(other).not.toBe(hash);
    expect(asText([h.receiver.spans(), h.receiver.logs(), h.receiver.metrics()])).not.toContain(raw);
  });

  test('the local store never holds the raw id either, and the per-user key is private', async () => {
    const raw = 'raw-session-store-55d1';
    const storeDir = join(h.home.path, 'store-only');
    const r = await runFixture({
      script: APP,
      args: ['hook', '--repo', h.repo],
      stdin: JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: raw, prompt: 'remember: private' }),
      env: { HOME: h.home.path, MEMOTEL_STORE_DIR: storeDir },
    });
    expect(r.code).toBe(0);
    for (const f of readdirSync(storeDir)) expect(readFileSync(join(storeDir, f), 'utf8')).not.toContain(raw);
    expect(readFileSync(join(storeDir, 'traces.jsonl'), 'utf8')).toContain('"session.id"');
  });
});

test('embedding failure during capture: a successful, degraded capture with the swallowed error recorded', async () => {
  const port = await closedPort();
  const r = await app(['capture', '--namespace', 'blockers', '--summary', 'degraded capture'], {
    MEMOTEL_EMBEDDING_PROVIDER: 'openai-compatible',
    MEMOTEL_EMBEDDING_URL: `http://127.0.0.1:${port}`,
    MEMOTEL_EMBEDDING_MODEL: 'nomic-embed-text',
    MEMOTEL_EMBEDDING_MAX_RETRIES: '0',
    MEMOTEL_EMBEDDING_TIMEOUT_MS: '500',
  });
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).indexed).toBe(false);
  const root = findSpan(h.receiver.spans(), 'create_memory');
  expect(root.status.code).toBe('UNSET');
  expect(root.attributes['memotel.memory.degraded']).toBe(true);
  expect(root.events.some((e) => e.name === 'exception' && e.attributes['memotel.silent_failure.location'] === 'capture.embed')).toBe(true);
  const embedding = h.receiver.spans().find((s) => s.name.startsWith('embeddings'))!;
  expect(embedding.kind).toBe('CLIENT');
  expect(embedding.status.code).toBe('ERROR');
  const failures = h.receiver.metrics().find((m) => m.name === 'memotel.silent_failures')!;
  expect(failures.points).toEqual([expect.objectContaining({ value: 1, attributes: { 'memotel.silent_failure.location': 'capture.embed' } })]);
  expect(h.receiver.logs().some((l) => l.attributes['memotel.silent_failure.location'] === 'capture.embed')).toBe(true);
});

test('a git failure gives an ERROR span with error.type; the capture fails with the same type', async () => {
  // Another writer holds the notes ref's lock: `git notes add` fails (exit 128).
  mkdirSync(join(h.repo, '.git/refs/notes/mem'), { recursive: true });
  writeFileSync(join(h.repo, '.git/refs/notes/mem/decisions.lock'), '');
  const r = await app(['capture', '--namespace', 'decisions', '--summary', 'blocked by a lock']);
  expect(r.code).toBe(1);
  const failed = h.receiver.spans().find((s) => s.name === 'git notes' && s.status.code === 'ERROR')!;
  expect(failed.attributes).toMatchObject({ 'error.type': 'MEMOTEL_ERR_GIT_FAILED', 'process.exit.code': 128 });
  expect(failed.events.map((e) => e.name)).toContain('exception');
  const root = findSpan(h.receiver.spans(), 'create_memory');
  expect(root.status.code).toBe('ERROR');
  expect(root.attributes['error.type']).toBe('MEMOTEL_ERR_GIT_FAILED');
  expect(failed.parentSpanId).toBe(root.spanId);
});

test('not a repository: the capture span carries MEMOTEL_ERR_NOT_A_REPO and the probe its exit code', async () => {
  const notRepo = await tempDir('memotel-notrepo-');
  try {
    const r = await runFixture({
      script: APP,
      args: ['capture', '--namespace', 'decisions', '--summary', 'x', '--repo', notRepo.path],
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: h.receiver.grpcUrl, HOME: h.home.path },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not inside a git repository/);
    const root = findSpan(h.receiver.spans(), 'create_memory');
    expect(root.status.code).toBe('ERROR');
    expect(root.attributes['error.type']).toBe('MEMOTEL_ERR_NOT_A_REPO');
    expect(findSpan(h.receiver.spans(), 'git rev-parse').attributes['process.exit.code']).toBe(128);
  } finally {
    await notRepo.cleanup();
  }
});

test('disabling one instrumentation removes its spans and nothing else', async () => {
  await app(['capture', '--namespace', 'patterns', '--summary', 'no git spans'], { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'memotel-git' });
  const spans = h.receiver.spans();
  expect(spans.filter((s) => s.name.startsWith('git '))).toHaveLength(0);
  const root = findSpan(spans, 'create_memory');
  expect(names(childrenOf(spans, root))).toEqual(['embeddings memotel-hash-384-v1', 'index insert']);
});
