// The health report as text: one line per component with a mark, then timing if asked.
import type { ComponentResult, ComponentStatus } from '../health/types.js';
import type { TimingRow } from '../health/timing.js';
import { QUANTILES } from '../../store/metrics.js';
import { formatDuration } from './format.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';

const MARKS: Record<ComponentStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

function mark(status: ComponentStatus, style: Style): string {
  const m = MARKS[status];
  return status === 'ok' ? style.ok(m) : status === 'fail' ? style.error(m) : status === 'warn' ? style.warn(m) : style.dim(m);
}

export function renderHealth(components: readonly ComponentResult[], style: Style): string[] {
  const nameWidth = Math.max(...components.map((c) => c.name.length));
  const lines: string[] = [];
  for (const c of components) {
    const latency = c.latencyMs !== undefined ? style.dim(`  ${formatDuration(c.latencyMs)}`) : '';
    lines.push(`${mark(c.status, style)} ${c.name.padEnd(nameWidth)}  ${c.summary}${latency}`);
    for (const detail of c.details ?? []) lines.push(`  ${' '.repeat(nameWidth)}  ${style.dim(detail)}`);
  }
  return lines;
}

export function renderTiming(rows: readonly TimingRow[], processes: number, style: Style): string[] {
  if (rows.length === 0) return [style.bold('Latency'), '  no duration histograms in the store yet'];
  const table = renderTable(
    [
      ['OPERATION', 'COUNT', ...QUANTILES.map((q) => `P${Math.round(q * 100)}`), 'MAX'],
      ...rows.map((r) => [
        r.operation,
        String(r.count),
        ...r.quantiles.map((v) => (v === undefined ? '-' : formatDuration(v * 1000))),
        r.max === undefined ? '-' : formatDuration(r.max * 1000),
      ]),
    ],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    '  ',
  );
  table[0] = style.dim(table[0]!);
  return [style.bold('Latency') + style.dim(` (from ${processes} process${processes === 1 ? '' : 'es'} in the store)`), ...table];
}
