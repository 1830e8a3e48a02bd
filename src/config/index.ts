// Configuration: one pure function from the environment to a typed object.
// No side effects here (no file reads, no logging): resolveConfig returns the warnings and
// the register prints them. docs/configuration.md lists every variable.
import {
  type Env,
  type Reader,
  readBoolean,
  readEnum,
  readKeyValues,
  readList,
  readNumber,
  readOptionalInteger,
  readString,
  readUrl,
  readWords,
} from './readers.js';
import { INSTRUMENTATION_DEFAULTS } from '../generated/instrumentation-manifest.js';

export type { Env } from './readers.js';

export type Signal = 'traces' | 'metrics' | 'logs';
export const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];

export type OtlpProtocol = 'grpc' | 'http/protobuf' | 'http/json';
export type ExporterName = 'otlp' | 'console' | 'store' | 'prometheus';

export interface OtlpSignalConfig {
  protocol: OtlpProtocol;
  /** Full URL: for http, including the /v1/<signal> path; for grpc, scheme://host:port. */
  url: string;
  headers: Record<string, string>;
  timeoutMillis: number;
  compression: 'gzip' | 'none';
  /** gRPC only: plaintext even with an https URL (OTEL_EXPORTER_OTLP_INSECURE). */
  insecure?: boolean;
  certificateFile?: string;
  clientKeyFile?: string;
  clientCertificateFile?: string;
}

export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

export type PropagatorName = 'tracecontext' | 'baggage' | 'b3' | 'b3multi' | 'jaeger' | 'none';

export type DetectorName =
  | 'env'
  | 'host'
  | 'os'
  | 'process'
  | 'serviceinstance'
  | 'container'
  | 'alibaba'
  | 'aws'
  | 'azure'
  | 'gcp'
  | 'all'
  | 'none';

export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

export interface BatchConfig {
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
}

export interface MemotelConfig {
  disabled: boolean;
  logLevel: LogLevel;
  serviceName?: string;
  /** Parsed OTEL_RESOURCE_ATTRIBUTES. */
  resourceAttributes: Record<string, string>;
  resourceDetectors: Exclude<DetectorName, 'all' | 'none'>[];
  exporters: Record<Signal, ExporterName[]>;
  /** Why each signal goes where it goes, for the debug summary. */
  exporterReason: Record<Signal, string>;
  otlp: Record<Signal, OtlpSignalConfig>;
  sampler: { name: SamplerName; ratio: number };
  propagators: PropagatorName[];
  spanBatch: BatchConfig;
  logBatch: BatchConfig;
  metricExportIntervalMillis: number;
  metricExportTimeoutMillis: number;
  attributeValueLengthLimit?: number;
  attributeCountLimit?: number;
  /** Names of the instrumentations to enable (resolved against the known set). */
  instrumentations: string[];
  captureContent: boolean;
  store: { dir: string; maxBytes: number };
  session: { fallbackId?: string; salt?: string; keyFile: string };
  prometheus: { host: string; port: number };
  /** Upper bound on the time any exit path spends flushing telemetry. */
  shutdownTimeoutMillis: number;
  /** Runtime and process metrics: on, off, or auto (only once the process has lived delayMillis). */
  runtimeMetrics: { mode: 'auto' | 'on' | 'off'; delayMillis: number };
}

/**
 * Instrumentations memotel knows, and whether each is on when nothing is said: every one of
 * @opentelemetry/auto-instrumentations-node with its upstream default (read from that package
 * at build time, src/generated/), and memotel's own.
 */
export const KNOWN_INSTRUMENTATIONS: Readonly<Record<string, boolean>> = {
  ...INSTRUMENTATION_DEFAULTS,
  'memotel-capture': true,
  'memotel-recall': true,
  'memotel-embedding': true,
  'memotel-index': true,
  'memotel-git': true,
};

/** Process metrics rather than module patches: MEMOTEL_RUNTIME_METRICS decides when they start. */
const RUNTIME_METRICS_INSTRUMENTATIONS = ['runtime-node', 'host-metrics'];

const DEFAULT_DETECTORS: MemotelConfig['resourceDetectors'] = ['env', 'host', 'os', 'process', 'serviceinstance'];
const ALL_DETECTORS: MemotelConfig['resourceDetectors'] = [
  ...DEFAULT_DETECTORS,
  'container',
  'alibaba',
  'aws',
  'azure',
  'gcp',
];

const SIGNAL_EXPORTERS: Record<Signal, readonly (ExporterName | 'none')[]> = {
  traces: ['otlp', 'console', 'store', 'none'],
  metrics: ['otlp', 'console', 'store', 'prometheus', 'none'],
  logs: ['otlp', 'console', 'store', 'none'],
};

