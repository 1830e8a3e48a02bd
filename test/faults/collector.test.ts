// Hostile collectors (test/utils/faulty-collector.ts) against real processes through the
// preload, over gRPC and http/protobuf: the cases and their checks are in cases.ts, shared with
// `npm run bench -- faults`, which runs the serve load at full length.
import { describe, expect, test } from '@jest/globals';
import { runFixture, tempDir } from '../utils/fixtures.js';
import { startFaultyCollector } from '../utils/faulty-collector.js';
import { expectPromiseKept } from './expect-row.js';
import { COLLECTOR_FAULTS, type CollectorFault, type OtlpTransport } from '../utils/faulty-collector.js';
import { collectorServeLoad, collectorShortScript } from './cases.js';

describe.each<OtlpTransport>(['grpc', 'http/protobuf'])('%s', (transport) => {
  test.each(COLLECTOR_FAULTS)('a short script, collector %s: output, exit code, exit bound, nothing lost, health names it', async (fault) => {
    const row = await collectorShortScript(fault, transport);
    expectPromiseKept(row);
  }, 60_000);
});

// A few seconds of load keep the suite short on 2 shared cores; the bench runs 30 s of each.
test.each<[CollectorFault, OtlpTransport]>([
  ['healthy', 'grpc'],
  ['black hole', 'grpc'],
  ['unavailable', 'http/protobuf'],
  ['killed mid-run', 'grpc'],
])('serve under load, collector %s (%s): every request answered, exit on SIGTERM within the bound, health names it', async (fault, transport) => {
  const { row } = await collectorServeLoad(fault, transport, { rps: 20, seconds: 3 });
  expectPromiseKept(row);
}, 90_000);

describe.each<OtlpTransport>(['grpc', 'http/protobuf'])('%s', (transport) => {
  // Found by this suite: the exporters' sockets and timers (and grpc-js's call refs) used to
  // keep the event loop alive, so 'beforeExit', where the bounded shutdown starts, waited for the
  // exporter's own timeout (10 s), or for ever over gRPC to a black hole (src/sdk/detached.ts).
  test.each(COLLECTOR_FAULTS)('a short script with an export in flight as it ends, collector %s: same promises', async (fault) => {
    const row = await collectorShortScript(fault, transport, { inFlight: true });
    expectPromiseKept(row);
  }, 60_000);
});

// Nothing of the pipeline holds the process, so memotel's forceFlush() and shutdown() hold it
// themselves while the app awaits them: otherwise 'beforeExit' came mid-flush and cut the app's
// next line, and an awaited shutdown() at the top level ended the process with code 13.
test.each<['flush' | 'shutdown', OtlpTransport]>([
  ['flush', 'grpc'],
  ['shutdown', 'grpc'],
  ['flush', 'http/protobuf'],
  ['shutdown', 'http/protobuf'],
])('an app awaiting memotel\'s %s() with a collector that never answers (%s): the same output and exit code as bare node', async (mode, transport) => {
  const box = await tempDir('memotel-await-flush-');
  const hole = await startFaultyCollector('black hole', transport);
  try {
    const bare = await runFixture({ script: 'await-flush.mjs', register: 'none', env: { MODE: mode } });
    const r = await runFixture({
      script: 'await-flush.mjs',
      env: {
        MODE: mode,
        HOME: box.path,
        MEMOTEL_STORE_DIR: `${box.path}/store`,
        OTEL_EXPORTER_OTLP_ENDPOINT: hole.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: transport,
        OTEL_EXPORTER_OTLP_TIMEOUT: '1500',
        MEMOTEL_SHUTDOWN_TIMEOUT: '500',
      },
      timeoutMs: 30_000,
    });
    expect(bare.stdout).toBe(`after ${mode}\n`);
    expect({ stdout: r.stdout, code: r.code, signal: r.signal }).toEqual({ stdout: bare.stdout, code: bare.code, signal: bare.signal });
  } finally {
    await hole.close();
    await box.cleanup();
  }
}, 40_000);
