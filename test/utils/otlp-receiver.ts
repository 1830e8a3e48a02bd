/**
 * A real OTLP receiver for tests: gRPC (grpc-js server), http/protobuf and http/json (node:http),
 * decoding with the official opentelemetry-proto definitions and flattening what arrives into
 * plain objects that are easy to assert on (hex ids, bigint times, attributes as JS values).
 *
 * Usage:
 *   const receiver = await startReceiver();
 *   ...point an exporter at receiver.grpcUrl or receiver.httpUrl...
 *   await receiver.waitForSpans(2);
 *   expect(findSpan(receiver.spans(), 'recall').attributes['gen_ai.operation.name']).toBe('search_memory');
 *   await receiver.close();
 */
import { createRequire } from 'node:module';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

// ---------------------------------------------------------------------------------------------
// Public shapes

export type Signal = 'traces' | 'metrics' | 'logs';
export type Transport = 'grpc' | 'http/protobuf' | 'http/json';
export type SpanKindName = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type StatusCodeName = 'UNSET' | 'OK' | 'ERROR';
export type MetricKind = 'sum' | 'gauge' | 'histogram' | 'exponentialHistogram' | 'summary';
export type Temporality = 'UNSPECIFIED' | 'DELTA' | 'CUMULATIVE';
export type Attributes = Record<string, unknown>;

export interface ReceivedScope {
  name: string;
  version: string;
}

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: SpanKindName;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  status: { code: StatusCodeName; message: string };
  events: { name: string; attributes: Attributes; timeUnixNano: bigint }[];
  links: { traceId: string; spanId: string; traceState: string; attributes: Attributes }[];
  resource: Attributes;
  scope: ReceivedScope;
}

export interface ReceivedPoint {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** sum and gauge points. */
  value?: number;
  /** histogram, exponentialHistogram and summary points. */
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  /** histogram points: bucketCounts has explicitBounds.length + 1 entries. */
  bucketCounts?: number[];
  explicitBounds?: number[];
  /** exponentialHistogram points. */
  scale?: number;
  zeroCount?: number;
  positive?: { offset: number; bucketCounts: number[] };
  negative?: { offset: number; bucketCounts: number[] };
  /** summary points. */
  quantiles?: { quantile: number; value: number }[];
}

export interface ReceivedMetric {
  name: string;
  unit: string;
  description: string;
  kind: MetricKind;
  /** sum only. */
  monotonic?: boolean;
  /** sum, histogram and exponentialHistogram. */
  temporality?: Temporality;
  points: ReceivedPoint[];
  resource: Attributes;
  scope: ReceivedScope;
}

export interface ReceivedLog {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: unknown;
  attributes: Attributes;
  /** '' when the record carries no trace context. */
  traceId: string;
  spanId: string;
  resource: Attributes;
  scope: ReceivedScope;
}

export interface ReceivedRequest {
  signal: Signal;
  transport: Transport;
  /**
   * Lower-case header names; gRPC metadata for 'grpc'. grpc-js consumes grpc-encoding before
   * handlers see metadata, so gRPC compression is accepted but not observable here.
   */
  headers: Record<string, string>;
  /** Set when the body could not be decoded (the sender got a 400 / INVALID_ARGUMENT). */
  error?: string;
  /**
   * The request's bytes: the (decompressed) HTTP body, or for gRPC the decoded message encoded
   * again. For searching everything that was sent for what must not be there.
   */
  raw?: Buffer;
}

/**
 * null: normal service. 'unavailable': HTTP 503 / gRPC UNAVAILABLE. 'exhausted': HTTP 429 with
 * Retry-After / gRPC RESOURCE_EXHAUSTED. 'hang': never answers. { slowMs }: answers (and keeps
 * the data) only after slowMs.
 */
export type FailureMode = null | 'unavailable' | 'exhausted' | 'hang' | { slowMs: number };

