// memotel traces: recent traces from the store, or one trace as a waterfall.
import { nameMatcher, parseChoice, parseDuration, parsePositiveInteger, stringOption, type ParsedArgs } from '../args.js';
import type { CommandDefinition } from '../command.js';
import { storeDirOf, type CliContext } from '../context.js';
import { EXIT_OK, notFound, usageError } from '../errors.js';
import { formatDuration, formatTime, plural, truncate } from '../printers/format.js';
import { styleFor } from '../printers/style.js';
import { renderTable } from '../printers/table.js';
import { renderWaterfall } from '../printers/waterfall.js';
import { describeUnreadable, emptyReport } from '../../store/reader.js';
import { SPAN_KIND_NAMES } from '../../store/otlp-json.js';
import {
  buildTrace,
  matchTraceIds,
  readSpans,
  summariseTraces,
  type SpanNode,
  type StoredSpan,
  type Trace,
  type TraceSummary,
} from '../../store/traces.js';

const DEFAULT_LIMIT = 20;
const MIN_PREFIX = 8;
const LIST_ONLY_OPTIONS = ['operation', 'status', 'session', 'since', 'limit'] as const;

export const tracesCommand: CommandDefinition = {
  name: 'traces',
  summary: 'List recent traces, or show one as a waterfall.',
  usage: ['traces [--operation NAME] [--status ok|error] [--session HASH] [--since DURATION] [--limit N] [--json]', 'traces TRACE_ID [--json]'],
  description: `
Without a TRACE_ID: the newest traces in the store, one line each: when it started, its root
operation (the name of the span without a parent), duration, status (error when any span
failed), span count, the session hash (session.id, shortened) and the trace id.

With a TRACE_ID (the full 32 hex digits, or a unique prefix of at least ${MIN_PREFIX}): the trace as a
waterfall: the span tree, children ordered by start, each with a bar showing when it ran
within the trace, its duration, ✓ or ✗, and its key attributes.`,
  options: {
    operation: { type: 'string', value: 'NAME', description: 'Only traces whose root operation is NAME (span name or gen_ai.operation.name; * globs).' },
    status: { type: 'string', value: 'ok|error', description: 'Only traces that succeeded, or that have a failed span.' },
    session: { type: 'string', value: 'HASH', description: 'Only traces of this session (a prefix of the hashed session.id).' },
    since: { type: 'string', value: 'DURATION', description: 'Only traces started within DURATION, e.g. 10m, 2h, 1d.' },
    limit: { type: 'string', value: 'N', description: `At most N traces (default ${DEFAULT_LIMIT}).` },
    json: { type: 'boolean', description: 'Print JSON instead of text.' },
  },
  maxPositionals: 1,
  examples: [
    ['memotel traces', 'the 20 newest traces'],
    ['memotel traces --status error --since 1h', 'what failed in the last hour'],
    ['memotel traces --operation search_memory --limit 5', 'the last five recalls'],
    ['memotel traces 4bf92f35', 'one trace as a waterfall (id prefix)'],
  ],
  run: (args, ctx) => (args.positionals[0] !== undefined ? showTrace(args, ctx) : listTraces(args, ctx)),
};

interface ListFilters {
  matchesOperation?: (name: string) => boolean;
  status?: 'ok' | 'error';
  session?: string;
  sinceMs?: number;
  limit: number;
}

function filtersOf(values: ParsedArgs['values'], now: number): ListFilters {
  const operation = stringOption(values, 'operation');
  const status = stringOption(values, 'status');
  const session = stringOption(values, 'session');
  const since = stringOption(values, 'since');
  const limit = stringOption(values, 'limit');
  if (session !== undefined && !/^[0-9a-f]+$/i.test(session)) throw usageError(`--session "${session}" is not hex: pass the session hash shown by memotel traces`);
  return {
    matchesOperation: operation === undefined ? undefined : operationMatcher(operation),
    status: status === undefined ? undefined : parseChoice('--status', status, ['ok', 'error'] as const),
    session: session?.toLowerCase(),
    sinceMs: since === undefined ? undefined : now - parseDuration('--since', since),
    limit: limit === undefined ? DEFAULT_LIMIT : parsePositiveInteger('--limit', limit),
  };
}

function operationMatcher(pattern: string): (name: string) => boolean {
  // Exact unless globbed: "git" must not match every "git ..." span.
  return pattern.includes('*') ? nameMatcher(pattern) : (name) => name === pattern;
}

function readStore(ctx: CliContext): { dir: string; spans: StoredSpan[] } {
  const dir = storeDirOf(ctx);
  const report = emptyReport();
  const spans = readSpans(dir, report);
  const note = describeUnreadable('traces', report);
  if (note) ctx.stderr.write(`memotel traces: ${note}\n`);
  return { dir, spans };
}

