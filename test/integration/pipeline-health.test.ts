// Runtime metrics for long-running processes only, and the pipeline's own health: exports,
// drops and failures are counted and a dead collector leaves a trace on disk.
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startReceiver, type Receiver } from '../utils/otlp-receiver.js';
import { closedPort, PROJECT_ROOT, runFixture, tempDir, type TempDir } from '../utils/fixtures.js';
import { makeRepo, removeDir } from '../memory/helpers.js';

const APP = join(PROJECT_ROOT, 'examples/memory-app/app.mjs');
let receiver: Receiver;
let home: TempDir;

beforeAll(async () => {
  receiver = await startReceiver();
  home = await tempDir('memotel-pipeline-');
});
afterAll(async () => {
  await receiver.close();
  await home.cleanup();
});
beforeEach(() => receiver.reset());

const RUNTIME = /^(nodejs\.eventloop\.|v8js\.|process\.cpu\.|process\.memory\.)/;

test('a long-running serve exports runtime and process metrics', async () => {
  const repo = await makeRepo();
  const child = spawn(process.execPath, ['--import', join(PROJECT_ROOT, 'register.js'), APP, 'serve', '--port', '0', '--repo', repo], {
    env: {
      PATH: process.env.PATH,
      HOME: home.path,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl,
      OTEL_METRIC_EXPORT_INTERVAL: '300',
      MEMOTEL_RUNTIME_METRICS_DELAY: '100',
    },
  });
  try {
    await receiver.waitFor((rc) => rc.metrics().some((m) => m.name === 'nodejs.eventloop.delay.p99'), 15000);
    await receiver.waitFor((rc) => rc.metrics().some((m) => m.name === 'process.cpu.time'), 15000);
    const names = new Set(receiver.metrics().map((m) => m.name));
    expect([...names].some((n) => n.startsWith('v8js.memory.heap'))).toBe(true);
    expect(names.has('process.memory.usage')).toBe(true);
    expect([...names].some((n) => n.startsWith('system.'))).toBe(false); // host-wide metrics belong to a host agent
  } finally {
    // Wait for its final flush, so it cannot reach the next test's receiver.
    await new Promise((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    await removeDir(repo);
  }
});

test('a short-lived command exports no runtime metrics (they never start)', async () => {
  const repo = await makeRepo();
  try {
    const r = await runFixture({
      script: APP,
      args: ['capture', '--namespace', 'progress', '--summary', 'short', '--repo', repo],
      env: { HOME: home.path, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl },
    });
    expect(r.code).toBe(0);
    expect(receiver.metrics().some((m) => m.name === 'memotel.memory.captures')).toBe(true);
    expect(receiver.metrics().filter((m) => RUNTIME.test(m.name))).toEqual([]);
  } finally {
    await removeDir(repo);
  }
});

test('exports, drops and failures are counted as memotel.telemetry.* metrics', async () => {
  const r = await runFixture({
    script: 'many-spans.mjs',
    env: {
      HOME: home.path,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl,
      OTEL_BSP_MAX_QUEUE_SIZE: '10',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
      COUNT: '50',
    },
  });
  expect(r.code).toBe(0);
  const spans = receiver.spans().filter((s) => s.name.startsWith('burst'));
  expect(spans.length).toBeLessThan(50);
  const dropped = receiver.metrics().find((m) => m.name === 'memotel.telemetry.dropped')!;
  const tracesDropped = dropped.points.find((p) => p.attributes['memotel.telemetry.signal'] === 'traces')!.value!;
  expect(tracesDropped).toBe(50 - spans.length);
});

test('with the collector down, failures are recorded with the last error, on disk for memotel health', async () => {
  const port = await closedPort();
  const store = join(home.path, 'store-down');
  const r = await runFixture({
    script: 'many-spans.mjs',
    env: {
      HOME: home.path,
      MEMOTEL_STORE_DIR: store,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: '300',
      COUNT: '5',
    },
  });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('ended 5\n');
  // The app's stderr gets short, readable lines naming the failure, no JSON or stack traces.
  const lines = r.stderr.trim().split('\n');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line).toMatch(/^memotel (warn|error): [^{[]*(UNAVAILABLE|ECONNREFUSED|connect|timeout)/i);
  expect(r.stderr).not.toMatch(/"stack"|\n\s+at /);
  const status = JSON.parse(readFileSync(join(store, 'pipeline-status.json'), 'utf8'));
  expect(status.signals.traces.failed).toBe(5);
  expect(status.signals.traces.exported).toBe(0);
  expect(status.signals.traces.lastError).toMatchObject({ destination: 'otlp' });
  expect(status.signals.traces.lastError.message).toMatch(/UNAVAILABLE|ECONNREFUSED|connect|timeout/i);

  // memotel health, run the way a user would with the same settings, shows it as unhealthy.
  const repo = await makeRepo();
  try {
    const health = await runFixture({
      script: join(PROJECT_ROOT, 'dist/bundle/cli.js'),
      register: 'none',
      args: ['health', '--repo', repo],
      env: { HOME: home.path, MEMOTEL_STORE_DIR: store, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
    });
    expect(health.code).toBe(1);
    expect(health.stderr).toMatch(/unhealthy: .*telemetry/);
    expect(health.stderr).toMatch(/last export/);
    expect(health.stdout).toMatch(/traces/);
  } finally {
    await removeDir(repo);
  }
});

test('a short process whose exports the exit bound cut short (collector never answers) leaves the reason on disk', async () => {
  // setFailure('hang') on this file's receiver would hang its other tests' exports: a black hole of its own.
  const { startFaultyCollector } = await import('../utils/faulty-collector.js');
  const hole = await startFaultyCollector('black hole', 'grpc');
  const store = join(home.path, 'store-hole');
  try {
    const r = await runFixture({
      script: 'many-spans.mjs',
      env: { HOME: home.path, MEMOTEL_STORE_DIR: store, OTEL_EXPORTER_OTLP_ENDPOINT: hole.url, MEMOTEL_SHUTDOWN_TIMEOUT: '300', COUNT: '3' },
    });
    expect(r.code).toBe(0);
    const status = JSON.parse(readFileSync(join(store, 'pipeline-status.json'), 'utf8'));
    expect(status.signals.traces.lastError).toMatchObject({ destination: 'otlp', message: expect.stringContaining('MEMOTEL_SHUTDOWN_TIMEOUT') });
    expect(status.signals.traces.failed).toBe(3);
  } finally {
    await hole.close();
  }
});
