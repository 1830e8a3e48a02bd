// The subset of the OTLP/JSON encoding the store's readers need, and how to decode it.
//
// Lines are written by @opentelemetry/otlp-transformer's JSON serializers: ids are hex,
// 64-bit integers (timestamps, intValue) are decimal strings, enums are numbers. Other
// producers may write 64-bit values as JSON numbers, so both forms are accepted.

export type Int64 = string | number;

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}

export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}

export interface OtlpResource {
  attributes?: OtlpKeyValue[];
}

export interface OtlpScope {
  name?: string;
  version?: string;
}

// --- traces -----------------------------------------------------------------------------

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: Int64;
  endTimeUnixNano: Int64;
  attributes?: OtlpKeyValue[];
  events?: Array<{ name: string; timeUnixNano?: Int64; attributes?: OtlpKeyValue[] }>;
  status?: { code?: number; message?: string };
}

export interface OtlpTracesRequest {
  resourceSpans?: Array<{
    resource?: OtlpResource;
    scopeSpans?: Array<{ scope?: OtlpScope; spans?: OtlpSpan[] }>;
  }>;
}

/** Span status codes as numbers (STATUS_CODE_UNSET, _OK, _ERROR). */
export const STATUS_CODE_ERROR = 2;

/** SpanKind as OTLP numbers it (1 = INTERNAL ... 5 = CONSUMER). */
export const SPAN_KIND_NAMES: Readonly<Record<number, string>> = {
  1: 'internal',
  2: 'server',
  3: 'client',
  4: 'producer',
  5: 'consumer',
};

// --- metrics ----------------------------------------------------------------------------

/** AggregationTemporality as OTLP numbers it. */
export const TEMPORALITY_DELTA = 1;
export const TEMPORALITY_CUMULATIVE = 2;

export interface OtlpNumberDataPoint {
  attributes?: OtlpKeyValue[];
  startTimeUnixNano?: Int64;
  timeUnixNano?: Int64;
  asInt?: Int64;
  asDouble?: number;
}

export interface OtlpHistogramDataPoint {
  attributes?: OtlpKeyValue[];
  startTimeUnixNano?: Int64;
  timeUnixNano?: Int64;
  count?: Int64;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: Int64[];
  explicitBounds?: number[];
}

export interface OtlpMetric {
  name: string;
  description?: string;
  unit?: string;
  sum?: { aggregationTemporality?: number; isMonotonic?: boolean; dataPoints?: OtlpNumberDataPoint[] };
  gauge?: { dataPoints?: OtlpNumberDataPoint[] };
  histogram?: { aggregationTemporality?: number; dataPoints?: OtlpHistogramDataPoint[] };
  exponentialHistogram?: unknown;
  summary?: unknown;
}

export interface OtlpMetricsRequest {
  resourceMetrics?: Array<{
    resource?: OtlpResource;
    scopeMetrics?: Array<{ scope?: OtlpScope; metrics?: OtlpMetric[] }>;
  }>;
}

// --- decoding ---------------------------------------------------------------------------

export type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue } | null;
export type Attributes = Record<string, AttributeValue>;

export function decodeValue(value: OtlpAnyValue | undefined): AttributeValue {
  if (!value) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(decodeValue);
  if (value.kvlistValue) return decodeAttributes(value.kvlistValue.values);
  return null;
}

export function decodeAttributes(list: readonly OtlpKeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of list ?? []) out[kv.key] = decodeValue(kv.value);
  return out;
}

/** Nanoseconds since the epoch (string or number) to milliseconds, exact to the microsecond. */
export function nanosToMillis(nanos: Int64 | undefined): number {
  if (nanos === undefined) return 0;
  if (typeof nanos === 'number') return nanos / 1e6;
  try {
    // Through BigInt: 19-digit nanosecond values lose precision as a double.
    return Number(BigInt(nanos) / 1000n) / 1000;
  } catch {
    return 0;
  }
}

/** A stable key for an attribute set, independent of key order. */
export function attributesKey(attributes: Attributes): string {
  return JSON.stringify(Object.keys(attributes).sort().map((k) => [k, attributes[k]]));
}
