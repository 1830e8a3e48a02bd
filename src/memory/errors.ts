// One error class for every memory service, with a stable `code`.
// Codes are API: instrumentations put them in error.type, callers branch on them. Messages are
// for people: they name the bad input and say what to do, and never carry content or keys.

export const MEMOTEL_ERROR_CODES = [
  'MEMOTEL_ERR_GIT_MISSING',
  'MEMOTEL_ERR_NOT_A_REPO',
  'MEMOTEL_ERR_NO_COMMIT',
  'MEMOTEL_ERR_GIT_FAILED',
  'MEMOTEL_ERR_GIT_TIMEOUT',
  'MEMOTEL_ERR_INVALID_NAMESPACE',
  'MEMOTEL_ERR_INVALID_SUMMARY',
  'MEMOTEL_ERR_CONTENT_TOO_LARGE',
  'MEMOTEL_ERR_INVALID_ARGUMENT',
  'MEMOTEL_ERR_INVALID_CONFIG',
  'MEMOTEL_ERR_INVALID_ID',
  'MEMOTEL_ERR_NOT_FOUND',
  'MEMOTEL_ERR_NOTE_UNREADABLE',
  'MEMOTEL_ERR_INDEX_CORRUPT',
  'MEMOTEL_ERR_EMBEDDING_UNREACHABLE',
  'MEMOTEL_ERR_EMBEDDING_FAILED',
  'MEMOTEL_ERR_LOCK_TIMEOUT',
  'MEMOTEL_ERR_LOCK_LOST',
] as const;

export type MemotelErrorCode = (typeof MEMOTEL_ERROR_CODES)[number];

/** Codes caused by what the caller passed in (a CLI maps them to usage errors). */
export const INPUT_ERROR_CODES: ReadonlySet<MemotelErrorCode> = new Set([
  'MEMOTEL_ERR_INVALID_NAMESPACE',
  'MEMOTEL_ERR_INVALID_SUMMARY',
  'MEMOTEL_ERR_CONTENT_TOO_LARGE',
  'MEMOTEL_ERR_INVALID_ARGUMENT',
  'MEMOTEL_ERR_INVALID_ID',
]);

export class MemotelError extends Error {
  override readonly name = 'MemotelError';
  readonly code: MemotelErrorCode;

  constructor(code: MemotelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isMemotelError(error: unknown, code?: MemotelErrorCode): error is MemotelError {
  return error instanceof MemotelError && (code === undefined || error.code === code);
}
