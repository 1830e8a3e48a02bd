/**
 * Proves the test receiver against OpenTelemetry's own exporters (gRPC, http/protobuf, gzip) and
 * a hand-written OTLP/JSON request, and proves the fixture runner with plain scripts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { closedPort, nodeBinaries, runFixture, tempDir, type TempDir } from '../utils/fixtures.js';
import { childrenOf, findSpan, renderSpanTree, startReceiver, type Receiver } from '../utils/otlp-receiver.js';

// The exporters type `compression` as an enum from a package memotel does not depend on directly.
const GZIP = 'gzip' as NonNullable<ConstructorParameters<typeof GrpcTraceExporter>[0]>['compression'];
const HEX_TRACE_ID = /^[0-9a-f]{32}$/;
const HEX_SPAN_ID = /^[0-9a-f]{16}$/;

const resource = resourceFromAttributes({ 'service.name': 'receiver-test', 'service.version': '1.2.3' });

let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver.close();
});

beforeEach(() => {
  receiver.reset();
  receiver.setFailure(null);
});

/** Spans a parent with one child through a provider exporting to `exporter`. */
async function exportParentAndChild(exporter: SpanExporter): Promise<void> {
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('receiver-test-scope', '0.0.1');
  const parent = tracer.startSpan('parent', { kind: SpanKind.SERVER, attributes: { 'http.route': '/recall' } });
  const child = tracer.startSpan(
    'child',
    { kind: SpanKind.CLIENT, attributes: { count: 3, ratio: 0.5, ok: true, tags: ['a', 'b'] } },
    trace.setSpan(ROOT_CONTEXT, parent),
  );
  child.addEvent('retry', { attempt: 2 });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'index missing' });
  child.end();
  parent.end();
  await provider.shutdown();
}

/** Spans made in memory, to hand to an exporter's export() directly and observe its result. */
function inMemorySpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(memory)] });
  provider.getTracer('receiver-test-scope').startSpan('doomed').end();
  return memory.getFinishedSpans();
}

