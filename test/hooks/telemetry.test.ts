// A hook under the register: its answer alone on stdout, and its span, children, session and
// metrics at the receiver. The memory hook is the example app's `hook` command, built on runHook.
import { describe, expect, test } from '@jest/globals';
import { asText, childrenOf, findSpan } from '../utils/otlp-receiver.js';
import { useHarness } from '../utils/harness.js';
import { APP, metricNamed, pointsOf, receiverEnv, runHookProcess } from './helpers.js';

const h = useHarness({ repo: true, homePrefix: 'memotel-hooks-' });

const RAW_SESSION = 'raw-session-hooks-41c7';

function appHook(event: object, args: string[] = [], env: Record<string, string> = {}) {
  return runHookProcess({ script: APP, args: ['hook', '--repo', h.repo, ...args], event, env: { ...receiverEnv(h.receiver, h.home.path), ...env } });
}

describe('a memory hook (the example app)', () => {
  test('stdout is the answer alone; the hook span parents the memory spans, all under the hashed session', async () => {
    const capture = await appHook(
      { hook_event_name: 'UserPromptSubmit', session_id: RAW_SESSION, prompt: 'remember: hook spans nest memory spans' },
      [],
      { MEMOTEL_HOOK_BUDGET_MS: '7000' },
    );
    expect(capture.code).toBe(0);
    await h.receiver.waitFor((r) => r.spans().some((s) => s.name === 'hook UserPromptSubmit'));
    const captureRoot = findSpan(h.receiver.spans(), 'hook UserPromptSubmit');
    expect(captureRoot.attributes['memotel.hook.budget.limit']).toBe(7);
    expect(childrenOf(h.receiver.spans(), captureRoot).map((s) => s.name)).toContain('create_memory');
    h.receiver.reset();

    const recall = await appHook({ hook_event_name: 'UserPromptSubmit', session_id: RAW_SESSION, prompt: 'do hook spans nest memory spans?' });
    expect(recall).toMatchObject({ code: 0, stderr: '' });
    const answer = JSON.parse(recall.stdout);
    expect(recall.stdout).toBe(JSON.stringify(answer) + '\n');
    expect(answer.hookSpecificOutput.additionalContext).toContain('hook spans nest memory spans');

    await h.receiver.waitFor((r) => r.spans().some((s) => s.name === 'hook UserPromptSubmit'));
    const spans = h.receiver.spans();
    const root = findSpan(spans, 'hook UserPromptSubmit');
    expect(root.parentSpanId).toBe('');
    expect(root.kind).toBe('INTERNAL');
    expect(root.scope.name).toBe('memotel/hooks');
    expect(root.status.code).toBe('UNSET');
    expect(root.attributes).toMatchObject({
      'memotel.hook.event': 'UserPromptSubmit',
      'memotel.hook.outcome': 'success',
      'memotel.hook.budget.limit': 10,
    });
    expect(root.attributes['memotel.hook.budget.used']).toBeGreaterThan(0);
    const search = findSpan(childrenOf(spans, root), 'search_memory');
    expect(search.attributes['gen_ai.operation.name']).toBe('search_memory');
    expect(childrenOf(spans, search).length).toBeGreaterThan(0);

    const sessions = new Set(spans.map((s) => s.attributes['session.id']));
    expect(sessions.size).toBe(1);
    expect([...sessions][0]).toMatch(/^[0-9a-f]{32}$/);
    expect(asText([spans, h.receiver.logs(), h.receiver.metrics()])).not.toContain(RAW_SESSION);
  });

  test('the budget comes from --budget-ms; a tool event names its tool; a no-op event is counted as skipped', async () => {
    const run = await appHook({ hook_event_name: 'PostToolUse', session_id: RAW_SESSION, tool_name: 'Bash' }, ['--budget-ms', '5000']);
    expect(run).toMatchObject({ code: 0, stdout: '{}\n', stderr: '' });

    await h.receiver.waitFor((r) => pointsOf(r.metrics(), 'memotel.hook.invocations', {}).length > 0);
    const root = findSpan(h.receiver.spans(), 'hook PostToolUse');
    expect(root.attributes).toMatchObject({
      'memotel.hook.outcome': 'skipped',
      'memotel.hook.skip.reason': 'nothing to add',
      'memotel.hook.budget.limit': 5,
      'gen_ai.tool.name': 'Bash',
    });
    expect(root.status.code).toBe('UNSET');

    const metrics = h.receiver.metrics();
    const skipped = pointsOf(metrics, 'memotel.hook.invocations', { 'memotel.hook.event': 'PostToolUse', 'memotel.hook.outcome': 'skipped' });
    expect(skipped.length).toBeGreaterThan(0);
    // Cumulative points: each says 1, none more.
    expect(skipped.every((p) => p.value === 1)).toBe(true);
    expect(pointsOf(metrics, 'memotel.hook.invocations', { 'memotel.hook.outcome': 'success' })).toHaveLength(0);

    const duration = metricNamed(metrics, 'memotel.hook.duration');
    expect(duration.unit).toBe('s');
    expect(duration.points[0]!.explicitBounds).toEqual([0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]);
    expect(duration.points[0]!.attributes).toEqual({ 'memotel.hook.event': 'PostToolUse', 'memotel.hook.outcome': 'skipped' });
    const used = metricNamed(metrics, 'memotel.hook.budget.used');
    expect(used.unit).toBe('1');
    expect(used.points[0]!.explicitBounds).toEqual([0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1, 1.5, 2]);
    expect(used.points[0]!.attributes).toEqual({ 'memotel.hook.event': 'PostToolUse' });
    expect(metricNamed(metrics, 'memotel.hook.invocations').unit).toBe('{invocation}');
  });
});

