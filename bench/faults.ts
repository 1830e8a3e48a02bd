// `npm run bench -- faults`: the fault-injection and security suite (test/faults/cases.ts) at
// full load, printed as the reliability table (case, promise, result, figure) that
// docs/reliability.md records. BENCH_FAULTS_SECONDS (default 30) and BENCH_FAULTS_RPS (20) set
// the serve load; BENCH_FAULTS_ONLY=collector,exit,... limits the surfaces.
import { COLLECTOR_FAULTS, type OtlpTransport } from '../test/utils/faulty-collector.js';
import {
  CONFIG_CASES,
  EXIT_CASES,
  collectorServeLoad,
  collectorShortScript,
  configCase,
  exitPath,
  privacy,
  securityPermissions,
  securityPlantedLink,
  securityRefusedDir,
  storeBound,
  storeConcurrent,
  storeFullDisk,
  storeGarbled,
  type Row,
} from '../test/faults/cases.js';

const TRANSPORTS: OtlpTransport[] = ['grpc', 'http/protobuf'];

function result(row: Row): string {
  if (row.skipped) return `skipped (${row.skipped})`;
  return row.problems.length === 0 ? 'ok' : `FAIL: ${row.problems.map((p) => p.slice(0, 300)).join('; ')}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export async function faultsBench(): Promise<void> {
  const seconds = Number(process.env.BENCH_FAULTS_SECONDS ?? 30);
  const rps = Number(process.env.BENCH_FAULTS_RPS ?? 20);
  const only = (process.env.BENCH_FAULTS_ONLY ?? '').split(',').filter(Boolean);
  const want = (surface: string) => only.length === 0 || only.includes(surface);
  const rows: Row[] = [];
  const add = (row: Row) => {
    rows.push(row);
    process.stderr.write(`  ${result(row) === 'ok' ? 'ok  ' : 'FAIL'} ${row.surface}: ${row.case}\n`);
  };

  console.log(`\nfaults: fault injection and security (MEMOTEL_SHUTDOWN_TIMEOUT=500 ms; serve at ${rps} req/s for ${seconds} s)`);
  if (want('collector')) {
    for (const transport of TRANSPORTS) for (const fault of COLLECTOR_FAULTS) add(await collectorShortScript(fault, transport));
    for (const transport of TRANSPORTS) for (const fault of COLLECTOR_FAULTS) add(await collectorShortScript(fault, transport, { inFlight: true }));
    // The app's own latency on this machine at this load, for reference.
    const bare = await collectorServeLoad('healthy', 'grpc', { rps, seconds }, false);
    add(bare.row);
    for (const transport of TRANSPORTS) {
      let healthy: { p50: number; p99: number } | undefined;
      for (const fault of COLLECTOR_FAULTS) {
        const figures = await collectorServeLoad(fault, transport, { rps, seconds });
        healthy ??= figures.latency;
        if (fault !== 'healthy') {
          figures.row.figure += `; latency vs healthy: p50 ×${(figures.latency.p50 / healthy.p50).toFixed(2)}, p99 ×${(figures.latency.p99 / healthy.p99).toFixed(2)}`;
        } else {
          figures.row.figure += `; latency vs bare: p50 ×${(figures.latency.p50 / bare.latency.p50).toFixed(2)}, p99 ×${(figures.latency.p99 / bare.latency.p99).toFixed(2)}`;
        }
        add(figures.row);
      }
    }
  }
  if (want('exit')) for (const c of EXIT_CASES) add(await exitPath(c));
  if (want('configuration')) for (const c of CONFIG_CASES) add(await configCase(c));
  if (want('store')) {
    add(await storeConcurrent(32));
    add(await storeFullDisk());
    add(await storeGarbled());
    add(await storeBound());
  }
  if (want('security')) {
    add(await securityPermissions());
    add(await securityPlantedLink('session key'));
    add(await securityPlantedLink('next store file'));
    add(await securityRefusedDir('world-writable'));
    add(await securityRefusedDir('foreign-owned'));
  }
  if (want('privacy')) {
    add(await privacy(false));
    add(await privacy(true));
  }

  console.log('\n| surface | case | promise | result | figure |');
  console.log('|---|---|---|---|---|');
  let surface = '';
  for (const row of rows) {
    const promise = row.promise && row.surface === surface && rows[rows.indexOf(row) - 1]?.promise === row.promise ? '〃' : row.promise;
    surface = row.surface;
    console.log(`| ${row.surface} | ${cell(row.case)} | ${cell(promise)} | ${cell(result(row))} | ${cell(row.figure)} |`);
  }
  const failed = rows.filter((r) => !r.skipped && r.problems.length > 0).length;
  const skipped = rows.filter((r) => r.skipped).length;
  console.log(`\n${rows.length} cases: ${rows.length - failed - skipped} ok, ${failed} failed, ${skipped} skipped`);
  if (failed > 0) process.exitCode = 1;
}
