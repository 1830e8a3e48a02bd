// memotel health, with real parts: a git repository holding a memory captured by the example
// app through the preload, a directory that is not a repository, closed ports for an
// unreachable embedding server and OTLP endpoint, and a pipeline status file.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort } from '../utils/fixtures.js';
import { startFaultyCollector, type CollectorFault, type OtlpTransport } from '../utils/faulty-collector.js';
import { MEMORY_APP, expectExit, makeRepo, memotel, sandbox, throughPreload, type Sandbox } from './helpers.js';

let box: Sandbox;
let repo: string;

beforeAll(async () => {
  box = await sandbox();
  repo = makeRepo(box);
  const capture = await throughPreload(box, MEMORY_APP, ['capture', '--namespace', 'decisions', '--summary', 'health checks are real', '--repo', repo]);
  expectExit(capture, 0);
});

afterAll(async () => box?.cleanup());

interface HealthJson {
  healthy: boolean;
  components: Array<{ name: string; status: string; summary: string; details: string[]; [key: string]: unknown }>;
  timing?: Array<{ operation: string; count: number; p50Seconds: number | null }>;
}

function component(json: HealthJson, name: string) {
  const found = json.components.find((c) => c.name === name);
  if (!found) throw new Error(`no component ${name} in ${JSON.stringify(json)}`);
  return found;
}

