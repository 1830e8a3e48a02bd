// A real Prometheus server scrapes memotel's Prometheus endpoint (OTEL_METRICS_EXPORTER=prometheus)
// on the example app's `serve`, and its query API returns what the app did. Needs the
// prometheus binary (Debian package prometheus); without it the test is skipped with the reason,
// and with CI=true a missing binary is a failure.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { driveMemoryTraffic, startEmbeddingServer, startMemoryServer, stopChild, type EmbeddingServer, type MemoryServer } from '../collector/memory-server.js';
import { closedPort, tempDir, type TempDir } from '../utils/fixtures.js';

const PROMETHEUS = '/usr/bin/prometheus';
const installed = existsSync(PROMETHEUS);
const required = process.env.CI === 'true';
if (!installed && !required) console.warn(`skipping the Prometheus integration test: ${PROMETHEUS} is not installed (Debian package prometheus).`);
const maybeIt = installed || required ? it : it.skip;

let dir: TempDir;
let embedding: EmbeddingServer;
let server: MemoryServer;
let prometheus: ChildProcess | undefined;
let prometheusUrl: string;
let prometheusLog = '';

interface VectorResult {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(promql: string): Promise<VectorResult[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; data: { resultType: string; result: VectorResult[] }; error?: string };
  if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
  return body.data.result;
}

/** Polls until `check` returns a value (up to 30 s, scrapes happen every second). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not happen within 30 s (last error: ${String(last)}).\n--- prometheus log ---\n${prometheusLog.slice(-4000)}`);
}

beforeAll(async () => {
  if (!installed) return;
  dir = await tempDir('memotel-prometheus-');
  embedding = await startEmbeddingServer();
  server = await startMemoryServer({ embedding, dir });

  const config = join(dir.path, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      '  - job_name: memotel',
      '    static_configs:',
      `      - targets: ["127.0.0.1:${server.metricsPort}"]`,
      '',
    ].join('\n'),
  );
  const port = await closedPort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    PROMETHEUS,
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir.path, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`],
    { cwd: dir.path, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stdout!.on('data', (c: Buffer) => (prometheusLog += c.toString('utf8')));
  prometheus.stderr!.on('data', (c: Buffer) => (prometheusLog += c.toString('utf8')));
  await eventually('Prometheus readiness', async () => ((await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined));
}, 60_000);

afterAll(async () => {
  if (prometheus) await stopChild(prometheus);
  await server?.stop();
  await embedding?.close();
  await dir?.cleanup();
});

maybeIt('Prometheus scrapes memotel and answers queries with what the app did', async () => {
  if (!installed) throw new Error(`${PROMETHEUS} is required when CI=true: install the Debian package prometheus.`);
  await driveMemoryTraffic(server.url);

  // The target is healthy: memotel's exposition parses as Prometheus text format.
  const up = await eventually('a successful scrape', async () => {
    const [sample] = await query('up{job="memotel"}');
    return sample?.value[1] === '1' ? sample : undefined;
  });
  expect(up.metric.instance).toBe(`127.0.0.1:${server.metricsPort}`);

  // driveMemoryTraffic captures twice in "decisions" and once in "learnings", all successful.
  const captures = await eventually('memotel_memory_captures_total in Prometheus', async () => {
    const result = await query('sum by (memotel_memory_namespace) (memotel_memory_captures_total{memotel_outcome="success"})');
    return result.length >= 2 ? result : undefined;
  });
  const byNamespace = Object.fromEntries(captures.map((r) => [r.metric.memotel_memory_namespace, Number(r.value[1])]));
  expect(byNamespace).toEqual({ decisions: 2, learnings: 1 });

  // Histograms arrive with their buckets: latency percentiles are computable.
  const [p95] = await eventually('a p95 of search_memory latency', async () => {
    const result = await query(
      'histogram_quantile(0.95, sum by (le) (memotel_memory_operation_duration_bucket{gen_ai_operation_name="search_memory"}))',
    );
    return result.length > 0 && Number(result[0]!.value[1]) > 0 ? result : undefined;
  });
  expect(Number(p95!.value[1])).toBeGreaterThan(0);
});
