// memotel's own code cache for its SDK bundle (src/sdk/code-cache.ts): written once, used
// afterwards, and never a reason for a failed or noisy start. It caches memotel's file only:
// the app's modules are compiled as Node would without memotel.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { nodeBinaries, PROJECT_ROOT, runFixture, tempDir, type TempDir } from '../utils/fixtures.js';

let home: TempDir;
beforeEach(async () => {
  home = await tempDir('memotel-code-cache-');
});
afterEach(async () => {
  await home.cleanup();
});

const cacheDir = () => join(home.path, '.cache', 'memotel', 'v8-code-cache');
const cacheFiles = () => {
  try {
    return readdirSync(cacheDir()).filter((n) => n.endsWith('.v8cache'));
  } catch {
    return [];
  }
};

describe.each(nodeBinaries())('$label', ({ path: node }) => {
  const run = (env: Record<string, string> = {}) =>
    runFixture({
      script: 'hello.mjs',
      node,
      env: { HOME: home.path, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', ...env },
    });

  test('the first process writes the cache, later ones use it; output is unchanged', async () => {
    const first = await run();
    expect(first).toMatchObject({ code: 0, stdout: 'hello\n', stderr: '' });
    expect(cacheFiles()).toHaveLength(1); // the SDK's; gRPC (a file of its own) is never read
    const [file] = cacheFiles();
    expect(file).toMatch(/^sdk\.cjs-v\d+\.\d+\.\d+-\w+-[0-9a-f]{8}-local-\d+\.\d+\.\d+-\d+-\d+\.v8cache$/);
    const written = readFileSync(join(cacheDir(), file));

    const second = await run();
    expect(second).toMatchObject({ code: 0, stdout: 'hello\n', stderr: '' });
    expect(readFileSync(join(cacheDir(), file)).equals(written)).toBe(true); // accepted, not rewritten
    // Node's own compile cache (which would cache the app's modules too) stays off.
    expect(existsSync(join(home.path, '.cache', 'memotel', 'node-compile-cache'))).toBe(false);
  });

  test('a corrupt cache is rejected by V8 and rewritten; the app runs as usual', async () => {
    await run();
    const [file] = cacheFiles();
    writeFileSync(join(cacheDir(), file), 'not a V8 code cache');
    const r = await run();
    expect(r).toMatchObject({ code: 0, stdout: 'hello\n', stderr: '' });
    expect(readFileSync(join(cacheDir(), file)).length).toBeGreaterThan(1000);
  });

  test('processes configured to export differently keep separate caches', async () => {
    await run(); // local store only
    await run({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(cacheFiles().map((n) => n.split('-')[4]).sort()).toEqual(['grpc', 'local']);
  });

  test('processes started with other V8 flags keep a cache of their own instead of rewriting one', async () => {
    await run();
    await run({ NODE_OPTIONS: '--max-old-space-size=512' }); // V8 would reject the first cache
    const files = cacheFiles();
    expect(files).toHaveLength(2);
    const before = files.map((n) => readFileSync(join(cacheDir(), n)));
    await run();
    await run({ NODE_OPTIONS: '--max-old-space-size=512' });
    expect(cacheFiles().map((n) => readFileSync(join(cacheDir(), n)))).toEqual(before); // both accepted
  });

  test('a process that exports what its cache did not cover (spans over OTLP) extends it', async () => {
    // Nothing listens at this endpoint: exports fail, but the exporter is loaded when there is data.
    const otlp = { HOME: home.path, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_TIMEOUT: '300' };
    expect((await runFixture({ script: 'hello.mjs', node, env: otlp })).code).toBe(0); // no spans
    const [file] = cacheFiles();
    const features = () => JSON.parse(readFileSync(join(cacheDir(), `${file}.json`), 'utf8')).features as string[];
    expect(features()).not.toContain('traces:otlp');
    expect((await runFixture({ script: 'start-in-code.mjs', node, env: otlp })).code).toBe(0); // one span
    expect(cacheFiles().filter((n) => n.startsWith('sdk.cjs-'))).toEqual([file]);
    expect(features()).toContain('traces:otlp');
    // gRPC, loaded from a file of its own for that export, has a cache of its own.
    expect(cacheFiles().filter((n) => n.startsWith('grpc-js.cjs-'))).toEqual([expect.stringContaining('-grpc-')]);
  });

  test('writing a cache removes older builds of the same kind and caches unused for a month', async () => {
    mkdirSync(cacheDir(), { recursive: true });
    const version = execFileSync(node, ['-p', 'process.version + "-" + process.arch'], { encoding: 'utf8' }).trim();
    // The name's options hash, as the fixture's first run will compute it.
    expect((await run()).code).toBe(0);
    const options = cacheFiles()[0]!.split('-')[3];
    const olderBuild = `sdk.cjs-${version}-${options}-local-0.0.1-1000-1.v8cache`;
    const otherKindFresh = `sdk.cjs-${version}-${options}-grpc-0.0.1-1000-1.v8cache`;
    const otherNodeStale = 'sdk.cjs-v18.0.0-x64-local-0.0.1-1000-1.v8cache';
    for (const name of [olderBuild, otherKindFresh, otherNodeStale]) writeFileSync(join(cacheDir(), name), 'old');
    const fortyDaysAgo = (Date.now() - 40 * 24 * 3600 * 1000) / 1000;
    utimesSync(join(cacheDir(), otherNodeStale), fortyDaysAgo, fortyDaysAgo);

    const [current] = cacheFiles().filter((n) => n.includes('-local-') && !n.includes('-0.0.1-'));
    rmSync(join(cacheDir(), current!)); // so the next run writes again
    expect((await run()).code).toBe(0);
    const left = cacheFiles();
    expect(left).toContain(otherKindFresh);
    expect(left).not.toContain(olderBuild);
    expect(left).not.toContain(otherNodeStale);
    expect(left).toHaveLength(2); // the new one and the other kind's
  });

  test('NODE_DISABLE_COMPILE_CACHE=1 turns it off', async () => {
    const r = await run({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(r).toMatchObject({ code: 0, stdout: 'hello\n', stderr: '' });
    expect(cacheFiles()).toEqual([]);
  });
});

const binaries = nodeBinaries();
(binaries.length > 1 ? test : test.skip)('caches of different Node versions live side by side', async () => {
  for (const { path } of binaries) {
    const r = await runFixture({ script: 'hello.mjs', node: path, env: { HOME: home.path, OTEL_TRACES_EXPORTER: 'none' } });
    expect(r.code).toBe(0);
  }
  expect(cacheFiles()).toHaveLength(binaries.length);
});

describe('a broken install costs the app nothing but one line on stderr', () => {
  // register.js and register.cjs copied beside a broken or missing part.
  const runWith = async (setup: (dir: string) => void) => {
    const dir = await tempDir('memotel-broken-sdk-');
    try {
      copyFileSync(join(PROJECT_ROOT, 'register.js'), join(dir.path, 'register.js'));
      setup(dir.path);
      return await runFixture({
        script: 'hello.mjs',
        register: 'none',
        env: { HOME: home.path, NODE_OPTIONS: `--import ${pathToFileURL(join(dir.path, 'register.js')).href}` },
      });
    } finally {
      await dir.cleanup();
    }
  };

  test('a broken SDK file', async () => {
    const r = await runWith((dir) => {
      copyFileSync(join(PROJECT_ROOT, 'register.cjs'), join(dir, 'register.cjs'));
      mkdirSync(join(dir, 'dist', 'bundle'), { recursive: true });
      writeFileSync(join(dir, 'dist', 'bundle', 'sdk.cjs'), "throw new Error('broken build');\n");
    });
    expect(r).toMatchObject({ code: 0, stdout: 'hello\n' });
    expect(r.stderr).toMatch(/^memotel error: could not start; the app runs without telemetry: Error: broken build/);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('memotel'))).toHaveLength(1);
  });

  test('a missing register.cjs', async () => {
    const r = await runWith(() => {});
    expect(r).toMatchObject({ code: 0, stdout: 'hello\n' });
    expect(r.stderr).toMatch(/^memotel error: could not start; the app runs without telemetry: Error: Cannot find module/);
  });
});
