// Starting and stopping memotel: the one place that turns a resolved configuration into a
// running NodeSDK. Everything is passed to NodeSDK explicitly, so it never builds components
// from the environment on its own (its env paths load every exporter and print to stdout).
import { diag, metrics, trace, type TextMapPropagator } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
// The class itself, not the package index: the index also loads startNodeSDK and the
// declarative-configuration code (create-from-config), which memotel never uses, on every
// start. sdk-node has no exports map and is pinned exactly, so the path is stable.
import { NodeSDK } from '@opentelemetry/sdk-node/build/src/sdk.js';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { BatchLogRecordProcessor, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { resolveConfig, type Env, type MemotelConfig, type Resolved } from '../config/index.js';
import { installDiag, printWarnings, withoutDuplicateWarnings } from './diag.js';
import { createExporters } from './exporters.js';
import { resourceDetectors } from './resources.js';
import { MemotelContextManager } from './context-manager.js';
import { installLifecycle, type Lifecycle } from './lifecycle.js';
import { createInstrumentations, type Instrumentations } from './instrumentations.js';
import { currentRequire, installRequireHook } from './lazy/require-hook.js';
import { memotelComponents } from './components.js';
import { exitSpool, SpoolLogRecordProcessor, SpoolSpanProcessor } from './exit-spool.js';
import { alreadyReported, StoreWriter } from '../store/writer.js';
import { dropCounter, pipelineStats, registerPipelineMetrics } from './pipeline-stats.js';
import { scheduleRuntimeMetrics } from './runtime-metrics.js';
import { VERSION } from '../version.js';
import { inertHandle, running, setRunning } from './running.js';

export { running } from './running.js';

export interface StartOptions {
  /** Environment to read configuration from (default: process.env). */
  env?: Env;
  /** Extra instrumentation names to disable, e.g. ['memotel-git']. */
  disabledInstrumentations?: string[];
  /**
   * Install exit, signal and crash handlers that flush telemetry (default: true). Without them
   * the app must await shutdown() before it ends: exports in flight do not keep the process alive.
   */
  handleExit?: boolean;
}

export interface MemotelHandle {
  readonly config: MemotelConfig;
  /** True when this call started the SDK; false when it found one already running or disabled. */
  readonly started: boolean;
  /** The instrumentations this process registered. Each can be disabled and re-enabled at runtime. */
  readonly instrumentations: readonly Instrumentation[];
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}


/** Starts memotel once per process; later calls return the running instance. */
export function start(options: StartOptions = {}): MemotelHandle {
  return startResolved(undefined, options);
}

/**
 * start(), for a caller (the preload) that has resolved the configuration already.
 * `patchForPreload` runs once the SDK has started, with what the instrumentations patch.
 */
export function startResolved(
  resolved: Resolved | undefined,
  options: StartOptions = {},
  patchForPreload?: (instrumentations: Instrumentations) => void,
): MemotelHandle {
  const existing = running();
  if (existing) {
    diag.debug('memotel is already started in this process; not starting it again');
    return { ...existing, started: false };
  }

  const { config, warnings } = resolved ?? resolveConfig(options.env ?? process.env, {});
  if (options.disabledInstrumentations?.length) {
    config.instrumentations = config.instrumentations.filter((n) => !options.disabledInstrumentations!.includes(n));
  }
  if (config.disabled) {
    const handle = inertHandle(config);
    setRunning(handle);
    return handle;
  }

  installDiag(config.logLevel);
  printWarnings(config.logLevel, warnings);

  // Created now, touched on first write only.
  const store = new StoreWriter(config.store);
  const spool = exitSpool();
  spool.configure(store, config.spanBatch.maxQueueSize);
  const exporters = createExporters(config, store);
  const components = memotelComponents(config);

  // The spool keeps what an exporter has not taken yet; a signal exported nowhere (`none`) has
  // nothing to keep, and must not end up in the store at exit.
  const spanProcessors: SpanProcessor[] = [
    ...components.spanProcessors,
    ...(exporters.spans.length > 0 ? [new SpoolSpanProcessor(spool)] : []),
    ...exporters.spans.map((e) => new BatchSpanProcessor({ exporter: e, ...config.spanBatch, selfObsMeterProvider: dropCounter('traces') })),
  ];
  const logRecordProcessors: LogRecordProcessor[] = [
    ...components.logRecordProcessors,
    ...(exporters.logs.length > 0 ? [new SpoolLogRecordProcessor(spool)] : []),
    ...exporters.logs.map((e) => new BatchLogRecordProcessor({ exporter: e, ...config.logBatch, selfObsMeterProvider: dropCounter('logs') })),
  ];
  const metricReaders: MetricReader[] = exporters.metrics.map(
    (exporter) =>
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: config.metricExportIntervalMillis,
        exportTimeoutMillis: Math.min(config.metricExportTimeoutMillis, config.metricExportIntervalMillis),
      }),
  );
  if (exporters.prometheus) metricReaders.push(prometheusReader(config));

  // Before the instrumentations: they bind its storage to their channels when they enable,
  // and an operation that starts unbound cannot parent the operations nested in it.
  const contextManager = new MemotelContextManager();
  const requireBefore = currentRequire();
  const created = createInstrumentations(config);
  const instrumentations: Instrumentation[] = created.all;

  // Upstream's own env readers would repeat what memotel's configuration already reported.
  const sdk = withoutDuplicateWarnings(warnings, () =>
    withoutDiagOverride(
      () =>
        new NodeSDK({
          serviceName: config.serviceName,
          resourceDetectors: resourceDetectors(config.resourceDetectors),
          contextManager,
          textMapPropagator: components.wrapPropagator(propagator(config)),
          sampler: sampler(config),
          spanLimits: {
            attributeValueLengthLimit: config.attributeValueLengthLimit,
            attributeCountLimit: config.attributeCountLimit,
          },
          spanProcessors,
          logRecordProcessors,
          metricReaders,
          instrumentations,
        }),
    ),
  );
  withoutDuplicateWarnings(warnings, () => sdk.start());
  installRequireHook(requireBefore, created.targets, dirname(fileURLToPath(import.meta.url)));
  patchForPreload?.(created);
  components.start();
  pipelineStats().persistTo(config.store.dir);
  registerPipelineMetrics();
  const runtimeMetrics = scheduleRuntimeMetrics(config);

  let stopped: Promise<void> | undefined;
  const handle: MemotelHandle = {
    config,
    started: true,
    instrumentations,
    forceFlush: () => holdingProcess(forceFlushAll),
    shutdown: () => (stopped ??= holdingProcess(() => shutdownAll(false))),
  };

  // Spans and log records first, then metrics: the metrics then count what was just exported
  // (memotel.telemetry.*), and a shutdown right after has nothing new to send.
  async function forceFlushAll(): Promise<void> {
    const flush = (p: object) =>
      unwrapProxy(p as Parameters<typeof unwrapProxy>[0])?.forceFlush?.().catch((e: Error) => alreadyReported(e) || diag.warn('flush failed:', e));
    await Promise.all([flush(trace.getTracerProvider()), flush(logs.getLoggerProvider())]);
    await flush(metrics.getMeterProvider());
  }

  async function shutdownAll(processEnding: boolean): Promise<void> {
    lifecycle?.uninstall();
    runtimeMetrics.stop();
    components.stop();
    exporters.beforeShutdown(processEnding);
    await sdk.shutdown().catch((e: Error) => alreadyReported(e) || diag.warn('shutdown failed:', e));
  }

  const recordUnfinished = () => {
    const pending = spool.pending();
    for (const signal of ['traces', 'logs'] as const) {
      const remote = config.exporters[signal].filter((e) => e !== 'store');
      if (pending[signal] > 0 && remote.length > 0) pipelineStats().unfinished(signal, remote.join(','), pending[signal], config.shutdownTimeoutMillis);
    }
  };
  const lifecycle: Lifecycle | undefined =
    options.handleExit === false
      ? undefined
      : installLifecycle(() => (stopped ??= shutdownAll(true)), config.shutdownTimeoutMillis, recordUnfinished);

  setRunning(handle);
  diag.debug(
    `memotel ${VERSION} started: traces→${config.exporters.traces.join(',') || 'none'} (${config.exporterReason.traces}), ` +
      `metrics→${config.exporters.metrics.join(',') || 'none'}, logs→${config.exporters.logs.join(',') || 'none'}, ` +
      `instrumentations: ${config.instrumentations.join(',')}`,
  );
  return handle;
}

