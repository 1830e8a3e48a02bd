// Every instrumentation of @opentelemetry/auto-instrumentations-node, loaded lazily
// (src/sdk/lazy/): real packages and real servers, through the preload, in CommonJS and ESM.
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findSpan, type ReceivedSpan } from '../utils/otlp-receiver.js';
import { nodeBinaries, runFixture, type FixtureResult } from '../utils/fixtures.js';
import { useHarness } from '../utils/harness.js';
import { postgresBinDir, REDIS_SERVER, startPostgres, startRedis, type RunningServer } from '../utils/servers.js';
import { syncHooksSupported } from '../../src/sdk/lazy/esm-hooks.js';

const harness = useHarness();
const storeDir = () => `${harness.home.path}/store`;

const exportTo = () => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: harness.receiver.grpcUrl,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
  MEMOTEL_STORE_DIR: storeDir(),
});

/** Runs a fixture of test/fixtures/auto/ and returns its spans once its server span (or `until`) arrived. */
async function spansOf(
  script: string,
  options: { node: string; args?: string[]; env?: Record<string, string>; upstream?: boolean; until: (s: ReceivedSpan[]) => boolean },
): Promise<{ run: FixtureResult; spans: ReceivedSpan[] }> {
  harness.receiver.reset();
  const run = await runFixture({
    script: `auto/${script}`,
    node: options.node,
    args: options.args,
    // Upstream's documented ESM setup: its register plus import-in-the-middle's loader.
    register: options.upstream ? 'none' : 'esm',
    nodeArgs: options.upstream
      ? ['--import', '@opentelemetry/auto-instrumentations-node/register', '--experimental-loader', '@opentelemetry/instrumentation/hook.mjs']
      : [],
    env: { ...exportTo(), OTEL_NODE_RESOURCE_DETECTORS: 'env', ...options.env },
  });
  expect(run.code).toBe(0);
  await harness.receiver.waitFor((r) => options.until(r.spans()));
  return { run, spans: harness.receiver.spans() };
}

/** What must match upstream: each span's scope, kind and name, and its parent's name. */
function shape(spans: readonly ReceivedSpan[]): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  return spans
    .map((s) => `${s.scope.name} ${s.kind} "${s.name}" <- ${s.parentSpanId ? `"${byId.get(s.parentSpanId)?.name ?? '?'}"` : 'root'}`)
    .sort();
}

const hasServerSpan = (spans: ReceivedSpan[]) => spans.some((s) => s.kind === 'SERVER') && spans.some((s) => s.kind === 'CLIENT');

