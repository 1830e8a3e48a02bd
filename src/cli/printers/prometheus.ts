// The aggregate in the Prometheus text format, written by OpenTelemetry's own serializer (the
// one @opentelemetry/exporter-prometheus serves /metrics with), so names, suffixes (_total,
// _bucket, _count, _sum), escaping and target_info are exactly what that exporter produces.
// This file only converts the aggregate into the SDK's ResourceMetrics shape.
//
// One difference from a live exporter: scopes are merged (see src/store/metrics.ts), so the
// serializer runs without otel_scope_* labels; a metric name is then one metric family even
// when several instrumentations record it.
import { ValueType, type Attributes as ApiAttributes, type AttributeValue as ApiAttributeValue, type HrTime } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { AggregatedMetric, AggregatedSeries, MetricsAggregate } from '../../store/metrics.js';
import type { Attributes, AttributeValue } from '../../store/otlp-json.js';
import { VERSION } from '../../version.js';

function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/** Prometheus labels are strings; the serializer JSON-encodes anything else, so nested values are flattened to JSON here. */
function apiValue(value: AttributeValue): ApiAttributeValue {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function apiAttributes(attributes: Attributes): ApiAttributes {
  const out: ApiAttributes = {};
  for (const [key, value] of Object.entries(attributes)) out[key] = apiValue(value);
  return out;
}

function toMetricData(metric: AggregatedMetric, startMs: number, endMs: number): MetricData {
  const descriptor = {
    name: metric.name,
    description: metric.description,
    unit: metric.unit,
    valueType: metric.integer ? ValueType.INT : ValueType.DOUBLE,
  };
  const times = { startTime: hrTime(startMs), endTime: hrTime(endMs) };
  const point = (s: AggregatedSeries) => ({ ...times, attributes: apiAttributes(s.attributes) });
  const temporality = AggregationTemporality.CUMULATIVE;
  switch (metric.kind) {
    case 'histogram':
      return {
        descriptor,
        aggregationTemporality: temporality,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: metric.series
          .filter((s) => s.histogram)
          .map((s) => {
            const h = s.histogram!;
            return {
              ...point(s),
              value: { buckets: { boundaries: h.bounds, counts: h.counts }, sum: h.sum, count: h.count, min: h.min, max: h.max },
            };
          }),
      };
    case 'gauge':
      return {
        descriptor,
        aggregationTemporality: temporality,
        dataPointType: DataPointType.GAUGE,
        dataPoints: metric.series.map((s) => ({ ...point(s), value: s.value ?? 0 })),
      };
    default:
      return {
        descriptor,
        aggregationTemporality: temporality,
        dataPointType: DataPointType.SUM,
        isMonotonic: metric.kind === 'counter',
        dataPoints: metric.series.map((s) => ({ ...point(s), value: s.value ?? 0 })),
      };
  }
}

export function toResourceMetrics(aggregate: MetricsAggregate, metrics: readonly AggregatedMetric[]): ResourceMetrics {
  const endMs = aggregate.lastMs ?? 0;
  const startMs = aggregate.firstMs ?? endMs;
  return {
    resource: resourceFromAttributes(apiAttributes(aggregate.resource)),
    scopeMetrics: [{ scope: { name: 'memotel-cli', version: VERSION }, metrics: metrics.map((m) => toMetricData(m, startMs, endMs)) }],
  };
}

export function renderPrometheus(aggregate: MetricsAggregate, metrics: readonly AggregatedMetric[]): string {
  const serializer = new PrometheusSerializer(undefined, false, undefined, false, /* withoutScopeInfo */ true);
  return serializer.serialize(toResourceMetrics(aggregate, metrics));
}