async function listTraces(args: ParsedArgs, ctx: CliContext): Promise<number> {
  const filters = filtersOf(args.values, ctx.now());
  const { dir, spans } = readStore(ctx);
  const all = summariseTraces(spans);
  const matching = all.filter(
    (t) =>
      (!filters.matchesOperation || filters.matchesOperation(t.rootName) || filters.matchesOperation(t.rootOperation ?? '')) &&
      (!filters.status || (filters.status === 'error') === t.error) &&
      (!filters.session || (t.sessionId ?? '').startsWith(filters.session)) &&
      (filters.sinceMs === undefined || t.startMs >= filters.sinceMs),
  );
  const shown = matching.slice(0, filters.limit);

  if (args.values.json) {
    ctx.stdout.write(JSON.stringify({ store: dir, total: matching.length, traces: shown.map(summaryJson) }, null, 2) + '\n');
    return EXIT_OK;
  }
  if (all.length === 0) {
    ctx.stdout.write(
      `No traces in ${dir}.\n` +
        'Apps started with `node --import memotel/register app.js` write here when no OTLP endpoint is configured\n' +
        '(set MEMOTEL_STORE_DIR to read another store).\n',
    );
    return EXIT_OK;
  }
  if (shown.length === 0) {
    ctx.stdout.write(`No traces match (${plural(all.length, 'trace')} in ${dir}).\n`);
    return EXIT_OK;
  }
  const style = styleFor(ctx);
  const rows = [
    ['TIME', 'OPERATION', 'DURATION', 'STATUS', 'SPANS', 'SESSION', 'TRACE'],
    ...shown.map((t) => [
      formatTime(t.startMs),
      truncate(t.rootName, 48),
      formatDuration(t.durationMs),
      t.error ? style.error('error') : style.ok('ok'),
      String(t.spanCount),
      t.sessionId ? t.sessionId.slice(0, 8) : '-',
      t.traceId,
    ]),
  ];
  const lines = renderTable(rows, ['left', 'left', 'right', 'left', 'right', 'left', 'left']);
  lines[0] = style.bold(lines[0]!);
  lines.push('', style.dim(`${shown.length} of ${plural(matching.length, 'trace')}, newest first. Show one: memotel traces <TRACE>`));
  ctx.stdout.write(lines.join('\n') + '\n');
  return EXIT_OK;
}

async function showTrace(args: ParsedArgs, ctx: CliContext): Promise<number> {
  const given = args.positionals[0]!.trim().toLowerCase();
  const listOnly = LIST_ONLY_OPTIONS.filter((o) => args.values[o] !== undefined);
  if (listOnly.length > 0) throw usageError(`--${listOnly[0]} filters the trace list; it cannot be combined with a TRACE_ID`);
  if (!/^[0-9a-f]+$/.test(given) || given.length < MIN_PREFIX || given.length > 32) {
    throw usageError(`TRACE_ID "${args.positionals[0]}" is not a trace id: pass 32 hex digits, or a prefix of at least ${MIN_PREFIX}`);
  }
  const { dir, spans } = readStore(ctx);
  const ids = matchTraceIds(spans, given);
  if (ids.length === 0) throw notFound(`no trace ${given} in ${dir}: list traces with memotel traces (it may have been pruned)`);
  if (ids.length > 1) throw notFound(`${given} matches ${ids.length} traces (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', ...' : ''}): give more digits`);
  const trace = buildTrace(ids[0]!, spans)!;
  if (args.values.json) {
    ctx.stdout.write(JSON.stringify(traceJson(trace), null, 2) + '\n');
    return EXIT_OK;
  }
  ctx.stdout.write(renderWaterfall(trace, styleFor(ctx)).join('\n') + '\n');
  return EXIT_OK;
}

function summaryJson(t: TraceSummary) {
  return {
    traceId: t.traceId,
    rootName: t.rootName,
    startTime: new Date(t.startMs).toISOString(),
    durationMs: round(t.durationMs),
    status: t.error ? 'error' : 'ok',
    spanCount: t.spanCount,
    sessionId: t.sessionId ?? null,
    services: t.serviceNames,
  };
}

function traceJson(trace: Trace) {
  const spans: unknown[] = [];
  const visit = (node: SpanNode) => {
    const s = node.span;
    spans.push({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId ?? null,
      depth: node.depth,
      name: s.name,
      kind: SPAN_KIND_NAMES[s.kind] ?? String(s.kind),
      startTime: new Date(s.startMs).toISOString(),
      offsetMs: round(s.startMs - trace.startMs),
      durationMs: round(s.endMs - s.startMs),
      status: s.error ? 'error' : 'ok',
      statusMessage: s.statusMessage ?? null,
      service: s.resource['service.name'] ?? null,
      scope: s.scope.name,
      attributes: s.attributes,
      events: s.events.map((e) => ({ name: e.name, time: new Date(e.timeMs).toISOString(), attributes: e.attributes })),
    });
    node.children.forEach(visit);
  };
  trace.roots.forEach(visit);
  return { ...summaryJson(trace), spans };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
