// The example app's MCP mode (examples/memory-app/app.mjs mcp: ESM, the SDK's ESM build) as a
// hook or agent would call it: one trace from the client's tool call down to the memory
// operations the server performs, and a session that travels only as memotel's keyed hash.
// ES modules of instrumented packages are patched where Node has module.registerHooks (the
// pinned Node 24 here); the app answers the same everywhere.
import { describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { asText, childrenOf } from '../utils/otlp-receiver.js';
import { NODE24 } from '../utils/fixtures.js';
import { EXAMPLE_APP, useHarness } from '../utils/harness.js';
import { ESM_PRELOAD, findSpanOf, hashedSession, runClient, SALT, spansOf } from './helpers.js';

const h = useHarness({ repo: true });

function session(node: string, serverEnv: Record<string, string> = {}, baggageSessionId?: string) {
  return runClient(
    {
      server: { command: node, args: [...ESM_PRELOAD, EXAMPLE_APP, 'mcp', '--repo', h.repo], env: { OTEL_SERVICE_NAME: 'memory-app', ...serverEnv } },
      calls: [
        { name: 'capture', arguments: { namespace: 'decisions', summary: 'MCP keeps one trace' } },
        { name: 'recall', arguments: { query: 'one trace', k: 2 } },
        { name: 'capture', arguments: { namespace: 'no such namespace!', summary: 'x' } },
      ],
      baggageSessionId,
    },
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: h.receiver.grpcUrl,
      HOME: h.home.path,
      MEMOTEL_STORE_DIR: join(h.home.path, 'store'),
      MEMOTEL_SESSION_SALT: SALT,
      OTEL_SERVICE_NAME: 'agent',
    },
  );
}

describe('the example app in MCP mode', () => {
  test('answers capture and recall over stdio; a bad namespace is a tool error', async () => {
    const r = await session(process.execPath);
    expect(r.code).toBe(0);
    const [capture, recall, bad] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(JSON.parse(capture.content[0].text).namespace).toBe('decisions');
    expect(JSON.parse(recall.content[0].text)[0].summary).toBe('MCP keeps one trace');
    expect(bad.isError).toBe(true);
  });

  describe.each(existsSync(NODE24) ? [NODE24] : [])('instrumented (%s)', (node) => {
    test('one trace: agent tool call → server tool call → create_memory and its git, embedding, index spans', async () => {
      const rawSession = 'agent-session-4711';
      // The server has its own salt: a raw id arriving in baggage would hash differently there.
      const r = await session(node, { MEMOTEL_SESSION_SALT: 'another-salt' }, rawSession);
      expect(r.code).toBe(0);
      const spans = h.receiver.spans();
      const agent = spansOf(spans, 'agent');
      const server = spansOf(spans, 'memory-app');
      const clientCall = findSpanOf(agent, 'tools/call capture', 'CLIENT');
      const serverCall = server.find((s) => s.name === 'tools/call capture' && s.parentSpanId === clientCall.spanId)!;
      expect(serverCall).toBeDefined();
      expect(serverCall.kind).toBe('SERVER');
      const [capture] = childrenOf(server, serverCall);
      expect(capture!.name).toBe('create_memory');
      expect(childrenOf(server, capture!).map((s) => s.name)).toEqual(expect.arrayContaining(['embeddings memotel-hash-384-v1', 'index insert']));
      expect(server.filter((s) => s.traceId === clientCall.traceId).length).toBeGreaterThan(4);

      const recall = findSpanOf(server, 'tools/call recall', 'SERVER');
      expect(childrenOf(server, recall).map((s) => s.name)).toEqual(['search_memory']);

      // The bad namespace: the memory library's error, and the tool's error on both sides.
      const badClient = agent.filter((s) => s.name === 'tools/call capture')[1]!;
      const badServer = server.find((s) => s.parentSpanId === badClient.spanId)!;
      expect(badClient.attributes['error.type']).toBe('tool_error');
      expect(badServer.attributes['error.type']).toBe('tool_error');
      expect(childrenOf(server, badServer)[0]!.status.code).toBe('ERROR');

      // The session crossed the process boundary as the client's keyed hash, never raw.
      expect(clientCall.attributes['session.id']).toBe(hashedSession(rawSession));
      expect(serverCall.attributes['session.id']).toBe(hashedSession(rawSession));
      expect(capture!.attributes['session.id']).toBe(hashedSession(rawSession));
      expect(asText([spans, h.receiver.logs(), h.receiver.metrics()])).not.toContain(rawSession);
    });
  });
});
