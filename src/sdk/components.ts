// memotel's own pieces wired into the SDK: memory-service instrumentations, session and
// failure processors, silent-failure recording.
import type { TextMapPropagator } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { MemotelConfig } from '../config/index.js';

export interface Components {
  spanProcessors: SpanProcessor[];
  logRecordProcessors: LogRecordProcessor[];
  wrapPropagator(p: TextMapPropagator): TextMapPropagator;
  start(): void;
  stop(): void;
}

export function memotelComponents(_config: MemotelConfig): Components {
  return { spanProcessors: [], logRecordProcessors: [], wrapPropagator: (p) => p, start() {}, stop() {} };
}

export function memotelInstrumentation(_name: string, _config: MemotelConfig): Instrumentation | undefined {
  return undefined;
}
