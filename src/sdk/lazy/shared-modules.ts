// The packages every instrumentation bundle takes from the SDK bundle instead of carrying its
// own copy (scripts/instrumentations.mjs replaces their imports with a read of this registry).
// One copy of @opentelemetry/instrumentation means one require-in-the-middle hook and one
// import-in-the-middle registry in the process; one API and core mean one diag logger and the
// same context keys.
import * as api from '@opentelemetry/api';
import * as apiLogs from '@opentelemetry/api-logs';
import * as core from '@opentelemetry/core';
import * as instrumentation from '@opentelemetry/instrumentation';

const SHARED_MODULES = Symbol.for('memotel.shared-modules');

/** Makes the SDK's copies available to the instrumentation bundles; before the first is loaded. */
export function shareModules(): void {
  const g = globalThis as Record<symbol, unknown>;
  g[SHARED_MODULES] ??= {
    '@opentelemetry/api': api,
    '@opentelemetry/api-logs': apiLogs,
    '@opentelemetry/core': core,
    '@opentelemetry/instrumentation': instrumentation,
  };
}