export interface Receiver {
  /** 'http://127.0.0.1:PORT' of the gRPC server; throws if started with grpc: false. */
  readonly grpcUrl: string;
  /** 'http://127.0.0.1:PORT' base of the HTTP server (append /v1/traces etc. for a signal URL); throws if started with http: false. */
  readonly httpUrl: string;
  /** Every export request received, including failed and undecodable ones, in arrival order. */
  readonly requests: ReceivedRequest[];
  spans(): ReceivedSpan[];
  metrics(): ReceivedMetric[];
  logs(): ReceivedLog[];
  /** Resolves once predicate(receiver) is true; rejects after timeoutMs listing what arrived. */
  waitFor(predicate: (receiver: Receiver) => boolean, timeoutMs?: number): Promise<void>;
  waitForSpans(count: number, timeoutMs?: number): Promise<void>;
  /** Forgets everything received so far (the requests array is emptied in place). */
  reset(): void;
  /**
   * Simulates a broken collector: 'unavailable' answers HTTP 503 / gRPC UNAVAILABLE and
   * 'exhausted' HTTP 429 (Retry-After: 1) / gRPC RESOURCE_EXHAUSTED (all retryable, so give the
   * exporter a short timeout), 'hang' never answers, { slowMs } answers late. Data is not stored
   * while failing (a slow answer stores it), but requests are recorded. null restores normal service.
   */
  setFailure(mode: FailureMode): void;
  /** A summary of everything received (request transports, span names, metric names, log bodies), for failure messages. */
  describe(): string;
  /** Stops both servers, dropping open connections and hanging calls at once. */
  close(): Promise<void>;
}

export interface ReceiverOptions {
  grpc?: boolean;
  http?: boolean;
  /** Serve both over TLS with this key and certificate (PEM): the URLs are then https://localhost. */
  tls?: { key: Buffer; cert: Buffer };
}

// ---------------------------------------------------------------------------------------------
// Protocol definitions

/*
 * Why the v0.19 protos: no maintained npm package ships opentelemetry-proto's .proto files; the
 * last OpenTelemetry JS release that did is @opentelemetry/otlp-grpc-exporter-base@0.36.1,
 * installed under the alias opentelemetry-proto-v0.19. Protobuf decoders skip fields they do not
 * know, so data from newer exporters decodes fine; only newer additions are lost (e.g.
 * LogRecord.event_name, Span.flags), and nothing memotel's tests read is among them.
 */
const PROTOS_ROOT = join(
  dirname(createRequire(import.meta.url).resolve('opentelemetry-proto-v0.19/package.json')),
  'build/protos',
);

const SERVICES = {
  traces: { proto: 'opentelemetry/proto/collector/trace/v1/trace_service.proto', service: 'opentelemetry.proto.collector.trace.v1.TraceService', path: '/v1/traces' },
  metrics: { proto: 'opentelemetry/proto/collector/metrics/v1/metrics_service.proto', service: 'opentelemetry.proto.collector.metrics.v1.MetricsService', path: '/v1/metrics' },
  logs: { proto: 'opentelemetry/proto/collector/logs/v1/logs_service.proto', service: 'opentelemetry.proto.collector.logs.v1.LogsService', path: '/v1/logs' },
} as const satisfies Record<Signal, { proto: string; service: string; path: string }>;

const SIGNALS = Object.keys(SERVICES) as Signal[];

type ExportMethod = grpc.MethodDefinition<unknown, unknown>;
type ServiceDefinitions = Record<Signal, grpc.ServiceDefinition>;

let serviceDefinitions: ServiceDefinitions | undefined;

