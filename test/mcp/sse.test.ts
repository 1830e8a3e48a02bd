// The older HTTP+SSE transport (GET /sse for the server's messages, POST /messages for the
// client's): the same spans and one trace across both processes, network.transport tcp.
import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { asText } from '../utils/otlp-receiver.js';
import { useHarness } from '../utils/harness.js';
import { baseEnv, CJS_PRELOAD, findSpanOf, hashedSession, MCP_SERVER, runClient, SALT, spansOf, startProcess } from './helpers.js';

const h = useHarness({ repo: true });

describe('MCP over HTTP+SSE, client and server under the preload', () => {
  test('tool calls: one trace across both processes, tcp/http, the session id hashed on MCP spans', async () => {
    const common = { OTEL_EXPORTER_OTLP_ENDPOINT: h.receiver.grpcUrl, HOME: h.home.path, MEMOTEL_STORE_DIR: join(h.home.path, 'store'), MEMOTEL_SESSION_SALT: SALT };
    const server = await startProcess([...CJS_PRELOAD, MCP_SERVER, '--sse', '--repo', h.repo], baseEnv({ ...common, OTEL_SERVICE_NAME: 'mcp-server' }), /listening on (\S+)/);
    let stdout: string;
    let serverStderr: string;
    try {
      const url = /listening on (\S+)/.exec(server.line)![1]!;
      const r = await runClient({ url, calls: [{ name: 'recall', arguments: { query: 'anything' } }, { name: 'broken' }] }, { ...common, OTEL_SERVICE_NAME: 'mcp-client' });
      expect(r.stderr).not.toMatch(/client:/);
      expect(r.code).toBe(0);
      stdout = r.stdout;
    } finally {
      await server.stop();
      serverStderr = server.stderr();
    }
    const spans = h.receiver.spans();
    const clientCall = findSpanOf(spansOf(spans, 'mcp-client'), 'tools/call recall', 'CLIENT');
    const serverCall = findSpanOf(spansOf(spans, 'mcp-server'), 'tools/call recall', 'SERVER');
    expect(serverCall.parentSpanId).toBe(clientCall.spanId);
    expect(serverCall.traceId).toBe(clientCall.traceId);
    for (const span of [clientCall, serverCall]) {
      expect(span.attributes).toMatchObject({ 'mcp.method.name': 'tools/call', 'network.transport': 'tcp', 'network.protocol.name': 'http' });
    }
    // The SSE server's session id travels in the endpoint URL's query: the HTTP spans record that
    // URL with the value REDACTED, the MCP spans the keyed hash; no exported byte has it raw.
    const raw = /sse session ([0-9a-f-]{36})/.exec(serverStderr)![1]!;
    expect(serverCall.attributes['mcp.session.id']).toBe(hashedSession(raw));
    expect(clientCall.attributes['mcp.session.id']).toBeUndefined(); // the SSE client transport exposes none
    expect(asText([spans, h.receiver.metrics(), h.receiver.logs()])).not.toContain(raw);
    expect(asText([spans])).toContain('sessionId=REDACTED');
    expect(findSpanOf(spansOf(spans, 'mcp-server'), 'tools/call broken', 'SERVER').attributes['error.type']).toBe('tool_error');
    expect(stdout.trim().split('\n')).toHaveLength(2);
  });
});
