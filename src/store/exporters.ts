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

/** The OTLP/JSON bytes of one export request, as @opentelemetry/otlp-transformer encodes it. */
export const encodeSpans = (spans: ReadableSpan[]): Uint8Array => JsonTraceSerializer.serializeRequest(spans)!;
export const encodeLogs = (records: ReadableLogRecord[]): Uint8Array => JsonLogsSerializer.serializeRequest(records)!;
const encodeMetrics = (metrics: ResourceMetrics): Uint8Array => JsonMetricsSerializer.serializeRequest(metrics)!;

/**
 * Appends each export request as one line of its signal's file. Callers (the pipeline wrapper)
 * never hand it an empty batch.
 */
class StoreExporter<T> {
  constructor(
    private readonly writer: StoreWriter,
    private readonly signal: Signal,
    private readonly encode: (items: T) => Uint8Array,
  ) {}

  export(items: T, done: (r: ExportResult) => void): void {
    try {
      this.writer.append(this.signal, this.encode(items));
      done({ code: ExportResultCode.SUCCESS });
    } catch (err) {
      done({ code: ExportResultCode.FAILED, error: err as Error });
    }
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export class StoreSpanExporter extends StoreExporter<ReadableSpan[]> implements SpanExporter {
  constructor(writer: StoreWriter) {
    super(writer, 'traces', encodeSpans);
  }
}

export class StoreLogExporter extends StoreExporter<ReadableLogRecord[]> implements LogRecordExporter {
  constructor(writer: StoreWriter) {
    super(writer, 'logs', encodeLogs);
  }
}

/**
 * Delta temporality: every line holds only what happened since the previous export of that
 * process, so readers aggregate a store written by many processes by plain summing.
 */
export class StoreMetricExporter extends StoreExporter<ResourceMetrics> implements PushMetricExporter {
  constructor(writer: StoreWriter) {
    super(writer, 'metrics', encodeMetrics);
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
}
