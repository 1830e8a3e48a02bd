// A third-party server from npm, @modelcontextprotocol/server-memory (ESM, the SDK's ESM build),
// run as a user would under the preload: it answers a real client exactly as without memotel,
// and its tool calls are SERVER spans under the client's spans. ES modules of instrumented
// packages are patched where Node has module.registerHooks (the pinned Node 24 here).
import { describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NODE24, PROJECT_ROOT } from '../utils/fixtures.js';
import { useHarness } from '../utils/harness.js';
import { ESM_PRELOAD, findSpanOf, runClient, SALT, spansOf } from './helpers.js';

const h = useHarness();
const SERVER = join(PROJECT_ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const CALLS = [
  { name: 'create_entities', arguments: { entities: [{ name: 'Alice', entityType: 'person', observations: ['likes tea'] }] } },
  { name: 'create_relations', arguments: { relations: [{ from: 'Alice', to: 'Alice', relationType: 'knows' }] } },
  { name: 'search_nodes', arguments: { query: 'tea' } },
  { name: 'open_nodes', arguments: { names: ['Nobody'] } },
];

async function run(preload: string[], memoryFile: string) {
  const r = await runClient(
    { server: { command: NODE24, args: [...preload, SERVER], env: { MEMORY_FILE_PATH: memoryFile, OTEL_SERVICE_NAME: 'server-memory' } }, calls: CALLS },
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: h.receiver.grpcUrl,
      HOME: h.home.path,
      MEMOTEL_STORE_DIR: join(h.home.path, 'store'),
      MEMOTEL_SESSION_SALT: SALT,
      OTEL_SERVICE_NAME: 'mcp-client',
    },
  );
  expect(r.stderr).not.toMatch(/client:/);
  expect(r.code).toBe(0);
  return r.stdout;
}

describe.each(existsSync(NODE24) ? [NODE24] : [])('@modelcontextprotocol/server-memory under the preload (%s)', () => {
  test('answers exactly as without memotel, and yields its tool-call spans under the client spans', async () => {
    const bare = await run([], join(h.home.path, 'bare.jsonl'));
    h.receiver.reset();
    const instrumented = await run(ESM_PRELOAD, join(h.home.path, 'instrumented.jsonl'));
    expect(instrumented).toBe(bare);
    expect(JSON.parse(instrumented.split('\n')[2]!).structuredContent.entities[0].name).toBe('Alice');

    const spans = h.receiver.spans();
    const server = spansOf(spans, 'server-memory');
    expect(server.map((s) => s.name).sort()).toEqual([
      'initialize',
      'tools/call create_entities',
      'tools/call create_relations',
      'tools/call open_nodes',
      'tools/call search_nodes',
      'tools/list',
    ]);
    const client = spansOf(spans, 'mcp-client');
    for (const { name } of CALLS) {
      const serverSpan = findSpanOf(server, `tools/call ${name}`, 'SERVER');
      const clientSpan = findSpanOf(client, `tools/call ${name}`, 'CLIENT');
      expect(serverSpan.parentSpanId).toBe(clientSpan.spanId);
      expect(serverSpan.traceId).toBe(clientSpan.traceId);
      expect(serverSpan.attributes).toMatchObject({
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': name,
        'gen_ai.operation.name': 'execute_tool',
        'network.transport': 'pipe',
        'mcp.protocol.version': '2025-11-25',
      });
      expect(serverSpan.scope.name).toBe('memotel/instrumentation-mcp');
    }
  });
});
