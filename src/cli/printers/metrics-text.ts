// The aggregate as text: per metric a header (name, kind, unit, description) and a table of
// its attribute sets; histograms with count, sum and estimated percentiles.
import { QUANTILES, estimateQuantile, type AggregatedMetric, type AggregatedSeries, type MetricsAggregate } from '../../store/metrics.js';
import type { Attributes } from '../../store/otlp-json.js';
import { formatMeasurement, formatNumber, formatTime, plural } from './format.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';

export function formatAttributes(attributes: Attributes): string {
  const keys = Object.keys(attributes).sort();
  if (keys.length === 0) return '(no attributes)';
  return keys
    .map((k) => {
      const v = attributes[k];
      return `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
    })
    .join(' ');
}

const QUANTILE_LABELS = QUANTILES.map((q) => `P${Math.round(q * 100)}`);

function histogramRows(metric: AggregatedMetric): string[][] {
  const rows = [['ATTRIBUTES', 'COUNT', 'SUM', ...QUANTILE_LABELS, 'MAX']];
  for (const s of metric.series) {
    const h = s.histogram;
    if (!h) continue;
    rows.push([
      formatAttributes(s.attributes),
      String(h.count),
      formatMeasurement(h.sum, metric.unit),
      ...QUANTILES.map((q) => formatMeasurement(estimateQuantile(h, q), metric.unit)),
      formatMeasurement(h.max, metric.unit),
    ]);
  }
  return rows;
}

function valueRows(metric: AggregatedMetric): string[][] {
  const label = metric.kind === 'gauge' ? 'LATEST' : 'VALUE';
  return [['ATTRIBUTES', label], ...metric.series.map((s: AggregatedSeries) => [formatAttributes(s.attributes), formatNumber(s.value ?? 0)])];
}

export function renderMetricsText(aggregate: MetricsAggregate, metrics: readonly AggregatedMetric[], storeDir: string, style: Style): string[] {
  const span =
    aggregate.firstMs !== undefined && aggregate.lastMs !== undefined
      ? `, ${formatTime(aggregate.firstMs)} to ${formatTime(aggregate.lastMs)}`
      : '';
  const lines = [style.dim(`Metrics from ${plural(aggregate.processes, 'process', 'processes')}${span} (store ${storeDir})`)];
  for (const metric of metrics) {
    const unit = metric.unit ? ` ${metric.unit}` : '';
    lines.push('', style.bold(metric.name) + style.dim(`  ${metric.kind}${unit}`));
    if (metric.description) lines.push(style.dim(`  ${metric.description}`));
    const rows = metric.kind === 'histogram' ? histogramRows(metric) : valueRows(metric);
    const table = renderTable(rows, rows[0]!.map((_, i) => (i === 0 ? 'left' : 'right')), '  ');
    table[0] = style.dim(table[0]!);
    lines.push(...table);
  }
  return lines;
}

export function metricsJson(aggregate: MetricsAggregate, metrics: readonly AggregatedMetric[], storeDir: string) {
  return {
    store: storeDir,
    processes: aggregate.processes,
    from: aggregate.firstMs === undefined ? null : new Date(aggregate.firstMs).toISOString(),
    to: aggregate.lastMs === undefined ? null : new Date(aggregate.lastMs).toISOString(),
    metrics: metrics.map((m) => ({
      name: m.name,
      description: m.description,
      unit: m.unit,
      type: m.kind,
      series: m.series.map((s) =>
        s.histogram
          ? {
              attributes: s.attributes,
              processes: s.processes,
              count: s.histogram.count,
              sum: s.histogram.sum,
              min: s.histogram.min ?? null,
              max: s.histogram.max ?? null,
              ...Object.fromEntries(QUANTILES.map((q) => [`p${Math.round(q * 100)}`, estimateQuantile(s.histogram!, q) ?? null])),
              buckets: { bounds: s.histogram.bounds, counts: s.histogram.counts },
            }
          : { attributes: s.attributes, processes: s.processes, value: s.value ?? 0 },
      ),
    })),
  };
}
