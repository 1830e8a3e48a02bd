// --timing: latency percentiles per operation, from the duration histograms in the store
// (merged across processes and across attributes other than the operation).
import { QUANTILES, estimateQuantile, type AggregatedSeries, type HistogramValue, type MetricsAggregate } from '../../store/metrics.js';

export interface TimingRow {
  operation: string;
  count: number;
  /** Seconds, per QUANTILES. */
  quantiles: Array<number | undefined>;
  max?: number;
}

const str = (s: AggregatedSeries, key: string) => {
  const v = s.attributes[key];
  return v === undefined || v === null ? undefined : String(v);
};

/** The histograms health reports, and how each series is named. */
const TIMED: Array<{ metric: string; label: (s: AggregatedSeries) => string }> = [
  { metric: 'memotel.memory.operation.duration', label: (s) => str(s, 'gen_ai.operation.name') ?? str(s, 'memotel.memory.operation') ?? 'memory' },
  {
    metric: 'gen_ai.client.operation.duration',
    label: (s) => [str(s, 'gen_ai.operation.name') ?? 'gen_ai', str(s, 'gen_ai.request.model')].filter(Boolean).join(' '),
  },
  { metric: 'memotel.git.command.duration', label: (s) => `git ${str(s, 'memotel.git.subcommand') ?? '?'}` },
  { metric: 'memotel.index.operation.duration', label: (s) => `index ${str(s, 'memotel.index.operation') ?? '?'}` },
];

function toSeconds(unit: string): number {
  return unit === 'ms' ? 1 / 1000 : unit === 'us' ? 1 / 1e6 : 1;
}

export function timingRows(aggregate: MetricsAggregate): TimingRow[] {
  const rows: TimingRow[] = [];
  for (const { metric: name, label } of TIMED) {
    const metric = aggregate.metrics.find((m) => m.name === name && m.kind === 'histogram');
    if (!metric) continue;
    const scale = toSeconds(metric.unit);
    const groups = new Map<string, HistogramValue>();
    for (const series of metric.series) {
      const h = series.histogram;
      if (!h) continue;
      const key = label(series);
      const merged = groups.get(key);
      if (!merged) {
        groups.set(key, { ...h, bounds: [...h.bounds], counts: [...h.counts] });
        continue;
      }
      if (merged.bounds.join() !== h.bounds.join()) continue;
      h.counts.forEach((c, i) => (merged.counts[i]! += c));
      merged.count += h.count;
      merged.sum += h.sum;
      if (h.min !== undefined) merged.min = Math.min(merged.min ?? h.min, h.min);
      if (h.max !== undefined) merged.max = Math.max(merged.max ?? h.max, h.max);
    }
    for (const [operation, h] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      const q = QUANTILES.map((quantile) => estimateQuantile(h, quantile));
      rows.push({
        operation,
        count: h.count,
        quantiles: q.map((v) => (v === undefined ? undefined : v * scale)),
        max: h.max === undefined ? undefined : h.max * scale,
      });
    }
  }
  return rows;
}
