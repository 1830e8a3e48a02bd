// Soak (issue 7): a long-running `serve` under constant load with the collector down must keep
// its memory flat: queues are capped and what does not fit is dropped and counted.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRepo, median } from './lib.js';

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

interface SoakResult {
  requests: number;
  samples: Array<[number, number]>;
}

/**
 * The same load twice, bare and under memotel: the memory service itself grows (every tenth
 * request stores a memory, and its index lives in memory), so memotel's share is the
 * difference between the two runs' growth.
 */
export async function soakBench(root: string, seconds: number): Promise<void> {
  const bare = await soakRun(root, seconds, false);
  const withMemotel = await soakRun(root, seconds, true);
  console.log(`\nsoak: serve under load for ${seconds} s, bare and then with memotel and the collector down`);
  // Single RSS samples swing by ±20 MB with the garbage collector: compare the medians of the
  // first and last quarters of the samples after warm-up.
  const growth = (r: SoakResult, label: string) => {
    const warm = r.samples.filter(([t]) => t >= Math.min(60, seconds / 3)).map(([, m]) => m);
    const quarter = Math.max(3, Math.floor(warm.length / 4));
    const first = median(warm.slice(0, quarter));
    const last = median(warm.slice(-quarter));
    console.log(`  ${label.padEnd(8)} ${r.requests} requests; RSS (MB) every 5 s: ${r.samples.map(([, m]) => m.toFixed(0)).join(' ')}`);
    console.log(`  ${''.padEnd(8)} after warm-up, median of the first and last quarters: ${first.toFixed(1)} → ${last.toFixed(1)} MB (${(last - first).toFixed(1)} MB), peak ${Math.max(...warm).toFixed(1)} MB`);
    return last - first;
  };
  const appGrowth = growth(bare, 'bare');
  const memotelGrowth = growth(withMemotel, 'memotel');
  console.log(`  memotel's own growth: ${(memotelGrowth - appGrowth).toFixed(1)} MB (memotel's growth minus the bare app's)`);
}

async function soakRun(root: string, seconds: number, memotel: boolean): Promise<SoakResult> {

  const work = mkdtempSync(join(tmpdir(), 'memotel-soak-'));
  const repo = join(work, 'repo');
  initRepo(repo);
  const dead = await closedPort();
  const child = spawn(process.execPath, [...(memotel ? ['--import', join(root, 'register.js')] : []), join(root, 'examples/memory-app/app.mjs'), 'serve', '--port', '0', '--repo', repo], {
    env: {
      PATH: process.env.PATH,
      HOME: work,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${dead}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
      OTEL_BSP_SCHEDULE_DELAY: '1000',
      OTEL_METRIC_EXPORT_INTERVAL: '5000',
      MEMOTEL_RUNTIME_METRICS: 'on',
      MEMOTEL_STORE_DIR: join(work, 'store'),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`serve exited: ${err}`)));
  });
  const end = Date.now() + seconds * 1000;
  let requests = 0;
  const worker = async (w: number) => {
    for (let i = 0; Date.now() < end; i++) {
      // Mostly searches (cheap) with a capture now and then, as a memory server sees.
      const res =
        i % 10 === 0
          ? await fetch(`${url}/memories`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ namespace: 'progress', summary: `soak ${w}-${i}`, content: 'load' }),
            })
          : await fetch(`${url}/memories/search?q=soak+${i % 50}&k=3`);
      await res.arrayBuffer();
      requests++;
    }
  };
  const samples: Array<[number, number]> = [];
  const sampler = setInterval(() => samples.push([Math.round((Date.now() - (end - seconds * 1000)) / 1000), rssMb(child.pid!)]), 5000);
  await Promise.all([0, 1, 2, 3].map(worker));
  clearInterval(sampler);
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  rmSync(work, { recursive: true, force: true });

  return { requests, samples };
}