/** Loaded on first use and shared: parsing the protos takes a noticeable fraction of a second. */
function loadServices(): ServiceDefinitions {
  if (serviceDefinitions) return serviceDefinitions;
  const packageDefinition = protoLoader.loadSync(
    SIGNALS.map((signal) => SERVICES[signal].proto),
    {
      includeDirs: [PROTOS_ROOT],
      keepCase: false, // camelCase, like OTLP/JSON, so one flattener serves both encodings
      longs: String, // fixed64 nanoseconds exceed Number precision; converted to bigint below
      enums: String,
      defaults: true,
      oneofs: true, // adds a discriminator naming the set member of AnyValue.value, Metric.data...
      // no `bytes` option: ids stay Buffers, converted to lower-case hex below
    },
  );
  const loaded = grpc.loadPackageDefinition(packageDefinition);
  const lookup = (dotted: string): grpc.ServiceDefinition => {
    let node: unknown = loaded;
    for (const part of dotted.split('.')) node = (node as Record<string, unknown>)[part];
    return (node as grpc.ServiceClientConstructor).service;
  };
  serviceDefinitions = {
    traces: lookup(SERVICES.traces.service),
    metrics: lookup(SERVICES.metrics.service),
    logs: lookup(SERVICES.logs.service),
  };
  return serviceDefinitions;
}

function exportMethod(signal: Signal): ExportMethod {
  return loadServices()[signal].Export as ExportMethod;
}

// ---------------------------------------------------------------------------------------------
// Raw decoded messages: proto-loader objects and parsed OTLP/JSON share field names; they differ
// in ids (Buffer vs hex), enums (names vs integers) and 64-bit integers (strings vs numbers).

type RawLong = string | number | bigint | null | undefined;
type RawBytes = Uint8Array | string | null | undefined;
type RawEnum = string | number | null | undefined;

interface RawAnyValue {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: RawLong;
  doubleValue?: number | string;
  arrayValue?: { values?: RawAnyValue[] | null } | null;
  kvlistValue?: { values?: RawKeyValue[] | null } | null;
  bytesValue?: RawBytes;
}
interface RawKeyValue {
  key: string;
  value?: RawAnyValue | null;
}
interface RawResource {
  attributes?: RawKeyValue[] | null;
}
interface RawScope {
  name?: string;
  version?: string;
}
interface RawSpan {
  traceId?: RawBytes;
  spanId?: RawBytes;
  parentSpanId?: RawBytes;
  traceState?: string;
  name?: string;
  kind?: RawEnum;
  startTimeUnixNano?: RawLong;
  endTimeUnixNano?: RawLong;
  attributes?: RawKeyValue[] | null;
  events?: { name?: string; timeUnixNano?: RawLong; attributes?: RawKeyValue[] | null }[] | null;
  links?: { traceId?: RawBytes; spanId?: RawBytes; traceState?: string; attributes?: RawKeyValue[] | null }[] | null;
  status?: { code?: RawEnum; message?: string } | null;
}
interface RawDataPoint {
  attributes?: RawKeyValue[] | null;
  startTimeUnixNano?: RawLong;
  timeUnixNano?: RawLong;
  value?: string;
  asDouble?: number | string;
  asInt?: RawLong;
  count?: RawLong;
  sum?: number | string | null;
  min?: number | string | null;
  max?: number | string | null;
  bucketCounts?: RawLong[] | null;
  explicitBounds?: (number | string)[] | null;
  scale?: number;
  zeroCount?: RawLong;
  positive?: { offset?: number; bucketCounts?: RawLong[] | null } | null;
  negative?: { offset?: number; bucketCounts?: RawLong[] | null } | null;
  quantileValues?: { quantile?: number | string; value?: number | string }[] | null;
}
interface RawMetricData {
  dataPoints?: RawDataPoint[] | null;
  aggregationTemporality?: RawEnum;
  isMonotonic?: boolean;
}
interface RawMetric {
  name?: string;
  description?: string;
  unit?: string;
  data?: string;
  sum?: RawMetricData | null;
  gauge?: RawMetricData | null;
  histogram?: RawMetricData | null;
  exponentialHistogram?: RawMetricData | null;
  summary?: RawMetricData | null;
}
interface RawLogRecord {
  timeUnixNano?: RawLong;
  observedTimeUnixNano?: RawLong;
  severityNumber?: RawEnum;
  severityText?: string;
  body?: RawAnyValue | null;
  attributes?: RawKeyValue[] | null;
  traceId?: RawBytes;
  spanId?: RawBytes;
}
interface RawTracesRequest {
  resourceSpans?: { resource?: RawResource | null; scopeSpans?: { scope?: RawScope | null; spans?: RawSpan[] | null }[] | null }[] | null;
}
interface RawMetricsRequest {
  resourceMetrics?: { resource?: RawResource | null; scopeMetrics?: { scope?: RawScope | null; metrics?: RawMetric[] | null }[] | null }[] | null;
}
interface RawLogsRequest {
  resourceLogs?: { resource?: RawResource | null; scopeLogs?: { scope?: RawScope | null; logRecords?: RawLogRecord[] | null }[] | null }[] | null;
}

