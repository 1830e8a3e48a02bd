// How the CLI tells a user's mistake from its own failure.
//
// Errors are MemotelErrors with a stable code: MEMOTEL_ERR_INVALID_ARGUMENT is a usage error
// (exit 2, no stack trace, a pointer to --help); any other MemotelError is an expected failure
// with a message that says what to do (exit 1); anything else is a bug (exit 1, with a hint).
import { MemotelError, isMemotelError } from '../memory/errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function usageError(message: string): MemotelError {
  return new MemotelError('MEMOTEL_ERR_INVALID_ARGUMENT', message);
}

export function isUsageError(error: unknown): error is MemotelError {
  return isMemotelError(error, 'MEMOTEL_ERR_INVALID_ARGUMENT');
}

export function notFound(message: string): MemotelError {
  return new MemotelError('MEMOTEL_ERR_NOT_FOUND', message);
}

export { MemotelError, isMemotelError };
