// The MCP face of the memory store: capture and recall as tools, over stdio, on the official
// SDK (@modelcontextprotocol/sdk). stdout is the protocol's: nothing else may be written there.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { isMemotelError } from 'memotel/memory';

export async function serveMcp(store, logger) {
  const server = new McpServer({ name: 'memory-app', version: '1.0.0' });
  server.registerTool(
    'capture',
    {
      description: 'Store a memory in a namespace (decisions, learnings, ...).',
      inputSchema: { namespace: z.string(), summary: z.string(), content: z.string().optional() },
    },
    ({ namespace, summary, content }) => answer(logger, () => store.capture({ namespace, summary, content: content ?? '' })),
  );
  server.registerTool(
    'recall',
    {
      description: 'Search the memories most similar to a query.',
      inputSchema: { query: z.string(), k: z.number().int().positive().optional(), namespace: z.string().optional() },
    },
    ({ query, k, namespace }) => answer(logger, () => store.search(query, { k, namespace })),
  );
  await server.connect(new StdioServerTransport());
}

/** A tool's result as JSON text; a memory error is the tool's error (isError), not a protocol one. */
async function answer(logger, run) {
  try {
    return { content: [{ type: 'text', text: JSON.stringify(await run()) }] };
  } catch (error) {
    if (!isMemotelError(error)) logger.error({ err: error }, 'tool failed');
    return { isError: true, content: [{ type: 'text', text: isMemotelError(error) ? `${error.code}: ${error.message}` : 'internal error' }] };
  }
}
