// MCP (issue 15): one tool-call round trip over stdio, client and server both bare or both
// under memotel's register (OTLP gRPC to a live receiver), in steady state: per-call medians
// and their ratio (target <= 1.05), of wall time and of CPU time. The same in one process
// (in-memory transport, memotel-mcp switched off and on in ABBA blocks), which isolates the
// instrumentation's own cost from the two processes' scheduling. And the server's startup, to its answer to initialize:
// bare, under memotel and under @opentelemetry/auto-instrumentations-node/register (target:
// memotel's added time <= 1/5 of upstream's).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from '../test/utils/otlp-receiver.js';
import { benchNodes, fmt, interleaved, median, medianInterval, settle, summary, type Variant } from './lib.js';

const INITIALIZE =
  JSON.stringify({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
  }) + '\n';

/** Per call: wall time of the round trip, CPU time of client and server together (µs). */
interface PerCall {
  wall: number;
  cpu: number;
}

function perCall(node: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<PerCall> {
  return new Promise((resolve, reject) => {
    execFile(node, args, { env, cwd, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${args.join(' ')}: ${error.message}\n${stderr}`));
      const r = JSON.parse(stdout.trim());
      resolve({ wall: r.perCallUs, cpu: r.clientCpuUs + r.serverCpuUs });
    });
  });
}

export async function mcpBench(root: string, rounds: number): Promise<Record<string, number>> {
  const receiver = await startReceiver({ http: false });
  const home = mkdtempSync(join(tmpdir(), 'memotel-mcp-bench-'));
  const client = join(root, 'bench/apps/mcp-client.cjs');
  const server = join(root, 'bench/apps/mcp-server.cjs');
  const register = join(root, 'register.js');
  const upstream = join(root, 'node_modules/@opentelemetry/auto-instrumentations-node/build/src/register.js');
  const env = { PATH: process.env.PATH ?? '', HOME: home };
  const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', MEMOTEL_SESSION_SALT: 'bench' };
  const results: Record<string, number> = {};
  try {
    for (const node of benchNodes(root)) {
      // Round trips: pairs of processes, bare and instrumented in alternation (ABBA).
      const arms = { bare: [] as PerCall[], memotel: [] as PerCall[] };
      const run = (arm: keyof typeof arms) =>
        perCall(node.path, arm === 'bare' ? [client] : ['--import', register, client], arm === 'bare' ? env : { ...env, ...otlp }, root);
      await run('bare');
      await run('memotel');
      for (let i = 0; i < rounds; i++) {
        for (const arm of i % 2 === 0 ? (['bare', 'memotel'] as const) : (['memotel', 'bare'] as const)) {
          await settle();
          arms[arm].push(await run(arm));
        }
      }
      console.log(`\nMCP tool call over stdio, ${node.label} (per call, median of ${rounds} process pairs, each 1000 calls after 500 warm-up; ABBA)`);
      for (const measure of ['wall', 'cpu'] as const) {
        const bare = median(arms.bare.map((r) => r[measure]));
        const mem = median(arms.memotel.map((r) => r[measure]));
        // Each memotel run against the bare run next to it (ABBA pairs), then the median of those.
        const ratios = arms.memotel.map((r, i) => r[measure] / arms.bare[i]![measure]);
        const [lo, hi] = medianInterval(ratios);
        const what = measure === 'wall' ? 'wall time of the round trip' : 'CPU time, client + server';
        console.log(`  ${what}: bare ${fmt(bare, 1)} µs, memotel ${fmt(mem, 1)} µs; ratio ${fmt(median(ratios), 3)} (median of paired ratios, 95% CI ${fmt(lo, 3)}..${fmt(hi, 3)}; target <= 1.05)`);
        results[`${node.label} roundtrip.${measure}.ratio`] = median(ratios);
      }

      // One process, memotel-mcp off and on in alternating blocks.
      const paired = await new Promise<{ on: PerCall[]; off: PerCall[] }>((resolve, reject) => {
        execFile(node.path, ['--import', register, join(root, 'bench/apps/mcp-paired.cjs')], { env: { ...env, ...otlp }, cwd: root }, (error, stdout, stderr) =>
          error ? reject(new Error(`mcp-paired: ${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout.trim())),
        );
      });
      console.log(`\nMCP tool call in one process (in-memory transport), ${node.label}: memotel-mcp off and on, ${paired.on.length} blocks each (ABBA, spans flushed in each block)`);
      for (const measure of ['wall', 'cpu'] as const) {
        const off = median(paired.off.map((r) => r[measure]));
        const on = median(paired.on.map((r) => r[measure]));
        console.log(`  ${measure === 'wall' ? 'wall' : 'CPU '} time per call: off ${fmt(off, 1)} µs, on ${fmt(on, 1)} µs: +${fmt(on - off, 1)} µs, ratio ${fmt(on / off, 3)}`);
        results[`${node.label} inprocess.${measure}.ratio`] = on / off;
      }

      // Server startup: the process answers initialize from stdin, then stdin ends and it exits.
      const variants: Variant[] = [
        { label: 'bare', args: [server], env, node: node.path, rss: false },
        { label: 'memotel', args: ['--import', register, server], env: otlp, node: node.path, rss: false },
        { label: 'upstream', args: ['--import', upstream, server], env: otlp, node: node.path, rss: false },
      ];
      const runs = await interleaved(
        variants.map((v) => ({ ...v, env: { HOME: home, ...v.env } })),
        rounds,
        root,
        INITIALIZE,
      );
      const b = summary(runs.get('bare')!).wallMs;
      const m = summary(runs.get('memotel')!).wallMs - b;
      const u = summary(runs.get('upstream')!).wallMs - b;
      console.log(`\nMCP server startup to its answer to initialize and exit, ${node.label} (median of ${rounds}, interleaved)`);
      console.log(`  bare       ${fmt(b).padStart(5)} ms`);
      console.log(`  memotel    +${fmt(m).padStart(4)} ms`);
      console.log(`  upstream   +${fmt(u).padStart(4)} ms`);
      console.log(`  ratio memotel/upstream added time: ${fmt(m / u, 2)} (target <= 0.20)`);
      results[`${node.label} startup.ratio`] = m / u;
    }
  } finally {
    await receiver.close();
    rmSync(home, { recursive: true, force: true });
  }
  return results;
}