// ---------------------------------------------------------------------------------------------
// Flattening

const ANY_VALUE_KEYS = ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] as const;

function toHex(id: RawBytes): string {
  if (id == null) return '';
  // OTLP/JSON carries ids as hex strings, not base64 like other protobuf bytes fields.
  if (typeof id === 'string') return id.toLowerCase();
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
}

function toBigInt(value: RawLong): bigint {
  if (value == null || value === '') return 0n;
  return typeof value === 'number' ? BigInt(Math.trunc(value)) : BigInt(value);
}

function toNumber(value: RawLong | number | string): number {
  return value == null || value === '' ? 0 : Number(value);
}

function optionalNumber(value: number | string | null | undefined): number | undefined {
  return value == null ? undefined : Number(value);
}

/** Enum given by name (proto-loader) or integer (OTLP/JSON) → its suffix after `prefix`. */
function enumName(value: RawEnum, prefix: string, names: readonly string[]): string {
  if (typeof value === 'number') return names[value] ?? 'UNSPECIFIED';
  if (typeof value === 'string' && value !== '') return value.startsWith(prefix) ? value.slice(prefix.length) : value;
  return names[0]!;
}

const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
const STATUS_CODES = ['UNSET', 'OK', 'ERROR'] as const;
const TEMPORALITIES = ['UNSPECIFIED', 'DELTA', 'CUMULATIVE'] as const;
const SEVERITY_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

function severityNumber(value: RawEnum): number {
  if (typeof value === 'number') return value;
  const match = /^SEVERITY_NUMBER_([A-Z]+)(\d)?$/.exec(value ?? '');
  if (!match) return 0;
  const level = SEVERITY_LEVELS.indexOf(match[1]!);
  return level < 0 ? 0 : level * 4 + Number(match[2] ?? 1);
}

export function flattenAnyValue(value: RawAnyValue | null | undefined): unknown {
  if (value == null) return undefined;
  const key = (value.value as (typeof ANY_VALUE_KEYS)[number] | undefined) ?? ANY_VALUE_KEYS.find((k) => value[k] != null);
  switch (key) {
    case 'stringValue':
      return value.stringValue;
    case 'boolValue':
      return value.boolValue;
    case 'intValue':
      return toNumber(value.intValue);
    case 'doubleValue':
      return Number(value.doubleValue);
    case 'arrayValue':
      return (value.arrayValue?.values ?? []).map(flattenAnyValue);
    case 'kvlistValue':
      return flattenAttributes(value.kvlistValue?.values);
    case 'bytesValue':
      return typeof value.bytesValue === 'string' ? Buffer.from(value.bytesValue, 'base64') : Buffer.from(value.bytesValue ?? []);
    default:
      return undefined;
  }
}

export function flattenAttributes(attributes: RawKeyValue[] | null | undefined): Attributes {
  const result: Attributes = {};
  for (const { key, value } of attributes ?? []) result[key] = flattenAnyValue(value);
  return result;
}

function flattenScope(scope: RawScope | null | undefined): ReceivedScope {
  return { name: scope?.name ?? '', version: scope?.version ?? '' };
}

