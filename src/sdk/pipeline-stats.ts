// What the telemetry pipeline exported and failed to export, per signal: read by memotel's
// self-metrics and health report. Kept on globalThis by key so every copy of memotel in a
// process shares one record.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { Signal } from '../config/index.js';

export interface SignalStats {
  exported: number;
  failed: number;
  lastError?: { message: string; at: string; destination: string };
}

export class PipelineStats {
  readonly signals: Record<Signal, SignalStats> = {
    traces: { exported: 0, failed: 0 },
    metrics: { exported: 0, failed: 0 },
    logs: { exported: 0, failed: 0 },
  };

  record(signal: Signal, destination: string, count: number, result: ExportResult): void {
    const s = this.signals[signal];
    if (result.code === ExportResultCode.SUCCESS) {
      s.exported += count;
      return;
    }
    s.failed += count;
    s.lastError = {
      message: result.error?.message ?? 'export failed',
      at: new Date().toISOString(),
      destination,
    };
  }
}

const KEY = Symbol.for('memotel.pipeline-stats');

export function pipelineStats(): PipelineStats {
  const g = globalThis as Record<symbol, PipelineStats | undefined>;
  return (g[KEY] ??= new PipelineStats());
}