describe('memotel health', () => {
  test('a working setup is healthy (exit 0): git, repository memories, index, a real embedding, a writable store', async () => {
    const r = await memotel(box, ['health', '--repo', repo, '--json', '--timing']);
    expectExit(r, 0);
    const json = JSON.parse(r.stdout) as HealthJson;
    expect(json.healthy).toBe(true);
    expect(json.components.map((c) => c.name)).toEqual(['git', 'repository', 'index', 'embedding', 'telemetry', 'last export']);
    expect(component(json, 'git').summary).toMatch(/^git version \d+\.\d+/);
    expect(component(json, 'repository')).toMatchObject({ status: 'ok', memories: 1, namespaces: { decisions: 1 } });
    expect(component(json, 'index')).toMatchObject({ status: 'ok', records: 1, model: 'memotel-local/memotel-hash-384-v1' });
    expect(component(json, 'index').bytes).toBeGreaterThan(0);
    expect(component(json, 'embedding')).toMatchObject({ status: 'ok', dimensions: 384 });
    expect(component(json, 'embedding').latencyMs).toEqual(expect.any(Number));
    expect(component(json, 'telemetry').summary).toBe(`traces, metrics, logs → store ${box.store}: writable`);
    expect(component(json, 'last export')).toMatchObject({ status: 'ok', present: false });

    // --timing reads the duration histograms the capture wrote to the store.
    expect(Array.isArray(json.timing)).toBe(true);
    const gitRows = json.timing!.filter((t) => t.operation.startsWith('git '));
    const capture = json.timing!.find((t) => t.operation === 'create_memory');
    if (capture) expect(capture.count).toBe(1); // once the memory instrumentations are in the register
    for (const row of [...gitRows, ...(capture ? [capture] : [])]) expect(row.p50Seconds).toBeGreaterThan(0);
  });

  test('prints one line per component and "healthy" as plain text', async () => {
    const r = await memotel(box, ['health', '--repo', repo]);
    expectExit(r, 0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`memotel health  (repository ${repo})`);
    expect(lines.slice(2, 8).map((l) => l.replace(/  \d+(\.\d+)? (µs|ms|s)$/, ''))).toEqual([
      expect.stringMatching(/^✓ git          git version \d/),
      `✓ repository   ${repo}: 1 memory (decisions 1)`,
      expect.stringMatching(/^✓ index        1 memory, \d+(\.\d)? KiB \(\.git\/memotel\/index\/memotel-local--memotel-hash-384-v1\.bin\)$/),
      '✓ embedding    memotel-local memotel-hash-384-v1: 384 dimensions',
      `✓ telemetry    traces, metrics, logs → store ${box.store}: writable`,
      '✓ last export  no export errors recorded',
    ]);
    expect(lines.at(-1)).toBe('healthy');
    expect(r.stderr).toBe('');
  });

  test('a directory that is not a git repository is unhealthy (exit 1), named on stderr', async () => {
    const plain = join(box.dir.path, 'not-a-repo');
    mkdirSync(plain);
    const r = await memotel(box, ['health', '--repo', plain]);
    expectExit(r, 1);
    expect(r.stderr).toBe('memotel health: unhealthy: repository\n');
    expect(r.stdout).toContain(`✗ repository   ${plain} is not inside a git repository`);
    expect(r.stdout).toMatch(/^- index {8}skipped: no repository$/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('unhealthy: repository');
  });

  test('an unreachable embedding server and OTLP endpoint are unhealthy (exit 1), each named', async () => {
    const [embeddingPort, otlpPort] = [await closedPort(), await closedPort()];
    const r = await memotel(box, ['health', '--repo', repo, '--json'], {
      MEMOTEL_EMBEDDING_PROVIDER: 'openai-compatible',
      MEMOTEL_EMBEDDING_URL: `http://127.0.0.1:${embeddingPort}`,
      MEMOTEL_EMBEDDING_MODEL: 'nomic-embed-text',
      MEMOTEL_EMBEDDING_MAX_RETRIES: '0',
      MEMOTEL_EMBEDDING_TIMEOUT_MS: '500',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
    });
    expectExit(r, 1);
    expect(r.stderr).toBe('memotel health: unhealthy: embedding, telemetry\n');
    const json = JSON.parse(r.stdout) as HealthJson;
    expect(json.healthy).toBe(false);
    expect(component(json, 'embedding')).toMatchObject({ status: 'fail', code: 'MEMOTEL_ERR_EMBEDDING_UNREACHABLE' });
    expect(component(json, 'embedding').summary).toContain(`127.0.0.1:${embeddingPort}`);
    expect(component(json, 'telemetry').status).toBe('fail');
    expect(component(json, 'telemetry').summary).toBe(`traces, metrics, logs → otlp grpc http://127.0.0.1:${otlpPort}: cannot connect (ECONNREFUSED)`);
    expect(component(json, 'git').status).toBe('ok');
    expect(component(json, 'repository').status).toBe('ok');
  });

  // A collector can accept connections and still lose every export: health sends an empty
  // export and names the answer.
  test.each<[CollectorFault, OtlpTransport, string, boolean]>([
    ['healthy', 'grpc', 'accepts exports (gRPC OK)', true],
    ['healthy', 'http/protobuf', 'accepts exports (HTTP 200)', true],
    ['black hole', 'grpc', 'no answer to an export within 1000 ms', false],
    ['unavailable', 'grpc', 'rejects exports: gRPC 14 UNAVAILABLE', false],
    ['exhausted', 'grpc', 'rejects exports: gRPC 8 RESOURCE_EXHAUSTED', false],
    ['unavailable', 'http/protobuf', 'rejects exports: HTTP 503', false],
    ['exhausted', 'http/protobuf', 'rejects exports: HTTP 429 Too Many Requests (Retry-After: 1)', false],
  ])('an OTLP collector that is %s (%s) is reported as: %s', async (fault, transport, detail, ok) => {
    const collector = await startFaultyCollector(fault, transport);
    try {
      const r = await memotel(box, ['health', '--repo', repo, '--json'], {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: transport,
      });
      const telemetry = component(JSON.parse(r.stdout) as HealthJson, 'telemetry');
      expect(telemetry.summary).toContain(detail);
      expect(telemetry.status).toBe(ok ? 'ok' : 'fail');
    } finally {
      await collector.close();
    }
  });

  test('the last export section reads pipeline-status.json: an error newer than the last success is unhealthy', async () => {
    const failing = await sandbox();
    try {
      mkdirSync(failing.store, { recursive: true });
      writeFileSync(
        join(failing.store, 'pipeline-status.json'),
        JSON.stringify({
          signals: {
            traces: {
              exported: 10,
              failed: 2,
              lastSuccessAt: '2026-01-01T10:00:00.000Z',
              lastError: { message: '14 UNAVAILABLE: No connection established', at: '2026-01-01T10:05:00.000Z', destination: 'otlp' },
            },
            metrics: {
              exported: 4,
              failed: 1,
              lastSuccessAt: '2026-01-01T10:10:00.000Z',
              lastError: { message: 'timeout', at: '2026-01-01T10:01:00.000Z', destination: 'otlp' },
            },
          },
        }),
      );
      const r = await memotel(failing, ['health', '--repo', repo]);
      expectExit(r, 1);
      expect(r.stderr).toBe('memotel health: unhealthy: last export\n');
      expect(r.stdout).toContain('✗ last export  failing: traces\n');
      expect(r.stdout).toContain('traces: export to otlp failing since 2026-01-01T10:05:00.000Z: 14 UNAVAILABLE: No connection established (10 exported, 2 failed)');
      expect(r.stdout).toContain('metrics: 4 exported, 1 failed; last error to otlp at 2026-01-01T10:01:00.000Z has recovered since');
    } finally {
      await failing.cleanup();
    }
  });

  test('a missing option value is a usage error naming it (exit 2)', async () => {
    const r = await memotel(box, ['health', '--repo']);
    expectExit(r, 2);
    expect(r.stderr).toBe("memotel health: option '--repo <value>' argument missing\nRun 'memotel health --help' for usage.\n");
  });
});