function flattenSpan(span: RawSpan, resource: Attributes, scope: ReceivedScope): ReceivedSpan {
  return {
    traceId: toHex(span.traceId),
    spanId: toHex(span.spanId),
    parentSpanId: toHex(span.parentSpanId),
    traceState: span.traceState ?? '',
    name: span.name ?? '',
    kind: enumName(span.kind, 'SPAN_KIND_', SPAN_KINDS) as SpanKindName,
    startTimeUnixNano: toBigInt(span.startTimeUnixNano),
    endTimeUnixNano: toBigInt(span.endTimeUnixNano),
    attributes: flattenAttributes(span.attributes),
    status: {
      code: enumName(span.status?.code, 'STATUS_CODE_', STATUS_CODES) as StatusCodeName,
      message: span.status?.message ?? '',
    },
    events: (span.events ?? []).map((event) => ({
      name: event.name ?? '',
      attributes: flattenAttributes(event.attributes),
      timeUnixNano: toBigInt(event.timeUnixNano),
    })),
    links: (span.links ?? []).map((link) => ({
      traceId: toHex(link.traceId),
      spanId: toHex(link.spanId),
      traceState: link.traceState ?? '',
      attributes: flattenAttributes(link.attributes),
    })),
    resource,
    scope,
  };
}

function flattenBuckets(buckets: RawDataPoint['positive']): { offset: number; bucketCounts: number[] } {
  return { offset: buckets?.offset ?? 0, bucketCounts: (buckets?.bucketCounts ?? []).map(toNumber) };
}

function flattenPoint(kind: MetricKind, point: RawDataPoint): ReceivedPoint {
  const base: ReceivedPoint = {
    attributes: flattenAttributes(point.attributes),
    startTimeUnixNano: toBigInt(point.startTimeUnixNano),
    timeUnixNano: toBigInt(point.timeUnixNano),
  };
  if (kind === 'sum' || kind === 'gauge') {
    const member = point.value ?? (point.asInt != null ? 'asInt' : 'asDouble');
    return { ...base, value: member === 'asInt' ? toNumber(point.asInt) : Number(point.asDouble ?? 0) };
  }
  const counts = { count: toNumber(point.count), sum: optionalNumber(point.sum) };
  if (kind === 'summary') {
    const quantiles = (point.quantileValues ?? []).map((q) => ({ quantile: Number(q.quantile ?? 0), value: Number(q.value ?? 0) }));
    return { ...base, ...counts, quantiles };
  }
  const range = { min: optionalNumber(point.min), max: optionalNumber(point.max) };
  if (kind === 'histogram') {
    return {
      ...base,
      ...counts,
      ...range,
      bucketCounts: (point.bucketCounts ?? []).map(toNumber),
      explicitBounds: (point.explicitBounds ?? []).map(Number),
    };
  }
  return {
    ...base,
    ...counts,
    ...range,
    scale: point.scale ?? 0,
    zeroCount: toNumber(point.zeroCount),
    positive: flattenBuckets(point.positive),
    negative: flattenBuckets(point.negative),
  };
}

const METRIC_KINDS: readonly MetricKind[] = ['sum', 'gauge', 'histogram', 'exponentialHistogram', 'summary'];

function flattenMetric(metric: RawMetric, resource: Attributes, scope: ReceivedScope): ReceivedMetric {
  const kind = (metric.data as MetricKind | undefined) ?? METRIC_KINDS.find((k) => metric[k] != null);
  if (!kind) throw new Error(`metric ${metric.name ?? '(unnamed)'} has no data (sum, gauge, histogram, ...)`);
  const data = metric[kind] ?? {};
  const result: ReceivedMetric = {
    name: metric.name ?? '',
    unit: metric.unit ?? '',
    description: metric.description ?? '',
    kind,
    points: (data.dataPoints ?? []).map((point) => flattenPoint(kind, point)),
    resource,
    scope,
  };
  if (kind === 'sum') result.monotonic = data.isMonotonic ?? false;
  if (kind === 'sum' || kind === 'histogram' || kind === 'exponentialHistogram') {
    result.temporality = enumName(data.aggregationTemporality, 'AGGREGATION_TEMPORALITY_', TEMPORALITIES) as Temporality;
  }
  return result;
}