function exportResult(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('traces', () => {
  it('decodes a gzip-compressed gRPC export into flattened spans', async () => {
    await exportParentAndChild(new GrpcTraceExporter({ url: receiver.grpcUrl, compression: GZIP }));
    await receiver.waitForSpans(2);

    const spans = receiver.spans();
    expect(renderSpanTree(spans)).toBe('parent\n  child');
    const parent = findSpan(spans, 'parent');
    const child = findSpan(spans, 'child');
    expect(parent.parentSpanId).toBe('');
    expect(parent.traceId).toMatch(HEX_TRACE_ID);
    expect(parent.spanId).toMatch(HEX_SPAN_ID);
    expect(child.traceId).toBe(parent.traceId);
    expect(child.parentSpanId).toBe(parent.spanId);
    expect(childrenOf(spans, parent)).toEqual([child]);

    expect(parent.kind).toBe('SERVER');
    expect(child.kind).toBe('CLIENT');
    expect(parent.attributes).toEqual({ 'http.route': '/recall' });
    expect(child.attributes).toEqual({ count: 3, ratio: 0.5, ok: true, tags: ['a', 'b'] });
    expect(child.status).toEqual({ code: 'ERROR', message: 'index missing' });
    expect(parent.status.code).toBe('UNSET');
    expect(child.events).toEqual([{ name: 'retry', attributes: { attempt: 2 }, timeUnixNano: expect.any(BigInt) }]);
    expect(child.endTimeUnixNano).toBeGreaterThanOrEqual(child.startTimeUnixNano);
    expect(child.startTimeUnixNano).toBeGreaterThan(1_600_000_000_000_000_000n);
    expect(child.resource).toMatchObject({ 'service.name': 'receiver-test', 'service.version': '1.2.3' });
    expect(child.scope).toEqual({ name: 'receiver-test-scope', version: '0.0.1' });

    expect(receiver.requests.map((r) => [r.signal, r.transport])).toEqual([
      ['traces', 'grpc'],
      ['traces', 'grpc'],
    ]);
    expect(receiver.requests[0]!.headers['user-agent']).toMatch(/OTel-OTLP-Exporter-JavaScript/);
  });

  it('decodes an http/protobuf export', async () => {
    await exportParentAndChild(new ProtoTraceExporter({ url: `${receiver.httpUrl}/v1/traces` }));
    await receiver.waitForSpans(2);

    const child = findSpan(receiver.spans(), 'child');
    expect(child.parentSpanId).toBe(findSpan(receiver.spans(), 'parent').spanId);
    expect(child.attributes['tags']).toEqual(['a', 'b']);
    expect(receiver.requests[0]).toMatchObject({ signal: 'traces', transport: 'http/protobuf' });
    expect(receiver.requests[0]!.headers['content-type']).toBe('application/x-protobuf');
  });

  it('decodes a gzip-compressed OTLP/JSON request (hex ids, integer enums, string int64)', async () => {
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-client' } }] },
          scopeSpans: [
            {
              scope: { name: 'handwritten', version: '1' },
              spans: [
                {
                  traceId: '5B8EFFF798038103D269B633813FC60C',
                  spanId: 'EEE19B7EC3C1B174',
                  parentSpanId: 'EEE19B7EC3C1B173',
                  name: 'json-span',
                  kind: 3,
                  startTimeUnixNano: '1544712660000000000',
                  endTimeUnixNano: '1544712661000000000',
                  attributes: [
                    { key: 'n', value: { intValue: '42' } },
                    { key: 'meta', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: false } }] } } },
                  ],
                  status: { code: 2, message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await fetch(`${receiver.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: await promisify(gzip)(JSON.stringify(request)),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});

    expect(receiver.spans()).toEqual([
      {
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        parentSpanId: 'eee19b7ec3c1b173',
        traceState: '',
        name: 'json-span',
        kind: 'CLIENT',
        startTimeUnixNano: 1544712660000000000n,
        endTimeUnixNano: 1544712661000000000n,
        attributes: { n: 42, meta: { k: false } },
        status: { code: 'ERROR', message: 'boom' },
        events: [],
        links: [],
        resource: { 'service.name': 'json-client' },
        scope: { name: 'handwritten', version: '1' },
      },
    ]);
    expect(receiver.requests[0]).toMatchObject({ transport: 'http/json' });
  });

  it('answers 400 to an undecodable body and records why', async () => {
    const response = await fetch(`${receiver.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(receiver.requests[0]!.error).toMatch(/JSON/);
    expect(receiver.spans()).toEqual([]);
  });
});

describe('metrics', () => {
  it('decodes histogram buckets and a monotonic sum from a gRPC export', async () => {
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: receiver.grpcUrl }),
      exportIntervalMillis: 60_000, // only forceFlush exports
    });
    const provider = new MeterProvider({ resource, readers: [reader] });
    const meter = provider.getMeter('receiver-test-meter', '0.0.2');
    const duration = meter.createHistogram('op.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 1, 10] } });
    duration.record(0.05, { op: 'recall' });
    duration.record(0.5, { op: 'recall' });
    duration.record(0.7, { op: 'recall' });
    duration.record(20, { op: 'recall' });
    meter.createCounter('ops', { description: 'operations' }).add(3, { op: 'capture' });
    await provider.forceFlush();
    await provider.shutdown();

    await receiver.waitFor((r) => r.metrics().some((m) => m.name === 'op.duration'));
    const histogram = receiver.metrics().find((m) => m.name === 'op.duration')!;
    expect(histogram).toMatchObject({ kind: 'histogram', unit: 's', temporality: 'CUMULATIVE' });
    expect(histogram.scope).toEqual({ name: 'receiver-test-meter', version: '0.0.2' });
    expect(histogram.resource['service.name']).toBe('receiver-test');
    expect(histogram.points).toHaveLength(1);
    expect(histogram.points[0]).toMatchObject({
      attributes: { op: 'recall' },
      count: 4,
      sum: 21.25,
      min: 0.05,
      max: 20,
      explicitBounds: [0.1, 1, 10],
      bucketCounts: [1, 2, 0, 1],
    });

    const counter = receiver.metrics().find((m) => m.name === 'ops')!;
    expect(counter).toMatchObject({ kind: 'sum', monotonic: true, description: 'operations' });
    expect(counter.points.map((p) => [p.attributes, p.value])).toEqual([[{ op: 'capture' }, 3]]);
  });
});

