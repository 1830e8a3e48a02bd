// memotel metrics: every process's metrics from the store, aggregated.
import { nameMatcher, parseChoice, stringOption } from '../args.js';
import type { CommandDefinition } from '../command.js';
import { storeDirOf } from '../context.js';
import { EXIT_OK, usageError } from '../errors.js';
import { metricsJson, renderMetricsText } from '../printers/metrics-text.js';
import { styleFor } from '../printers/style.js';
import { aggregateStoreMetrics } from '../../store/metrics.js';
import { describeUnreadable, emptyReport } from '../../store/reader.js';

const FORMATS = ['text', 'json', 'prometheus'] as const;

export const metricsCommand: CommandDefinition = {
  name: 'metrics',
  summary: 'Metrics of all processes in the store, aggregated, with percentiles.',
  usage: ['metrics [--format text|json|prometheus] [--filter PATTERN]'],
  description: `
Aggregates the metrics every process wrote to the store, per metric and attribute set:
counters are summed, histograms merged bucket by bucket (p50/p90/p95/p99 are estimated by
linear interpolation within the bucket, narrowed by the recorded min and max), up-down
counters take each process's latest value and sum them, gauges show the latest reading.

--format prometheus prints the aggregate in the Prometheus text format using
OpenTelemetry's Prometheus serializer, so names match what the Prometheus exporter serves
(e.g. memotel.memory.captures becomes memotel_memory_captures_total).`,
  options: {
    format: { type: 'string', value: 'FORMAT', description: 'text (default), json or prometheus.' },
    filter: { type: 'string', value: 'PATTERN', description: 'Only metrics whose name contains PATTERN (or matches it, with * globs).' },
    json: { type: 'boolean', description: 'Same as --format json.' },
  },
  maxPositionals: 0,
  examples: [
    ['memotel metrics', 'everything, as tables'],
    ['memotel metrics --filter memotel.memory', 'memory operations only'],
    ["memotel metrics --filter '*duration' --format json", 'latency histograms as JSON'],
    ['memotel metrics --format prometheus > memotel.prom', 'for node_exporter textfile or promtool'],
  ],
  async run(args, ctx) {
    const formatOption = stringOption(args.values, 'format');
    if (args.values.json && formatOption !== undefined && formatOption !== 'json') {
      throw usageError(`--json cannot be combined with --format ${formatOption}`);
    }
    const format = args.values.json ? 'json' : parseChoice('--format', formatOption ?? 'text', FORMATS);
    const filter = stringOption(args.values, 'filter');
    const matches = filter === undefined ? () => true : nameMatcher(filter);

    const dir = storeDirOf(ctx);
    const report = emptyReport();
    const aggregate = aggregateStoreMetrics(dir, report);
    const note = describeUnreadable('metrics', report);
    if (note) ctx.stderr.write(`memotel metrics: ${note}\n`);
    for (const warning of aggregate.warnings) ctx.stderr.write(`memotel metrics: ${warning}\n`);
    const metrics = aggregate.metrics.filter((m) => matches(m.name));

    if (format === 'json') {
      ctx.stdout.write(JSON.stringify(metricsJson(aggregate, metrics, dir), null, 2) + '\n');
      return EXIT_OK;
    }
    if (format === 'prometheus') {
      // Loaded on demand: the SDK and the serializer are the CLI's heaviest modules.
      const { renderPrometheus } = await import('../printers/prometheus.js');
      ctx.stdout.write(renderPrometheus(aggregate, metrics));
      return EXIT_OK;
    }
    if (aggregate.metrics.length === 0) {
      ctx.stdout.write(`No metrics in ${dir}.\nApps export metrics to the store when they exit, and every OTEL_METRIC_EXPORT_INTERVAL (60 s).\n`);
      return EXIT_OK;
    }
    if (metrics.length === 0) {
      ctx.stdout.write(`No metric name matches "${filter}" (${aggregate.metrics.length} metrics in ${dir}).\n`);
      return EXIT_OK;
    }
    ctx.stdout.write(renderMetricsText(aggregate, metrics, dir, styleFor(ctx)).join('\n') + '\n');
    return EXIT_OK;
  },
};
