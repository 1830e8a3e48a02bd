// The MCP benchmark's steady state in one process: an in-memory client and server (the SDK's
// InMemoryTransport), and memotel-mcp switched off and on in alternating blocks (ABBA), with
// each block's spans flushed inside its timing. What is left is the instrumentation's own cost
// per tool call (two spans, their context, propagation through _meta, two metric points),
// without the scheduling noise of two processes on a busy machine. Prints JSON per arm:
// microseconds per call of wall time and of CPU time.
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { InMemoryTransport } = require('@modelcontextprotocol/sdk/inMemory.js');
const { trace } = require('@opentelemetry/api');
const { z } = require('zod');

const PER_BLOCK = Number(process.env.MCP_BENCH_BLOCK ?? 250);
const BLOCKS = Number(process.env.MCP_BENCH_BLOCKS ?? 16);

async function main() {
  const memotel = globalThis[Symbol.for('memotel.sdk')];
  const mcp = memotel?.instrumentations.find((i) => i.instrumentationName === 'memotel-mcp');
  if (!mcp) throw new Error("run under memotel's register with memotel-mcp enabled");
  const server = new McpServer({ name: 'bench-echo', version: '1.0.0' });
  server.registerTool('echo', { description: 'Echo', inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'bench-client', version: '1.0.0' });
  await client.connect(clientSide);
  const call = () => client.callTool({ name: 'echo', arguments: { text: 'ping' } });
  const flush = () => trace.getTracerProvider().getDelegate?.().forceFlush?.();
  for (let i = 0; i < 1000; i++) await call(); // warm both arms' paths
  mcp.disable();
  for (let i = 0; i < 1000; i++) await call();

  const arms = { on: [], off: [] };
  for (let b = 0; b < BLOCKS; b++) {
    for (const on of b % 2 === 0 ? [true, false] : [false, true]) {
      on ? mcp.enable() : mcp.disable();
      await flush(); // what earlier blocks left, outside the timing
      const cpu = process.cpuUsage();
      const t = process.hrtime.bigint();
      for (let i = 0; i < PER_BLOCK; i++) await call();
      await flush();
      const { user, system } = process.cpuUsage(cpu);
      arms[on ? 'on' : 'off'].push({ wall: Number(process.hrtime.bigint() - t) / 1e3 / PER_BLOCK, cpu: (user + system) / PER_BLOCK });
    }
  }
  mcp.enable();
  await client.close();
  process.stdout.write(JSON.stringify(arms) + '\n');
}

main().catch((error) => {
  process.stderr.write(`mcp-paired: ${error.stack}\n`);
  process.exitCode = 1;
});