describe('logs', () => {
  it('decodes a gzip-compressed http/protobuf log with its body, severity and trace context', async () => {
    const provider = new LoggerProvider({
      resource,
      // sdk-logs 0.2xx takes an options object here, not the exporter itself.
      processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${receiver.httpUrl}/v1/logs`, compression: GZIP }) })],
    });
    const tracerProvider = new BasicTracerProvider({ resource });
    const span = tracerProvider.getTracer('t').startSpan('logged-under');
    provider.getLogger('receiver-test-logger').emit({
      body: 'capture failed, retrying',
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      attributes: { 'error.type': 'MEMOTEL_ERR_LOCKED' },
      context: trace.setSpan(ROOT_CONTEXT, span),
    });
    span.end();
    await provider.forceFlush();
    await provider.shutdown();
    await tracerProvider.shutdown();

    await receiver.waitFor((r) => r.logs().length === 1);
    const [log] = receiver.logs();
    expect(log).toMatchObject({
      body: 'capture failed, retrying',
      severityNumber: 13,
      severityText: 'WARN',
      attributes: { 'error.type': 'MEMOTEL_ERR_LOCKED' },
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      scope: { name: 'receiver-test-logger', version: '' },
    });
    expect(log!.resource['service.name']).toBe('receiver-test');
    expect(receiver.requests[0]).toMatchObject({ signal: 'logs', transport: 'http/protobuf' });
    expect(receiver.requests[0]!.headers['content-encoding']).toBe('gzip');
  });
});

describe('failure modes', () => {
  it("'unavailable' makes gRPC and HTTP exports fail without storing data", async () => {
    receiver.setFailure('unavailable');
    const spans = inMemorySpans();
    // Both codes are retryable; a timeout shorter than the first backoff (~1 s) fails at once.
    const grpcExporter = new GrpcTraceExporter({ url: receiver.grpcUrl, timeoutMillis: 500 });
    const httpExporter = new ProtoTraceExporter({ url: `${receiver.httpUrl}/v1/traces`, timeoutMillis: 500 });

    const results = [await exportResult(grpcExporter, spans), await exportResult(httpExporter, spans)];
    await Promise.all([grpcExporter.shutdown(), httpExporter.shutdown()]);

    expect(results.map((r) => r.code)).toEqual([ExportResultCode.FAILED, ExportResultCode.FAILED]);
    expect(receiver.requests.map((r) => r.transport)).toEqual(['grpc', 'http/protobuf']);
    expect(receiver.spans()).toEqual([]);
  });

  it("'hang' never answers, so the export times out", async () => {
    receiver.setFailure('hang');
    const exporter = new ProtoTraceExporter({ url: `${receiver.httpUrl}/v1/traces`, timeoutMillis: 300 });
    const result = await exportResult(exporter, inMemorySpans());
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(receiver.requests).toHaveLength(1);
  });

  it('waitFor rejects with a summary of what arrived', async () => {
    await exportParentAndChild(new ProtoTraceExporter({ url: `${receiver.httpUrl}/v1/traces` }));
    await expect(receiver.waitFor((r) => r.spans().length > 5, 200)).rejects.toThrow(
      /timed out after 200 ms[\s\S]*traces via http\/protobuf ×2[\s\S]*spans \(2\): child, parent/,
    );
  });

  it('close() returns promptly with a hanging gRPC call in flight', async () => {
    const extra = await startReceiver({ http: false });
    expect(() => extra.httpUrl).toThrow(/http: false/);
    extra.setFailure('hang');
    const exporter = new GrpcTraceExporter({ url: extra.grpcUrl, timeoutMillis: 5_000 });
    const pending = exportResult(exporter, inMemorySpans());
    await extra.waitFor((r) => r.requests.length === 1);
    await extra.close();
    expect((await pending).code).toBe(ExportResultCode.FAILED);
    await exporter.shutdown();
  });
});

describe('fixtures', () => {
  let dir: TempDir;

  beforeAll(async () => {
    dir = await tempDir('memotel-fixtures-test-');
    await writeFile(join(dir.path, 'print-env.mjs'), 'console.log(JSON.stringify(process.env));\n');
    await writeFile(
      join(dir.path, 'wait-for-signal.mjs'),
      "process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(7); });\nsetInterval(() => {}, 1000);\nconsole.log('ready');\n",
    );
    await writeFile(join(dir.path, 'sleep.mjs'), "console.log('sleeping');\nsetTimeout(() => {}, 60_000);\n");
  });

  afterAll(async () => {
    await dir.cleanup();
  });

  it.each(nodeBinaries())('runs test/fixtures/hello.mjs without the preload on $label', async ({ path }) => {
    const result = await runFixture({ script: 'hello.mjs', register: 'none', node: path });
    expect(result).toMatchObject({ stdout: 'hello\n', stderr: '', code: 0, signal: null });
  });

  it("gives the child a clean environment plus the test's env", async () => {
    process.env['OTEL_MEMOTEL_FIXTURE_LEAK'] = 'leaked';
    try {
      const result = await runFixture({ script: join(dir.path, 'print-env.mjs'), register: 'none', env: { MEMOTEL_EXAMPLE: 'given' } });
      const env = JSON.parse(result.stdout) as Record<string, string>;
      expect(env['MEMOTEL_EXAMPLE']).toBe('given');
      expect(env['PATH']).toBe(process.env['PATH']);
      expect(Object.keys(env).filter((k) => k.startsWith('OTEL_') || k === 'NODE_OPTIONS')).toEqual([]);
    } finally {
      delete process.env['OTEL_MEMOTEL_FIXTURE_LEAK'];
    }
  });

  it('sends a signal after a matching stdout line', async () => {
    const result = await runFixture({
      script: join(dir.path, 'wait-for-signal.mjs'),
      register: 'none',
      signal: { name: 'SIGTERM', afterStdoutLine: /^ready$/ },
    });
    expect(result).toMatchObject({ stdout: 'ready\ngot SIGTERM\n', code: 7 });
  });

  it('kills a fixture that outlives its timeout and reports its output', async () => {
    await expect(runFixture({ script: join(dir.path, 'sleep.mjs'), register: 'none', timeoutMs: 1_000 })).rejects.toThrow(
      /did not exit within 1000 ms[\s\S]*--- stdout ---\nsleeping/,
    );
  });

  it('closedPort() is a port that refuses connections', async () => {
    const port = await closedPort();
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
