// The MCP benchmark's server: one `echo` tool over stdio on the official SDK (CommonJS, so the
// preload instruments it on every Node line). The tool does nothing, so what a call costs is
// the protocol, the transport and the instrumentation.
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js');
const { z } = require('zod');

const server = new McpServer({ name: 'bench-echo', version: '1.0.0' });
server.registerTool('echo', { description: 'Echo', inputSchema: { text: z.string() } }, async ({ text }) => ({
  content: [{ type: 'text', text }],
}));
// The benchmark reads the server's CPU time before and after its timed calls.
server.registerTool('cpu', { description: 'CPU time used so far (µs)', inputSchema: {} }, async () => {
  const { user, system } = process.cpuUsage();
  return { content: [{ type: 'text', text: String(user + system) }] };
});
server.connect(new StdioServerTransport());
