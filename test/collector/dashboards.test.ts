// The Grafana dashboards query what memotel really exports. The example app's `serve` runs under
// the preload with memotel's Prometheus endpoint; after real captures and recalls its /metrics is
// scraped, and every metric a dashboard names must be among the scraped families once translated
// the way the collector path the dashboards assume translates them (collector.yaml: prometheus
// exporter, UnderscoreEscapingWithSuffixes; see prometheus-names.ts).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as semconv from '../../src/instrumentation/semconv.js';
import { tempDir, type TempDir } from '../utils/fixtures.js';
import { COLLECTOR_DIR } from './collector-config.js';
import { driveMemoryTraffic, startEmbeddingServer, startMemoryServer, type EmbeddingServer, type MemoryServer } from './memory-server.js';
import { collectorSeriesNames, metricNameInVariableQuery, metricNamesInPromQL, parseFamilies, type MetricFamily } from './prometheus-names.js';

const DASHBOARD_DIR = join(COLLECTOR_DIR, 'grafana/dashboards');

interface Target {
  datasource?: { type: string; uid: string };
  expr?: string;
  query?: string;
}
interface Dashboard {
  uid: string;
  title: string;
  panels: { title: string; type: string; datasource?: { type: string; uid: string }; targets?: Target[] }[];
  templating: { list: { name: string; type: string; datasource?: { type: string; uid: string }; definition?: string }[] };
}

const dashboards: [string, Dashboard][] = readdirSync(DASHBOARD_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(join(DASHBOARD_DIR, f), 'utf8')) as Dashboard]);

function promTargets(dashboard: Dashboard): { panel: string; expr: string }[] {
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? [])
      .filter((t) => (t.datasource ?? panel.datasource)?.type === 'prometheus')
      .map((t) => ({ panel: panel.title, expr: t.expr ?? '' })),
  );
}

/** Every metric name any dashboard queries, with where it is used. */
function dashboardMetricNames(): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const add = (name: string, where: string) => names.set(name, [...(names.get(name) ?? []), where]);
  for (const [file, dashboard] of dashboards) {
    for (const { panel, expr } of promTargets(dashboard)) for (const name of metricNamesInPromQL(expr)) add(name, `${file}: ${panel}`);
    for (const variable of dashboard.templating.list) {
      const name = variable.datasource?.type === 'prometheus' ? metricNameInVariableQuery(variable.definition ?? '') : undefined;
      if (name) add(name, `${file}: $${variable.name}`);
    }
  }
  return names;
}