/**
 * NodeSDK's constructor installs OpenTelemetry's console diag logger whenever OTEL_LOG_LEVEL
 * is set, and that logger writes info and debug lines to stdout (console.info/console.debug),
 * starting with its own registration message. memotel's stderr logger is already installed
 * with the same level, so the constructor's setLogger call is skipped.
 */
function withoutDiagOverride<T>(construct: () => T): T {
  const api = diag as { setLogger: typeof diag.setLogger };
  const setLogger = api.setLogger;
  api.setLogger = () => true;
  try {
    return construct();
  } finally {
    api.setLogger = setLogger;
  }
}


/**
 * Runs `work` with the process held alive: the app (or the hook helper) awaits it, and nothing of
 * the telemetry pipeline holds the process itself (detached.ts). Without it an app awaiting
 * forceFlush() or shutdown() with nothing else to do would see 'beforeExit' mid-flush, or Node's
 * exit code 13 for an unsettled top-level await.
 */
async function holdingProcess(work: () => Promise<void>): Promise<void> {
  const hold = setInterval(() => {}, 2 ** 31 - 1);
  try {
    await work();
  } finally {
    clearInterval(hold);
  }
}

/** The global API providers are proxies; flush the real delegate. */
function unwrapProxy(p: { forceFlush?: () => Promise<unknown>; getDelegate?: () => unknown }) {
  const delegate = typeof p.getDelegate === 'function' ? (p.getDelegate() as typeof p) : p;
  return delegate;
}

