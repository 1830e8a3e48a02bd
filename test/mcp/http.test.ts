// A client and the fixture MCP memory server over Streamable HTTP (sessions on), both through
// the preload: one trace across both processes, the HTTP spans beside the MCP ones, and the
// session id exported only as memotel's keyed hash.
import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { asText } from '../utils/otlp-receiver.js';
import { useHarness } from '../utils/harness.js';
import { baseEnv, CJS_PRELOAD, findSpanOf, hashedSession, MCP_SERVER, runClient, SALT, spansOf, startProcess } from './helpers.js';

const h = useHarness({ repo: true });

describe('MCP over Streamable HTTP, client and server under the preload', () => {
  test('spans: one trace per request across both processes, hashed session id, HTTP spans linked', async () => {
    const common = {
      OTEL_EXPORTER_OTLP_ENDPOINT: h.receiver.grpcUrl,
      HOME: h.home.path,
      MEMOTEL_STORE_DIR: join(h.home.path, 'store'),
      MEMOTEL_SESSION_SALT: SALT,
    };
    const server = await startProcess(
      [...CJS_PRELOAD, MCP_SERVER, '--http', '--repo', h.repo],
      baseEnv({ ...common, OTEL_SERVICE_NAME: 'mcp-server' }),
      /listening on (\S+)/,
    );
    let stdout: string;
    try {
      const url = /listening on (\S+)/.exec(server.line)![1]!;
      const r = await runClient(
        { url, calls: [{ name: 'capture', arguments: { namespace: 'decisions', summary: 'over http' } }, { name: 'broken' }] },
        { ...common, OTEL_SERVICE_NAME: 'mcp-client' },
      );
      expect(r.stderr).not.toMatch(/client:/);
      expect(r.code).toBe(0);
      stdout = r.stdout;
    } finally {
      await server.stop();
    }
    expect(server.stderr()).not.toMatch(/server:/);
    const { sessionId } = JSON.parse(stdout.split('\n')[0]!);
    expect(typeof sessionId).toBe('string');

    const spans = h.receiver.spans();
    const client = spansOf(spans, 'mcp-client');
    const serverSpans = spansOf(spans, 'mcp-server');
    const clientCall = findSpanOf(client, 'tools/call capture', 'CLIENT');
    const serverCall = findSpanOf(serverSpans, 'tools/call capture', 'SERVER');
    expect(serverCall.traceId).toBe(clientCall.traceId);
    expect(serverCall.parentSpanId).toBe(clientCall.spanId);
    for (const span of [clientCall, serverCall]) {
      expect(span.attributes).toMatchObject({
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'capture',
        'mcp.protocol.version': '2025-11-25',
        'network.transport': 'tcp',
        'network.protocol.name': 'http',
        // Never the raw id: memotel's keyed hash of it.
        'mcp.session.id': hashedSession(sessionId),
      });
    }
    // The HTTP server span that carried the request is linked from the MCP server span.
    const httpServer = serverSpans.filter((s) => s.kind === 'SERVER' && s.scope.name.includes('http'));
    expect(httpServer.length).toBeGreaterThan(0);
    expect(serverCall.links.map((l) => l.spanId)).toEqual([expect.any(String)]);
    expect(httpServer.map((s) => s.spanId)).toContain(serverCall.links[0]!.spanId);
    // The memory operation is under the tool call, not under the HTTP span.
    expect(serverSpans.find((s) => s.name === 'create_memory')!.parentSpanId).toBe(serverCall.spanId);

    expect(findSpanOf(serverSpans, 'tools/call broken', 'SERVER').attributes['error.type']).toBe('tool_error');
    // initialize starts the session: both sides record it once it is answered.
    expect(findSpanOf(client, 'initialize', 'CLIENT').attributes['mcp.session.id']).toBe(hashedSession(sessionId));
    expect(findSpanOf(serverSpans, 'initialize', 'SERVER').attributes['mcp.session.id']).toBe(hashedSession(sessionId));

    const exported = asText([spans, h.receiver.logs(), h.receiver.metrics()]);
    expect(exported).not.toContain(sessionId);
    const serverSessions = h.receiver.metrics().find((m) => m.name === 'mcp.server.session.duration');
    expect(serverSessions?.points[0]?.attributes).toMatchObject({ 'network.transport': 'tcp', 'network.protocol.name': 'http' });
  });
});
