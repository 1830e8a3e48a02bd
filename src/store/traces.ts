// Spans from the store, grouped into traces and trees.
//
// A trace's spans may come from many lines, files and processes (a hook process and the
// service it calls share a trace through propagation), so grouping is by traceId over the
// whole store. A root is a span without a parent, or whose parent is not in the store (a
// remote parent, or a parent that was pruned or never exported).
import {
  STATUS_CODE_ERROR,
  decodeAttributes,
  nanosToMillis,
  type Attributes,
  type OtlpTracesRequest,
} from './otlp-json.js';
import { emptyReport, forEachRequest, type ReadReport } from './reader.js';

export const ATTR_SESSION_ID = 'session.id';

export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind number (1 internal, 2 server, 3 client, 4 producer, 5 consumer). */
  kind: number;
  startMs: number;
  endMs: number;
  error: boolean;
  statusMessage?: string;
  attributes: Attributes;
  events: Array<{ name: string; timeMs: number; attributes: Attributes }>;
  resource: Attributes;
  scope: { name: string; version?: string };
}

export interface TraceSummary {
  traceId: string;
  /** The earliest root's name: what the trace did. */
  rootName: string;
  /** The earliest root's gen_ai.operation.name, when it has one. */
  rootOperation?: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  error: boolean;
  spanCount: number;
  /** Hashed session.id, from the root if it has one, else from any span. */
  sessionId?: string;
  serviceNames: string[];
}

export interface SpanNode {
  span: StoredSpan;
  depth: number;
  children: SpanNode[];
}

export interface Trace extends TraceSummary {
  spans: StoredSpan[];
  /** Roots ordered by start, children ordered by start. */
  roots: SpanNode[];
}

/** Every span in the store. Duplicates (same trace and span id) are kept once. */
export function readSpans(dir: string, report: ReadReport = emptyReport()): StoredSpan[] {
  const byId = new Map<string, StoredSpan>();
  forEachRequest(
    dir,
    'traces',
    (request) => {
      for (const rs of (request as OtlpTracesRequest).resourceSpans ?? []) {
        const resource = decodeAttributes(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          const scope = { name: ss.scope?.name ?? '', version: ss.scope?.version };
          for (const s of ss.spans ?? []) {
            if (typeof s?.traceId !== 'string' || typeof s.spanId !== 'string') continue;
            const span: StoredSpan = {
              traceId: s.traceId.toLowerCase(),
              spanId: s.spanId.toLowerCase(),
              parentSpanId: s.parentSpanId ? s.parentSpanId.toLowerCase() : undefined,
              name: String(s.name ?? ''),
              kind: Number(s.kind ?? 1),
              startMs: nanosToMillis(s.startTimeUnixNano),
              endMs: nanosToMillis(s.endTimeUnixNano),
              error: s.status?.code === STATUS_CODE_ERROR,
              statusMessage: s.status?.message || undefined,
              attributes: decodeAttributes(s.attributes),
              events: (s.events ?? []).map((e) => ({
                name: e.name,
                timeMs: nanosToMillis(e.timeUnixNano),
                attributes: decodeAttributes(e.attributes),
              })),
              resource,
              scope,
            };
            byId.set(`${span.traceId}/${span.spanId}`, span);
          }
        }
      }
    },
    report,
  );
  return [...byId.values()];
}

function isRoot(span: StoredSpan, ids: ReadonlySet<string>): boolean {
  return !span.parentSpanId || !ids.has(span.parentSpanId);
}

function byStart(a: StoredSpan, b: StoredSpan): number {
  return a.startMs - b.startMs || a.endMs - b.endMs || a.name.localeCompare(b.name);
}

function summarise(traceId: string, spans: StoredSpan[]): TraceSummary {
  const ids = new Set(spans.map((s) => s.spanId));
  const roots = spans.filter((s) => isRoot(s, ids)).sort(byStart);
  const root = roots[0] ?? spans[0]!;
  const startMs = Math.min(...spans.map((s) => s.startMs));
  const endMs = Math.max(...spans.map((s) => s.endMs));
  const session = root.attributes[ATTR_SESSION_ID] ?? spans.find((s) => s.attributes[ATTR_SESSION_ID])?.attributes[ATTR_SESSION_ID];
  const services = new Set(spans.map((s) => s.resource['service.name']).filter((n): n is string => typeof n === 'string'));
  const operation = root.attributes['gen_ai.operation.name'];
  return {
    traceId,
    rootName: root.name,
    rootOperation: typeof operation === 'string' ? operation : undefined,
    startMs,
    endMs,
    durationMs: Math.max(0, endMs - startMs),
    error: spans.some((s) => s.error),
    spanCount: spans.length,
    sessionId: typeof session === 'string' ? session : undefined,
    serviceNames: [...services].sort(),
  };
}

function groupByTrace(spans: readonly StoredSpan[]): Map<string, StoredSpan[]> {
  const groups = new Map<string, StoredSpan[]>();
  for (const span of spans) {
    let list = groups.get(span.traceId);
    if (!list) groups.set(span.traceId, (list = []));
    list.push(span);
  }
  return groups;
}

/** One summary per trace, newest first. */
export function summariseTraces(spans: readonly StoredSpan[]): TraceSummary[] {
  return [...groupByTrace(spans)]
    .map(([id, list]) => summarise(id, list))
    .sort((a, b) => b.startMs - a.startMs || a.traceId.localeCompare(b.traceId));
}

/** The trace ids in the store that start with `prefix` (lowercase hex). */
export function matchTraceIds(spans: readonly StoredSpan[], prefix: string): string[] {
  const ids = new Set<string>();
  for (const s of spans) if (s.traceId.startsWith(prefix)) ids.add(s.traceId);
  return [...ids].sort();
}

/** The spans of one trace as a tree. */
export function buildTrace(traceId: string, allSpans: readonly StoredSpan[]): Trace | undefined {
  const spans = allSpans.filter((s) => s.traceId === traceId).sort(byStart);
  if (spans.length === 0) return undefined;
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, StoredSpan[]>();
  for (const s of spans) {
    if (isRoot(s, ids)) continue;
    let list = children.get(s.parentSpanId!);
    if (!list) children.set(s.parentSpanId!, (list = []));
    list.push(s);
  }
  // A parent cycle (corrupt data) must not recurse forever: each span is placed once.
  const placed = new Set<string>();
  const node = (span: StoredSpan, depth: number): SpanNode => {
    placed.add(span.spanId);
    const kids = (children.get(span.spanId) ?? []).filter((c) => !placed.has(c.spanId));
    return { span, depth, children: kids.map((c) => node(c, depth + 1)) };
  };
  const roots = spans.filter((s) => isRoot(s, ids)).map((s) => node(s, 0));
  for (const s of spans) if (!placed.has(s.spanId)) roots.push(node(s, 0));
  return { ...summarise(traceId, spans), spans, roots };
}
