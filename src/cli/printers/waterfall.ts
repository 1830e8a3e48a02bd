// One trace as a waterfall: an indented tree of spans (children by start time), a bar placed
// and sized by each span's time within the trace, its duration, a status mark and a short
// allowlist of attributes that say what the span did.
import type { AttributeValue } from '../../store/otlp-json.js';
import type { SpanNode, StoredSpan, Trace } from '../../store/traces.js';
import { formatDuration, formatTime, plural, truncate } from './format.js';
import type { Style } from './style.js';

export const BAR_WIDTH = 40;
const MAX_NAME_WIDTH = 56;

/** Attributes worth a place on the line, in display order. Others are in --json. */
export const KEY_ATTRIBUTES = [
  'http.request.method',
  'url.path',
  'http.route',
  'http.response.status_code',
  'gen_ai.operation.name',
  'gen_ai.provider.name',
  'gen_ai.request.model',
  'gen_ai.request.top_k',
  'gen_ai.memory.record.count',
  'gen_ai.embeddings.dimension.count',
  'gen_ai.usage.input_tokens',
  'memotel.memory.namespace',
  'memotel.memory.indexed',
  'memotel.index.result.count',
  'server.address',
  'server.port',
  'process.exit.code',
  'error.type',
] as const;

function formatValue(value: AttributeValue): string {
  const text = typeof value === 'string' ? (/^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)) : JSON.stringify(value);
  return truncate(text, 60);
}

export function keyAttributes(span: StoredSpan): string {
  const parts: string[] = [];
  for (const key of KEY_ATTRIBUTES) {
    const value = span.attributes[key];
    if (value === undefined || value === null) continue;
    // The span name already says it (create_memory, search_memory).
    if (key === 'gen_ai.operation.name' && value === span.name) continue;
    parts.push(`${key}=${formatValue(value)}`);
  }
  return parts.join(' ');
}

/** Why a failed span failed: its status message, else its recorded exception. */
function failureOf(span: StoredSpan): string | undefined {
  if (!span.error) return undefined;
  if (span.statusMessage) return span.statusMessage;
  const exception = span.events.find((e) => e.name === 'exception');
  if (!exception) return undefined;
  const type = exception.attributes['exception.type'];
  const message = exception.attributes['exception.message'];
  return [type, message].filter((v) => typeof v === 'string' && v).join(': ') || undefined;
}

export function bar(span: StoredSpan, trace: Trace, width = BAR_WIDTH): string {
  const total = trace.durationMs > 0 ? trace.durationMs : 1;
  const from = Math.min(width - 1, Math.max(0, Math.floor(((span.startMs - trace.startMs) / total) * width)));
  const to = Math.min(width, Math.max(from + 1, Math.ceil(((span.endMs - trace.startMs) / total) * width)));
  return ' '.repeat(from) + '█'.repeat(to - from) + ' '.repeat(width - to);
}

interface Row {
  node: SpanNode;
  /** Tree drawing before the name ("│  ├─ "). */
  branch: string;
  /** Tree drawing that continues below this row (for detail lines). */
  below: string;
}

function flatten(nodes: readonly SpanNode[], prefix: string, topLevel: boolean, rows: Row[]): void {
  nodes.forEach((node, i) => {
    const last = i === nodes.length - 1;
    const branch = topLevel ? '' : prefix + (last ? '└─ ' : '├─ ');
    const childPrefix = topLevel ? '' : prefix + (last ? '   ' : '│  ');
    rows.push({ node, branch, below: childPrefix + (node.children.length > 0 ? '│  ' : '   ') });
    flatten(node.children, childPrefix, false, rows);
  });
}

export function renderWaterfall(trace: Trace, style: Style): string[] {
  const facts = [
    `started ${formatTime(trace.startMs)}`,
    formatDuration(trace.durationMs),
    plural(trace.spanCount, 'span'),
    trace.error ? style.error('error') : style.ok('ok'),
  ];
  if (trace.serviceNames.length > 0) facts.push(`service ${trace.serviceNames.join(', ')}`);
  if (trace.sessionId) facts.push(`session ${trace.sessionId.slice(0, 8)}`);
  const lines = [style.bold(`Trace ${trace.traceId}: ${trace.rootName}`), `  ${facts.join(' · ')}`, ''];

  const rows: Row[] = [];
  flatten(trace.roots, '', true, rows);
  const labels = rows.map((r) => truncate(r.branch + r.node.span.name, MAX_NAME_WIDTH));
  const nameWidth = Math.max(...labels.map((l) => [...l].length));
  const durations = rows.map((r) => formatDuration(r.node.span.endMs - r.node.span.startMs));
  const durationWidth = Math.max(...durations.map((d) => d.length));

  rows.forEach((row, i) => {
    const span = row.node.span;
    const mark = span.error ? style.error('✗') : style.ok('✓');
    const label = labels[i]!;
    const name = label + ' '.repeat(nameWidth - [...label].length);
    const attrs = keyAttributes(span);
    const line = `${mark} ${name}  ${style.dim('|')}${bar(span, trace)}${style.dim('|')} ${durations[i]!.padStart(durationWidth)}${attrs ? '  ' + style.dim(attrs) : ''}`;
    lines.push(line.trimEnd());
    const failure = failureOf(span);
    if (failure) lines.push(`  ${row.below}${style.error(`error: ${truncate(failure.replace(/\s+/g, ' '), 160)}`)}`);
  });
  return lines;
}
