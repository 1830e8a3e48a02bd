import { ERROR_TYPE_VALUE_OTHER } from './semconv.js';

/**
 * A low-cardinality error.type: the error's string `code` (MemotelError codes such as
 * MEMOTEL_ERR_NOT_A_REPO, Node's ENOENT), else its class name, else `_OTHER`.
 * Never the message: messages carry inputs and would explode metric cardinality.
 */
export function errorTypeOf(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
    const className = (error as object).constructor?.name;
    if (typeof className === 'string' && className.length > 0 && className !== 'Object') return className;
  }
  return ERROR_TYPE_VALUE_OTHER;
}

/** The status description for a failure: the error's message when it has one. */
export function errorMessageOf(error: unknown): string | undefined {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === 'object') {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  if (typeof error === 'string') return error;
  return undefined;
}

/** exception.* attributes for a value that may not be an Error (anything can be thrown). */
export function exceptionAttributes(error: unknown): { type: string; message?: string; stacktrace?: string } {
  const stack = error instanceof Error ? error.stack : undefined;
  return { type: errorTypeOf(error), message: errorMessageOf(error), stacktrace: stack };
}
