// Every way a process ends: telemetry is flushed and the process ends as it would without
// memotel (same exit code or signal, same stdout, the app's own handlers untouched).
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startReceiver, type Receiver } from '../utils/otlp-receiver.js';
import { closedPort, runFixture, tempDir, type TempDir } from '../utils/fixtures.js';

let receiver: Receiver;
let store: TempDir;

beforeAll(async () => {
  receiver = await startReceiver();
  store = await tempDir('memotel-lifecycle-');
});
afterAll(async () => {
  await receiver.close();
  await store.cleanup();
});
beforeEach(() => receiver.reset());

const grpc = (extra: Record<string, string> = {}) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl,
  MEMOTEL_STORE_DIR: store.path,
  ...extra,
});

test('natural end: spans and metrics are flushed before the process exits', async () => {
  const r = await runFixture({ script: 'exit-paths.mjs', env: grpc() });
  expect(r.code).toBe(0);
  // No waiting: by the time the process is gone, the data must already be at the receiver.
  expect(receiver.spans().some((s) => s.kind === 'SERVER')).toBe(true);
  expect(receiver.metrics().some((m) => m.name.startsWith('http.'))).toBe(true);
});

test('SIGTERM to a running HTTP server: flushed, then the process dies of the signal', async () => {
  const r = await runFixture({
    script: 'long-server.mjs',
    env: grpc(),
    signal: { name: 'SIGTERM', afterStdoutLine: /ready/ },
  });
  expect(r.signal).toBe('SIGTERM');
  expect(r.code).toBeNull();
  expect(receiver.spans().some((s) => s.kind === 'SERVER')).toBe(true);
});

test('SIGINT: flushed, then the process dies of the signal', async () => {
  const r = await runFixture({ script: 'long-server.mjs', env: grpc(), signal: { name: 'SIGINT', afterStdoutLine: /ready/ } });
  expect(r.signal).toBe('SIGINT');
  expect(receiver.spans().some((s) => s.kind === 'SERVER')).toBe(true);
});

test("the app's own SIGTERM handler keeps control of how the process ends", async () => {
  const r = await runFixture({
    script: 'long-server.mjs',
    env: grpc({ MODE: 'handler' }),
    signal: { name: 'SIGTERM', afterStdoutLine: /ready/ },
  });
  expect(r.stdout).toBe('ready\napp handled SIGTERM\n');
  expect(r.code).toBe(7);
  expect(r.signal).toBeNull();
});

test('process.exit(3) keeps its code; pending spans are saved synchronously to the store', async () => {
  const dir = await tempDir('memotel-exit-');
  try {
    const r = await runFixture({ script: 'exit-paths.mjs', env: { MODE: 'exit', MEMOTEL_STORE_DIR: dir.path } });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('pong\n');
    const lines = readFileSync(join(dir.path, 'traces.jsonl'), 'utf8').trim().split('\n');
    const spans = lines.flatMap((l) => JSON.parse(l).resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)));
    expect(spans.map((s: any) => s.kind)).toEqual(expect.arrayContaining([2, 3])); // SERVER, CLIENT
  } finally {
    await dir.cleanup();
  }
});

test('process.exit with OTLP configured: unsent spans fall back to the local store, not lost', async () => {
  const dir = await tempDir('memotel-exit-otlp-');
  try {
    const r = await runFixture({
      script: 'exit-paths.mjs',
      env: { MODE: 'exit', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl, MEMOTEL_STORE_DIR: dir.path },
    });
    expect(r.code).toBe(3);
    expect(existsSync(join(dir.path, 'traces.jsonl'))).toBe(true);
    // Written before the resource's asynchronous attributes (host.id) settle, without an error.
    expect(r.stderr).toBe('');
    const line = JSON.parse(readFileSync(join(dir.path, 'traces.jsonl'), 'utf8').split('\n')[0]!);
    const resource = line.resourceSpans[0].resource.attributes.map((a: { key: string }) => a.key);
    expect(resource).toEqual(expect.arrayContaining(['service.name', 'host.name']));
  } finally {
    await dir.cleanup();
  }
});

test('uncaught exception: recorded, flushed, then Node prints it and exits with code 1', async () => {
  const r = await runFixture({ script: 'exit-paths.mjs', env: grpc({ MODE: 'throw' }) });
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('pong\n');
  expect(r.stderr).toContain('TypeError: fixture exploded');
  expect(r.stderr).toMatch(/at Timeout\._onTimeout .*exit-paths\.mjs/);
  expect(receiver.spans().some((s) => s.kind === 'SERVER')).toBe(true);
  const crash = receiver.logs().find((l) => l.attributes['exception.type'] === 'TypeError');
  expect(crash?.attributes['exception.message']).toBe('fixture exploded');
  expect(crash?.severityText).toBe('FATAL');
});

test('unhandled rejection: recorded, flushed, exits with code 1 and the rejection on stderr', async () => {
  const r = await runFixture({ script: 'exit-paths.mjs', env: grpc({ MODE: 'reject' }) });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('RangeError: fixture rejected');
  expect(receiver.logs().some((l) => l.attributes['exception.type'] === 'RangeError')).toBe(true);
});

test("an app that handles uncaught exceptions itself keeps running and keeps its exit code", async () => {
  const r = await runFixture({ script: 'exit-paths.mjs', env: grpc({ MODE: 'throw-handled' }) });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('pong\napp caught handled by app\n');
  expect(r.stderr).toBe('');
});

test('collector unreachable: the process still exits, with its own code and output, after the documented bound', async () => {
  const port = await closedPort();
  const r = await runFixture({
    script: 'exit-paths.mjs',
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, MEMOTEL_STORE_DIR: store.path, MEMOTEL_SHUTDOWN_TIMEOUT: '500' },
    // Upstream's default retries take ~8 s here; memotel must be done long before this limit.
    timeoutMs: 6000,
  });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('pong\n');
});

/** The spans a store directory holds, from its active traces file. */
function storedSpans(dir: string): Array<{ kind: number }> {
  const file = join(dir, 'traces.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .flatMap((l) => JSON.parse(l).resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)));
}

test.each(['grpc', 'http/protobuf'])(
  'collector unreachable (%s): what the last export could not deliver is saved to the local store',
  async (protocol) => {
    const port = await closedPort();
    const dir = await tempDir('memotel-exit-down-');
    try {
      const r = await runFixture({
        script: 'exit-paths.mjs',
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          MEMOTEL_STORE_DIR: dir.path,
          MEMOTEL_SHUTDOWN_TIMEOUT: '500',
        },
        timeoutMs: 6000,
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('pong\n');
      expect(storedSpans(dir.path).map((s) => s.kind)).toEqual(expect.arrayContaining([2, 3])); // SERVER, CLIENT
    } finally {
      await dir.cleanup();
    }
  },
);

test('SIGTERM with the collector unreachable: the spans are saved to the local store before the process dies', async () => {
  const port = await closedPort();
  const dir = await tempDir('memotel-signal-down-');
  try {
    const r = await runFixture({
      script: 'long-server.mjs',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, MEMOTEL_STORE_DIR: dir.path, MEMOTEL_SHUTDOWN_TIMEOUT: '500' },
      signal: { name: 'SIGTERM', afterStdoutLine: /ready/ },
      timeoutMs: 6000,
    });
    expect(r.signal).toBe('SIGTERM');
    expect(storedSpans(dir.path).map((s) => s.kind)).toContain(2); // SERVER
  } finally {
    await dir.cleanup();
  }
});
