// The real memory services against a real git repository: the span tree they produce.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createMemoryStore } from '../../src/memory/store.js';
import { MEMOTEL_INSTRUMENTATIONS } from '../../src/instrumentation/index.js';
import { FailureSpanProcessor } from '../../src/processors/failures.js';
import { allAttributeValues, isChildOf, setupTelemetry, spanNamed } from './helpers.js';

const telemetry = setupTelemetry({ spanProcessors: [new FailureSpanProcessor()] });
const instrumentations = Object.values(MEMOTEL_INSTRUMENTATIONS).map((Ctor) => new Ctor());
telemetry.use(...instrumentations);

let repo: string;
beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'memotel-instr-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } });
  git('init', '-q');
  git('config', 'user.name', 'Memotel Test');
  git('config', 'user.email', 'test@memotel.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('commit', '-q', '--allow-empty', '-m', 'init');
});
afterAll(async () => {
  for (const i of instrumentations) i.disable();
  await telemetry.shutdown();
  await rm(repo, { recursive: true, force: true });
});

const childrenOf = (spans: readonly ReadableSpan[], parent: ReadableSpan) => spans.filter((s) => isChildOf(s, parent)).map((s) => s.name);

test('capture then search: each is one span with its git, embedding and index work nested inside', async () => {
  const store = createMemoryStore({ repo });
  const captured = await store.capture({ namespace: 'decisions', summary: 'use sqlite for the cache', content: 'postgres was overkill for a cache' });
  const found = await store.search('sqlite cache', { k: 3 });
  expect(found.map((m) => m.id)).toContain(captured.id);

  const spans = telemetry.spans.getFinishedSpans();
  expect(allAttributeValues(spans)).not.toContain('postgres was overkill');

  const capture = spanNamed(spans, 'create_memory');
  expect(capture.parentSpanContext).toBeUndefined();
  expect(capture.status.code).toBe(SpanStatusCode.UNSET);
  expect(capture.attributes).toMatchObject({
    'gen_ai.operation.name': 'create_memory',
    'gen_ai.memory.store.id': 'refs/notes/mem/decisions',
    'gen_ai.memory.record.id': captured.id,
    'memotel.memory.indexed': true,
  });
  const underCapture = childrenOf(spans, capture);
  expect(underCapture.some((n) => n.startsWith('git '))).toBe(true);
  expect(underCapture).toContain(`embeddings ${store.embedding.model}`);
  expect(underCapture).toContain('index insert');
  const embed = spans.find((s) => s.name === `embeddings ${store.embedding.model}` && isChildOf(s, capture))!;
  expect(embed.kind).toBe(SpanKind.INTERNAL);
  expect(embed.attributes['gen_ai.provider.name']).toBe(store.embedding.provider);

  const search = spanNamed(spans, 'search_memory');
  expect(search.attributes['gen_ai.memory.record.count']).toBe(found.length);
  const underSearch = childrenOf(spans, search);
  expect(underSearch).toContain(`embeddings ${store.embedding.model}`);
  expect(underSearch).toContain('index search');

  // Every span belongs to one of the two operations' traces.
  const traces = new Set(spans.map((s) => s.spanContext().traceId));
  expect(traces).toEqual(new Set([capture.spanContext().traceId, search.spanContext().traceId]));
});
