// OTLP exporters over HTTP (http/protobuf, http/json). Loaded on first export only (see
// exporters.ts): a process that never exports over OTLP never loads an HTTP client.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { diag } from '@opentelemetry/api';
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
import { detachedAgent } from './detached.js';

function compression(c: OtlpSignalConfig): CompressionAlgorithm {
  return c.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
}

function httpOptions(c: OtlpSignalConfig) {
  return { url: c.url, headers: c.headers, timeoutMillis: c.timeoutMillis, compression: compression(c), httpAgentOptions: agentFactory(c) };
}

/**
 * The agent upstream would make (keep-alive; over https, the TLS files named by
 * OTEL_EXPORTER_OTLP_[<SIGNAL>_]CERTIFICATE, _CLIENT_KEY and _CLIENT_CERTIFICATE), detached
 * (detached.ts). Giving the exporter a factory replaces upstream's, so the TLS files are read here.
 */
function agentFactory(c: OtlpSignalConfig) {
  return async (protocol: string): Promise<Agent> => {
    if (protocol === 'http:') return detachedAgent(new Agent({ keepAlive: true }));
    const https = await import('node:https');
    const tls = {
      ca: tlsFile(c.certificateFile, 'root certificate (OTEL_EXPORTER_OTLP_CERTIFICATE)'),
      cert: tlsFile(c.clientCertificateFile, 'client certificate (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE)'),
      key: tlsFile(c.clientKeyFile, 'client key (OTEL_EXPORTER_OTLP_CLIENT_KEY)'),
    };
    return detachedAgent(new https.Agent({ keepAlive: true, ...tls }));
  };
}

function tlsFile(path: string | undefined, what: string): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    diag.warn(`could not read the ${what} ${path}: ${(error as Error).message}; exporting without it`);
    return undefined;
  }
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
