// Builds only the enabled instrumentations. Constructing one installs its module hooks, so
// nothing is constructed for a disabled name.
import { diag } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import type { MemotelConfig } from '../config/index.js';
import { memotelInstrumentation } from './components.js';

type Factory = (config: MemotelConfig) => Instrumentation | undefined;

const UPSTREAM: Record<string, Factory> = {
  http: () => new HttpInstrumentation(),
  undici: () => new UndiciInstrumentation(),
  // pino records get trace_id and span_id from the instrumentation; session.id (the hash the
  // session processor put on the active span) is added so a log line leads to its session.
  pino: () =>
    new PinoInstrumentation({
      logHook: (span, record) => {
        const session = (span as unknown as { attributes?: Record<string, unknown> }).attributes?.['session.id'];
        if (typeof session === 'string') record['session.id'] = session;
      },
    }),
};

/** Built-in modules each instrumentation patches (see patchBuiltinsForEsm). */
const PATCHED_BUILTINS: Record<string, string[]> = { http: ['http', 'https'] };
/** CommonJS packages each instrumentation patches (their ESM imports are patched by esm-cjs-imports.ts). */
const PATCHED_PACKAGES: Record<string, string[]> = { pino: ['pino'] };

export function patchedBuiltins(config: MemotelConfig): string[] {
  return config.instrumentations.flatMap((name) => PATCHED_BUILTINS[name] ?? []);
}

export function patchedPackages(config: MemotelConfig): string[] {
  return config.instrumentations.flatMap((name) => PATCHED_PACKAGES[name] ?? []);
}

export function createInstrumentations(config: MemotelConfig): Instrumentation[] {
  const out: Instrumentation[] = [];
  for (const name of config.instrumentations) {
    try {
      const made = UPSTREAM[name]?.(config) ?? memotelInstrumentation(name, config);
      if (made) out.push(made);
      else diag.debug(`instrumentation "${name}" is not available in this build`);
    } catch (err) {
      diag.warn(`instrumentation "${name}" could not be created; continuing without it:`, err);
    }
  }
  return out;
}
