// resolveConfig: the one pure function from the environment to memotel's configuration.
import { describe, expect, test } from '@jest/globals';
import { resolveConfig } from '../../src/config/index.js';

const resolve = (env: Record<string, string>) => resolveConfig(env, { homedir: '/home/u' });

describe('where telemetry goes', () => {
  test('nothing configured: every signal goes to the local store under XDG state', () => {
    const { config, warnings } = resolve({ HOME: '/home/u' });
    expect(config.exporters).toEqual({ traces: ['store'], metrics: ['store'], logs: ['store'] });
    expect(config.store.dir).toBe('/home/u/.local/state/memotel/store');
    expect(warnings).toEqual([]);
  });

  test('an OTLP endpoint switches all signals to OTLP over gRPC', () => {
    const { config } = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317' });
    expect(config.exporters).toEqual({ traces: ['otlp'], metrics: ['otlp'], logs: ['otlp'] });
    expect(config.otlp.traces).toMatchObject({ protocol: 'grpc', url: 'http://127.0.0.1:4317' });
  });

  test('a per-signal endpoint moves only that signal; http paths follow the specification', () => {
    const { config } = resolve({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector.example/custom/traces',
      XDG_STATE_HOME: '/state',
    });
    expect(config.exporters.traces).toEqual(['otlp']);
    expect(config.exporters.metrics).toEqual(['store']);
    expect(config.otlp.traces.url).toBe('https://collector.example/custom/traces');
    expect(config.otlp.metrics.url).toBe('http://localhost:4318/v1/metrics');
    expect(config.store.dir).toBe('/state/memotel/store');
  });

  test('explicit exporters win; none and comma lists are honoured', () => {
    const { config } = resolve({
      OTEL_TRACES_EXPORTER: 'console,otlp',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'store',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317',
    });
    expect(config.exporters).toEqual({ traces: ['console', 'otlp'], metrics: [], logs: ['store'] });
  });

  test('headers, timeout, compression and certificates, generic and per signal', () => {
    const { config, warnings } = resolve({
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc%20def,x-team=mem',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-team=logs',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
      OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_INSECURE: 'true',
      OTEL_EXPORTER_OTLP_CERTIFICATE: '/etc/ca.pem',
    });
    expect(warnings).toEqual([]);
    expect(config.otlp.traces.headers).toEqual({ 'api-key': 'abc def', 'x-team': 'mem' });
    expect(config.otlp.logs.headers['x-team']).toBe('logs');
    expect(config.otlp.metrics).toMatchObject({ timeoutMillis: 2500, compression: 'gzip', insecure: true });
    expect(config.otlp.traces.compression).toBe('none');
    expect(config.otlp.traces.certificateFile).toBe('/etc/ca.pem');
  });
});

describe('invalid values warn with the variable, the value and the fallback, and never throw', () => {
  test.each([
    ['OTEL_BSP_SCHEDULE_DELAY', 'soon', 'using 5000'],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5', 'using 1'],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'carrier-pigeon', 'using grpc'],
    ['OTEL_SDK_DISABLED', 'yes', 'using false'],
    ['OTEL_METRIC_EXPORT_INTERVAL', '-1', 'using 60000'],
    ['OTEL_LOG_LEVEL', 'loud', 'using warn'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'ftp://x', 'ignoring it'],
  ])('%s=%s', (name, value, fallback) => {
    const env: Record<string, string> = { [name]: value };
    if (name === 'OTEL_TRACES_SAMPLER_ARG') env.OTEL_TRACES_SAMPLER = 'traceidratio';
    const { warnings } = resolve(env);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(name);
    expect(warnings[0]).toContain(value);
    expect(warnings[0]).toContain(fallback);
  });

  test('a bad header entry is reported without its value', () => {
    const { config, warnings } = resolve({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%ZZtoken123,ok=1' });
    expect(config.otlp.traces.headers).toEqual({ ok: '1' });
    expect(warnings.join('\n')).toContain('authorization=[REDACTED]');
    expect(warnings.join('\n')).not.toContain('token123');
  });

  test('credentials in an invalid endpoint URL are redacted', () => {
    const { warnings } = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://user:hunter2@host:4317' });
    expect(warnings[0]).not.toContain('hunter2');
  });

  test('an endpoint that is not a URL is ignored: the signal stays in the store, not the default localhost', () => {
    for (const value of ['::', 'http://', 'http://127.0.0.1:99999']) {
      const { config, warnings } = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: value });
      expect(config.exporters).toEqual({ traces: ['store'], metrics: ['store'], logs: ['store'] });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    }
  });

  test.each(['OTEL_BSP_SCHEDULE_DELAY', 'OTEL_BLRP_EXPORT_TIMEOUT', 'OTEL_METRIC_EXPORT_INTERVAL', 'OTEL_EXPORTER_OTLP_TIMEOUT', 'MEMOTEL_RUNTIME_METRICS_DELAY'])(
    '%s beyond what a timer can wait (2^31 ms) is refused, not turned into 1 ms by Node',
    (name) => {
      const { warnings } = resolve({ [name]: '99999999999' });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(name);
      expect(resolve({ [name]: String(2 ** 31 - 1) }).warnings).toEqual([]);
    },
  );

  test('header entries HTTP or gRPC cannot send are skipped once here, without their value', () => {
    const { config, warnings } = resolve({ OTEL_EXPORTER_OTLP_HEADERS: 'x-a=line%0Abreak-secret,bad key=v,x-bin=v,ok=1' });
    expect(config.otlp.traces.headers).toEqual({ ok: '1' });
    expect(warnings).toHaveLength(3);
    for (const w of warnings) expect(w).toContain('OTEL_EXPORTER_OTLP_HEADERS');
    expect(warnings.join('\n')).not.toContain('break-secret');
  });

  test('an empty MEMOTEL_SESSION_SALT is reported: hashes would not match the salted ones', () => {
    const { config, warnings } = resolve({ MEMOTEL_SESSION_SALT: '' });
    expect(config.session.salt).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('MEMOTEL_SESSION_SALT')]);
  });

  test('batch size larger than the queue is clamped', () => {
    const { config, warnings } = resolve({ OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500' });
    expect(config.spanBatch.maxExportBatchSize).toBe(100);
    expect(warnings[0]).toContain('OTEL_BSP_MAX_EXPORT_BATCH_SIZE');
  });
});

