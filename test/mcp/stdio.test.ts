// A client and the fixture MCP memory server over stdio, both through the preload (CommonJS):
// span names, kinds and attributes per the MCP conventions, one trace across both processes,
// the memory operations under the tool call, a tool error, content only when opted in.
import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { asText, childrenOf, type ReceivedSpan } from '../utils/otlp-receiver.js';
import { useHarness } from '../utils/harness.js';
import { CJS_PRELOAD, findSpanOf, MCP_SERVER, runClient, SALT, spansOf, stdioServer } from './helpers.js';

const h = useHarness({ repo: true });

async function session(extraEnv: Record<string, string> = {}) {
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: h.receiver.grpcUrl,
    HOME: h.home.path,
    MEMOTEL_STORE_DIR: join(h.home.path, 'store'),
    MEMOTEL_SESSION_SALT: SALT,
    OTEL_SERVICE_NAME: 'mcp-client',
    ...extraEnv,
  };
  const r = await runClient(
    {
      server: stdioServer(MCP_SERVER, ['--repo', h.repo], CJS_PRELOAD, { OTEL_SERVICE_NAME: 'mcp-server' }),
      calls: [
        { name: 'capture', arguments: { namespace: 'decisions', summary: 'secret summary about gRPC' } },
        { name: 'recall', arguments: { query: 'secret query' } },
        { name: 'broken' },
      ],
    },
    env,
  );
  expect(r.stderr).not.toMatch(/client:|server:/);
  expect(r.code).toBe(0);
  return { r, results: r.stdout.trim().split('\n').map((l) => JSON.parse(l)) };
}

const byName = (spans: ReceivedSpan[]) => spans.map((s) => `${s.kind} ${s.name}`).sort();

describe('MCP over stdio, client and server under the preload', () => {
  test('spans: names, kinds, attributes; one trace per request across both processes; memory operations under the tool call', async () => {
    const { results } = await session();
    expect(results[0].isError).toBeUndefined();
    expect(JSON.parse(results[1].content[0].text)).toEqual(['secret summary about gRPC']);
    const spans = h.receiver.spans();
    const client = spansOf(spans, 'mcp-client');
    const server = spansOf(spans, 'mcp-server');
    expect(byName(client)).toEqual([
      'CLIENT initialize',
      'CLIENT tools/call broken',
      'CLIENT tools/call capture',
      'CLIENT tools/call recall',
      'CLIENT tools/list',
    ]);
    expect(byName(server.filter((s) => s.scope.name === 'memotel/instrumentation-mcp'))).toEqual([
      'SERVER initialize',
      'SERVER tools/call broken',
      'SERVER tools/call capture',
      'SERVER tools/call recall',
      'SERVER tools/list',
    ]);

    const clientCall = findSpanOf(client, 'tools/call capture', 'CLIENT');
    const serverCall = findSpanOf(server, 'tools/call capture', 'SERVER');
    // The server span's parent is the client span, in the other process.
    expect(serverCall.traceId).toBe(clientCall.traceId);
    expect(serverCall.parentSpanId).toBe(clientCall.spanId);
    for (const span of [clientCall, serverCall]) {
      expect(span.status.code).toBe('UNSET');
      expect(span.attributes).toMatchObject({
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'capture',
        'gen_ai.operation.name': 'execute_tool',
        'jsonrpc.request.id': '2',
        'mcp.protocol.version': '2025-11-25',
        'network.transport': 'pipe',
      });
      // stdio has no sessions: no mcp.session.id.
      expect(span.attributes['mcp.session.id']).toBeUndefined();
      expect(span.attributes['error.type']).toBeUndefined();
    }
    // The memory library's operation is a child of the tool-call span.
    const capture = childrenOf(server, serverCall);
    expect(capture.map((s) => s.name)).toEqual(['create_memory']);
    expect(childrenOf(server, capture[0]!).length).toBeGreaterThan(2);

    const init = findSpanOf(client, 'initialize', 'CLIENT');
    expect(init.attributes).toMatchObject({ 'mcp.method.name': 'initialize', 'jsonrpc.request.id': '0', 'mcp.protocol.version': '2025-11-25' });
    expect(init.attributes['gen_ai.operation.name']).toBeUndefined();
    expect(findSpanOf(server, 'initialize', 'SERVER').parentSpanId).toBe(init.spanId);

    // Privacy by default: no arguments, results, summaries or queries.
    const exported = asText([spans, h.receiver.logs(), h.receiver.metrics()]);
    expect(exported).not.toContain('secret');
    expect(exported).not.toContain('gen_ai.tool.call');
  });

  test('a tool that reports isError is recorded as tool_error on both sides', async () => {
    const { results } = await session();
    expect(results[2].isError).toBe(true);
    const spans = h.receiver.spans();
    for (const span of [findSpanOf(spans, 'tools/call broken', 'CLIENT'), findSpanOf(spans, 'tools/call broken', 'SERVER')]) {
      expect(span.attributes['error.type']).toBe('tool_error');
      expect(span.status.code).toBe('ERROR');
      expect(span.attributes['rpc.response.status_code']).toBeUndefined();
    }
  });

  test('metrics: operation durations in seconds with the MCP buckets and bounded attributes', async () => {
    await session();
    const metrics = h.receiver.metrics();
    for (const name of ['mcp.client.operation.duration', 'mcp.server.operation.duration']) {
      const metric = metrics.find((m) => m.name === name);
      expect(metric).toBeDefined();
      expect(metric!.unit).toBe('s');
      expect(metric!.kind).toBe('histogram');
      expect(metric!.points[0]!.explicitBounds).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300]);
      const broken = metric!.points.find((p) => p.attributes['gen_ai.tool.name'] === 'broken');
      expect(broken?.attributes).toEqual({
        'mcp.method.name': 'tools/call',
        'mcp.protocol.version': '2025-11-25',
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'broken',
        'network.transport': 'pipe',
        'error.type': 'tool_error',
      });
    }
    // The client closed its session: its duration is recorded.
    const sessions = metrics.find((m) => m.name === 'mcp.client.session.duration');
    expect(sessions?.points[0]?.attributes).toEqual({ 'network.transport': 'pipe', 'mcp.protocol.version': '2025-11-25' });
  });

  test('content: tool arguments and results only with OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true', async () => {
    await session({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' });
    const spans = h.receiver.spans();
    for (const kind of ['CLIENT', 'SERVER'] as const) {
      const recall = findSpanOf(spans, 'tools/call recall', kind);
      expect(JSON.parse(String(recall.attributes['gen_ai.tool.call.arguments']))).toEqual({ query: 'secret query' });
      const result = JSON.parse(String(recall.attributes['gen_ai.tool.call.result']));
      expect(JSON.parse(result.content[0].text)).toEqual(['secret summary about gRPC']);
    }
    // Content is on spans only, never on metrics.
    expect(asText([h.receiver.metrics()])).not.toContain('secret');
  });
});
