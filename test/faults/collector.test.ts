// Hostile collectors (test/utils/faulty-collector.ts) against real processes through the
// preload, over gRPC and http/protobuf: the cases and their checks are in cases.ts, shared with
// `npm run bench -- faults`, which runs the serve load at full length.
import { describe, test } from '@jest/globals';
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
