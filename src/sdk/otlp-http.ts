// OTLP exporters over HTTP (http/protobuf, http/json). Loaded on first export only (see
// exporters.ts): a process that never exports over OTLP never loads an HTTP client.
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import type { OtlpSignalConfig } from '../config/index.js';

function compression(c: OtlpSignalConfig): CompressionAlgorithm {
  return c.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
}

function httpOptions(c: OtlpSignalConfig) {
  return { url: c.url, headers: c.headers, timeoutMillis: c.timeoutMillis, compression: compression(c) };
}

export function createTraceExporter(c: OtlpSignalConfig): SpanExporter {
  if (c.protocol === 'http/json') return new JsonTraceExporter(httpOptions(c));
  return new ProtoTraceExporter(httpOptions(c));
}

export function createMetricExporter(c: OtlpSignalConfig): PushMetricExporter {
  const temporality = { temporalityPreference: AggregationTemporalityPreference.CUMULATIVE };
  if (c.protocol === 'http/json') return new JsonMetricExporter({ ...httpOptions(c), ...temporality });
  return new ProtoMetricExporter({ ...httpOptions(c), ...temporality });
}

export function createLogExporter(c: OtlpSignalConfig): LogRecordExporter {
  if (c.protocol === 'http/json') return new JsonLogExporter(httpOptions(c));
  return new ProtoLogExporter(httpOptions(c));
}
