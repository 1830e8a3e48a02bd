// One hook process end to end (issue 7): start, handle a UserPromptSubmit with a recall,
// flush, exit; bare, under memotel writing to the local store (store-and-forward), and under
// memotel exporting over OTLP gRPC to a live receiver. Interleaved; medians and ratios.
// Targets (store <= +25 %, gRPC <= +60 %) are judged on Node 22 and 24, as the median of at
// least 40 rounds' ratios with its 95 % interval; other Nodes (20) are reported, not targeted.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from '../test/utils/otlp-receiver.js';
import { benchNodes, fmt, initRepo, interleaved, JUDGED_NODE_LINES, medianInterval, quantile, summary, type Variant } from './lib.js';

/** The judgement of one target: the median against the line, and whether its 95 % interval clears it. */
export function verdict(median: number, high: number, target: number): string {
  if (high <= target) return 'met';
  if (median <= target) return 'met at the median; the interval reaches past the line';
  return 'not met';
}

export async function hookBench(root: string, rounds: number): Promise<Record<string, number>> {
  const work = mkdtempSync(join(tmpdir(), 'memotel-hook-bench-'));
  const repo = join(work, 'repo');
  initRepo(repo);
  const app = join(root, 'examples/memory-app/app.mjs');
  for (const summary of ['Export over OTLP gRPC by default', 'Hooks answer on stdout only', 'Recall uses cosine similarity']) {
    execFileSync(process.execPath, [app, 'capture', '--namespace', 'decisions', '--summary', summary, '--repo', repo]);
  }
  const receiver = await startReceiver();
  const event = JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'bench-session', prompt: 'how do hooks answer?' });
  const base = { HOME: work, MEMOTEL_SESSION_SALT: 'bench' };
  const args = ['hook', '--repo', repo];
  const nodes = benchNodes(root);
  const results: Record<string, number> = {};
  const verdicts: string[] = [];
  try {
    for (const node of nodes) {
      const variants: Variant[] = [
        { label: 'bare', args: [app, ...args], env: base, node: node.path, rss: false },
        {
          label: 'store',
          args: ['--import', join(root, 'register.js'), app, ...args],
          env: { ...base, MEMOTEL_STORE_DIR: join(work, 'store') },
          node: node.path,
          rss: false,
        },
        {
          // Not a target: the floor under the store variant. Configuration and the code-cached
          // SDK bundle loaded, nothing started (bench/apps/sdk-load-floor.ts). After 'store' so
          // that its warm-up run has written the code cache both read.
          label: 'floor',
          args: ['--import', join(root, '.bench/sdk-load-floor.mjs'), app, ...args],
          env: { ...base, MEMOTEL_STORE_DIR: join(work, 'store'), MEMOTEL_BENCH_SDK_BUNDLE: join(root, 'dist/bundle/sdk.cjs') },
          node: node.path,
          rss: false,
        },
        {
          label: 'direct',
          args: ['--import', join(root, 'register.js'), app, ...args],
          env: { ...base, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl },
          node: node.path,
          rss: false,
        },
        {
          // Not a target: the same export over http/protobuf, which needs no gRPC client.
          label: 'direct-http',
          args: ['--import', join(root, 'register.js'), app, ...args],
          env: { ...base, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpUrl, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
          node: node.path,
          rss: false,
        },
      ];
      const runs = await interleaved(variants, rounds, work, event);
      const wall = (label: string) => runs.get(label)!.map((r) => r.wallMs);
      const bareRuns = wall('bare');
      // Each round ran the variants back to back: the median of per-round ratios is steadier here
      // than a ratio of medians. Printed with a 95 % interval for it (one process against the
      // next varies by ±15 ms on a small machine) and the ratios' interquartile range.
      const overhead = (label: string) => {
        const ratios = wall(label).map((ms, i) => ms / bareRuns[i]! - 1);
        const [low, high] = medianInterval(ratios);
        return { median: quantile(ratios, 0.5), q1: quantile(ratios, 0.25), q3: quantile(ratios, 0.75), low, high };
      };
      const pct = (x: number) => `${x >= 0 ? '+' : ''}${fmt(x * 100)}%`;
      const line = (name: string, label: string, note: string, target?: number) => {
        const o = overhead(label);
        const judgement = target === undefined ? '' : node.judged ? `: ${verdict(o.median, o.high, target)}` : ' (reported, not targeted)';
        console.log(
          `  ${name.padEnd(24)} ${fmt(summary(runs.get(label)!).wallMs).padStart(5)} ms  ${pct(o.median)} ` +
            `(median's 95% interval ${pct(o.low)}..${pct(o.high)}; IQR ${pct(o.q1)}..${pct(o.q3)}) ${note}${judgement}`,
        );
        if (target !== undefined) {
          verdicts.push(`  ${`${node.label}, ${name}`.padEnd(52)} ${pct(o.median)} (${pct(o.low)}..${pct(o.high)}) vs <= ${pct(target)}: ${node.judged ? verdict(o.median, o.high, target) : 'reported, not targeted'}`);
        }
        return o.median;
      };
      console.log(`\nhook process end to end, ${node.label}: UserPromptSubmit with a recall (${rounds} rounds, interleaved; overhead = median of per-round ratios)`);
      console.log(`  node binary: ${node.path}`);
      console.log(`  bare                     ${fmt(summary(runs.get('bare')!).wallMs).padStart(5)} ms`);
      results[`${node.label} store`] = line('memotel, local store', 'store', '(target <= +25%)', 0.25);
      line('memotel SDK loaded only', 'floor', '(the floor: configuration and the code-cached SDK bundle only)');
      results[`${node.label} direct`] = line('memotel, OTLP gRPC', 'direct', '(target <= +60%)', 0.6);
      line('memotel, OTLP http/proto', 'direct-http', '(for comparison: no gRPC client to load)');
    }
    console.log(`\nhook targets (judged on Node ${JUDGED_NODE_LINES.join(' and ')}; median of per-round ratios, 95% interval):`);
    for (const v of verdicts) console.log(v);
    return results;
  } finally {
    await receiver.close();
    rmSync(work, { recursive: true, force: true });
  }
}
