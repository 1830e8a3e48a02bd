// The preload through real child processes: ESM and CommonJS apps, both OTLP protocols, the
// disabled switch, resource settings, stdout hygiene, double start and worker threads.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { findSpan, startReceiver, type Receiver } from '../utils/otlp-receiver.js';
import { nodeBinaries, runFixture, tempDir, type TempDir } from '../utils/fixtures.js';

let receiver: Receiver;
let store: TempDir;

beforeAll(async () => {
  receiver = await startReceiver();
  store = await tempDir('memotel-preload-');
});
afterAll(async () => {
  await receiver.close();
  await store.cleanup();
});
beforeEach(() => receiver.reset());

const grpc = () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl, MEMOTEL_STORE_DIR: store.path });

describe.each(nodeBinaries())('$label', ({ path: node }) => {
  test('an ESM HTTP app gets server and client spans over OTLP gRPC', async () => {
    const r = await runFixture({ script: 'http-server.mjs', node, env: { ...grpc(), OTEL_SERVICE_NAME: 'esm-app' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('pong\n');
    await receiver.waitFor((rc) => rc.spans().some((s) => s.kind === 'SERVER'));
    const server = receiver.spans().find((s) => s.kind === 'SERVER')!;
    expect(server.attributes['http.route'] ?? server.attributes['url.path'] ?? server.attributes['http.target']).toBeDefined();
    expect(server.resource['service.name']).toBe('esm-app');
    const client = receiver.spans().find((s) => s.kind === 'CLIENT')!;
    expect(client.traceId).toBe(server.traceId); // fetch propagated the context
    expect(server.parentSpanId).toBe(client.spanId);
    expect(receiver.requests.every((q) => q.transport === 'grpc')).toBe(true);
  });

  test('a CommonJS app through --require register.cjs', async () => {
    const r = await runFixture({ script: 'http-server.cjs', node, register: 'cjs', env: grpc() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('pong\n');
    await receiver.waitFor((rc) => rc.spans().some((s) => s.kind === 'SERVER'));
  });

  test('a CommonJS app through --import register.js', async () => {
    const r = await runFixture({ script: 'http-server.cjs', node, env: grpc() });
    expect(r.code).toBe(0);
    await receiver.waitFor((rc) => rc.spans().some((s) => s.kind === 'SERVER') && rc.spans().some((s) => s.kind === 'CLIENT'));
  });
});

test('http/protobuf works when chosen', async () => {
  const r = await runFixture({
    script: 'http-server.mjs',
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      MEMOTEL_STORE_DIR: store.path,
    },
  });
  expect(r.code).toBe(0);
  await receiver.waitFor((rc) => rc.spans().some((s) => s.kind === 'SERVER'));
  expect(new Set(receiver.requests.map((q) => q.transport))).toEqual(new Set(['http/protobuf']));
  expect(receiver.requests.map((q) => q.signal)).toEqual(expect.arrayContaining(['traces', 'metrics']));
});

// The bundles load zlib on first use (scripts/build.mjs, lazyZlibPlugin): compressing must still work.
test.each([
  ['grpc', () => grpc()],
  ['http/protobuf', () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpUrl, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' })],
])('gzip compression works over %s', async (transport, endpoint) => {
  const r = await runFixture({
    script: 'http-server.mjs',
    env: { ...endpoint(), OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', MEMOTEL_STORE_DIR: store.path },
  });
  expect(r.stderr).not.toContain('memotel error');
  expect(r.code).toBe(0);
  await receiver.waitFor((rc) => rc.spans().some((s) => s.kind === 'SERVER'));
  expect(receiver.requests.every((q) => q.transport === transport && q.error === undefined)).toBe(true);
  if (transport === 'http/protobuf') expect(receiver.requests.map((q) => q.headers['content-encoding'])).toContain('gzip');
});

test('service name and resource attributes come from OTEL_* and local detectors', async () => {
  const r = await runFixture({
    script: 'http-server.mjs',
    env: { ...grpc(), OTEL_SERVICE_NAME: 'memo-svc', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test,team=mem%20ory' },
  });
  expect(r.code).toBe(0);
  await receiver.waitForSpans(1);
  const resource = receiver.spans()[0]!.resource;
  expect(resource['service.name']).toBe('memo-svc');
  expect(resource['deployment.environment.name']).toBe('test');
  expect(resource['team']).toBe('mem ory');
  expect(resource['host.name']).toBeDefined();
  expect(resource['process.pid']).toBeDefined();
  expect(resource['service.instance.id']).toBeDefined();
  expect(resource['telemetry.sdk.language']).toBe('nodejs');
  // Cloud detectors are off by default: no cloud.* attributes, no metadata-server warnings.
  expect(Object.keys(resource).some((k) => k.startsWith('cloud.'))).toBe(false);
  expect(r.stderr).toBe('');
});

test('OTEL_SDK_DISABLED=true leaves the app untouched and exports nothing', async () => {
  const r = await runFixture({ script: 'http-server.mjs', env: { ...grpc(), OTEL_SDK_DISABLED: 'true' } });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('pong\n');
  expect(r.stderr).toBe('');
  await new Promise((res) => setTimeout(res, 300));
  expect(receiver.requests).toHaveLength(0);
});

test('exporters set to none export nothing, not even to the local store at exit', async () => {
  const dir = await tempDir('memotel-none-');
  try {
    const none = { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
    for (const script of ['http-server.mjs', 'exit-paths.mjs']) {
      // process.exit(3) is the path that drains the exit spool into the store.
      const r = await runFixture({ script, env: { MEMOTEL_STORE_DIR: dir.path, MODE: 'exit', ...none } });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('pong\n');
    }
    expect(existsSync(join(dir.path, 'traces.jsonl')) || existsSync(join(dir.path, 'logs.jsonl'))).toBe(false);
  } finally {
    await dir.cleanup();
  }
});

test('stdout carries only the app output, even with OTEL_LOG_LEVEL=DEBUG', async () => {
  const r = await runFixture({ script: 'http-server.mjs', env: { ...grpc(), OTEL_LOG_LEVEL: 'DEBUG' } });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('pong\n');
  expect(r.stderr).toMatch(/^memotel debug: /m); // diagnostics went to stderr instead
});

test('invalid values warn once on stderr, name the variable, hide secrets, and change nothing else', async () => {
  const r = await runFixture({
    script: 'http-server.mjs',
    env: {
      ...grpc(),
      OTEL_BSP_SCHEDULE_DELAY: 'soon',
      OTEL_TRACES_SAMPLER: 'sometimes',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%zzsecret-token',
    },
  });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('pong\n');
  expect(r.stderr).toContain('OTEL_BSP_SCHEDULE_DELAY="soon"');
  expect(r.stderr).toContain('using 5000');
  expect(r.stderr).toContain('OTEL_TRACES_SAMPLER="sometimes"');
  expect(r.stderr).toContain('OTEL_EXPORTER_OTLP_HEADERS');
  expect(r.stderr).not.toContain('secret-token');
  expect(r.stderr.match(/OTEL_BSP_SCHEDULE_DELAY/g)).toHaveLength(1);
  await receiver.waitFor((rc) => rc.spans().some((s) => s.kind === 'SERVER'));
});

test('starting twice (NODE_OPTIONS and --import, ESM and CJS) starts one SDK', async () => {
  const r = await runFixture({
    script: 'http-server.mjs',
    env: { ...grpc(), NODE_OPTIONS: `--require ${process.cwd()}/register.cjs`, OTEL_LOG_LEVEL: 'debug' },
  });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('pong\n');
  await receiver.waitFor((rc) => rc.spans().some((s) => s.kind === 'SERVER'));
  await new Promise((res) => setTimeout(res, 300));
  expect(receiver.spans().filter((s) => s.kind === 'SERVER')).toHaveLength(1);
  expect(r.stderr.match(/ started: traces/g)).toHaveLength(1);
});

test('a worker thread does not start a second SDK', async () => {
  const r = await runFixture({ script: 'worker-app.mjs', env: { ...grpc(), OTEL_LOG_LEVEL: 'debug' } });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('worker done\n');
  expect(r.stderr.match(/ started: traces/g)).toHaveLength(1);
  await receiver.waitFor((rc) => rc.spans().some((s) => s.kind === 'SERVER'));
  expect(findSpan(receiver.spans(), receiver.spans().find((s) => s.kind === 'SERVER')!.name)).toBeDefined();
});