describe('a hook process exports its metrics once', () => {
  test('after its spans, counting them: the shutdown right after the flush has nothing new to send', async () => {
    const run = await appHook({ hook_event_name: 'UserPromptSubmit', session_id: RAW_SESSION, prompt: 'what does a hook export?' });
    expect(run.code).toBe(0);
    // The process has exited, so whatever it sent has arrived.
    await h.receiver.waitFor((r) => r.requests.some((q) => q.signal === 'metrics'));
    const signals = h.receiver.requests.map((q) => q.signal);
    expect(signals.filter((s) => s === 'metrics')).toHaveLength(1);
    expect(signals.indexOf('traces')).toBeLessThan(signals.indexOf('metrics'));
    const exported = pointsOf(h.receiver.metrics(), 'memotel.telemetry.exported', { 'memotel.telemetry.signal': 'traces' });
    expect(exported.map((p) => p.value)).toEqual([h.receiver.spans().length]);
  });
});

describe('fixture hooks', () => {
  test('a handler that throws: exit 1, stdout {}, one stderr line, the error on the hook span and as a log record', async () => {
    const run = await runHookProcess({
      script: 'throwing-hook.mjs',
      event: { hook_event_name: 'Stop', session_id: RAW_SESSION },
      env: receiverEnv(h.receiver, h.home.path),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('{}\n');
    expect(run.stderr).toMatch(/^throwing-hook\.mjs: handler exploded$/m);

    await h.receiver.waitFor((r) => r.spans().some((s) => s.name === 'hook Stop') && r.logs().length > 0);
    const root = findSpan(h.receiver.spans(), 'hook Stop');
    expect(root.status).toEqual({ code: 'ERROR', message: 'handler exploded' });
    expect(root.attributes).toMatchObject({ 'memotel.hook.outcome': 'error', 'error.type': 'TypeError' });
    const exception = root.events.find((e) => e.name === 'exception')!;
    expect(exception.attributes).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'handler exploded' });
    expect(String(exception.attributes['exception.stacktrace'])).toContain('throwing-hook.mjs');
    const log = h.receiver.logs().find((l) => l.attributes['exception.type'] === 'TypeError')!;
    expect(log).toMatchObject({ traceId: root.traceId, spanId: root.spanId, severityText: 'ERROR' });
    const failed = pointsOf(h.receiver.metrics(), 'memotel.hook.invocations', { 'memotel.hook.event': 'Stop', 'memotel.hook.outcome': 'error' });
    expect(failed.length).toBeGreaterThan(0);
  });

  test('whatever the handler prints goes to stderr; stdout holds only the answer', async () => {
    const run = await runHookProcess({ script: 'noisy-hook.mjs', event: { hook_event_name: 'SessionStart' }, env: receiverEnv(h.receiver, h.home.path) });
    expect(run).toMatchObject({ code: 0, stdout: '{"ok":true}\n' });
    expect(run.stderr).toContain('debug: handling SessionStart');
    expect(run.stderr).toContain('more noise');
  });
});