describe('dashboard files', () => {
  it('are five dashboards with unique uids, each tagged memotel', () => {
    const uids = dashboards.map(([, d]) => d.uid);
    expect(uids).toEqual(['memotel-embeddings', 'memotel-git', 'memotel-memory', 'memotel-session', 'memotel-silent-failures']);
    for (const [, d] of dashboards) expect((d as unknown as { tags: string[] }).tags).toContain('memotel');
  });

  it('use only the datasources Grafana is provisioned with', () => {
    const provisioned = parse(readFileSync(join(COLLECTOR_DIR, 'grafana/provisioning/datasources/datasources.yaml'), 'utf8')) as {
      datasources: { uid: string; type: string }[];
    };
    const known = new Set(provisioned.datasources.map((d) => `${d.type}/${d.uid}`));
    for (const [file, d] of dashboards) {
      const refs = [
        ...d.panels.flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]),
        ...d.templating.list.map((v) => v.datasource),
      ].filter((r): r is { type: string; uid: string } => r !== undefined);
      for (const ref of refs) expect({ file, datasource: `${ref.type}/${ref.uid}`, provisioned: known.has(`${ref.type}/${ref.uid}`) }).toMatchObject({ provisioned: true });
    }
  });

  it('give every Prometheus query a metric name the check below can see', () => {
    // Guards the extractor: a query it cannot read would escape the metric-name check.
    expect(metricNamesInPromQL('histogram_quantile(0.95, sum by (le, memotel_git_subcommand) (rate(memotel_git_command_duration_seconds_bucket{job=~"$service", memotel_outcome="error"}[$__rate_interval])))')).toEqual([
      'memotel_git_command_duration_seconds_bucket',
    ]);
    expect(metricNamesInPromQL('sum(rate(a_total{x="y"}[5m])) / sum(rate(b_count[5m]))')).toEqual(['a_total', 'b_count']);
    for (const [file, d] of dashboards) {
      for (const { panel, expr } of promTargets(d)) expect({ file, panel, names: metricNamesInPromQL(expr).length > 0 }).toMatchObject({ names: true });
    }
  });

  it('cover the memory views: rate, latency percentiles and errors by namespace', () => {
    const memory = dashboards.find(([f]) => f === 'memotel-memory.json')![1];
    const exprs = promTargets(memory).map((t) => t.expr);
    expect(exprs.some((e) => /rate\(memotel_memory_operation_duration_seconds_count/.test(e))).toBe(true);
    expect(exprs.filter((e) => /histogram_quantile\(0\.(5|95|99), .*memotel_memory_operation_duration_seconds_bucket/.test(e))).toHaveLength(3);
    expect(exprs.some((e) => /by \(memotel_memory_namespace.*memotel_outcome="error"/.test(e))).toBe(true);
  });

  it('have a session view that finds traces by the hashed session.id and logs by its Loki name', () => {
    const session = dashboards.find(([f]) => f === 'memotel-session.json')![1];
    const targets = session.panels.flatMap((p) => p.targets ?? []);
    const tempo = targets.find((t) => t.datasource?.type === 'tempo')!;
    const loki = targets.find((t) => t.datasource?.type === 'loki')!;
    expect(tempo.query).toBe(`{ span.${semconv.ATTR_SESSION_ID} = "$session" }`);
    // Loki stores OTLP log attributes as structured metadata with dots turned into underscores.
    expect(loki.expr).toContain(`| ${semconv.ATTR_SESSION_ID.replace(/\./g, '_')}="$session"`);
    expect(session.templating.list.map((v) => v.name)).toEqual(['session']);
  });
});

describe('against a real scrape of memotel', () => {
  let dir: TempDir;
  let embedding: EmbeddingServer;
  let server: MemoryServer;
  let families: MetricFamily[];

  beforeAll(async () => {
    dir = await tempDir('memotel-dashboards-');
    // One 503 first: memotel retries it and counts a silent failure (memotel.silent_failures).
    embedding = await startEmbeddingServer({ failFirst: 1 });
    server = await startMemoryServer({ embedding, dir });
    await driveMemoryTraffic(server.url);
    const res = await fetch(server.metricsUrl);
    expect(res.status).toBe(200);
    families = parseFamilies(await res.text());
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await embedding?.close();
    await dir?.cleanup();
  });

  it('exports every memotel metric, under its escaped name', () => {
    const scraped = new Set(families.map((f) => f.name.replace(/_total$/, '')));
    const metricNames = Object.entries(semconv)
      .filter(([key]) => key.startsWith('METRIC_'))
      .map(([, name]) => (name as string).replace(/\./g, '_'));
    expect(metricNames.length).toBeGreaterThanOrEqual(10);
    expect([...metricNames].sort().filter((name) => !scraped.has(name))).toEqual([]);
  });

  it('has every metric a dashboard queries, after the collector path\'s name translation', () => {
    const exported = new Set(families.flatMap(collectorSeriesNames));
    const used = dashboardMetricNames();
    expect(used.size).toBeGreaterThan(10);
    const missing = [...used].filter(([name]) => !exported.has(name)).map(([name, where]) => `${name} (${where.join('; ')})`);
    expect(missing).toEqual([]);
  });

  it('is queried by the dashboards for every memory-service metric', () => {
    const used = new Set([...dashboardMetricNames().keys()]);
    const unqueried = families
      .filter((f) => /^(memotel|gen_ai)_/.test(f.name))
      // memotel's own pipeline health and the hook runner's metrics are not memory operations.
      .filter((f) => !/^memotel_(telemetry|hook)_/.test(f.name))
      .filter((f) => !collectorSeriesNames(f).some((series) => used.has(series)))
      .map((f) => f.name);
    expect(unqueried).toEqual([]);
  });
});
