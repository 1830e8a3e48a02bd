// Metrics from the store, aggregated across every process that wrote them.
//
// The store's metric exporter writes counters and histograms as DELTAS (each line is what
// happened since that process's previous export) and up-down counters and gauges as
// CUMULATIVE states. So, per metric and attribute set:
//   - delta counters and histograms: every point is added (histograms bucket by bucket);
//   - cumulative sums and histograms (written by other configurations): the latest point of
//     each process (resource service.instance.id) is taken, then added across processes;
//   - up-down counters: latest per process, added across processes (e.g. active requests);
//   - gauges: the latest value of any process (a gauge is a reading, e.g. index size, that
//     all processes observe; adding readings would count the same thing many times).
// Scopes are merged: a metric name is one series family, whichever instrumentation recorded it.
import {
  TEMPORALITY_CUMULATIVE,
  attributesKey,
  decodeAttributes,
  nanosToMillis,
  type Attributes,
  type AttributeValue,
  type OtlpHistogramDataPoint,
  type OtlpMetric,
  type OtlpMetricsRequest,
  type OtlpNumberDataPoint,
} from './otlp-json.js';
import { emptyReport, forEachRequest, type ReadReport } from './reader.js';

export type MetricKind = 'counter' | 'updowncounter' | 'gauge' | 'histogram';

export interface HistogramValue {
  /** Upper bounds of all buckets but the last (which reaches +Inf). */
  bounds: number[];
  /** One count per bucket: bounds.length + 1. */
  counts: number[];
  count: number;
  sum: number;
  min?: number;
  max?: number;
}

export interface AggregatedSeries {
  attributes: Attributes;
  /** Counters, up-down counters, gauges. */
  value?: number;
  histogram?: HistogramValue;
  /** Distinct processes that contributed. */
  processes: number;
  /** Time of the newest contributing point. */
  lastMs: number;
}

export interface AggregatedMetric {
  name: string;
  description: string;
  unit: string;
  kind: MetricKind;
  /** Every value was an integer (asInt), so it is shown and exported as one. */
  integer: boolean;
  series: AggregatedSeries[];
}

export interface MetricsAggregate {
  metrics: AggregatedMetric[];
  /** Resource attributes every contributing process shares (per-process ones left out). */
  resource: Attributes;
  processes: number;
  firstMs?: number;
  lastMs?: number;
  /** Things that could not be aggregated, one line each (for stderr). */
  warnings: string[];
}

interface SeriesState {
  attributes: Attributes;
  value: number;
  histogram?: HistogramValue;
  processes: Set<string>;
  lastMs: number;
  /** Cumulative points: the latest per process. */
  latest: Map<string, { timeMs: number; value: number; histogram?: HistogramValue }>;
}

interface MetricState {
  name: string;
  description: string;
  unit: string;
  kind: MetricKind;
  integer: boolean;
  series: Map<string, SeriesState>;
}

// Per-process resource attributes: meaningless for an aggregate over processes, and
// process.command_args may carry secrets.
const PER_PROCESS_RESOURCE = /^(process\.|service\.instance\.id$)/;

function toNumber(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

function histogramOf(p: OtlpHistogramDataPoint): HistogramValue {
  const bounds = (p.explicitBounds ?? []).map(toNumber);
  const counts = (p.bucketCounts ?? []).map(toNumber);
  while (counts.length < bounds.length + 1) counts.push(0);
  return {
    bounds,
    counts,
    count: toNumber(p.count),
    sum: toNumber(p.sum),
    ...(p.min !== undefined && { min: toNumber(p.min) }),
    ...(p.max !== undefined && { max: toNumber(p.max) }),
  };
}

function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Adds `b` into `a` (same bounds). */
function addHistogram(a: HistogramValue, b: HistogramValue): void {
  for (let i = 0; i < a.counts.length; i++) a.counts[i]! += b.counts[i] ?? 0;
  a.count += b.count;
  a.sum += b.sum;
  if (b.min !== undefined) a.min = a.min === undefined ? b.min : Math.min(a.min, b.min);
  if (b.max !== undefined) a.max = a.max === undefined ? b.max : Math.max(a.max, b.max);
}

function cloneHistogram(h: HistogramValue): HistogramValue {
  return { ...h, bounds: [...h.bounds], counts: [...h.counts] };
}

/**
 * The value below which a fraction `q` (0..1) of observations fall, estimated by linear
 * interpolation within the bucket that holds that rank (as Prometheus' histogram_quantile
 * does), with the known min and max narrowing the first, last and any other bucket.
 */
export function estimateQuantile(h: HistogramValue, q: number): number | undefined {
  if (h.count <= 0) return undefined;
  const rank = Math.min(Math.max(q, 0), 1) * h.count;
  let below = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const inBucket = h.counts[i]!;
    if (inBucket <= 0 || below + inBucket < rank) {
      below += inBucket;
      continue;
    }
    let lower = i === 0 ? Math.min(0, h.bounds[0] ?? 0) : h.bounds[i - 1]!;
    let upper = i < h.bounds.length ? h.bounds[i]! : (h.max ?? h.bounds[h.bounds.length - 1] ?? 0);
    if (h.min !== undefined) lower = Math.max(lower, Math.min(h.min, upper));
    if (h.max !== undefined) upper = Math.min(upper, Math.max(h.max, lower));
    return lower + (upper - lower) * ((rank - below) / inBucket);
  }
  return h.max;
}

