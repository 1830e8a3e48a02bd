// telemetry: where apps started with this environment send each signal, and whether that
// destination can take it: the store directory writable, an OTLP endpoint accepting TCP
// connections (within 1 s).
import fs from 'node:fs';
import path from 'node:path';
import { SIGNALS, type MemotelConfig, type Signal } from '../../config/index.js';
import { formatDuration } from '../printers/format.js';
import type { ComponentResult } from './types.js';
import { storeDirProblem } from '../../store/writer.js';
import { probeOtlp } from './otlp-probe.js';

const CONNECT_TIMEOUT_MS = 1000;

interface Probe {
  ok: boolean;
  detail: string;
  latencyMs?: number;
}

/** Writable now, or creatable (its nearest existing ancestor is writable). */
export function probeWritableDir(dir: string): Probe {
  // What apps would refuse (another user's, writable by others, a link): say so here too.
  const problem = storeDirProblem(dir);
  if (problem) return { ok: false, detail: `${dir} ${problem}; apps save no telemetry there` };
  let existing = dir;
  while (!fs.existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  try {
    if (!fs.statSync(existing).isDirectory()) return { ok: false, detail: `${existing} is not a directory` };
    fs.accessSync(existing, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    return { ok: false, detail: `${existing} is not writable: fix its permissions or set MEMOTEL_STORE_DIR` };
  }
  return { ok: true, detail: existing === dir ? 'writable' : 'not created yet; will be created on the first export' };
}

function endpointOf(url: string): { host: string; port: number } | undefined {
  try {
    const u = new URL(url);
    const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return undefined;
  }
}

export async function checkTelemetry(config: MemotelConfig, warnings: readonly string[]): Promise<ComponentResult> {
  if (config.disabled) {
    return { name: 'telemetry', status: 'warn', summary: 'OTEL_SDK_DISABLED=true: apps record no telemetry', details: [...warnings] };
  }
  // Destination → the signals that go there.
  const destinations = new Map<string, { signals: Signal[]; probe: () => Promise<Probe> | Probe }>();
  const add = (key: string, signal: Signal, probe: () => Promise<Probe> | Probe) => {
    const entry = destinations.get(key);
    if (entry) entry.signals.push(signal);
    else destinations.set(key, { signals: [signal], probe });
  };
  const off: Signal[] = [];
  for (const signal of SIGNALS) {
    const exporters = config.exporters[signal];
    if (exporters.length === 0) off.push(signal);
    for (const exporter of exporters) {
      if (exporter === 'store') add(`store ${config.store.dir}`, signal, () => probeWritableDir(config.store.dir));
      else if (exporter === 'otlp') {
        const { url, protocol } = config.otlp[signal];
        const endpoint = endpointOf(url);
        // One destination line per URL: the probe exports (nothing) to the first signal's service.
        add(`otlp ${protocol} ${url}`, signal, () =>
          endpoint ? probeOtlp(signal, config.otlp[signal], CONNECT_TIMEOUT_MS) : { ok: false, detail: `"${url}" is not a URL` },
        );
      } else if (exporter === 'console') add('console (the app\'s stdout)', signal, () => ({ ok: true, detail: 'no check needed' }));
      else {
        const { host, port } = config.prometheus;
        add(`prometheus http://${host}:${port}/metrics`, signal, () => ({ ok: true, detail: 'served by each running app' }));
      }
    }
  }

  const lines: string[] = [];
  const failing: string[] = [];
  const data: Array<Record<string, unknown>> = [];
  for (const [where, { signals, probe }] of destinations) {
    const result = await probe();
    // Connect time is worth showing when there was a connection.
    const latency = result.ok && result.latencyMs !== undefined ? `, ${formatDuration(result.latencyMs)}` : '';
    lines.push(`${signals.join(', ')} → ${where}: ${result.detail}${latency}`);
    if (!result.ok) failing.push(where);
    data.push({ signals, destination: where, ok: result.ok, detail: result.detail, latencyMs: result.latencyMs ?? null });
  }
  if (off.length > 0) lines.push(`${off.join(', ')}: off (OTEL_<SIGNAL>_EXPORTER=none)`);
  const [summary = 'no exporters configured', ...rest] = lines;
  return {
    name: 'telemetry',
    status: failing.length > 0 ? 'fail' : warnings.length > 0 ? 'warn' : 'ok',
    summary,
    details: [...rest, ...warnings.map((w) => `config: ${w}`)],
    data: { destinations: data, configWarnings: warnings },
  };
}
