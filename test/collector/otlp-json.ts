/**
 * Decodes store lines (OTLP/JSON) with the official opentelemetry-proto definitions, the way a
 * collector's OTLP receiver and its otlp_json_file receiver read them. OTLP/JSON is the proto3
 * JSON mapping with three differences the decoder must honour and this walker checks:
 * trace/span ids are hex (not base64), enums are integers, and keys are lowerCamelCase.
 */
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { PROJECT_ROOT } from '../utils/fixtures.js';

const PROTO_DIR = join(PROJECT_ROOT, 'node_modules/opentelemetry-proto-v0.19/build/protos');

export type StoreSignal = 'traces' | 'metrics' | 'logs';

const REQUESTS: Record<StoreSignal, { file: string; type: string; topKey: string }> = {
  traces: { file: 'trace_service.proto', type: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest', topKey: 'resourceSpans' },
  metrics: { file: 'metrics_service.proto', type: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest', topKey: 'resourceMetrics' },
  logs: { file: 'logs_service.proto', type: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest', topKey: 'resourceLogs' },
};

/**
 * Fields newer than the v0.19 definitions shipped in node_modules, by message. The collector's
 * pdata knows them; the walker accepts exactly these and nothing else it cannot place.
 */
const NEWER_FIELDS: Record<string, { fields: string[]; since: string }> = {
  'opentelemetry.proto.trace.v1.Span': { fields: ['flags'], since: 'opentelemetry-proto v1.1.0' },
  'opentelemetry.proto.trace.v1.Span.Link': { fields: ['flags'], since: 'opentelemetry-proto v1.1.0' },
  'opentelemetry.proto.logs.v1.LogRecord': { fields: ['eventName'], since: 'opentelemetry-proto v1.5.0' },
  'opentelemetry.proto.metrics.v1.Metric': { fields: ['metadata'], since: 'opentelemetry-proto v1.1.0' },
};

/** Byte fields holding ids, with their length in bytes (0 allowed where the id is optional). */
const ID_BYTES: Record<string, { bytes: number; optional: boolean }> = {
  traceId: { bytes: 16, optional: false },
  spanId: { bytes: 8, optional: false },
  parentSpanId: { bytes: 8, optional: true },
};

let root: protobuf.Root | undefined;
function protoRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => (target.startsWith('opentelemetry/') ? join(PROTO_DIR, target) : target);
  r.loadSync(Object.values(REQUESTS).map(({ file }) => `opentelemetry/proto/collector/${file.replace('_service.proto', '')}/v1/${file}`));
  r.resolveAll();
  root = r;
  return r;
}

export interface DecodedLine {
  /** The decoded export request message. */
  message: protobuf.Message;
  /** Every trace/span id in the line, hex, in walk order. */
  ids: string[];
  /** Fields accepted through NEWER_FIELDS, as Type.field. */
  newerFields: string[];
}

/**
 * Checks one store line against the export request of its signal and decodes it. Throws with
 * the JSON path of the first problem: an unknown or snake_case key, a non-hex or wrong-length
 * id, an enum given by name, a value of the wrong JSON type.
 */
export function decodeStoreLine(signal: StoreSignal, line: string): DecodedLine {
  const { type, topKey } = REQUESTS[signal];
  const json = JSON.parse(line) as Record<string, unknown>;
  if (!Array.isArray(json[topKey])) throw new Error(`a ${signal} line must hold ${topKey}, got keys ${Object.keys(json).join(', ')}`);
  const requestType = protoRoot().lookupType(type);
  const ids: string[] = [];
  const newerFields: string[] = [];
  const converted = convertMessage(requestType, json, '$', ids, newerFields);
  const message = requestType.fromObject(converted);
  const problem = requestType.verify(message);
  if (problem) throw new Error(`${type} rejects the line: ${problem}`);
  return { message, ids, newerFields };
}

/** Every id of a decoded message, hex, in the order the walker meets them. */
export function idsOf(requestSignal: StoreSignal, message: protobuf.Message): string[] {
  const requestType = protoRoot().lookupType(REQUESTS[requestSignal].type);
  const bytes = requestType.encode(message).finish();
  const decoded = requestType.toObject(requestType.decode(bytes), { longs: String, bytes: Array, defaults: false });
  const ids: string[] = [];
  const walk = (value: unknown, key = ''): void => {
    if (Array.isArray(value) && key in ID_BYTES) {
      if (value.length > 0) ids.push(Buffer.from(value as number[]).toString('hex'));
    } else if (Array.isArray(value)) value.forEach((v) => walk(v));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  walk(decoded);
  return ids;
}

function convertMessage(type: protobuf.Type, json: unknown, path: string, ids: string[], newerFields: string[]): Record<string, unknown> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${path}: expected an object for ${type.fullName.slice(1)}`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key];
    if (!field) {
      const newer = NEWER_FIELDS[type.fullName.slice(1)];
      if (newer?.fields.includes(key)) {
        newerFields.push(`${type.name}.${key}`);
        continue;
      }
      throw new Error(`${path}.${key}: not a field of ${type.fullName.slice(1)} (OTLP/JSON keys are the lowerCamelCase field names)`);
    }
    const at = `${path}.${key}`;
    if (field.repeated) {
      if (!Array.isArray(value)) throw new Error(`${at}: expected an array`);
      out[key] = value.map((item, i) => convertValue(field, item, `${at}[${i}]`, ids, newerFields));
    } else {
      out[key] = convertValue(field, value, at, ids, newerFields);
    }
  }
  return out;
}

function convertValue(field: protobuf.Field, value: unknown, path: string, ids: string[], newerFields: string[]): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return convertMessage(resolved, value, path, ids, newerFields);
  if (resolved instanceof protobuf.Enum) {
    if (!Number.isInteger(value)) throw new Error(`${path}: enums are integers in OTLP/JSON, got ${JSON.stringify(value)}`);
    if (!Object.values(resolved.values).includes(value as number)) throw new Error(`${path}: ${value} is not a ${resolved.name} value`);
    return value;
  }
  switch (field.type) {
    case 'bytes': {
      const id = ID_BYTES[field.name];
      if (!id) throw new Error(`${path}: unexpected bytes field`);
      if (typeof value !== 'string' || !/^[0-9a-f]*$/.test(value)) throw new Error(`${path}: ids are lowercase hex in OTLP/JSON, got ${JSON.stringify(value)}`);
      if (!(value.length === id.bytes * 2 || (id.optional && value.length === 0))) throw new Error(`${path}: expected ${id.bytes * 2} hex digits, got ${value.length}`);
      if (value.length > 0) ids.push(value);
      return Buffer.from(value, 'hex');
    }
    case 'int64':
    case 'uint64':
    case 'fixed64':
    case 'sfixed64':
    case 'sint64':
      if (!((typeof value === 'string' && /^-?\d+$/.test(value)) || Number.isSafeInteger(value))) throw new Error(`${path}: expected a 64-bit integer, got ${JSON.stringify(value)}`);
      return value;
    case 'int32':
    case 'uint32':
    case 'fixed32':
    case 'sfixed32':
    case 'sint32':
      if (!Number.isInteger(value)) throw new Error(`${path}: expected an integer, got ${JSON.stringify(value)}`);
      return value;
    case 'double':
    case 'float':
      if (typeof value !== 'number' && !['NaN', 'Infinity', '-Infinity'].includes(value as string)) throw new Error(`${path}: expected a number, got ${JSON.stringify(value)}`);
      return value;
    case 'string':
      if (typeof value !== 'string') throw new Error(`${path}: expected a string, got ${JSON.stringify(value)}`);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw new Error(`${path}: expected a boolean, got ${JSON.stringify(value)}`);
      return value;
    default:
      throw new Error(`${path}: unhandled field type ${field.type}`);
  }
}
