// runHook: one hook run from stdin to exit. Reads and checks the event, runs the handler inside
// the hook span and the event's session, writes the one answer on stdout, records the outcome,
// flushes within what is left of the budget, and makes sure the process ends in time.
import { performance } from 'node:perf_hooks';
import { MemotelError } from '../memory/errors.js';
import { errorMessageOf } from '../instrumentation/error-type.js';
import { Budget } from './budget.js';
import { readEvent } from './event.js';
import { flushWithin } from './flush.js';
import { describe, isPlainAnswer, resolveOptions, type HookSettings } from './options.js';
import { isSkip } from './skip.js';
import { claimStdout } from './stdout.js';
import { HookTelemetry } from './telemetry.js';
import type { HookEvent, HookHandler, HookOutcome, HookResult, RunHookOptions } from './types.js';

/** Exit codes as Claude Code reads them: 0 = answered; 2 would block the user, so never 2. */
const EXIT_ANSWERED = 0;
const EXIT_NON_BLOCKING_ERROR = 1;
const EMPTY_ANSWER = '{}';

type Settled = { kind: 'returned'; value: unknown } | { kind: 'threw'; error: unknown } | { kind: 'cut-off' };

interface Verdict {
  outcome: HookOutcome;
  text: string;
  exitCode: number;
  error?: unknown;
  skipReason?: string;
}

/**
 * Runs a hook: `handler` gets the event read from stdin and returns the answer to print (an
 * object), `skip()`, or nothing. Resolves once the answer is written and telemetry flushed;
 * when the hook was cut off, or something would keep the process alive past its budget, the
 * process is ended instead (process.exit with the hook's exit code).
 */
export function runHook(handler: HookHandler, options: RunHookOptions = {}): Promise<HookResult> {
  if (typeof handler !== 'function') {
    throw new MemotelError('MEMOTEL_ERR_INVALID_ARGUMENT', `runHook: the handler must be a function, got ${describe(handler)}`);
  }
  return run(handler, resolveOptions(options));
}

async function run(handler: HookHandler, settings: HookSettings): Promise<HookResult> {
  const budget = new Budget(settings.budgetMs, settings.flushTimeoutMs);
  const writeAnswer = claimStdout();
  const telemetry = new HookTelemetry(settings.budgetMs);

  let event: HookEvent | undefined;
  const work = readEvent().then((read) => {
    event = read;
    return telemetry.runInSpan(read, () => handler(read));
  });
  const settled = await settleBefore(work, budget.msUntilCutoff());
  const budgetUsed = budget.used();
  const verdict = decide(settled, event, settings);

  const problem = verdict.outcome === 'error' ? errorMessageOf(verdict.error) ?? String(verdict.error) : undefined;
  if (problem !== undefined) process.stderr.write(`${settings.name}: ${oneLine(problem)}\n`);
  if (verdict.outcome === 'timed-out') {
    process.stderr.write(`${settings.name}: no answer within the budget of ${settings.budgetMs} ms; answered with the fallback\n`);
  }
  await writeAnswer(verdict.text + '\n');
  telemetry.end({
    outcome: verdict.outcome,
    budgetUsed,
    error: verdict.error,
    skipReason: verdict.skipReason,
    timeoutMessage: `the handler did not finish within ${Math.round(budget.cutoffAtMs)} ms of process start (budget ${settings.budgetMs} ms)`,
  });

  const flushBound = budget.flushBoundMs();
  const windowEnd = performance.now() + flushBound;
  const flushed = await flushWithin(flushBound);
  process.exitCode = verdict.exitCode;
  // The handler is still running, or an export is still pending (a dead collector, retries):
  // end now. memotel's exit path saves unsent spans and logs to the local store.
  if (verdict.outcome === 'timed-out' || !flushed) process.exit(verdict.exitCode);
  // Otherwise let the process end by itself, unless something keeps it alive past the flush window.
  setTimeout(() => process.exit(verdict.exitCode), Math.max(0, windowEnd - performance.now())).unref();
  return { outcome: verdict.outcome, exitCode: verdict.exitCode };
}

/** Waits for work, but no longer than ms. A ref'd timer: a handler awaiting nothing still gets cut off. */
function settleBefore(work: Promise<unknown>, ms: number): Promise<Settled> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'cut-off' }), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve({ kind: 'returned', value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ kind: 'threw', error });
      },
    );
  });
}

function decide(settled: Settled, event: HookEvent | undefined, settings: HookSettings): Verdict {
  if (settled.kind === 'cut-off') return { outcome: 'timed-out', text: fallbackText(settings, event), exitCode: EXIT_ANSWERED };
  if (settled.kind === 'threw') return failed(settled.error);
  const value = settled.value;
  if (isSkip(value)) return { outcome: 'skipped', text: EMPTY_ANSWER, exitCode: EXIT_ANSWERED, skipReason: value.reason };
  if (value === undefined) return { outcome: 'success', text: EMPTY_ANSWER, exitCode: EXIT_ANSWERED };
  if (!isPlainAnswer(value)) {
    return failed(
      new MemotelError(
        'MEMOTEL_ERR_INVALID_ARGUMENT',
        `the hook handler must return an answer object, skip() or nothing; it returned ${describe(value)}`,
      ),
    );
  }
  try {
    return { outcome: 'success', text: JSON.stringify(value) ?? EMPTY_ANSWER, exitCode: EXIT_ANSWERED };
  } catch (error) {
    return failed(
      new MemotelError('MEMOTEL_ERR_INVALID_ARGUMENT', `the hook handler's answer cannot be written as JSON: ${errorMessageOf(error)}`, {
        cause: error,
      }),
    );
  }
}

/** Claude Code ignores stdout when the exit code is not 0; `{}` keeps stdout valid JSON for any other reader. */
function failed(error: unknown): Verdict {
  return { outcome: 'error', text: EMPTY_ANSWER, exitCode: EXIT_NON_BLOCKING_ERROR, error };
}

function fallbackText(settings: HookSettings, event: HookEvent | undefined): string {
  try {
    const answer = settings.fallback(event);
    if (isPlainAnswer(answer)) return JSON.stringify(answer) ?? EMPTY_ANSWER;
  } catch {
    // A broken fallback must not turn a timeout into a crash: answer with nothing.
  }
  return EMPTY_ANSWER;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
