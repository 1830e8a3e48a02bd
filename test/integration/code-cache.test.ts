// The preload's own code cache on Node versions without module.enableCompileCache (Node 20):
// written once, used afterwards, and never a reason for a failed or noisy start.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { nodeBinaries, runFixture, tempDir, type TempDir } from '../utils/fixtures.js';

const hasBuiltInCache = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

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
const run = (env: Record<string, string> = {}, node?: string) =>
  runFixture({ script: 'hello.mjs', node, env: { HOME: home.path, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', ...env } });


(hasBuiltInCache ? describe.skip : describe)('without a built-in compile cache (Node < 22.1)', () => {
  test('the first process writes the cache, later ones use it; output is unchanged', async () => {
    const first = await run();
    expect(first).toMatchObject({ code: 0, stdout: 'hello\n', stderr: '' });
    const [file] = cacheFiles();
    expect(file).toMatch(/^register\.cjs-v\d+\.\d+\.\d+-\w+-\d+-\d+\.v8cache$/);
    const written = readFileSync(join(cacheDir(), file));

    const second = await run();
    expect(second).toMatchObject({ code: 0, stdout: 'hello\n', stderr: '' });
    expect(readFileSync(join(cacheDir(), file)).equals(written)).toBe(true); // accepted, not rewritten
  });

  test('a corrupt cache is rejected by V8 and rewritten; the app runs as usual', async () => {
    await run();
    const [file] = cacheFiles();
    writeFileSync(join(cacheDir(), file), 'not a V8 code cache');
    const r = await run();
    expect(r).toMatchObject({ code: 0, stdout: 'hello\n', stderr: '' });
    expect(readFileSync(join(cacheDir(), file)).length).toBeGreaterThan(1000);
  });

  test('NODE_DISABLE_COMPILE_CACHE=1 turns it off', async () => {
    const r = await run({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(r).toMatchObject({ code: 0, stdout: 'hello\n', stderr: '' });
    expect(cacheFiles()).toEqual([]);
  });
});

const withBuiltInCache = nodeBinaries().filter(
  ({ path }) => execFileSync(path, ['-p', "typeof require('node:module').enableCompileCache"], { encoding: 'utf8' }).trim() === 'function',
);
describe.each(withBuiltInCache)('$label (built-in compile cache)', ({ path }) => {
  test('memotel writes no cache of its own', async () => {
    expect(await run({}, path)).toMatchObject({ code: 0, stdout: 'hello\n', stderr: '' });
    expect(cacheFiles()).toEqual([]);
  });
});
