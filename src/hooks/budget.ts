// The hook's time budget, counted from process start: the host's timeout counts from spawn,
// so Node's startup and the preload are part of what the hook spends.
//
//   0 ──────────── handler cut-off ───────────── end of budget
//        handler           │   reserve (answer + flush)  │ EXIT_MARGIN_MS
//
// The reserve is the flush timeout, at most half the budget; the last EXIT_MARGIN_MS are left
// for the process to end (exit listeners, memotel's synchronous spool write).
import { performance } from 'node:perf_hooks';

export const EXIT_MARGIN_MS = 50;

export class Budget {
  readonly #budgetMs: number;
  readonly #flushTimeoutMs: number;
  readonly #now: () => number;

  /** `now` returns ms since process start (performance.now() by default). */
  constructor(budgetMs: number, flushTimeoutMs: number, now: () => number = () => performance.now()) {
    this.#budgetMs = budgetMs;
    this.#flushTimeoutMs = flushTimeoutMs;
    this.#now = now;
  }

  get budgetMs(): number {
    return this.#budgetMs;
  }

  /** When the handler is cut off, in ms since process start. */
  get cutoffAtMs(): number {
    return this.#budgetMs - Math.min(this.#flushTimeoutMs, this.#budgetMs / 2);
  }

  msUntilCutoff(): number {
    return Math.max(0, this.cutoffAtMs - this.#now());
  }

  /** How long a flush started now may take: the flush timeout, or what is left of the budget. */
  flushBoundMs(): number {
    return Math.max(0, Math.min(this.#flushTimeoutMs, this.#budgetMs - EXIT_MARGIN_MS - this.#now()));
  }

  /** Time spent so far as a fraction of the budget (above 1 when overrun, e.g. by a slow start). */
  used(): number {
    return this.#now() / this.#budgetMs;
  }
}
