// Startup benchmark (issue 2): a trivial app bare, under memotel's register and under
// @opentelemetry/auto-instrumentations-node/register, interleaved, each exporting to a live
// local OTLP receiver over gRPC. Prints overheads over bare and the memotel/upstream ratios.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from '../test/utils/otlp-receiver.js';
import { fmt, interleaved, summary, type Variant, benchNodes } from './lib.js';

/**
 * The apps run from a temporary directory with no node_modules, as a fresh app with no
 * dependencies would (inside this checkout, every instrumented package is importable, which
 * changes what memotel sets up). Both preloads are given by absolute path.
 */
export async function startupBench(root: string, rounds: number): Promise<Record<string, number>> {
  const receiver = await startReceiver({ http: false });
  const results: Record<string, number> = {};
  const appDir = mkdtempSync(join(tmpdir(), 'memotel-startup-app-'));
  const upstream = join(root, 'node_modules/@opentelemetry/auto-instrumentations-node/build/src/register.js');
  const nodes = benchNodes(root);
  try {
    for (const node of nodes) for (const app of ['trivial.mjs', 'http-once.mjs']) {
      const script = join(appDir, app);
      copyFileSync(join(root, 'bench/apps', app), script);
      const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' };
      const variants: Variant[] = [
        { label: 'bare', args: [script], node: node.path },
        { label: 'memotel', args: ['--import', join(root, 'register.js'), script], env: otlp, node: node.path },
        { label: 'upstream', args: ['--import', upstream, script], env: otlp, node: node.path },
        // What a short process would pay if runtime metrics were not deferred (issue 7).
        {
          label: 'runtime-on',
          args: ['--import', join(root, 'register.js'), script],
          env: { ...otlp, MEMOTEL_RUNTIME_METRICS: 'on' },
          node: node.path,
        },
      ];
      const runs = await interleaved(variants, rounds, root);
      const bare = summary(runs.get('bare')!);
      const mem = summary(runs.get('memotel')!);
      const up = summary(runs.get('upstream')!);
      const dt = (x: typeof bare) => x.wallMs - bare.wallMs;
      const dm = (x: typeof bare) => (x.rssMb ?? NaN) - (bare.rssMb ?? NaN);
      console.log(`\nstartup: ${app}, ${node.label} (median of ${rounds}, interleaved; receiver on 127.0.0.1, gRPC)`);
      console.log(`  bare       ${fmt(bare.wallMs).padStart(5)} ms  ${fmt(bare.rssMb, 1).padStart(6)} MB`);
      console.log(`  memotel    +${fmt(dt(mem)).padStart(4)} ms  +${fmt(dm(mem), 1).padStart(5)} MB`);
      console.log(`  upstream   +${fmt(dt(up)).padStart(4)} ms  +${fmt(dm(up), 1).padStart(5)} MB`);
      const rt = summary(runs.get('runtime-on')!);
      console.log(
        `  memotel with runtime metrics started at once: +${fmt(dt(rt))} ms, +${fmt(dm(rt), 1)} MB (deferred by default: a short process pays none of it)`,
      );
      console.log(
        `  ratio memotel/upstream: time ${fmt(dt(mem) / dt(up), 2)} (target <= 0.20), memory ${fmt(dm(mem) / dm(up), 2)} (target <= 0.50)`,
      );
      results[`${node.label} ${app}.timeRatio`] = dt(mem) / dt(up);
      results[`${node.label} ${app}.memRatio`] = dm(mem) / dm(up);
    }
  } finally {
    await receiver.close();
    rmSync(appDir, { recursive: true, force: true });
  }
  return results;
}
