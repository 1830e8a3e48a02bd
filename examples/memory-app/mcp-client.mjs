#!/usr/bin/env node
// An agent's side of the MCP mode: starts `app.mjs mcp` over stdio (with this process's Node
// options, so a preload applies to both), calls one tool, prints its text result.
//
//   mcp-client.mjs TOOL ARGS_JSON [--repo DIR]
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const { values, positionals } = parseArgs({ options: { repo: { type: 'string' } }, allowPositionals: true });
const [tool, json = '{}'] = positionals;
if (!tool) {
  process.stderr.write('mcp-client: usage: mcp-client.mjs TOOL ARGS_JSON [--repo DIR]\n');
  process.exit(2);
}
const app = fileURLToPath(new URL('./app.mjs', import.meta.url));
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [...process.execArgv, app, 'mcp', ...(values.repo ? ['--repo', values.repo] : [])],
  env: process.env,
  stderr: 'inherit',
});
const client = new Client({ name: 'memory-app-agent', version: '1.0.0' });
try {
  await client.connect(transport);
  const result = await client.callTool({ name: tool, arguments: JSON.parse(json) });
  for (const part of result.content) if (part.type === 'text') process.stdout.write(part.text + '\n');
  process.exitCode = result.isError ? 1 : 0;
} finally {
  await client.close();
}
