// Soak (issue 7): a long-running `serve` under constant load with the collector down must keep
// its memory flat: queues are capped and what does not fit is dropped and counted.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshIdentity } from './lib.js';

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

export async function soakBench(root: string, seconds: number): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'memotel-soak-'));
  const repo = join(work, 'repo');
  execFileSync('git', ['init', '-q', repo]);
  freshIdentity(repo);
  execFileSync('git', ['-C', repo, 'commit', '-q', '--allow-empty', '-m', 'init']);
  const dead = await closedPort();
  const child = spawn(process.execPath, ['--import', join(root, 'register.js'), join(root, 'examples/memory-app/app.mjs'), 'serve', '--port', '0', '--repo', repo], {
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

  const warm = samples.filter(([t]) => t >= Math.min(60, seconds / 3));
  const first = warm[0]?.[1] ?? NaN;
  const last = warm.at(-1)?.[1] ?? NaN;
  const peak = Math.max(...warm.map(([, m]) => m));
  console.log(`\nsoak: serve under load for ${seconds} s with the collector down (${requests} requests)`);
  console.log(`  RSS (MB) every 5 s: ${samples.map(([, m]) => m.toFixed(0)).join(' ')}`);
  console.log(`  after warm-up: first ${first.toFixed(1)} MB, last ${last.toFixed(1)} MB, peak ${peak.toFixed(1)} MB, growth ${(last - first).toFixed(1)} MB`);
}
