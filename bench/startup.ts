// Startup benchmark (issue 2): a trivial app bare, under memotel's register and under
// @opentelemetry/auto-instrumentations-node/register, interleaved, each exporting to a live
// local OTLP receiver over gRPC. Prints overheads over bare and the memotel/upstream ratios.
import { join } from 'node:path';
import { startReceiver } from '../test/utils/otlp-receiver.js';
import { fmt, interleaved, summary, type Variant } from './lib.js';

export async function startupBench(root: string, rounds: number): Promise<Record<string, number>> {
  const receiver = await startReceiver({ http: false });
  const results: Record<string, number> = {};
  try {
    for (const app of ['trivial.mjs', 'http-once.mjs']) {
      const script = join(root, 'bench/apps', app);
      const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' };
      const variants: Variant[] = [
        { label: 'bare', args: [script] },
        { label: 'memotel', args: ['--import', join(root, 'register.js'), script], env: otlp },
        {
          label: 'upstream',
          args: ['--import', '@opentelemetry/auto-instrumentations-node/register', script],
          env: otlp,
        },
      ];
      const runs = await interleaved(variants, rounds, root);
      const bare = summary(runs.get('bare')!);
      const mem = summary(runs.get('memotel')!);
      const up = summary(runs.get('upstream')!);
      const dt = (x: typeof bare) => x.wallMs - bare.wallMs;
      const dm = (x: typeof bare) => (x.rssMb ?? NaN) - (bare.rssMb ?? NaN);
      console.log(`\nstartup: ${app} (median of ${rounds}, interleaved; receiver on 127.0.0.1, gRPC)`);
      console.log(`  bare       ${fmt(bare.wallMs).padStart(5)} ms  ${fmt(bare.rssMb, 1).padStart(6)} MB`);
      console.log(`  memotel    +${fmt(dt(mem)).padStart(4)} ms  +${fmt(dm(mem), 1).padStart(5)} MB`);
      console.log(`  upstream   +${fmt(dt(up)).padStart(4)} ms  +${fmt(dm(up), 1).padStart(5)} MB`);
      console.log(
        `  ratio memotel/upstream: time ${fmt(dt(mem) / dt(up), 2)} (target <= 0.20), memory ${fmt(dm(mem) / dm(up), 2)} (target <= 0.50)`,
      );
      results[`${app}.timeRatio`] = dt(mem) / dt(up);
      results[`${app}.memRatio`] = dm(mem) / dm(up);
    }
  } finally {
    await receiver.close();
  }
  return results;
}
