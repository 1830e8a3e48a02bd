// memotel-mcp can be disabled and re-enabled at run time (memotel's handle): no MCP spans while
// off, the SDK working the same throughout.
import { expect, test } from '@jest/globals';
import { join } from 'node:path';
import { runFixture } from '../utils/fixtures.js';
import { useHarness } from '../utils/harness.js';

const h = useHarness();

test('no MCP spans while disabled, spans again once re-enabled; the calls answer throughout', async () => {
  const r = await runFixture({
    script: 'mcp/toggle.cjs',
    register: 'cjs',
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: h.receiver.grpcUrl, HOME: h.home.path, MEMOTEL_STORE_DIR: join(h.home.path, 'store'), OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' },
  });
  expect(r.stderr).toBe('');
  expect(r.stdout.trim()).toBe('first,second,third');
  const calls = h.receiver.spans().filter((s) => s.name === 'tools/call phase');
  const phases = (kind: string) =>
    calls
      .filter((s) => s.kind === kind)
      .map((s) => JSON.parse(String(s.attributes['gen_ai.tool.call.arguments'])).name)
      .sort();
  expect(phases('CLIENT')).toEqual(['first', 'third']);
  expect(phases('SERVER')).toEqual(['first', 'third']);
});
