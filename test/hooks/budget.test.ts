// The budget: a handler still running when its share of the budget is spent is cut off, the
// fallback answered, the outcome recorded, and the process ends by itself, collector or not.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { findSpan, startReceiver, type Receiver } from '../utils/otlp-receiver.js';
import { closedPort, nodeBinaries, tempDir, type TempDir } from '../utils/fixtures.js';
import { Budget, EXIT_MARGIN_MS } from '../../src/hooks/budget.js';
import { pointsOf, receiverEnv, runHookProcess } from './helpers.js';

// The slow fixture's handler waits 60 s on a ref'd timer: only runHook can end it sooner.
const FIXTURE_TIMEOUT_MS = 20_000;

describe.each(nodeBinaries())('$label: a handler that outlives its budget', ({ path: node }) => {
  let receiver: Receiver;
  let home: TempDir;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => receiver.close());
  beforeEach(async () => {
    receiver.reset();
    home = await tempDir('memotel-hooks-budget-');
  });
  afterEach(async () => home.cleanup());

  test('dead collector, tiny budget: the process ends by itself and answers the fallback', async () => {
    const port = await closedPort();
    // runFixture rejects if it has to kill the process at FIXTURE_TIMEOUT_MS.
    const run = await runHookProcess({
      script: 'slow-hook.mjs',
      node,
      event: { hook_event_name: 'UserPromptSubmit', session_id: 's-1', prompt: 'p' },
      options: { budgetMs: 300 },
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, HOME: home.path },
      timeoutMs: FIXTURE_TIMEOUT_MS,
    });
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ fallback: true });
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('slow-hook.mjs: no answer within the budget of 300 ms');
  });

  test('live collector: the timed-out outcome is on the hook span and in the metrics', async () => {
    const run = await runHookProcess({
      script: 'slow-hook.mjs',
      node,
      event: { hook_event_name: 'UserPromptSubmit', session_id: 's-1', prompt: 'p' },
      // A flush bound of ~3 s: the metrics go after the spans, over a gRPC client that a busy
      // 2-core host can take over a second to load and connect (1 s was not always enough).
      options: { budgetMs: 6000, flushTimeoutMs: 3000 },
      env: receiverEnv(receiver, home.path),
      timeoutMs: FIXTURE_TIMEOUT_MS,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('{"fallback":true,"event":"UserPromptSubmit"}\n');

    await receiver.waitFor((r) => pointsOf(r.metrics(), 'memotel.hook.invocations', {}).length > 0);
    const root = findSpan(receiver.spans(), 'hook UserPromptSubmit');
    expect(root.attributes).toMatchObject({ 'memotel.hook.outcome': 'timed-out', 'error.type': 'timeout', 'memotel.hook.budget.limit': 6 });
    expect(root.status.code).toBe('ERROR');
    // Cut off, not failed: no exception is recorded for it.
    expect(root.events.filter((e) => e.name === 'exception')).toHaveLength(0);
    const timedOut = pointsOf(receiver.metrics(), 'memotel.hook.invocations', { 'memotel.hook.outcome': 'timed-out' });
    expect(timedOut.length).toBeGreaterThan(0);
    expect(timedOut.every((p) => p.value === 1)).toBe(true);
  });
});

describe('Budget', () => {
  const at = (ms: number) => () => ms;

  test('the handler gets the budget minus the flush reserve, at most half of it', () => {
    expect(new Budget(10_000, 1_000, at(0)).cutoffAtMs).toBe(9_000);
    expect(new Budget(1_000, 1_000, at(0)).cutoffAtMs).toBe(500);
    expect(new Budget(1_000, 0, at(0)).cutoffAtMs).toBe(1_000);
    expect(new Budget(10_000, 1_000, at(9_500)).msUntilCutoff()).toBe(0);
  });

  test('the flush gets the flush timeout or what is left before the exit margin, never less than 0', () => {
    expect(new Budget(10_000, 1_000, at(200)).flushBoundMs()).toBe(1_000);
    expect(new Budget(10_000, 1_000, at(9_500)).flushBoundMs()).toBe(500 - EXIT_MARGIN_MS);
    expect(new Budget(300, 1_000, at(400)).flushBoundMs()).toBe(0);
  });

  test('used is time since process start over the budget, and can exceed 1', () => {
    expect(new Budget(2_000, 1_000, at(500)).used()).toBe(0.25);
    expect(new Budget(300, 1_000, at(450)).used()).toBe(1.5);
  });
});
