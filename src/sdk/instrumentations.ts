// Builds only the enabled instrumentations. Constructing one installs its module hooks, so
// nothing is constructed for a disabled name.
import { isBuiltin } from 'node:module';
import { diag } from '@opentelemetry/api';
import type { Instrumentation, InstrumentationBase } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import type { MemotelConfig } from '../config/index.js';
import { McpInstrumentation } from '../instrumentation/mcp/index.js';
import { memotelInstrumentation, sessionKeyFor } from './components.js';

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
  'memotel-mcp': (config) =>
    new McpInstrumentation({
      captureContent: config.captureContent,
      attributeValueLengthLimit: config.attributeValueLengthLimit,
      sessionKey: sessionKeyFor(config),
    }),
};

/** A package an instrumentation patches; `files`: it also patches files inside the package. */
export interface InstrumentedPackage {
  name: string;
  files: boolean;
}

/** The modules the instrumentations patch, read from their own module definitions. */
export interface PatchedModules {
  /** Built-in modules (http, https), sorted. */
  builtins: string[];
  /** Packages from node_modules (pino). */
  packages: InstrumentedPackage[];
  /** False when an instrumentation's definitions could not be read: the lists may be short. */
  complete: boolean;
}

// Read once per set of instrumentations: start() filters require() with it, the preload then
// patches ESM imports from it.
const patchedModulesOf = new WeakMap<readonly Instrumentation[], PatchedModules>();

export function patchedModules(instrumentations: readonly Instrumentation[]): PatchedModules {
  let patched = patchedModulesOf.get(instrumentations);
  if (!patched) patchedModulesOf.set(instrumentations, (patched = readPatchedModules(instrumentations)));
  return patched;
}

function readPatchedModules(instrumentations: readonly Instrumentation[]): PatchedModules {
  const builtins = new Set<string>();
  const packages = new Map<string, boolean>();
  let complete = true;
  for (const instrumentation of instrumentations) {
    // InstrumentationBase's; it calls the instrumentation's init() again, which only builds definitions.
    const definitions = (instrumentation as Partial<Pick<InstrumentationBase, 'getModuleDefinitions'>>).getModuleDefinitions;
    if (typeof definitions !== 'function') {
      complete = false;
      continue;
    }
    try {
      for (const { name, files } of definitions.call(instrumentation)) {
        if (isBuiltin(name)) builtins.add(name);
        else packages.set(name, packages.get(name) === true || (files?.length ?? 0) > 0);
      }
    } catch (err) {
      complete = false;
      diag.debug(`could not read the modules ${instrumentation.instrumentationName} patches:`, err);
    }
  }
  return { builtins: [...builtins].sort(), packages: [...packages].map(([name, files]) => ({ name, files })), complete };
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