describe('sdk settings', () => {
  test('OTEL_SDK_DISABLED and OTEL_LOG_LEVEL are case-insensitive', () => {
    const { config } = resolve({ OTEL_SDK_DISABLED: 'TRUE', OTEL_LOG_LEVEL: 'DeBuG' });
    expect(config.disabled).toBe(true);
    expect(config.logLevel).toBe('debug');
  });

  test('sampler, propagators, limits, intervals', () => {
    const { config } = resolve({
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_PROPAGATORS: 'tracecontext,b3multi',
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '256',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_METRIC_EXPORT_TIMEOUT: '500',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
    });
    expect(config.sampler).toEqual({ name: 'parentbased_traceidratio', ratio: 0.25 });
    expect(config.propagators).toEqual(['tracecontext', 'b3multi']);
    expect(config.attributeValueLengthLimit).toBe(256);
    expect(config.metricExportIntervalMillis).toBe(1000);
    expect(config.metricExportTimeoutMillis).toBe(500);
    expect(config.logBatch.scheduledDelayMillis).toBe(200);
  });

  test('resource detectors: local by default, cloud only when asked', () => {
    expect(resolve({}).config.resourceDetectors).toEqual(['env', 'host', 'os', 'process', 'serviceinstance']);
    expect(resolve({ OTEL_NODE_RESOURCE_DETECTORS: 'env,aws' }).config.resourceDetectors).toEqual(['env', 'aws']);
    expect(resolve({ OTEL_NODE_RESOURCE_DETECTORS: 'all' }).config.resourceDetectors).toContain('gcp');
    expect(resolve({ OTEL_NODE_RESOURCE_DETECTORS: 'none' }).config.resourceDetectors).toEqual([]);
  });

  test('instrumentations: defaults, enabled list replaces, disabled list removes, upstream names accepted', () => {
    expect(resolve({}).config.instrumentations).toEqual(
      expect.arrayContaining(['http', 'undici', 'memotel-capture', 'memotel-git']),
    );
    expect(resolve({}).config.instrumentations).not.toContain('runtime-node');
    const { config, warnings } = resolve({
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: '@opentelemetry/instrumentation-http,memotel-capture,memotel-git,nope',
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'memotel-git',
    });
    expect(config.instrumentations).toEqual(['http', 'memotel-capture']);
    expect(warnings[0]).toContain('"nope"');
  });

  test('runtime metrics: auto by default, on when runtime-node is enabled, off when disabled, the variable wins', () => {
    expect(resolve({}).config.runtimeMetrics).toEqual({ mode: 'auto', delayMillis: 10000 });
    const on = resolve({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,runtime-node' }).config;
    expect(on.runtimeMetrics.mode).toBe('on');
    expect(on.instrumentations).toEqual(['http']); // started on its own schedule, not with the others
    expect(resolve({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: '@opentelemetry/instrumentation-runtime-node' }).config.runtimeMetrics.mode).toBe('off');
    expect(
      resolve({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'runtime-node', MEMOTEL_RUNTIME_METRICS: 'auto' }).config.runtimeMetrics.mode,
    ).toBe('auto');
  });

  test('content capture is opt-in; session and store settings', () => {
    expect(resolve({}).config.captureContent).toBe(false);
    const { config } = resolve({
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
      MEMOTEL_SESSION_ID: 's-1',
      MEMOTEL_SESSION_SALT: 'pepper',
      MEMOTEL_STORE_MAX_BYTES: '1048576',
      XDG_CONFIG_HOME: '/cfg',
    });
    expect(config.captureContent).toBe(true);
    expect(config.session).toEqual({ fallbackId: 's-1', salt: 'pepper', keyFile: '/cfg/memotel/session-key' });
    expect(config.store.maxBytes).toBe(1048576);
  });
});
