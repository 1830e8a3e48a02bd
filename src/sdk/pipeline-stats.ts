// The telemetry pipeline's own health, per signal: what it exported, dropped (queue full) and
// failed to export, and the last export error. Shared through a global key so every copy of
// memotel in a process agrees; persisted to `pipeline-status.json` in the store directory when
// an export fails (or first succeeds again), so `memotel health` in another process can report
// a dead collector instead of silence.
import fs from 'node:fs';
import path from 'node:path';
import { createNoopMeter, diag, metrics, type Attributes, type Meter, type MeterProvider } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { Signal } from '../config/index.js';
import { storeDirProblem } from '../store/writer.js';

export interface SignalStats {
  exported: number;
  failed: number;
  dropped: number;
  lastSuccessAt?: string;
  lastError?: { message: string; at: string; destination: string };
}

export const PIPELINE_STATUS_FILE = 'pipeline-status.json';

export class PipelineStats {
  readonly signals: Record<Signal, SignalStats> = {
    traces: { exported: 0, failed: 0, dropped: 0 },
    metrics: { exported: 0, failed: 0, dropped: 0 },
    logs: { exported: 0, failed: 0, dropped: 0 },
  };
  #statusDir?: string;
  #failing = false;

  persistTo(dir: string): void {
    this.#statusDir = dir;
  }

  record(signal: Signal, destination: string, count: number, result: ExportResult): void {
    const s = this.signals[signal];
    const now = new Date().toISOString();
    if (result.code === ExportResultCode.SUCCESS) {
      s.exported += count;
      s.lastSuccessAt = now;
      if (this.#failing) {
        this.#failing = false;
        this.#persist();
      }
      return;
    }
    s.failed += count;
    s.lastError = { message: result.error?.message ?? 'export failed', at: now, destination };
    this.#failing = true;
    this.#persist();
  }

  /**
   * At exit, the bound (MEMOTEL_SHUTDOWN_TIMEOUT) ended exports still in flight: a collector
   * that never answers, or one whose errors the exporter was still retrying, would otherwise
   * leave no trace for `memotel health` in a short-lived process.
   */
  unfinished(signal: Signal, destination: string, count: number, timeoutMillis: number): void {
    const s = this.signals[signal];
    s.failed += count;
    s.lastError = {
      message: `export did not finish within ${timeoutMillis} ms (MEMOTEL_SHUTDOWN_TIMEOUT) as the process ended; ${count} saved to the local store instead`,
      at: new Date().toISOString(),
      destination,
    };
    this.#failing = true;
    this.#persist();
  }

  dropped(signal: Signal, count: number): void {
    this.signals[signal].dropped += count;
  }

  #persist(): void {
    if (!this.#statusDir) return;
    try {
      fs.mkdirSync(this.#statusDir, { recursive: true, mode: 0o700 });
      // A directory the store writer refuses (another user's, world-writable...) gets nothing.
      if (storeDirProblem(this.#statusDir)) return;
      const file = path.join(this.#statusDir, PIPELINE_STATUS_FILE);
      const tmp = `${file}.${process.pid}.tmp`;
      const body = { updatedAt: new Date().toISOString(), pid: process.pid, signals: this.signals };
      // Exclusive create: a file or link planted under the predictable name is never written through.
      fs.rmSync(tmp, { force: true });
      fs.writeFileSync(tmp, JSON.stringify(body, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
      fs.renameSync(tmp, file);
    } catch (err) {
      diag.debug('could not write the pipeline status file:', err);
    }
  }
}

const KEY = Symbol.for('memotel.pipeline-stats');

export function pipelineStats(): PipelineStats {
  const g = globalThis as Record<symbol, PipelineStats | undefined>;
  return (g[KEY] ??= new PipelineStats());
}

/**
 * A meter provider for the batch processors' self-observability hook (selfObsMeterProvider):
 * they count spans and log records dropped because the queue was full as
 * otel.sdk.processor.*.processed with error.type=queue_full. This provider keeps only those
 * counts, for memotel's own metrics and health.
 */
export function dropCounter(signal: Signal): MeterProvider {
  const noop = createNoopMeter();
  const meter: Meter = Object.assign(Object.create(noop) as Meter, {
    createCounter: () => ({
      add: (value: number, attributes?: Attributes) => {
        if (attributes?.['error.type'] === 'queue_full') pipelineStats().dropped(signal, value);
      },
    }),
  });
  return { getMeter: () => meter };
}

const METRIC_EXPORTED = 'memotel.telemetry.exported';
const ATTR_SIGNAL = 'memotel.telemetry.signal';

/** Whether a metric point is the count of metric points exported (which exporting changes). */
export function countsMetricsExports(metricName: string, attributes: Attributes): boolean {
  return metricName === METRIC_EXPORTED && attributes[ATTR_SIGNAL] === 'metrics';
}

/** memotel.telemetry.* self-metrics, read from the stats when metrics are collected. */
export function registerPipelineMetrics(): void {
  const meter = metrics.getMeter('memotel/pipeline');
  const stats = pipelineStats();
  const counters = {
    exported: meter.createObservableCounter(METRIC_EXPORTED, {
      unit: '{item}',
      description: 'Spans, metric data points and log records the pipeline exported successfully.',
    }),
    failed: meter.createObservableCounter('memotel.telemetry.failed', {
      unit: '{item}',
      description: 'Items whose export failed (collector down, rejected, timed out).',
    }),
    dropped: meter.createObservableCounter('memotel.telemetry.dropped', {
      unit: '{item}',
      description: 'Items dropped before export because the batch queue was full.',
    }),
  };
  meter.addBatchObservableCallback(
    (result) => {
      // Zeros are not reported: a process with nothing to say exports nothing (and so never
      // loads an exporter).
      for (const [signal, s] of Object.entries(stats.signals)) {
        const attributes = { [ATTR_SIGNAL]: signal };
        if (s.exported) result.observe(counters.exported, s.exported, attributes);
        if (s.failed) result.observe(counters.failed, s.failed, attributes);
        if (s.dropped) result.observe(counters.dropped, s.dropped, attributes);
      }
    },
    [counters.exported, counters.failed, counters.dropped],
  );
}