function flattenLog(record: RawLogRecord, resource: Attributes, scope: ReceivedScope): ReceivedLog {
  return {
    timeUnixNano: toBigInt(record.timeUnixNano),
    observedTimeUnixNano: toBigInt(record.observedTimeUnixNano),
    severityNumber: severityNumber(record.severityNumber),
    severityText: record.severityText ?? '',
    body: flattenAnyValue(record.body),
    attributes: flattenAttributes(record.attributes),
    traceId: toHex(record.traceId),
    spanId: toHex(record.spanId),
    resource,
    scope,
  };
}

interface Store {
  spans: ReceivedSpan[];
  metrics: ReceivedMetric[];
  logs: ReceivedLog[];
}

/** Flattens a decoded Export*ServiceRequest into the store; throws on malformed content. */
function ingest(signal: Signal, request: unknown, store: Store): void {
  if (request === null || typeof request !== 'object') throw new Error(`the ${signal} request body is not an object`);
  if (signal === 'traces') {
    for (const rs of (request as RawTracesRequest).resourceSpans ?? []) {
      const resource = flattenAttributes(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? []) {
        const scope = flattenScope(ss.scope);
        for (const span of ss.spans ?? []) store.spans.push(flattenSpan(span, resource, scope));
      }
    }
  } else if (signal === 'metrics') {
    for (const rm of (request as RawMetricsRequest).resourceMetrics ?? []) {
      const resource = flattenAttributes(rm.resource?.attributes);
      for (const sm of rm.scopeMetrics ?? []) {
        const scope = flattenScope(sm.scope);
        for (const metric of sm.metrics ?? []) store.metrics.push(flattenMetric(metric, resource, scope));
      }
    }
  } else {
    for (const rl of (request as RawLogsRequest).resourceLogs ?? []) {
      const resource = flattenAttributes(rl.resource?.attributes);
      for (const sl of rl.scopeLogs ?? []) {
        const scope = flattenScope(sl.scope);
        for (const record of sl.logRecords ?? []) store.logs.push(flattenLog(record, resource, scope));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Assertion helpers

export function findSpan(spans: readonly ReceivedSpan[], name: string): ReceivedSpan {
  const span = spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span named "${name}"; received: ${describeNames(spans.map((s) => s.name))}`);
  return span;
}

export function childrenOf(spans: readonly ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] {
  return spans.filter((s) => s.traceId === parent.traceId && s.parentSpanId === parent.spanId);
}

export interface SpanTreeNode {
  span: ReceivedSpan;
  children: SpanTreeNode[];
}

/**
 * Spans arranged by parentage, children ordered by start time. A span whose parent was not
 * received (e.g. a remote parent) is a root.
 */
export function spanTree(spans: readonly ReceivedSpan[]): SpanTreeNode[] {
  const byStart = [...spans].sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0));
  const key = (traceId: string, spanId: string) => `${traceId}/${spanId}`;
  const nodes = new Map(byStart.map((span) => [key(span.traceId, span.spanId), { span, children: [] as SpanTreeNode[] }]));
  const roots: SpanTreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(key(node.span.traceId, node.span.parentSpanId)) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** Renders spanTree() as indented names, e.g. for `expect(renderSpanTree(spans)).toBe(...)`. */
export function renderSpanTree(spans: readonly ReceivedSpan[]): string {
  const lines: string[] = [];
  const walk = (nodes: SpanTreeNode[], depth: number) => {
    for (const node of nodes) {
      lines.push(`${'  '.repeat(depth)}${node.span.name}`);
      walk(node.children, depth + 1);
    }
  };
  walk(spanTree(spans), 0);
  return lines.join('\n');
}

function describeNames(names: string[]): string {
  if (names.length === 0) return '(nothing)';
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ');
}

// ---------------------------------------------------------------------------------------------
// The receiver

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function decompress(body: Buffer, encoding: string | undefined): Promise<Buffer> {
  switch ((encoding ?? 'identity').trim().toLowerCase()) {
    case 'identity':
    case '':
      return body;
    case 'gzip':
      return gunzipAsync(body);
    case 'deflate':
      return inflateAsync(body);
    default:
      throw new Error(`unsupported content-encoding ${encoding}`);
  }
}

function httpHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

function grpcHeaders(metadata: grpc.Metadata): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata.getMap())) result[name] = typeof value === 'string' ? value : value.toString('base64');
  return result;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class OtlpReceiver implements Receiver {
  readonly requests: ReceivedRequest[] = [];
  #store: Store = { spans: [], metrics: [], logs: [] };
  #failure: FailureMode = null;
  #waiters = new Set<() => void>();
  #grpcServer?: grpc.Server;
  #grpcPort?: number;
  #httpServer?: HttpServer;
  #httpPort?: number;
  #tls?: { key: Buffer; cert: Buffer };

  get grpcUrl(): string {
    if (this.#grpcPort === undefined) throw new Error('this receiver was started with { grpc: false }; it has no grpcUrl');
    return this.#tls ? `https://localhost:${this.#grpcPort}` : `http://127.0.0.1:${this.#grpcPort}`;
  }

  get httpUrl(): string {
    if (this.#httpPort === undefined) throw new Error('this receiver was started with { http: false }; it has no httpUrl');
    return this.#tls ? `https://localhost:${this.#httpPort}` : `http://127.0.0.1:${this.#httpPort}`;
  }

  spans(): ReceivedSpan[] {
    return [...this.#store.spans];
  }

  metrics(): ReceivedMetric[] {
    return [...this.#store.metrics];
  }

  logs(): ReceivedLog[] {
    return [...this.#store.logs];
  }

  reset(): void {
    this.requests.length = 0;
    this.#store = { spans: [], metrics: [], logs: [] };
  }

  setFailure(mode: FailureMode): void {
    this.#failure = mode;
  }

  waitForSpans(count: number, timeoutMs?: number): Promise<void> {
    return this.waitFor((r) => r.spans().length >= count, timeoutMs);
  }

  waitFor(predicate: (receiver: Receiver) => boolean, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      let lastError: unknown;
      const stop = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      // Re-run after every request, so waiting costs no polling delay.
      const check = () => {
        try {
          if (!predicate(this)) return;
        } catch (error) {
          lastError = error; // assertion-style predicates (findSpan...) throw until the data is there
          return;
        }
        stop();
        resolve();
      };
      const timer = setTimeout(() => {
        stop();
        const cause = lastError === undefined ? '' : `\nlast predicate error: ${errorMessage(lastError)}`;
        reject(new Error(`waitFor timed out after ${timeoutMs} ms.\n${this.describe()}${cause}`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  describe(): string {
    const transports = describeNames(this.requests.map((r) => `${r.signal} via ${r.transport}${r.error ? ` (error: ${r.error})` : ''}`));
    return [
      `requests: ${transports}`,
      `spans (${this.#store.spans.length}): ${describeNames(this.#store.spans.map((s) => s.name))}`,
      `metrics (${this.#store.metrics.length}): ${describeNames(this.#store.metrics.map((m) => m.name))}`,
      `logs (${this.#store.logs.length}): ${describeNames(this.#store.logs.map((l) => String(l.body)))}`,
    ].join('\n');
  }

  async start(options: ReceiverOptions): Promise<void> {
    this.#tls = options.tls;
    if (options.grpc !== false) await this.#startGrpc();
    if (options.http !== false) await this.#startHttp();
  }

  async close(): Promise<void> {
    this.#grpcServer?.forceShutdown();
    const http = this.#httpServer;
    if (http) {
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections(); // also drops requests left hanging by setFailure('hang')
      });
    }
  }

  /** Records the request, applies the failure mode, stores the data. Returns what to answer. */
  #receive(
    signal: Signal,
    transport: Transport,
    headers: Record<string, string>,
    decode: () => unknown,
    raw?: () => Buffer,
  ): 'ok' | 'unavailable' | 'exhausted' | 'hang' | { slowMs: number } | { error: string } {
    const entry: ReceivedRequest = { signal, transport, headers };
    this.requests.push(entry);
    try {
      entry.raw = raw?.();
    } catch {
      // undecodable: recorded through error below
    }
    const failure = this.#failure;
    try {
      if (failure && typeof failure === 'string') return failure;
      try {
        const staged: Store = { spans: [], metrics: [], logs: [] };
        ingest(signal, decode(), staged);
        this.#store.spans.push(...staged.spans);
        this.#store.metrics.push(...staged.metrics);
        this.#store.logs.push(...staged.logs);
        return failure ?? 'ok';
      } catch (error) {
        entry.error = errorMessage(error);
        return { error: entry.error };
      }
    } finally {
      for (const check of [...this.#waiters]) check();
    }
  }

  async #startGrpc(): Promise<void> {
    const server = new grpc.Server();
    const services = loadServices();
    for (const signal of SIGNALS) {
      const handler: grpc.handleUnaryCall<unknown, unknown> = (call, callback) => {
        const method = exportMethod(signal);
        const outcome = this.#receive(signal, 'grpc', grpcHeaders(call.metadata), () => call.request, () => method.requestSerialize(call.request));
        if (outcome === 'hang') return; // forceShutdown() in close() cancels the call
        if (outcome === 'ok') callback(null, {});
        else if (outcome === 'unavailable') callback({ code: grpc.status.UNAVAILABLE, details: 'memotel test receiver: simulated outage' });
        else if (outcome === 'exhausted') callback({ code: grpc.status.RESOURCE_EXHAUSTED, details: 'memotel test receiver: simulated throttling' });
        else if ('slowMs' in outcome) setTimeout(() => callback(null, {}), outcome.slowMs).unref();
        else callback({ code: grpc.status.INVALID_ARGUMENT, details: outcome.error });
      };
      server.addService(services[signal], { Export: handler });
    }
    this.#grpcPort = await new Promise<number>((resolve, reject) => {
      const credentials = this.#tls
        ? grpc.ServerCredentials.createSsl(null, [{ private_key: this.#tls.key, cert_chain: this.#tls.cert }])
        : grpc.ServerCredentials.createInsecure();
      server.bindAsync('127.0.0.1:0', credentials, (error, port) => (error ? reject(error) : resolve(port)));
    });
    this.#grpcServer = server;
  }

  async #startHttp(): Promise<void> {
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      this.#handleHttp(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(errorMessage(error));
      });
    };
    const server: HttpServer = this.#tls ? createHttpsServer(this.#tls, handle) : createServer(handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#httpServer = server;
    this.#httpPort = (server.address() as AddressInfo).port;
  }

  async #handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const signal = SIGNALS.find((s) => SERVICES[s].path === path);
    if (!signal) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no OTLP endpoint at ${path}; use /v1/traces, /v1/metrics or /v1/logs`);
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const raw = await readBody(req);
    const json = (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
    let body: Buffer | undefined;
    let bodyError: unknown;
    try {
      body = await decompress(raw, req.headers['content-encoding']);
    } catch (error) {
      bodyError = error;
    }
    const method = exportMethod(signal);
    const outcome = this.#receive(
      signal,
      json ? 'http/json' : 'http/protobuf',
      httpHeaders(req.headers),
      () => {
        if (!body) throw bodyError;
        return json ? JSON.parse(body.toString('utf8')) : method.requestDeserialize(body);
      },
      () => body ?? raw,
    );
    if (outcome === 'hang') return; // close() drops the connection
    if (typeof outcome === 'object' && 'slowMs' in outcome) {
      await new Promise((resolve) => setTimeout(resolve, outcome.slowMs).unref());
    }
    if (outcome === 'unavailable') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('memotel test receiver: simulated outage');
    } else if (outcome === 'exhausted') {
      res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '1' }).end('memotel test receiver: simulated throttling');
    } else if (typeof outcome === 'object' && 'error' in outcome) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(outcome.error);
    } else if (json) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else {
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(method.responseSerialize({}));
    }
  }
}

/** Starts a receiver on 127.0.0.1 (gRPC and HTTP by default), each on a free port. */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const receiver = new OtlpReceiver();
  try {
    await receiver.start(options);
  } catch (error) {
    await receiver.close();
    throw error;
  }
  return receiver;
}

/** Received data as text (bigint timestamps included), to search for what must not be there. */
export function asText(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? String(v) : v));
}
