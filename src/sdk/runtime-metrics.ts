// Runtime and process metrics for long-running apps: event-loop delay, heap and GC from
// @opentelemetry/instrumentation-runtime-node, process CPU and memory from
// @opentelemetry/instrumentation-host-metrics (the successor of @opentelemetry/host-metrics).
//
// Short-lived processes (hooks, CLI commands) would only pay for them at startup and export
// one meaningless sample, so by default ("auto") they start after the process has lived
// MEMOTEL_RUNTIME_METRICS_DELAY ms, on an unref'd timer: a process that ends sooner never
// even loads the packages.
import { createRequire } from 'node:module';
import { diag, metrics } from '@opentelemetry/api';
import type { MemotelConfig } from '../config/index.js';

export interface RuntimeMetrics {
  stop(): void;
}

export function scheduleRuntimeMetrics(config: MemotelConfig): RuntimeMetrics {
  const { mode, delayMillis } = config.runtimeMetrics;
  let disable: (() => void) | undefined;
  const begin = () => {
    try {
      disable = startRuntimeMetrics();
      diag.debug('runtime and process metrics started');
    } catch (err) {
      diag.warn('runtime metrics could not start; continuing without them:', err);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  if (mode === 'on') begin();
  else if (mode === 'auto') {
    timer = setTimeout(begin, delayMillis);
    timer.unref();
  }
  return {
    stop() {
      if (timer) clearTimeout(timer);
      disable?.();
    },
  };
}

function startRuntimeMetrics(): () => void {
  const load = createRequire(import.meta.url);
  const { RuntimeNodeInstrumentation } = load('@opentelemetry/instrumentation-runtime-node');
  const { HostMetricsInstrumentation } = load('@opentelemetry/instrumentation-host-metrics');
  const meterProvider = metrics.getMeterProvider();
  const started = [
    new RuntimeNodeInstrumentation({ enabled: false }),
    // Only this process: system-wide CPU, memory and network belong to a host agent.
    new HostMetricsInstrumentation({ enabled: false, metricGroups: ['process.cpu', 'process.memory'] }),
  ];
  for (const instrumentation of started) {
    instrumentation.setMeterProvider(meterProvider);
    instrumentation.enable();
  }
  return () => started.forEach((i) => i.disable());
}
