/**
 * In-process OpenTelemetry SDK for instrumentation and processor tests: memotel's context
 * manager registered globally, in-memory span and log exporters, a pull metric reader.
 */
import { context, trace, type Attributes } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import { MemotelContextManager } from '../../src/sdk/context-manager.js';

class PullMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface TestTelemetry {
  spans: InMemorySpanExporter;
  logs: InMemoryLogRecordExporter;
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  loggerProvider: LoggerProvider;
  /** Points the instrumentations at this SDK. */
  use(...instrumentations: Instrumentation[]): void;
  /** All metric streams with this name (one per instrumentation scope that created it). */
  metric(name: string): Promise<MetricData[]>;
  reset(): void;
  shutdown(): Promise<void>;
}

export interface TestTelemetryOptions {
  /** Processors run before the exporting one (as the SDK wiring must order them). */
  spanProcessors?: SpanProcessor[];
  logRecordProcessors?: LogRecordProcessor[];
  /** Register memotel's context manager (default true). */
  contextManager?: boolean;
}

export function setupTelemetry(options: TestTelemetryOptions = {}): TestTelemetry {
  if (options.contextManager !== false) context.setGlobalContextManager(new MemotelContextManager().enable());
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [...(options.spanProcessors ?? []), new SimpleSpanProcessor(spans)],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  const reader = new PullMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({
    processors: [...(options.logRecordProcessors ?? []), new SimpleLogRecordProcessor({ exporter: logExporter })],
  });
  logs.setGlobalLoggerProvider(loggerProvider);

  return {
    spans,
    logs: logExporter,
    tracerProvider,
    meterProvider,
    loggerProvider,
    use(...instrumentations) {
      for (const i of instrumentations) {
        i.setTracerProvider(tracerProvider);
        i.setMeterProvider(meterProvider);
      }
    },
    async metric(name) {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.filter((m) => m.descriptor.name === name));
    },
    reset() {
      spans.reset();
      logExporter.reset();
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      await loggerProvider.shutdown();
      trace.disable();
      logs.disable();
      context.disable();
    },
  };
}

export function spanNamed(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`expected one span named ${name}, got ${found.length}: ${spans.map((s) => s.name).join(', ')}`);
  return found[0]!;
}

export function isChildOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return (
    child.parentSpanContext?.spanId === parent.spanContext().spanId &&
    child.spanContext().traceId === parent.spanContext().traceId
  );
}

/** Every data point of the streams, with the point's attributes. */
export function points(streams: MetricData[]): Array<DataPoint<number | Histogram>> {
  return streams.flatMap((m) => m.dataPoints as Array<DataPoint<number | Histogram>>);
}

export function pointWith(streams: MetricData[], attributes: Attributes): DataPoint<number | Histogram> | undefined {
  return points(streams).find((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v));
}

/** Attribute keys of all spans, to prove something is absent everywhere. */
export function allAttributeValues(spans: readonly ReadableSpan[]): string {
  return JSON.stringify(spans.map((s) => [s.attributes, s.events.map((e) => e.attributes)]));
}
