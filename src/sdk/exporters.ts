// Exporters per signal, as the configuration chose them. OTLP exporters are created on the
// first export (the module that builds them is imported then), so a process that ends
// without exporting never pays for gRPC or an HTTP client.
import { createHash } from 'node:crypto';
import type { Attributes } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import {
  AggregationTemporality,
  type InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { MemotelConfig, OtlpSignalConfig, Signal } from '../config/index.js';
import { StoreLogExporter, StoreMetricExporter, StoreSpanExporter } from '../store/exporters.js';
import { StoreWriter } from '../store/writer.js';
import { countsMetricsExports, pipelineStats } from './pipeline-stats.js';
import { StderrLogExporter, StderrMetricExporter, StderrSpanExporter } from './console.js';
import { exitSpool } from './exit-spool.js';
import { usedCodeCacheFeature } from './code-cache.js';

type Item = ReadableSpan | ReadableLogRecord | ResourceMetrics;
interface AnyExporter<T> {
  export(items: T, done: (r: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

function countOf(items: Item[] | ResourceMetrics): number {
  if (Array.isArray(items)) return items.length;
  return items.scopeMetrics.reduce((n, s) => n + s.metrics.reduce((m, x) => m + x.dataPoints.length, 0), 0);
}

/**
 * Wraps an exporter that is created on first use, and counts what it exports and fails.
 * `fallback`: where the spans or log records of a failed export go (the local store), so that
 * what the collector does not take during the run is kept as it is at the process's end.
 */
class PipelineExporter<T extends Item[] | ResourceMetrics> {
  #exporter?: AnyExporter<T>;
  #loading?: Promise<AnyExporter<T>>;
  #processEnding = false;

  constructor(
    readonly signal: Signal,
    readonly destination: string,
    private readonly create: () => AnyExporter<T> | Promise<AnyExporter<T>>,
    private readonly fallback?: () => AnyExporter<T>,
  ) {}

  #get(): AnyExporter<T> | Promise<AnyExporter<T>> {
    if (this.#exporter) return this.#exporter;
    this.#loading ??= Promise.resolve(this.create()).then((e) => (this.#exporter = e));
    return this.#loading;
  }

  export(items: T, done: (r: ExportResult) => void): void {
    const count = countOf(items as Item[] | ResourceMetrics);
    // Nothing to send: do not create (load) an exporter for it.
    if (count === 0) return done({ code: ExportResultCode.SUCCESS });
    // The code cache comes to hold the export paths this kind of process uses.
    usedCodeCacheFeature(`${this.signal}:${this.destination}`);
    const finish = (r: ExportResult) => {
      pipelineStats().record(this.signal, this.destination, count, r);
      const failed = r.code !== ExportResultCode.SUCCESS;
      // At the process's end a failed export was the last chance: its spans and log records stay
      // in the exit spool, which appends them to the local store as the process exits. During
      // the run they go to the store now (a synchronous append), and are then settled too.
      const keep = this.#processEnding && failed;
      if (failed && !keep) this.fallback?.().export(items, () => {});
      if (Array.isArray(items) && !keep) exitSpool().settled(items as Array<ReadableSpan | ReadableLogRecord>);
      done(r);
    };
    const target = this.#get();
    if (!(target instanceof Promise)) return target.export(items, finish);
    target.then(
      (e) => e.export(items, finish),
      (error: Error) => finish({ code: ExportResultCode.FAILED, error }),
    );
  }

  async forceFlush(): Promise<void> {
    if (this.#exporter?.forceFlush) await this.#exporter.forceFlush();
  }

  async shutdown(): Promise<void> {
    // An exporter never created has nothing to release.
    const exporter = this.#exporter ?? (this.#loading && (await this.#loading));
    if (!exporter) return;
    // The process is ending: wait for what is still in flight, and leave the connection for the
    // operating system to close. Closing a gRPC channel gracefully costs a hook process ~1.2 ms
    // of its exit, and there is nothing left to send on it.
    if (this.#processEnding) await exporter.forceFlush?.();
    else await exporter.shutdown();
  }

  /** The coming shutdown is the process's last act (see shutdown()). */
  processEnding(): void {
    this.#processEnding = true;
  }
}

class PipelineMetricExporter extends PipelineExporter<ResourceMetrics> implements PushMetricExporter {
  #lastCumulative?: string;
  #onlyIfChanged = false;

  constructor(
    destination: string,
    create: () => PushMetricExporter | Promise<PushMetricExporter>,
    private readonly temporality: (t: InstrumentType) => AggregationTemporality,
  ) {
    super('metrics', destination, create);
  }
  selectAggregationTemporality(t: InstrumentType): AggregationTemporality {
    return this.temporality(t);
  }

  /**
   * From now on (the shutdown's final collection), export only what differs from the last
   * export that succeeded. A short-lived process flushes and then shuts down: without this it
   * would send every metric point twice, moments apart, with the same values.
   */
  exportOnlyIfChanged(): void {
    this.#onlyIfChanged = true;
  }

  override export(metrics: ResourceMetrics, done: (r: ExportResult) => void): void {
    const digest = metricsDigest(metrics);
    if (this.#onlyIfChanged && !digest.newDeltas && digest.cumulative === this.#lastCumulative) {
      return done({ code: ExportResultCode.SUCCESS });
    }
    super.export(metrics, (r) => {
      if (r.code === ExportResultCode.SUCCESS) this.#lastCumulative = digest.cumulative;
      done(r);
    });
  }
}

type Point = { attributes: Attributes; startTime: unknown; value: unknown };

/**
 * What a metrics export says, for telling whether it says anything the last one did not.
 * `cumulative`: its cumulative points (and gauges) without the collection time; equal digests
 * mean the same values since the same start times. `newDeltas`: whether a delta point counts
 * anything (a delta is news unless it is zero). The count of metric points exported is left out:
 * each metrics export changes it by succeeding.
 */
export function metricsDigest(metrics: ResourceMetrics): { cumulative: string; newDeltas: boolean } {
  const cumulative: unknown[] = [];
  let newDeltas = false;
  for (const { scope, metrics: scopeMetrics } of metrics.scopeMetrics) {
    for (const m of scopeMetrics) {
      const points = (m.dataPoints as Point[]).filter((p) => !countsMetricsExports(m.descriptor.name, p.attributes));
      if (m.aggregationTemporality === AggregationTemporality.DELTA) {
        newDeltas ||= points.some((p) => !isZero(p.value));
      } else {
        cumulative.push([scope.name, scope.version, m.descriptor.name, points.map((p) => [p.attributes, p.startTime, p.value])]);
      }
    }
  }
  // A hash, so that a process with many series keeps a few bytes between exports, not a copy.
  return { cumulative: createHash('sha256').update(JSON.stringify(cumulative)).digest('base64'), newDeltas };
}

/** A sum of zero, or a histogram of no measurements. */
function isZero(value: unknown): boolean {
  if (typeof value === 'number') return value === 0;
  return typeof value === 'object' && value !== null && (value as { count?: unknown }).count === 0;
}

function once<R>(make: () => R): () => R {
  let made: R | undefined;
  return () => (made ??= make());
}

/** The exporters of one OTLP protocol; gRPC's and HTTP's are loaded apart, each on first export. */
const loadOtlp = (c: OtlpSignalConfig) => (c.protocol === 'grpc' ? import('./otlp-grpc.js') : import('./otlp-http.js'));

export interface SignalExporters {
  spans: SpanExporter[];
  metrics: PushMetricExporter[];
  logs: LogRecordExporter[];
  /** Prometheus pull endpoint, when chosen for metrics. */
  prometheus: boolean;
  /**
   * Called before shutdown: the final metrics export sends nothing if nothing changed; and when
   * the process ends with it, exporters finish without closing their connections and leave what
   * they fail to send in the exit spool.
   */
  beforeShutdown(processEnding: boolean): void;
}

export function createExporters(config: MemotelConfig, writer: StoreWriter): SignalExporters {
  const store = () => writer;
  const otlp = (s: Signal): OtlpSignalConfig => config.otlp[s];
  const out: SignalExporters = {
    spans: [],
    metrics: [],
    logs: [],
    prometheus: false,
    beforeShutdown: (processEnding) => {
      for (const e of out.metrics) if (e instanceof PipelineMetricExporter) e.exportOnlyIfChanged();
      if (!processEnding) return;
      for (const e of [...out.spans, ...out.metrics, ...out.logs]) if (e instanceof PipelineExporter) e.processEnding();
    },
  };

  // What an OTLP export fails to deliver goes to the local store, unless the store is already a
  // destination of that signal (it then has it all).
  const spanFallback = config.exporters.traces.includes('store') ? undefined : once(() => new StoreSpanExporter(store()));
  const logFallback = config.exporters.logs.includes('store') ? undefined : once(() => new StoreLogExporter(store()));
  for (const name of config.exporters.traces) {
    if (name === 'store') out.spans.push(new PipelineExporter('traces', 'store', () => new StoreSpanExporter(store())));
    if (name === 'console') out.spans.push(new PipelineExporter('traces', 'console', () => new StderrSpanExporter()));
    if (name === 'otlp')
      out.spans.push(
        new PipelineExporter(
          'traces',
          'otlp',
          async () => (await loadOtlp(otlp('traces'))).createTraceExporter(otlp('traces')),
          spanFallback,
        ),
      );
  }
  for (const name of config.exporters.logs) {
    if (name === 'store') out.logs.push(new PipelineExporter('logs', 'store', () => new StoreLogExporter(store())));
    if (name === 'console') out.logs.push(new PipelineExporter('logs', 'console', () => new StderrLogExporter()));
    if (name === 'otlp')
      out.logs.push(
        new PipelineExporter('logs', 'otlp', async () => (await loadOtlp(otlp('logs'))).createLogExporter(otlp('logs')), logFallback),
      );
  }
  for (const name of config.exporters.metrics) {
    if (name === 'prometheus') out.prometheus = true;
    if (name === 'store') {
      const proto = new StoreMetricExporter(store());
      out.metrics.push(new PipelineMetricExporter('store', () => proto, (t) => proto.selectAggregationTemporality(t)));
    }
    if (name === 'console') {
      // ConsoleMetricExporter writes with console.dir (stdout); memotel never writes there.
      out.metrics.push(
        new PipelineMetricExporter(
          'console',
          () => new StderrMetricExporter(),
          () => AggregationTemporality.CUMULATIVE,
        ),
      );
    }
    if (name === 'otlp')
      out.metrics.push(
        new PipelineMetricExporter(
          'otlp',
          async () => (await loadOtlp(otlp('metrics'))).createMetricExporter(otlp('metrics')),
          () => AggregationTemporality.CUMULATIVE,
        ),
      );
  }
  return out;
}
