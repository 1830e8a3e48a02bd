// skip(): the handler's way to say "nothing to do for this event" without it counting as an error.

/** Symbol.for, not a module-local symbol: a handler may import another bundled copy of memotel/hooks. */
const SKIP = Symbol.for('memotel.hooks.skip');

export interface Skip {
  readonly [SKIP]: true;
  /** A short, low-cardinality reason, recorded on the hook span (memotel.hook.skip.reason). */
  readonly reason: string | undefined;
}

/** Returned from a handler: the hook answers `{}`, exits 0 and is counted as skipped. */
export function skip(reason?: string): Skip {
  return Object.freeze({ [SKIP]: true as const, reason });
}

export function isSkip(value: unknown): value is Skip {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SKIP] === true;
}
