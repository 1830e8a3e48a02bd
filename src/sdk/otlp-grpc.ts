// OTLP exporters over gRPC. Loaded on first export only (see exporters.ts), and @grpc/grpc-js
// with them: the build keeps it in a file of its own (dist/bundle/grpc-js.cjs, about 40 % of
// the SDK's code), so a process exporting elsewhere never reads it.
import { Metadata } from '@grpc/grpc-js';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import type { OtlpSignalConfig } from '../config/index.js';

function options(c: OtlpSignalConfig) {
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(c.headers)) metadata.set(k, v);
  const compression = c.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
  return { url: c.url, metadata, timeoutMillis: c.timeoutMillis, compression };
}

export function createTraceExporter(c: OtlpSignalConfig): SpanExporter {
  return new OTLPTraceExporter(options(c));
}

export function createMetricExporter(c: OtlpSignalConfig): PushMetricExporter {
  return new OTLPMetricExporter({ ...options(c), temporalityPreference: AggregationTemporalityPreference.CUMULATIVE });
}

export function createLogExporter(c: OtlpSignalConfig): LogRecordExporter {
  return new OTLPLogExporter(options(c));
}
