// Instrumentation scope version. Keep in step with package.json: a test compares them
// (importing package.json here would pull it into every bundle).
export const PACKAGE_VERSION = '0.1.0';

/** Instrumentation scope names (otel.scope.name), one per instrumentation. */
export const SCOPE_NAMES = {
  'memotel-capture': 'memotel/instrumentation-capture',
  'memotel-recall': 'memotel/instrumentation-recall',
  'memotel-embedding': 'memotel/instrumentation-embedding',
  'memotel-index': 'memotel/instrumentation-index',
  'memotel-git': 'memotel/instrumentation-git',
  'memotel-mcp': 'memotel/instrumentation-mcp',
} as const;

/** Scope of telemetry that is not tied to one instrumentation (silent failures). */
export const PROCESSORS_SCOPE_NAME = 'memotel/processors';
