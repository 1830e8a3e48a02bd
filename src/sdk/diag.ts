// memotel's diagnostics: one line per message, on stderr, never stdout.
// (OpenTelemetry's DiagConsoleLogger uses console.info/debug, which write to stdout.)
import { diag, DiagLogLevel, type DiagLogger, type Exception } from '@opentelemetry/api';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import type { LogLevel } from '../config/index.js';
import { alreadyReported } from '../store/writer.js';

const LEVELS: Record<LogLevel, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/** While set, warnings it matches are dropped (see withoutDuplicateWarnings). */
let duplicate: ((message: string) => boolean) | undefined;

function line(level: string, message: string, args: unknown[]): void {
  if (level === 'warn' && duplicate?.(message)) return;
  const extra = args.map((a) => (Array.isArray(a) && a.some((x) => x instanceof Error) ? a.map(describeError).join('; ') : describeError(a)));
  try {
    process.stderr.write(`memotel ${level}: ${[message, ...extra].join(' ')}\n`);
  } catch {
    // stderr closed: nothing sensible left to do, and telemetry must not break the app.
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export const stderrLogger: DiagLogger = {
  error: (m, ...a) => line('error', m, a),
  warn: (m, ...a) => line('warn', m, a),
  info: (m, ...a) => line('info', m, a),
  debug: (m, ...a) => line('debug', m, a),
  verbose: (m, ...a) => line('verbose', m, a),
};

export function installDiag(level: LogLevel): void {
  diag.setLogger(stderrLogger, { logLevel: LEVELS[level], suppressOverrideMessage: true });
  // The SDK reports failed exports through its global error handler, whose default logs the
  // error as one JSON blob, stack included. One readable line instead; the stack at debug.
  setGlobalErrorHandler((error: Exception) => {
    if (alreadyReported(error)) return; // the store writer said it once already
    diag.error(describeError(error));
    if (error instanceof Error && error.stack) diag.debug(error.stack);
  });
}

/** `Name: message (code)` for an error, the text itself for anything else. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const text = `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
    return code !== undefined && !String(error.message).includes(String(code)) ? `${text} (${String(code)})` : text;
  }
  return typeof error === 'string' ? error : safeJson(error);
}

/**
 * Runs `fn` (constructing and starting the SDK) without the warnings OpenTelemetry's own
 * environment readers print about variables memotel's configuration already reported: NodeSDK
 * and the providers still read OTEL_SDK_DISABLED, OTEL_LOG_LEVEL and the attribute limits from
 * process.env, so a bad value would otherwise be reported two or three times.
 */
export function withoutDuplicateWarnings<T>(warnings: readonly string[], fn: () => T): T {
  const needles: string[] = [];
  for (const w of warnings) {
    const name = /^([A-Z][A-Z0-9_]+)/.exec(w)?.[1];
    if (name) needles.push(name);
    const value = /="([^"]{2,})"/.exec(w)?.[1];
    if (value) needles.push(`"${value}"`, `'${value.toLowerCase()}'`, `'${value}'`);
  }
  if (needles.length === 0) return fn();
  const previous = duplicate;
  duplicate = (message) => needles.some((n) => message.includes(n));
  try {
    return fn();
  } finally {
    duplicate = previous;
  }
}

/** Configuration warnings are printed at warn level (so OTEL_LOG_LEVEL=error or none hides them). */
export function printWarnings(level: LogLevel, warnings: readonly string[]): void {
  if (LEVELS[level] < DiagLogLevel.WARN) return;
  for (const w of warnings) line('warn', w, []);
}
