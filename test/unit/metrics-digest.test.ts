// metricsDigest decides whether the final metrics export of a process has anything to send
// (src/sdk/exporters.ts): real sdk-metrics collections, cumulative and delta.
import { describe, expect, test } from '@jest/globals';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { metricsDigest } from '../../src/sdk/exporters.js';

class ManualReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

function setup(temporality: AggregationTemporality) {
  const reader = new ManualReader({ aggregationTemporalitySelector: () => temporality });
  const meter = new MeterProvider({ readers: [reader] }).getMeter('test');
  const collect = async (): Promise<ResourceMetrics> => {
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    return resourceMetrics;
  };
  return { meter, collect };
}

describe('cumulative points', () => {
  test('a collection with no new measurement has the same digest; a new measurement changes it', async () => {
    const { meter, collect } = setup(AggregationTemporality.CUMULATIVE);
    const counter = meter.createCounter('ops');
    const histogram = meter.createHistogram('op.duration');
    counter.add(1, { op: 'capture' });
    histogram.record(0.02, { op: 'capture' });

    const first = metricsDigest(await collect());
    const again = metricsDigest(await collect());
    expect(again).toEqual(first);
    expect(first.newDeltas).toBe(false);

    histogram.record(0.03, { op: 'capture' });
    expect(metricsDigest(await collect()).cumulative).not.toBe(first.cumulative);
  });

  test('only the count of exported metric points is left out', async () => {
    const { meter, collect } = setup(AggregationTemporality.CUMULATIVE);
    const exported = { metrics: 0, traces: 4 };
    meter.createObservableCounter('memotel.telemetry.exported').addCallback((result) => {
      for (const [signal, n] of Object.entries(exported)) result.observe(n, { 'memotel.telemetry.signal': signal });
    });
    const first = metricsDigest(await collect());

    exported.metrics = 7; // what a metrics export changes by succeeding
    expect(metricsDigest(await collect())).toEqual(first);

    exported.traces = 9; // spans exported since: news
    expect(metricsDigest(await collect()).cumulative).not.toBe(first.cumulative);
  });
});

describe('delta points', () => {
  test('are news when they count something, not when they are zero', async () => {
    const { meter, collect } = setup(AggregationTemporality.DELTA);
    const counter = meter.createCounter('ops');
    let observed = 3;
    meter.createObservableCounter('observed').addCallback((result) => result.observe(observed));
    counter.add(1);

    expect(metricsDigest(await collect()).newDeltas).toBe(true);
    // Nothing recorded since; the observable counter's delta is zero.
    expect(metricsDigest(await collect()).newDeltas).toBe(false);

    observed = 5;
    expect(metricsDigest(await collect()).newDeltas).toBe(true);
    meter.createHistogram('op.duration').record(0.5);
    expect(metricsDigest(await collect()).newDeltas).toBe(true);
  });
});
