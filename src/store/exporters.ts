// Span, metric and log exporters that write to the local store.
// Export is synchronous (a local append), so a flush started from an exit path completes
// before the process ends.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonLogsSerializer, JsonMetricsSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ReadableLogRecord, LogRecordExporter } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  type PushMetricExporter,
  type ResourceMetrics,
  InstrumentType,
} from '@opentelemetry/sdk-metrics';
import type { Signal } from '../config/index.js';
import type { StoreWriter } from './writer.js';

function write(writer: StoreWriter, signal: Signal, encode: () => Uint8Array, done: (r: ExportResult) => void) {
  try {
    writer.append(signal, encode());
    done({ code: ExportResultCode.SUCCESS });
  } catch (err) {
    done({ code: ExportResultCode.FAILED, error: err as Error });
  }
}

export class StoreSpanExporter implements SpanExporter {
  constructor(private readonly writer: StoreWriter) {}
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    if (spans.length === 0) return done({ code: ExportResultCode.SUCCESS });
    write(this.writer, 'traces', () => JsonTraceSerializer.serializeRequest(spans)!, done);
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

export class StoreLogExporter implements LogRecordExporter {
  constructor(private readonly writer: StoreWriter) {}
  export(records: ReadableLogRecord[], done: (r: ExportResult) => void): void {
    if (records.length === 0) return done({ code: ExportResultCode.SUCCESS });
    write(this.writer, 'logs', () => JsonLogsSerializer.serializeRequest(records)!, done);
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Delta temporality: every line holds only what happened since the previous export of that
 * process, so readers aggregate a store written by many processes by plain summing.
 */
export class StoreMetricExporter implements PushMetricExporter {
  constructor(private readonly writer: StoreWriter) {}
  export(metrics: ResourceMetrics, done: (r: ExportResult) => void): void {
    const points = metrics.scopeMetrics.reduce(
      (n, s) => n + s.metrics.reduce((m, metric) => m + metric.dataPoints.length, 0),
      0,
    );
    if (points === 0) return done({ code: ExportResultCode.SUCCESS });
    write(this.writer, 'metrics', () => JsonMetricsSerializer.serializeRequest(metrics)!, done);
  }
  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    // Up-down counters and gauges are states, not increments: keep them cumulative.
    return instrumentType === InstrumentType.UP_DOWN_COUNTER ||
      instrumentType === InstrumentType.OBSERVABLE_UP_DOWN_COUNTER ||
      instrumentType === InstrumentType.OBSERVABLE_GAUGE ||
      instrumentType === InstrumentType.GAUGE
      ? AggregationTemporality.CUMULATIVE
      : AggregationTemporality.DELTA;
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
