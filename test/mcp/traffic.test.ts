// The protocol is the server's stdout: the preload must not change one byte of it, whatever
// OTEL_LOG_LEVEL and exporters say. A fixed session, one message at a time (so the order of
// the answers is fixed), against the fixture server with and without the preload.
import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { useHarness } from '../utils/harness.js';
import { PROJECT_ROOT } from '../utils/fixtures.js';
import { baseEnv, CJS_PRELOAD, MCP_SERVER, SALT } from './helpers.js';

const h = useHarness({ repo: true });

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const SESSION: Array<Record<string, unknown>> = [
  {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'recall', arguments: { query: 'anything' }, _meta: { traceparent: TRACEPARENT } } },
  { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'broken', arguments: {} } },
  { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'no-such-tool', arguments: {} } },
  { jsonrpc: '2.0', id: 5, method: 'no/such/method' },
  { jsonrpc: '2.0', id: 6, method: 'ping' },
];

/** Sends the session one message at a time (waiting for each answer) and returns stdout's bytes. */
function recordSession(preload: string[], env: Record<string, string>): Promise<{ stdout: Buffer; stderr: string }> {
  const child = spawn(process.execPath, [...preload, MCP_SERVER, '--repo', h.repo], { cwd: PROJECT_ROOT, env: baseEnv(env) });
  const chunks: Buffer[] = [];
  let text = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let waiting: (() => void) | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    text += chunk.toString('utf8');
    waiting?.();
  });
  const answered = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => text.split('\n').length - 1 >= count && resolve();
      waiting = check;
      check();
    });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return (async () => {
    let expected = 0;
    for (const message of SESSION) {
      child.stdin.write(JSON.stringify(message) + '\n');
      if ('id' in message) await answered(++expected);
    }
    child.stdin.end();
    await closed;
    return { stdout: Buffer.concat(chunks), stderr };
  })();
}

describe('MCP stdio traffic', () => {
  test('the server writes the same bytes with and without the preload, even with every diagnostic on', async () => {
    const env = { HOME: h.home.path, MEMOTEL_STORE_DIR: join(h.home.path, 'store'), MEMOTEL_SESSION_SALT: SALT };
    const { stdout: bare } = await recordSession([], env);
    const { stdout: instrumented, stderr } = await recordSession(CJS_PRELOAD, {
      ...env,
      OTEL_LOG_LEVEL: 'all',
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_METRICS_EXPORTER: 'console',
      OTEL_LOGS_EXPORTER: 'console',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
    });
    expect(bare.toString('utf8').split('\n')).toHaveLength(8); // seven answers and the final newline
    expect(instrumented.toString('utf8')).toBe(bare.toString('utf8'));
    expect(instrumented.equals(bare)).toBe(true);
    // It was instrumented: the console exporter wrote the spans, to stderr.
    expect(stderr).toContain("name: 'tools/call recall'");
    expect(stderr).toContain(TRACEPARENT.slice(3, 35));
  });
});
