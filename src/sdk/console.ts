// "console" exporters that write to stderr. OpenTelemetry's console exporters print to stdout
// (console.dir / console.log), which is the protocol channel of hook processes; memotel
// never writes there.
import { inspect } from 'node:util';
import { ExportResultCode, hrTimeToMicroseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

function print(value: unknown): void {
  process.stderr.write(inspect(value, { depth: 6, breakLength: 120 }) + '\n');
}

export class StderrSpanExporter implements SpanExporter {
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    for (const s of spans) {
      print({
        traceId: s.spanContext().traceId,
        parentSpanId: s.parentSpanContext?.spanId,
        id: s.spanContext().spanId,
        name: s.name,
        kind: s.kind,
        timestamp: hrTimeToMicroseconds(s.startTime),
        duration: hrTimeToMicroseconds(s.duration),
        attributes: s.attributes,
        status: s.status,
        events: s.events,
      });
    }
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

export class StderrLogExporter implements LogRecordExporter {
  export(records: ReadableLogRecord[], done: (r: ExportResult) => void): void {
    for (const r of records) {
      print({
        timestamp: hrTimeToMicroseconds(r.hrTime),
        traceId: r.spanContext?.traceId,
        spanId: r.spanContext?.spanId,
        severityText: r.severityText,
        body: r.body,
        attributes: r.attributes,
      });
    }
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

export class StderrMetricExporter implements PushMetricExporter {
  export(metrics: ResourceMetrics, done: (r: ExportResult) => void): void {
    for (const scope of metrics.scopeMetrics) {
      for (const m of scope.metrics) print({ descriptor: m.descriptor, dataPoints: m.dataPoints });
    }
    done({ code: ExportResultCode.SUCCESS });
  }
  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}
