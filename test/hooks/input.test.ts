// What a hook does with input it cannot use, and with its own options: one stderr line, `{}` on
// stdout, exit 1 (never 2, which Claude Code treats as blocking the user).
import { describe, expect, test } from '@jest/globals';
import { parseEvent } from '../../src/hooks/event.js';
import { resolveOptions } from '../../src/hooks/options.js';
import { isSkip, skip } from '../../src/hooks/skip.js';
import { runHook } from '../../src/hooks/run-hook.js';
import { runHookProcess } from './helpers.js';

describe('bad events on stdin', () => {
  test.each([
    ['not JSON', 'not json {', /noisy-hook\.mjs: stdin is not valid JSON \(10 bytes\)/],
    ['empty', '', /noisy-hook\.mjs: stdin is empty/],
    ['an array', '[1,2]', /noisy-hook\.mjs: the JSON on stdin is an array, not an object/],
    ['without hook_event_name', '{"session_id":"s"}', /noisy-hook\.mjs: the JSON on stdin has no "hook_event_name" string/],
  ])('%s: one clear stderr line, stdout {}, exit 1, the handler never runs', async (_label, stdin, message) => {
    const run = await runHookProcess({ script: 'noisy-hook.mjs', event: stdin, register: 'none' });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('{}\n');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toContain('debug: handling');
  });

  test('the message never quotes the input (it may be a prompt)', async () => {
    const run = await runHookProcess({ script: 'noisy-hook.mjs', event: '{"prompt": "secret prompt text"', register: 'none' });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('secret');
  });

  test('under the register too, and the failure is recorded as an error of a `hook` span', async () => {
    const run = await runHookProcess({ script: 'noisy-hook.mjs', event: 'nope', env: { OTEL_TRACES_EXPORTER: 'console', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('{}\n');
    expect(run.stderr).toMatch(/^noisy-hook\.mjs: stdin is not valid JSON/m);
    // The console exporter prints the span on stderr.
    expect(run.stderr).toMatch(/name: 'hook',/);
    expect(run.stderr).toMatch(/'memotel\.hook\.outcome': 'error'/);
    expect(run.stderr).toMatch(/'error\.type': 'MEMOTEL_ERR_INVALID_ARGUMENT'/);
  });
});

describe('parseEvent', () => {
  test('returns the event with every field the host sent', () => {
    const event = parseEvent('{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}');
    expect(event).toEqual({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' } });
  });

  test.each(['null', '"Stop"', '{"hook_event_name":""}', '{"hook_event_name":3}'])('rejects %s with MEMOTEL_ERR_INVALID_ARGUMENT', (text) => {
    expect(() => parseEvent(text)).toThrow(expect.objectContaining({ code: 'MEMOTEL_ERR_INVALID_ARGUMENT' }));
  });
});

describe('options', () => {
  test('defaults: 10 s budget, 1 s flush, {} fallback, the script name', () => {
    const settings = resolveOptions({}, '/plugins/memory/hooks/prompt.mjs');
    expect(settings).toMatchObject({ budgetMs: 10_000, flushTimeoutMs: 1_000, name: 'prompt.mjs' });
    expect(settings.fallback(undefined)).toEqual({});
  });

  test.each([
    [{ budgetMs: 0 }, /budgetMs must be a positive number of milliseconds, got number 0/],
    [{ budgetMs: '10s' }, /budgetMs must be a positive number of milliseconds, got a string/],
    [{ flushTimeoutMs: -1 }, /flushTimeoutMs must be a non-negative number/],
    [{ onTimeout: [] }, /onTimeout must be an answer object or a function/],
    [{ name: '' }, /name must be a non-empty string/],
  ])('%j is refused at once, naming the option', (options, message) => {
    expect(() => resolveOptions(options as never)).toThrow(message);
  });

  test('runHook refuses a handler that is not a function before touching stdin or stdout', () => {
    expect(() => runHook('handler' as never)).toThrow(/the handler must be a function, got a string/);
  });
});

test('skip() is recognised, with or without a reason; answers are not skips', () => {
  expect(isSkip(skip())).toBe(true);
  expect(skip('nothing to add').reason).toBe('nothing to add');
  expect(isSkip({ reason: 'x' })).toBe(false);
  expect(isSkip(null)).toBe(false);
});
