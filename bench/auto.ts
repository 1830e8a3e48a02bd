// Issue 14's benchmark: every auto-instrumentation enabled, memotel (loaded lazily) against
// @opentelemetry/auto-instrumentations-node/register (constructed at start), side by side and
// interleaved, on a trivial app and on an express app. Each exports to a live local OTLP
// receiver over gRPC. Targets: time <= 1/10 and memory <= 1/4 of upstream's added cost on the
// trivial app; time <= 1/4 of upstream's on the express app.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from '../test/utils/otlp-receiver.js';
import { INSTRUMENTATION_DEFAULTS } from '../src/generated/instrumentation-manifest.js';
import { benchNodes, fmt, interleaved, medianInterval, summary, type Variant } from './lib.js';

const APPS = [
  // From a temporary directory with no node_modules, as a fresh app with no dependencies.
  { name: 'trivial.mjs', inCheckout: false, timeTarget: 0.1, memoryTarget: 0.25 },
  // From the checkout, where express resolves.
  { name: 'express-once.cjs', inCheckout: true, timeTarget: 0.25, memoryTarget: undefined },
];

export async function autoBench(root: string, rounds: number): Promise<Record<string, number>> {
  const receiver = await startReceiver({ http: false });
  const appDir = mkdtempSync(join(tmpdir(), 'memotel-auto-app-'));
  const upstream = join(root, 'node_modules/@opentelemetry/auto-instrumentations-node/build/src/register.js');
  const results: Record<string, number> = {};
  // Every name upstream knows, fs included (off by default in both).
  const everything = Object.keys(INSTRUMENTATION_DEFAULTS).join(',');
  try {
    for (const node of benchNodes(root)) {
      for (const app of APPS) {
        const script = app.inCheckout ? join(root, 'bench/apps', app.name) : join(appDir, app.name);
        if (!app.inCheckout) copyFileSync(join(root, 'bench/apps', app.name), script);
        const env = {
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
          OTEL_NODE_ENABLED_INSTRUMENTATIONS: everything,
          // Upstream's default probes every cloud's metadata service; both get the local detectors.
          OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
        };
        // Naming runtime-node asks memotel to start runtime metrics at once; its default (and
        // documented policy) is to start them after 10 s, which a short process never reaches.
        const memotelEnv = { ...env, MEMOTEL_RUNTIME_METRICS: 'auto' };
        const variants: Variant[] = [
          { label: 'bare', args: [script], node: node.path },
          { label: 'memotel', args: ['--import', join(root, 'register.js'), script], env: memotelEnv, node: node.path },
          { label: 'upstream', args: ['--import', upstream, script], env, node: node.path },
        ];
        const runs = await interleaved(variants, rounds, app.inCheckout ? root : appDir);
        const bare = summary(runs.get('bare')!);
        const mem = summary(runs.get('memotel')!);
        const up = summary(runs.get('upstream')!);
        const dt = (x: typeof bare) => x.wallMs - bare.wallMs;
        const dm = (x: typeof bare) => (x.rssMb ?? NaN) - (bare.rssMb ?? NaN);
        // Per-round ratios, so the interval says how well this run pins the ratio down.
        const bareRuns = runs.get('bare')!;
        const perRound = runs.get('memotel')!.map((m, i) => (m.wallMs - bareRuns[i]!.wallMs) / (runs.get('upstream')![i]!.wallMs - bareRuns[i]!.wallMs));
        const [lo, hi] = medianInterval(perRound);
        console.log(`\nauto-instrumentations, all enabled: ${app.name}, ${node.label} (median of ${rounds}, interleaved; gRPC to a live receiver)`);
        console.log(`  bare       ${fmt(bare.wallMs).padStart(5)} ms  ${fmt(bare.rssMb, 1).padStart(6)} MB`);
        console.log(`  memotel    +${fmt(dt(mem)).padStart(4)} ms  +${fmt(dm(mem), 1).padStart(5)} MB`);
        console.log(`  upstream   +${fmt(dt(up)).padStart(4)} ms  +${fmt(dm(up), 1).padStart(5)} MB`);
        const memoryPart = app.memoryTarget === undefined ? '' : `, memory ${fmt(dm(mem) / dm(up), 2)} (target <= ${app.memoryTarget})`;
        console.log(
          `  ratio memotel/upstream: time ${fmt(dt(mem) / dt(up), 3)} (per-round median 95% interval ${fmt(lo, 3)}-${fmt(hi, 3)}; target <= ${app.timeTarget})${memoryPart}`,
        );
        results[`${node.label} ${app.name}.timeRatio`] = dt(mem) / dt(up);
        results[`${node.label} ${app.name}.memRatio`] = dm(mem) / dm(up);
      }
    }
  } finally {
    await receiver.close();
    rmSync(appDir, { recursive: true, force: true });
  }
  return results;
}
