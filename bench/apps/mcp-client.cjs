// The MCP benchmark's client: starts bench/apps/mcp-server.cjs over stdio with this process's
// Node options (so a preload applies to both sides), makes WARMUP tool calls, then CALLS timed
// ones, and prints per call: wall time of the round trip, and the CPU time the client and the
// server spent ({"perCallUs", "clientCpuUs", "serverCpuUs"}) on stdout. CPU time is what the
// instrumentation adds; wall time on a busy machine is mostly scheduling.
const { join } = require('node:path');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js');

const WARMUP = Number(process.env.MCP_BENCH_WARMUP ?? 500);
const CALLS = Number(process.env.MCP_BENCH_CALLS ?? 1000);

async function main() {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...process.execArgv, join(__dirname, 'mcp-server.cjs')],
    env: process.env,
    stderr: 'inherit',
  });
  const client = new Client({ name: 'bench-client', version: '1.0.0' });
  await client.connect(transport);
  const call = () => client.callTool({ name: 'echo', arguments: { text: 'ping' } });
  const serverCpu = async () => Number((await client.callTool({ name: 'cpu', arguments: {} })).content[0].text);
  for (let i = 0; i < WARMUP; i++) await call();
  const serverBefore = await serverCpu();
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await call();
  const perCallUs = Number(process.hrtime.bigint() - start) / 1e3 / CALLS;
  const { user, system } = process.cpuUsage(cpu);
  const serverCpuUs = ((await serverCpu()) - serverBefore) / CALLS;
  await client.close();
  process.stdout.write(JSON.stringify({ perCallUs, clientCpuUs: (user + system) / CALLS, serverCpuUs }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`mcp-client: ${error.stack}\n`);
  process.exitCode = 1;
});