describe.each(nodeBinaries())('$label', ({ path: node }) => {
  describe.each(['web.cjs', 'web.mjs'])('%s', (script) => {
    test.each(['express', 'fastify'])('%s: one request gives the same spans, kinds and parents as upstream register', async (framework) => {
      const memotel = await spansOf(script, { node, args: [framework], until: hasServerSpan });
      const upstream = await spansOf(script, { node, args: [framework], upstream: true, until: hasServerSpan });
      expect(memotel.run.stdout).toBe('{"id":"42"}\n');
      expect(shape(memotel.spans)).toEqual(shape(upstream.spans));
      if (framework === 'express') {
        const handler = findSpan(memotel.spans, 'request handler - /users/:id');
        const server = memotel.spans.find((s) => s.kind === 'SERVER')!;
        expect(server.name).toBe('GET /users/:id');
        expect(handler.traceId).toBe(server.traceId);
        expect(memotel.spans.some((s) => s.name === 'middleware - checkUser')).toBe(true);
      }
    });
  });

  describe.each(['cjs', 'mjs'])('clients (%s)', (ext) => {
    const redisTest = existsSync(REDIS_SERVER) || process.env.CI === 'true' ? test : test.skip;
    redisTest('ioredis against a real redis-server: a CLIENT span per command', async () => {
      const redis = await startRedis();
      try {
        const { run, spans } = await spansOf(`redis.${ext}`, {
          node,
          args: [String(redis.port)],
          until: (s) => s.some((x) => x.name === 'get'),
        });
        expect(run.stdout).toBe('value\n');
        for (const name of ['set', 'get']) {
          const span = findSpan(spans, name);
          expect(span.kind).toBe('CLIENT');
          expect(span.scope.name).toBe('@opentelemetry/instrumentation-ioredis');
          expect(span.parentSpanId).toBe(findSpan(spans, 'work').spanId);
          expect(span.attributes['db.system'] ?? span.attributes['db.system.name']).toBe('redis');
          expect(JSON.stringify(span.attributes)).not.toContain('"value"'); // values stay out of db statements
        }
      } finally {
        await redis.stop();
      }
    });

    const pgTest = postgresBinDir() || process.env.CI === 'true' ? test : test.skip;
    pgTest('pg against a real PostgreSQL: connect and query spans', async () => {
      const pg: RunningServer = await startPostgres();
      try {
        const { run, spans } = await spansOf(`pg.${ext}`, {
          node,
          args: [String(pg.port)],
          until: (s) => s.some((x) => x.scope.name === '@opentelemetry/instrumentation-pg' && x.kind === 'CLIENT' && /SELECT/.test(x.name)),
        });
        expect(run.stdout).toBe('2\n');
        const query = spans.find((s) => s.scope.name === '@opentelemetry/instrumentation-pg' && /SELECT/.test(s.name))!;
        expect(query.kind).toBe('CLIENT');
        expect(query.attributes['db.system'] ?? query.attributes['db.system.name']).toBe('postgresql');
        expect(spans.some((s) => s.name === 'pg.connect')).toBe(true);
      } finally {
        await pg.stop();
      }
    });

    test('openai against a local OpenAI-compatible server: an embeddings span per the GenAI conventions', async () => {
      const api = await startOpenAiCompatible();
      try {
        const esmWithoutHooks = ext === 'mjs' && !nodeHasSyncHooks(node);
        harness.receiver.reset();
        const run = await runFixture({ script: `auto/openai.${ext}`, node, args: [api.url], env: exportTo() });
        expect(run.code).toBe(0);
        expect(run.stdout).toBe('3\n');
        await harness.receiver.waitFor((r) => r.spans().some((s) => s.kind === 'CLIENT' && s.scope.name.includes('undici')));
        const spans = harness.receiver.spans();
        const embeddings = spans.find((s) => s.name === 'embeddings text-embedding-3-small');
        if (esmWithoutHooks) {
          // Documented: without module.registerHooks, ES modules of instrumented packages are not patched.
          expect(embeddings).toBeUndefined();
          return;
        }
        expect(embeddings).toBeDefined();
        expect(embeddings!.kind).toBe('CLIENT');
        expect(embeddings!.attributes).toMatchObject({
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.request.model': 'text-embedding-3-small',
          'gen_ai.usage.input_tokens': 4,
          'server.address': '127.0.0.1',
          'server.port': api.port,
        });
        expect(embeddings!.attributes['gen_ai.provider.name'] ?? embeddings!.attributes['gen_ai.system']).toBe('openai');
        const http = spans.find((s) => s.kind === 'CLIENT' && s.scope.name.includes('undici'))!;
        expect(http.parentSpanId).toBe(embeddings!.spanId);
        expect(JSON.stringify(embeddings!.attributes)).not.toContain('hello'); // no content by default
      } finally {
        await api.close();
      }
    });
  });

  describe('what is loaded', () => {
    const loaded = async (args: string[], env: Record<string, string> = {}) => {
      const run = await runFixture({ script: 'auto/loaded.cjs', node, args, env: { MEMOTEL_STORE_DIR: storeDir(), ...env } });
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as string[];
    };

    test('an app that loads no instrumented module loads no instrumentation', async () => {
      expect(await loaded([])).toEqual([]);
    });

    test('requiring express loads the instrumentations of what it loads, and only those', async () => {
      const files = await loaded(['express']);
      expect(files).toContain('dist/bundle/instrumentations/express.cjs');
      expect(files.every((f) => /instrumentations\/(express|router|net)\.cjs$/.test(f))).toBe(true);
    });

    test('a disabled name loads nothing of its instrumentation, even when its module is loaded', async () => {
      const files = await loaded(['express'], { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'express' });
      expect(files.filter((f) => /express/.test(f))).toEqual([]);
      const only = await loaded(['express', 'pino'], { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'pino' });
      expect(only).toEqual(['dist/bundle/instrumentations/pino.cjs']);
    });

    test('a module loaded before memotel is said once at debug level, and woken for what loads it later', async () => {
      const run = await runFixture({
        script: 'auto/loaded.cjs',
        node,
        args: ['express'],
        register: 'none',
        nodeArgs: ['--require', 'express', '--require', './register.cjs'],
        env: { MEMOTEL_STORE_DIR: storeDir(), OTEL_LOG_LEVEL: 'debug' },
      });
      expect(run.code).toBe(0);
      expect(run.stderr.match(/express was loaded before memotel started/g)).toHaveLength(1);
      expect(JSON.parse(run.stdout)).toContain('dist/bundle/instrumentations/express.cjs');
    });

    const withHooks = nodeHasSyncHooks(node) ? test : test.skip;
    withHooks('import-in-the-middle wraps the ES modules of instrumented packages and nothing else', async () => {
      const run = await runFixture({ script: 'auto/esm-wrap.mjs', node, env: { MEMOTEL_STORE_DIR: storeDir() } });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ openai: 'function', parser: 'function', wrapped: ['openai'] });
    });

    withHooks('http and https are loaded when ESM code first imports them, patched, not at start', async () => {
      const run = await runFixture({ script: 'auto/builtins.mjs', node, env: { MEMOTEL_STORE_DIR: storeDir() } });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ loaded: [], patched: true });
      // Loaded before memotel started (here by a --require ahead of it): still patched.
      const before = await runFixture({
        script: 'auto/builtins.mjs',
        node,
        register: 'none',
        nodeArgs: ['--require', 'node:http', '--import', './register.js'],
        env: { MEMOTEL_STORE_DIR: storeDir() },
      });
      expect(before.code).toBe(0);
      expect(JSON.parse(before.stdout)).toEqual({ loaded: ['http'], patched: true });
    });
  });
});

function nodeHasSyncHooks(node: string): boolean {
  return node === process.execPath ? syncHooksSupported() : syncHooksSupported(nodeVersionOf(node));
}

function nodeVersionOf(node: string): string {
  return spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
}

/** An OpenAI-compatible embeddings endpoint: three floats and a usage of four tokens. */
async function startOpenAiCompatible(): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          object: 'list',
          model: 'text-embedding-3-small',
          data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2, 0.3] }],
          usage: { prompt_tokens: 4, total_tokens: 4 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