const SIGNAL_ENV: Record<Signal, string> = { traces: 'TRACES', metrics: 'METRICS', logs: 'LOGS' };

/**
 * The longest delay setTimeout honours (2^31 - 1 ms, ~24.8 days). Node turns a longer one into
 * 1 ms with a TimeoutOverflowWarning on stderr: a batch delay of 1e10 would export in a loop.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ResolveOptions {
  /** os.homedir(), used only when neither XDG_* nor HOME is set. */
  homedir?: string;
}

export interface Resolved {
  config: MemotelConfig;
  warnings: string[];
}

export function resolveConfig(env: Env, options: ResolveOptions = {}): Resolved {
  const warnings: string[] = [];
  // Generic variables are read once per signal; report each problem once.
  const r: Reader = { env, warn: (m) => void (warnings.includes(m) || warnings.push(m)) };

  const otlp = {} as Record<Signal, OtlpSignalConfig>;
  const exporters = {} as Record<Signal, ExporterName[]>;
  const exporterReason = {} as Record<Signal, string>;
  for (const signal of SIGNALS) {
    otlp[signal] = readOtlp(r, signal);
    const chosen = readExporters(r, signal);
    exporters[signal] = chosen.exporters;
    exporterReason[signal] = chosen.reason;
  }

  const home = env.HOME || options.homedir || '.';
  const stateHome = env.XDG_STATE_HOME || `${home}/.local/state`;
  const configHome = env.XDG_CONFIG_HOME || `${home}/.config`;

  const selection = readInstrumentations(r);
  const config: MemotelConfig = {
    disabled: readBoolean(r, 'OTEL_SDK_DISABLED', false),
    logLevel: readEnum(r, 'OTEL_LOG_LEVEL', ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'], 'warn'),
    serviceName: readString(r, 'OTEL_SERVICE_NAME'),
    resourceAttributes: readKeyValues(r, 'OTEL_RESOURCE_ATTRIBUTES', false),
    resourceDetectors: readDetectors(r),
    exporters,
    exporterReason,
    otlp,
    sampler: readSampler(r),
    propagators: readPropagators(r),
    spanBatch: readBatch(r, 'OTEL_BSP'),
    logBatch: readBatch(r, 'OTEL_BLRP'),
    metricExportIntervalMillis: readNumber(r, 'OTEL_METRIC_EXPORT_INTERVAL', 60000, { min: 1, max: MAX_TIMER_MS, integer: true }),
    metricExportTimeoutMillis: readNumber(r, 'OTEL_METRIC_EXPORT_TIMEOUT', 30000, { min: 1, max: MAX_TIMER_MS, integer: true }),
    attributeValueLengthLimit: readOptionalInteger(r, 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', 0),
    attributeCountLimit: readOptionalInteger(r, 'OTEL_ATTRIBUTE_COUNT_LIMIT', 0),
    // Not constructed with the others: see runtimeMetrics.
    instrumentations: selection.enabled.filter((n) => !RUNTIME_METRICS_INSTRUMENTATIONS.includes(n)),
    captureContent: readBoolean(r, 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', false),
    store: {
      dir: readString(r, 'MEMOTEL_STORE_DIR') ?? `${stateHome}/memotel/store`,
      maxBytes: readNumber(r, 'MEMOTEL_STORE_MAX_BYTES', 64 * 1024 * 1024, { min: 64 * 1024, integer: true }),
    },
    session: {
      fallbackId: readString(r, 'MEMOTEL_SESSION_ID'),
      salt: readSalt(r),
      keyFile: readString(r, 'MEMOTEL_SESSION_KEY_FILE') ?? `${configHome}/memotel/session-key`,
    },
    prometheus: {
      host: readString(r, 'OTEL_EXPORTER_PROMETHEUS_HOST') ?? '0.0.0.0',
      port: readNumber(r, 'OTEL_EXPORTER_PROMETHEUS_PORT', 9464, { min: 0, max: 65535, integer: true }),
    },
    shutdownTimeoutMillis: readNumber(r, 'MEMOTEL_SHUTDOWN_TIMEOUT', 2000, { min: 0, max: 60000, integer: true }),
    runtimeMetrics: {
      mode: readRuntimeMetricsMode(r, selection),
      delayMillis: readNumber(r, 'MEMOTEL_RUNTIME_METRICS_DELAY', 10000, { min: 0, max: MAX_TIMER_MS, integer: true }),
    },
  };
  return { config, warnings };
}

/**
 * A salt set to nothing is most often a secret that failed to expand (`MEMOTEL_SESSION_SALT=$X`
 * with X unset): hashes would then not match those of the processes that got the real salt.
 */
function readSalt(r: Reader): string | undefined {
  const salt = readString(r, 'MEMOTEL_SESSION_SALT');
  if (salt === undefined && r.env.MEMOTEL_SESSION_SALT !== undefined) {
    r.warn('MEMOTEL_SESSION_SALT is set but empty; using the per-user key file (MEMOTEL_SESSION_KEY_FILE) instead');
  }
  return salt;
}

/**
 * The rule: a signal goes over OTLP when OTLP is chosen explicitly (OTEL_<SIGNAL>_EXPORTER)
 * or an OTLP endpoint is configured for it; with neither, it goes to the local store, so a
 * process with no collector still keeps its telemetry.
 */
function readExporters(r: Reader, signal: Signal): { exporters: ExporterName[]; reason: string } {
  const name = `OTEL_${SIGNAL_ENV[signal]}_EXPORTER`;
  const listed = readList(r, name, SIGNAL_EXPORTERS[signal]);
  if (listed !== undefined && listed.length > 0) {
    if (listed.includes('none')) return { exporters: [], reason: `${name}=none` };
    return { exporters: listed as ExporterName[], reason: `${name}=${listed.join(',')}` };
  }
  // An endpoint that is not a URL was reported and ignored (readUrl): it does not switch the
  // signal to OTLP, whose default localhost endpoint would then receive the data.
  const endpointVar = [`OTEL_EXPORTER_OTLP_${SIGNAL_ENV[signal]}_ENDPOINT`, 'OTEL_EXPORTER_OTLP_ENDPOINT'].find(
    (v) => readUrl(r, v) !== undefined,
  );
  if (endpointVar) return { exporters: ['otlp'], reason: `${endpointVar} is set` };
  return { exporters: ['store'], reason: 'no OTLP endpoint or exporter configured' };
}

const DEFAULT_GRPC_URL = 'http://localhost:4317';
const DEFAULT_HTTP_BASE = 'http://localhost:4318';

function readOtlp(r: Reader, signal: Signal): OtlpSignalConfig {
  const S = SIGNAL_ENV[signal];
  const pick = (suffix: string) =>
    r.env[`OTEL_EXPORTER_OTLP_${S}_${suffix}`]?.trim() ? `OTEL_EXPORTER_OTLP_${S}_${suffix}` : `OTEL_EXPORTER_OTLP_${suffix}`;

  const protocol = readEnum<OtlpProtocol>(r, pick('PROTOCOL'), ['grpc', 'http/protobuf', 'http/json'], 'grpc');

  const signalUrl = readUrl(r, `OTEL_EXPORTER_OTLP_${S}_ENDPOINT`);
  const baseUrl = readUrl(r, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  let url: string;
  if (protocol === 'grpc') {
    url = signalUrl ?? baseUrl ?? DEFAULT_GRPC_URL;
  } else if (signalUrl) {
    // A per-signal endpoint is used as given (the specification's rule).
    url = signalUrl;
  } else {
    url = `${(baseUrl ?? DEFAULT_HTTP_BASE).replace(/\/+$/, '')}/v1/${signal}`;
  }

  const headers = {
    ...readKeyValues(r, 'OTEL_EXPORTER_OTLP_HEADERS', true),
    ...readKeyValues(r, `OTEL_EXPORTER_OTLP_${S}_HEADERS`, true),
  };

  const insecureVar = pick('INSECURE');
  return {
    protocol,
    url,
    headers,
    timeoutMillis: readNumber(r, pick('TIMEOUT'), 10000, { min: 1, max: MAX_TIMER_MS, integer: true }),
    compression: readEnum(r, pick('COMPRESSION'), ['gzip', 'none'], 'none'),
    insecure: r.env[insecureVar] === undefined ? undefined : readBoolean(r, insecureVar, false),
    certificateFile: readString(r, pick('CERTIFICATE')),
    clientKeyFile: readString(r, pick('CLIENT_KEY')),
    clientCertificateFile: readString(r, pick('CLIENT_CERTIFICATE')),
  };
}

function readSampler(r: Reader): MemotelConfig['sampler'] {
  const name = readEnum<SamplerName>(
    r,
    'OTEL_TRACES_SAMPLER',
    [
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ],
    'parentbased_always_on',
  );
  const ratio = name.endsWith('traceidratio')
    ? readNumber(r, 'OTEL_TRACES_SAMPLER_ARG', 1, { min: 0, max: 1 })
    : 1;
  return { name, ratio };
}

function readPropagators(r: Reader): PropagatorName[] {
  const list = readList<PropagatorName>(r, 'OTEL_PROPAGATORS', [
    'tracecontext',
    'baggage',
    'b3',
    'b3multi',
    'jaeger',
    'none',
  ]);
  if (list === undefined || list.length === 0) return ['tracecontext', 'baggage'];
  return list.includes('none') ? [] : list;
}

function readDetectors(r: Reader): MemotelConfig['resourceDetectors'] {
  const list = readList<DetectorName>(r, 'OTEL_NODE_RESOURCE_DETECTORS', [...ALL_DETECTORS, 'all', 'none']);
  if (list === undefined || list.length === 0) return [...DEFAULT_DETECTORS];
  if (list.includes('none')) return [];
  if (list.includes('all')) return [...ALL_DETECTORS];
  return list as MemotelConfig['resourceDetectors'];
}

function readBatch(r: Reader, prefix: 'OTEL_BSP' | 'OTEL_BLRP'): BatchConfig {
  const maxQueueSize = readNumber(r, `${prefix}_MAX_QUEUE_SIZE`, 2048, { min: 1, integer: true });
  let maxExportBatchSize = readNumber(r, `${prefix}_MAX_EXPORT_BATCH_SIZE`, 512, { min: 1, integer: true });
  if (maxExportBatchSize > maxQueueSize) {
    r.warn(
      `${prefix}_MAX_EXPORT_BATCH_SIZE=${maxExportBatchSize} is larger than ${prefix}_MAX_QUEUE_SIZE=${maxQueueSize}; using ${maxQueueSize}`,
    );
    maxExportBatchSize = maxQueueSize;
  }
  return {
    scheduledDelayMillis: readNumber(r, `${prefix}_SCHEDULE_DELAY`, prefix === 'OTEL_BSP' ? 5000 : 1000, {
      min: 0,
      max: MAX_TIMER_MS,
      integer: true,
    }),
    exportTimeoutMillis: readNumber(r, `${prefix}_EXPORT_TIMEOUT`, 30000, { min: 1, max: MAX_TIMER_MS, integer: true }),
    maxQueueSize,
    maxExportBatchSize,
  };
}

/**
 * OTEL_NODE_ENABLED_INSTRUMENTATIONS replaces the default set; OTEL_NODE_DISABLED_INSTRUMENTATIONS
 * then removes from it. Names are memotel's (http, undici, pino, memotel-capture, ...); the
 * upstream spelling `@opentelemetry/instrumentation-http` is accepted too.
 */
function readInstrumentations(r: Reader): { enabled: string[]; disabled: string[]; named: boolean } {
  const known = Object.keys(KNOWN_INSTRUMENTATIONS);
  const normalise = (name: string, variable: string): string | undefined => {
    const short = name.replace(/^@opentelemetry\/instrumentation-/, '');
    if (known.includes(short)) return short;
    r.warn(`${variable} names unknown instrumentation "${name}" (known: ${known.join(', ')}); ignoring it`);
    return undefined;
  };
  const enabledVar = 'OTEL_NODE_ENABLED_INSTRUMENTATIONS';
  const disabledVar = 'OTEL_NODE_DISABLED_INSTRUMENTATIONS';
  const enabledList = readWords(r, enabledVar);
  let enabled =
    enabledList === undefined
      ? known.filter((k) => KNOWN_INSTRUMENTATIONS[k])
      : enabledList.map((n) => normalise(n, enabledVar)).filter((n): n is string => n !== undefined);
  const disabled = (readWords(r, disabledVar) ?? [])
    .map((n) => normalise(n, disabledVar))
    .filter((n): n is string => n !== undefined);
  enabled = enabled.filter((n) => !disabled.includes(n));
  return { enabled: [...new Set(enabled)], disabled, named: enabledList !== undefined };
}

/**
 * MEMOTEL_RUNTIME_METRICS wins; otherwise naming runtime-node (or host-metrics) in
 * OTEL_NODE_ENABLED_INSTRUMENTATIONS asks for them from the start, and disabling runtime-node
 * turns them off. Left unnamed they start late ("auto"), although upstream's default is on:
 * a hook process would only pay for them.
 */
function readRuntimeMetricsMode(r: Reader, selection: { enabled: string[]; disabled: string[]; named: boolean }): 'auto' | 'on' | 'off' {
  const mode = readEnum(r, 'MEMOTEL_RUNTIME_METRICS', ['auto', 'on', 'off'], 'auto');
  if (selection.disabled.includes('runtime-node')) return 'off';
  const asked = selection.named && RUNTIME_METRICS_INSTRUMENTATIONS.some((n) => selection.enabled.includes(n));
  if (r.env.MEMOTEL_RUNTIME_METRICS === undefined && asked) return 'on';
  return mode;
}
