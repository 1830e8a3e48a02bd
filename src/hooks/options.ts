// runHook's options: defaults and validation. A bad option is the hook author's mistake, found
// on the first run, so it throws at once instead of being answered like a bad event.
import { MemotelError } from '../memory/errors.js';
import type { HookAnswer, HookEvent, RunHookOptions } from './types.js';

export const DEFAULT_BUDGET_MS = 10_000;
export const DEFAULT_FLUSH_TIMEOUT_MS = 1_000;
/** setTimeout's largest delay. */
const MAX_DELAY_MS = 2_147_483_647;

export interface HookSettings {
  budgetMs: number;
  flushTimeoutMs: number;
  fallback: (event: HookEvent | undefined) => HookAnswer;
  name: string;
}

export function resolveOptions(options: RunHookOptions, argv1: string | undefined = process.argv[1]): HookSettings {
  if (options === null || typeof options !== 'object') throw invalid(`options must be an object, got ${describe(options)}`);
  const budgetMs = milliseconds('budgetMs', options.budgetMs, DEFAULT_BUDGET_MS, false);
  const flushTimeoutMs = milliseconds('flushTimeoutMs', options.flushTimeoutMs, DEFAULT_FLUSH_TIMEOUT_MS, true);
  const { onTimeout } = options;
  let fallback: HookSettings['fallback'];
  if (onTimeout === undefined) fallback = () => ({});
  else if (typeof onTimeout === 'function') fallback = onTimeout;
  else if (isPlainAnswer(onTimeout)) fallback = () => onTimeout;
  else throw invalid(`onTimeout must be an answer object or a function returning one, got ${describe(onTimeout)}`);
  const name = options.name ?? scriptName(argv1);
  if (typeof name !== 'string' || name.trim() === '') throw invalid(`name must be a non-empty string, got ${describe(name)}`);
  return { budgetMs, flushTimeoutMs, fallback, name };
}

export function isPlainAnswer(value: unknown): value is HookAnswer {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function milliseconds(option: string, value: unknown, fallback: number, zeroAllowed: boolean): number {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && Number.isFinite(value) && (zeroAllowed ? value >= 0 : value > 0) && value <= MAX_DELAY_MS;
  if (!ok) {
    throw invalid(`${option} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number of milliseconds, got ${describe(value)}`);
  }
  return value as number;
}

function scriptName(argv1: string | undefined): string {
  return argv1?.split(/[\\/]/).pop() || 'hook';
}

function invalid(message: string): MemotelError {
  return new MemotelError('MEMOTEL_ERR_INVALID_ARGUMENT', `runHook: ${message}`);
}
