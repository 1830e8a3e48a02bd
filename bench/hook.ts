// One hook process end to end (issue 7): start, handle a UserPromptSubmit with a recall,
// flush, exit; bare, under memotel writing to the local store (store-and-forward), and under
// memotel exporting over OTLP gRPC to a live receiver. Interleaved; medians and ratios.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from '../test/utils/otlp-receiver.js';
import { fmt, initRepo, interleaved, medianInterval, quantile, summary, type Variant, benchNodes } from './lib.js';

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
      const line = (name: string, label: string, note: string) => {
        const o = overhead(label);
        const pct = (x: number) => `${x >= 0 ? '+' : ''}${fmt(x * 100)}%`;
        console.log(
          `  ${name.padEnd(24)} ${fmt(summary(runs.get(label)!).wallMs).padStart(5)} ms  ${pct(o.median)} ` +
            `(median's 95% interval ${pct(o.low)}..${pct(o.high)}; IQR ${pct(o.q1)}..${pct(o.q3)}) ${note}`,
        );
        return o.median;
      };
      console.log(`\nhook process end to end, ${node.label}: UserPromptSubmit with a recall (${rounds} rounds, interleaved; overhead = median of per-round ratios)`);
      console.log(`  bare                     ${fmt(summary(runs.get('bare')!).wallMs).padStart(5)} ms`);
      results[`${node.label} store`] = line('memotel, local store', 'store', '(target <= +25%)');
      line('memotel SDK loaded only', 'floor', '(the floor: configuration and the code-cached SDK bundle only)');
      results[`${node.label} direct`] = line('memotel, OTLP gRPC', 'direct', '(target <= +60%)');
      line('memotel, OTLP http/proto', 'direct-http', '(for comparison: no gRPC client to load)');
    }
    return results;
  } finally {
    await receiver.close();
    rmSync(work, { recursive: true, force: true });
  }
}
