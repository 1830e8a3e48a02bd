// Builds the enabled instrumentations. The SDK's own (http, undici and memotel's channel
// instrumentations) are constructed at start; every other one, from the manifest of
// @opentelemetry/auto-instrumentations-node's set (src/generated/, written at build time), is a
// stand-in that loads its bundle only when a module it patches is first loaded (src/sdk/lazy/).
import { diag } from '@opentelemetry/api';
import type { Instrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import type { PinoInstrumentationConfig } from '@opentelemetry/instrumentation-pino';
import type { MemotelConfig } from '../config/index.js';
import type { McpInstrumentationConfig } from '../instrumentation/mcp/types.js';
import { INSTRUMENTATION_MANIFEST } from '../generated/instrumentation-manifest.js';
import { memotelInstrumentation, sessionKeyFor } from './components.js';
import { LazyInstrumentation } from './lazy/lazy-instrumentation.js';
import type { InstrumentationManifestEntry } from './lazy/manifest-types.js';
import { shareModules } from './lazy/shared-modules.js';
import { LazyTargets } from './lazy/targets.js';

type Factory = (config: MemotelConfig) => Instrumentation;

/** Built into the SDK bundle and created at start (the manifest says `loading: 'sdk'`). */
const IN_SDK: Record<string, Factory> = {
  http: () => new HttpInstrumentation(),
  undici: () => new UndiciInstrumentation(),
};

/** Configuration memotel gives a lazily loaded instrumentation when it is constructed. */
const LAZY_CONFIG: Record<string, (config: MemotelConfig) => InstrumentationConfig> = {
  // pino records get trace_id and span_id from the instrumentation; session.id (the hash the
  // session processor put on the active span) is added so a log line leads to its session.
  pino: (): PinoInstrumentationConfig => ({
    logHook: (span, record) => {
      const session = (span as unknown as { attributes?: Record<string, unknown> }).attributes?.['session.id'];
      if (typeof session === 'string') record['session.id'] = session;
    },
  }),
  'memotel-mcp': (config): McpInstrumentationConfig => ({
    captureContent: config.captureContent,
    attributeValueLengthLimit: config.attributeValueLengthLimit,
    sessionKey: sessionKeyFor(config),
  }),
};

/** For instrumentations that decide at run time what they patch: whether they can apply here. */
const RUNS_HERE: Record<string, (env: NodeJS.ProcessEnv) => boolean> = {
  'aws-lambda': (env) => env._HANDLER !== undefined && env.LAMBDA_TASK_ROOT !== undefined,
};

export interface Instrumentations {
  /** Every enabled instrumentation, stand-ins included: what NodeSDK and the app's handle get. */
  all: Instrumentation[];
  /** The modules the stand-ins wait for. */
  targets: LazyTargets;
  /** Built-ins the instrumentations created at start patch (http, https). */
  builtins: string[];
}

/** Where the instrumentation bundles are: beside the SDK bundle. */
const BUNDLE_DIR = new URL('./instrumentations/', import.meta.url);

export function createInstrumentations(
  config: MemotelConfig,
  manifest: readonly InstrumentationManifestEntry[] = INSTRUMENTATION_MANIFEST,
  bundleDir: URL = BUNDLE_DIR,
): Instrumentations {
  const byName = new Map(manifest.map((e) => [e.name, e]));
  const all: Instrumentation[] = [];
  const lazy: { entry: InstrumentationManifestEntry; lazy: LazyInstrumentation }[] = [];
  const builtins = new Set<string>();
  shareModules();
  for (const name of config.instrumentations) {
    const entry = byName.get(name);
    try {
      if (entry?.loading === 'lazy') {
        const stand = new LazyInstrumentation(entry, bundleDir, LAZY_CONFIG[name]?.(config));
        lazy.push({ entry, lazy: stand });
        all.push(stand);
        // An instrumentation that declared no module at build time names it from the
        // environment as it is constructed (aws-lambda: the handler file, from _HANDLER).
        // Loading one at every start cost ~10 ms, so it is loaded only where it can apply.
        if (entry.modules.length === 0 && RUNS_HERE[name]?.(process.env) !== false) {
          stand.load('at start: it names what it patches only at run time');
        }
        continue;
      }
      const made = IN_SDK[name]?.(config) ?? memotelInstrumentation(name, config);
      if (!made) {
        diag.debug(`instrumentation "${name}" is not available in this build`);
        continue;
      }
      all.push(made);
      for (const module of entry?.modules ?? []) builtins.add(module.name);
    } catch (err) {
      diag.warn(`instrumentation "${name}" could not be created; continuing without it:`, err);
    }
  }
  return { all, targets: new LazyTargets(lazy), builtins: [...builtins].sort() };
}
