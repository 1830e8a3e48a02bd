// Public shapes of memotel/hooks.
import type { Skip } from './skip.js';

/**
 * A hook event as the host sends it on stdin (Claude Code: one JSON object per hook run).
 * memotel reads `hook_event_name`, `session_id` and `tool_name`; every other field is passed
 * to the handler untouched.
 */
export interface HookEvent {
  hook_event_name: string;
  session_id?: string;
  tool_name?: string;
  [field: string]: unknown;
}

/** The JSON object a hook prints on stdout, e.g. `{ hookSpecificOutput: { ... } }`. */
export type HookAnswer = Record<string, unknown>;

/** What a handler may return: an answer, `skip()`, or nothing (answered as `{}`). */
export type HookHandlerResult = HookAnswer | Skip | undefined | void;

export type HookHandler = (event: HookEvent) => HookHandlerResult | Promise<HookHandlerResult>;

/** success: answered; skipped: handler returned skip(); error: bad input or handler threw; timed-out: cut at the budget. */
export type HookOutcome = 'success' | 'error' | 'skipped' | 'timed-out';

export interface RunHookOptions {
  /**
   * The most time the whole hook process may take, in ms, counted from process start (the
   * host's timeout counts from spawn too). Set it below the host's limit (Claude Code: the
   * hook's `timeout`, 60 s by default). Default 10000.
   */
  budgetMs?: number;
  /**
   * The most time spent flushing telemetry after the answer, in ms; also what is kept back
   * from the handler at the end of the budget (at most half the budget). Default 1000.
   */
  flushTimeoutMs?: number;
  /** The answer printed when the handler is cut off, or a function of the event making it. Default `{}`. */
  onTimeout?: HookAnswer | ((event: HookEvent | undefined) => HookAnswer);
  /** Prefix of the one stderr line printed on error. Default: the script's file name. */
  name?: string;
}

export interface HookResult {
  outcome: HookOutcome;
  exitCode: number;
}
