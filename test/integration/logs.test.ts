// Logs lead to traces (issue 5): pino lines written inside a span carry trace_id, span_id and
// the hashed session.id, and the same records reach the OpenTelemetry logs pipeline.
import { describe, expect, test } from '@jest/globals';
import { asText, findSpan } from '../utils/otlp-receiver.js';
import { nodeBinaries, runFixture } from '../utils/fixtures.js';
import { EXAMPLE_APP as APP, useHarness } from '../utils/harness.js';

const h = useHarness({ repo: true, homePrefix: 'memotel-logs-' });

// The example app is ESM and imports pino (CommonJS): patched as Node's ESM loader loads it,
// with either preload, without a loader hook.
const cases = nodeBinaries().flatMap(({ label, path }) =>
  (['esm', 'cjs'] as const).map((register) => ({ label: `${label}, ${register} preload`, node: path, register })),
);

describe.each(cases)('$label', ({ node, register }) => {
  test("a log record's trace and span ids match the span of the same operation", async () => {
    const raw = 'log-session-9d2e';
    const r = await runFixture({
      script: APP,
      node,
      register,
      args: ['capture', '--namespace', 'decisions', '--summary', 'logs lead to traces', '--repo', h.repo],
      env: {
        HOME: h.home.path,
        OTEL_EXPORTER_OTLP_ENDPOINT: h.receiver.grpcUrl,
        MEMOTEL_LOG_LEVEL: 'info',
        MEMOTEL_SESSION_ID: raw,
        MEMOTEL_SESSION_SALT: 'logs-test',
      },
    });
    expect(r.code).toBe(0);
    const capture = findSpan(h.receiver.spans(), 'create_memory');

    // The line the app wrote (pino JSON on stderr).
    const line = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'memory captured');
    expect(line).toMatchObject({ trace_id: capture.traceId, span_id: capture.spanId, 'session.id': capture.attributes['session.id'] });
    expect(line['session.id']).toMatch(/^[0-9a-f]{32}$/);

    // The record the logs pipeline exported.
    const record = h.receiver.logs().find((l) => l.body === 'memory captured')!;
    expect(record.traceId).toBe(capture.traceId);
    expect(record.spanId).toBe(capture.spanId);
    expect(record.attributes['session.id']).toBe(capture.attributes['session.id']);
    expect(record.severityText).toBe('info');
    expect(asText([h.receiver.logs(), h.receiver.spans()])).not.toContain(raw);
    expect(r.stderr).not.toContain(raw);
  });
});

// require() of an instrumented package still goes through require-in-the-middle: memotel only
// keeps the hook off requests that cannot load one (src/sdk/require-filter.ts).
describe.each(cases)('$label, CommonJS app', ({ node, register }) => {
  test('pino loaded with require() is patched', async () => {
    const r = await runFixture({ script: 'pino-require.cjs', node, register, env: { HOME: h.home.path, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' } });
    expect(r.code).toBe(0);
    const line = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'inside a span');
    expect(line.span_id).toBe(line.span_id_seen);
    expect(line.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });
});