function sampler(config: MemotelConfig): Sampler {
  const { name, ratio } = config.sampler;
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function propagator(config: MemotelConfig): TextMapPropagator {
  const list: TextMapPropagator[] = [];
  let load: NodeJS.Require | undefined;
  const lazy = (pkg: string) => (load ??= createRequire(import.meta.url))(pkg);
  for (const name of config.propagators) {
    try {
      if (name === 'tracecontext') list.push(new W3CTraceContextPropagator());
      else if (name === 'baggage') list.push(new W3CBaggagePropagator());
      else if (name === 'b3') list.push(new (lazy('@opentelemetry/propagator-b3').B3Propagator)());
      else if (name === 'b3multi') {
        const b3 = lazy('@opentelemetry/propagator-b3');
        list.push(new b3.B3Propagator({ injectEncoding: b3.B3InjectEncoding.MULTI_HEADER }));
      } else if (name === 'jaeger') list.push(new (lazy('@opentelemetry/propagator-jaeger').JaegerPropagator)());
    } catch (err) {
      diag.warn(`OTEL_PROPAGATORS: "${name}" could not be loaded (${(err as Error).message}); skipping it`);
    }
  }
  return new CompositePropagator({ propagators: list });
}

function prometheusReader(config: MemotelConfig): MetricReader {
  const { PrometheusExporter } = createRequire(import.meta.url)('@opentelemetry/exporter-prometheus');
  return new PrometheusExporter({ host: config.prometheus.host, port: config.prometheus.port }, (err?: Error) => {
    if (err) diag.warn(`Prometheus endpoint could not start on ${config.prometheus.host}:${config.prometheus.port}:`, err);
  });
}
