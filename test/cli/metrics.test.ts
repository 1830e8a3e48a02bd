// memotel metrics, against a store written by real processes through the preload: three runs
// of a fixture recording known values (so the aggregate can be checked exactly) and one real
// capture by the example memory app (so memotel's own metrics are in the Prometheus output).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_FIXTURES, MEMORY_APP, expectExit, makeRepo, memotel, sandbox, throughPreload, type Sandbox } from './helpers.js';

const PROMTOOL = '/usr/bin/promtool';
let box: Sandbox;

beforeAll(async () => {
  box = await sandbox();
  const repo = makeRepo(box);
  const runs = await Promise.all([
    ...[2, 3, 5].map((n) => throughPreload(box, join(CLI_FIXTURES, 'known-metrics.mjs'), [String(n)])),
    throughPreload(box, MEMORY_APP, ['capture', '--namespace', 'decisions', '--summary', 'aggregate metrics', '--repo', repo]),
  ]);
  runs.forEach((r) => expectExit(r, 0));
  // A torn line among the metric lines must not stop the aggregate.
  appendFileSync(join(box.store, 'metrics.jsonl'), '{"resourceMetrics":[{"scopeMe\n');
});

afterAll(async () => box?.cleanup());

interface JsonSeries {
  attributes: Record<string, unknown>;
  value?: number;
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  p50?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  processes: number;
  buckets?: { bounds: number[]; counts: number[] };
}

async function metricsJson(...args: string[]) {
  const r = await memotel(box, ['metrics', '--format', 'json', ...args]);
  expectExit(r, 0);
  return JSON.parse(r.stdout) as { processes: number; metrics: Array<{ name: string; type: string; unit: string; series: JsonSeries[] }> };
}

describe('memotel metrics', () => {
  test('sums counters, merges histograms and estimates percentiles across processes (json)', async () => {
    const json = await metricsJson('--filter', 'cli_test.');
    const byName = Object.fromEntries(json.metrics.map((m) => [m.name, m]));
    expect(Object.keys(byName).sort()).toEqual(['cli_test.index.size', 'cli_test.latency', 'cli_test.queue.depth', 'cli_test.requests']);

    expect(byName['cli_test.requests']!.type).toBe('counter');
    expect(byName['cli_test.requests']!.series).toEqual([{ attributes: { route: '/memories' }, processes: 3, value: 2 + 3 + 5 }]);

    // Each process recorded 0.5, 1.5 and 3 into buckets (≤1, ≤2, ≤4, ≤8, +Inf).
    const [latency] = byName['cli_test.latency']!.series;
    expect(latency).toMatchObject({ count: 9, sum: 15, min: 0.5, max: 3, processes: 3 });
    expect(latency!.buckets).toEqual({ bounds: [1, 2, 4, 8], counts: [3, 3, 3, 0, 0] });
    // Rank q×9 interpolated within its bucket; the last bucket is narrowed to (2, max=3].
    expect(latency!.p50).toBeCloseTo(1.5, 10); // rank 4.5: half-way through (1, 2]
    expect(latency!.p90).toBeCloseTo(2.7, 10); // rank 8.1: 2 + (8.1 - 6) / 3
    expect(latency!.p95).toBeCloseTo(2.85, 10);
    expect(latency!.p99).toBeCloseTo(2.97, 10);

    // Up-down counters: each process's latest value, summed; gauges: the latest reading.
    expect(byName['cli_test.queue.depth']!.series[0]!.value).toBe(6);
    expect(byName['cli_test.index.size']!.series[0]!.value).toBe(42);
  });

  test('prints tables per metric (text), with the skipped torn line noted on stderr', async () => {
    const r = await memotel(box, ['metrics', '--filter', 'cli_test.*']);
    expectExit(r, 0);
    expect(r.stderr).toMatch(/skipped 1 unreadable metrics line in metrics\.jsonl/);
    expect(r.stdout).not.toContain('\u001b[');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Metrics from [34] processes, /); // 4 once the capture app records metrics
    const after = (header: RegExp) => lines.slice(lines.findIndex((l) => header.test(l)));
    expect(after(/^cli_test\.requests  counter \{request\}$/).slice(1, 4)).toEqual([
      '  Requests handled.',
      '  ATTRIBUTES       VALUE',
      '  route=/memories     10',
    ]);
    const histogram = after(/^cli_test\.latency  histogram s$/);
    expect(histogram[2]).toMatch(/^ {2}ATTRIBUTES\s+COUNT\s+SUM\s+P50\s+P90\s+P95\s+P99\s+MAX$/);
    expect(histogram[3]!.split(/\s{2,}/).filter(Boolean)).toEqual(['route=/memories', '9', '15.00 s', '1.50 s', '2.70 s', '2.85 s', '2.97 s', '3.00 s']);
  });

  test('includes memotel\'s own metrics from the example app', async () => {
    const json = await metricsJson('--filter', 'memotel.memory.*');
    const captures = json.metrics.find((m) => m.name === 'memotel.memory.captures');
    const durations = json.metrics.find((m) => m.name === 'memotel.memory.operation.duration');
    // Present once the memory instrumentations are wired into the register.
    if (captures) expect(captures.series.reduce((n, s) => n + (s.value ?? 0), 0)).toBe(1);
    if (durations) expect(durations.series.find((s) => s.attributes['gen_ai.operation.name'] === 'create_memory')?.count).toBe(1);
    expect(json.metrics.every((m) => m.name.startsWith('memotel.memory.'))).toBe(true);
  });

  test('--format prometheus uses the OpenTelemetry serializer\'s names and passes promtool check metrics', async () => {
    const r = await memotel(box, ['metrics', '--format', 'prometheus']);
    expectExit(r, 0);
    const text = r.stdout;
    expect(text).toContain('# TYPE cli_test_requests_total counter');
    expect(text).toContain('cli_test_requests_total{route="/memories"} 10');
    expect(text).toContain('cli_test_latency_count{route="/memories"} 9');
    expect(text).toContain('cli_test_latency_bucket{route="/memories",le="2"} 6');
    expect(text).toContain('cli_test_latency_bucket{route="/memories",le="+Inf"} 9');
    expect(text).toMatch(/^target_info\{.*service_name="unknown_service:[^"]*".*\} 1$/m);
    expect(text).not.toMatch(/process_pid|service_instance_id|process_command_args/); // per-process, not in the aggregate

    if (!existsSync(PROMTOOL)) {
      if (process.env.CI === 'true') throw new Error(`${PROMTOOL} is required in CI to validate the Prometheus output`);
      console.log(`skipping promtool check: ${PROMTOOL} is not installed`);
      return;
    }
    const check = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`promtool check metrics failed (${check.status}):\n${check.stdout}${check.stderr}\n--- input ---\n${text}`);
  });

  test('a bad --format is a usage error naming the option', async () => {
    const r = await memotel(box, ['metrics', '--format', 'xml']);
    expectExit(r, 2);
    expect(r.stderr).toBe('memotel metrics: --format "xml" is not one of text, json, prometheus\nRun \'memotel metrics --help\' for usage.\n');
  });
});