export const QUANTILES = [0.5, 0.9, 0.95, 0.99] as const;

/** Reads and aggregates every metric line of the store. */
export function aggregateStoreMetrics(dir: string, report: ReadReport = emptyReport()): MetricsAggregate {
  const aggregator = new MetricsAggregator();
  forEachRequest(dir, 'metrics', (request) => aggregator.add(request as OtlpMetricsRequest), report);
  return aggregator.result();
}

export class MetricsAggregator {
  readonly #metrics = new Map<string, MetricState>();
  readonly #processes = new Set<string>();
  readonly #warnings = new Set<string>();
  #resource: Attributes | undefined;
  #firstMs: number | undefined;
  #lastMs: number | undefined;

  add(request: OtlpMetricsRequest): void {
    for (const rm of request.resourceMetrics ?? []) {
      const resource = decodeAttributes(rm.resource?.attributes);
      const process = processKey(resource);
      let contributed = false;
      for (const sm of rm.scopeMetrics ?? []) {
        for (const metric of sm.metrics ?? []) {
          if (typeof metric?.name !== 'string') continue;
          contributed = this.#addMetric(process, metric) || contributed;
        }
      }
      if (contributed) {
        this.#processes.add(process);
        this.#mergeResource(resource);
      }
    }
  }

  result(): MetricsAggregate {
    const metrics: AggregatedMetric[] = [];
    for (const m of [...this.#metrics.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const series: AggregatedSeries[] = [];
      for (const s of m.series.values()) {
        const out: AggregatedSeries = { attributes: s.attributes, processes: s.processes.size, lastMs: s.lastMs };
        if (m.kind === 'gauge') {
          let newest: { timeMs: number; value: number } | undefined;
          for (const p of s.latest.values()) if (!newest || p.timeMs >= newest.timeMs) newest = p;
          out.value = newest?.value ?? 0;
        } else if (m.kind === 'histogram') {
          const h = s.histogram ? cloneHistogram(s.histogram) : undefined;
          let total = h;
          for (const p of s.latest.values()) {
            if (!p.histogram) continue;
            if (!total) total = cloneHistogram(p.histogram);
            else addHistogram(total, p.histogram);
          }
          if (total) out.histogram = total;
        } else {
          let value = s.value;
          for (const p of s.latest.values()) value += p.value;
          out.value = value;
        }
        series.push(out);
      }
      series.sort((a, b) => attributesKey(a.attributes).localeCompare(attributesKey(b.attributes)));
      metrics.push({ name: m.name, description: m.description, unit: m.unit, kind: m.kind, integer: m.integer, series });
    }
    return {
      metrics,
      resource: this.#resource ?? {},
      processes: this.#processes.size,
      firstMs: this.#firstMs,
      lastMs: this.#lastMs,
      warnings: [...this.#warnings],
    };
  }

  #addMetric(process: string, metric: OtlpMetric): boolean {
    let kind: MetricKind;
    let cumulative: boolean;
    let numberPoints: OtlpNumberDataPoint[] | undefined;
    let histogramPoints: OtlpHistogramDataPoint[] | undefined;
    if (metric.sum) {
      kind = metric.sum.isMonotonic ? 'counter' : 'updowncounter';
      cumulative = metric.sum.aggregationTemporality === TEMPORALITY_CUMULATIVE;
      numberPoints = metric.sum.dataPoints ?? [];
    } else if (metric.gauge) {
      kind = 'gauge';
      cumulative = true;
      numberPoints = metric.gauge.dataPoints ?? [];
    } else if (metric.histogram) {
      kind = 'histogram';
      cumulative = metric.histogram.aggregationTemporality === TEMPORALITY_CUMULATIVE;
      histogramPoints = metric.histogram.dataPoints ?? [];
    } else {
      this.#warnings.add(`${metric.name}: exponential histograms and summaries are not aggregated; left out`);
      return false;
    }
    // Up-down counters are states whatever the temporality says.
    if (kind === 'updowncounter') cumulative = true;

    let state = this.#metrics.get(metric.name);
    if (!state) {
      state = {
        name: metric.name,
        description: metric.description ?? '',
        unit: metric.unit ?? '',
        kind,
        integer: true,
        series: new Map(),
      };
      this.#metrics.set(metric.name, state);
    } else if (state.kind !== kind) {
      this.#warnings.add(`${metric.name}: recorded as both ${state.kind} and ${kind}; the ${kind} points are left out`);
      return false;
    }
    if (!state.description && metric.description) state.description = metric.description;

    for (const p of numberPoints ?? []) {
      if (p.asInt === undefined) state.integer = false;
      const value = toNumber(p.asInt ?? p.asDouble);
      const series = this.#series(state, p.attributes, process, p.timeUnixNano);
      if (cumulative) keepLatest(series, process, nanosToMillis(p.timeUnixNano), { value });
      else series.value += value;
    }
    for (const p of histogramPoints ?? []) {
      state.integer = false;
      const h = histogramOf(p);
      const series = this.#series(state, p.attributes, process, p.timeUnixNano);
      const known = series.histogram ?? [...series.latest.values()].find((l) => l.histogram)?.histogram;
      if (known && !sameBounds(known.bounds, h.bounds)) {
        this.#warnings.add(`${metric.name}: points with other bucket bounds cannot be merged; left out`);
        continue;
      }
      if (cumulative) keepLatest(series, process, nanosToMillis(p.timeUnixNano), { value: 0, histogram: h });
      else if (!series.histogram) series.histogram = cloneHistogram(h);
      else addHistogram(series.histogram, h);
    }
    return true;
  }

  #series(state: MetricState, list: OtlpNumberDataPoint['attributes'], process: string, time: unknown): SeriesState {
    const attributes = decodeAttributes(list);
    const key = attributesKey(attributes);
    let series = state.series.get(key);
    if (!series) {
      series = { attributes, value: 0, processes: new Set(), lastMs: 0, latest: new Map() };
      state.series.set(key, series);
    }
    const timeMs = nanosToMillis(time as string | undefined);
    series.processes.add(process);
    series.lastMs = Math.max(series.lastMs, timeMs);
    if (timeMs > 0) {
      this.#firstMs = this.#firstMs === undefined ? timeMs : Math.min(this.#firstMs, timeMs);
      this.#lastMs = this.#lastMs === undefined ? timeMs : Math.max(this.#lastMs, timeMs);
    }
    return series;
  }

  #mergeResource(resource: Attributes): void {
    const shared: Attributes = {};
    for (const [key, value] of Object.entries(resource)) {
      if (PER_PROCESS_RESOURCE.test(key)) continue;
      if (this.#resource === undefined || sameValue(this.#resource[key], value)) shared[key] = value;
    }
    if (this.#resource !== undefined) {
      for (const key of Object.keys(shared)) if (!(key in this.#resource)) delete shared[key];
    }
    this.#resource = shared;
  }
}

function keepLatest(
  series: SeriesState,
  process: string,
  timeMs: number,
  point: { value: number; histogram?: HistogramValue },
): void {
  const current = series.latest.get(process);
  if (!current || timeMs >= current.timeMs) series.latest.set(process, { timeMs, ...point });
}

function sameValue(a: AttributeValue | undefined, b: AttributeValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function processKey(resource: Attributes): string {
  const id = resource['service.instance.id'];
  if (typeof id === 'string' && id) return id;
  return `${String(resource['host.name'] ?? '')}/${String(resource['process.pid'] ?? '')}/${String(resource['service.name'] ?? '')}`;
}
