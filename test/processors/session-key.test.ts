import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { loadSessionKey } from '../../src/processors/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'memotel-session-key-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('without a salt, the key file is created once (file 0600, new directory 0700) and reused', async () => {
  const keyFile = join(dir, 'state', 'memotel', 'session.key');
  const first = loadSessionKey({ keyFile });
  expect(first).toHaveLength(32);
  expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
  expect((await stat(join(dir, 'state', 'memotel'))).mode & 0o777).toBe(0o700);
  expect((await readFile(keyFile, 'utf8')).trim()).toBe(first.toString('hex'));
  expect(loadSessionKey({ keyFile }).equals(first)).toBe(true);
  // No temporary files left behind.
  expect(readdirSync(join(dir, 'state', 'memotel'))).toEqual(['session.key']);
});

test('a salt gives the same key everywhere and ignores the key file', () => {
  const keyFile = join(dir, 'never-created.key');
  const a = loadSessionKey({ salt: 'shared secret', keyFile });
  expect(a.equals(loadSessionKey({ salt: 'shared secret', keyFile: join(dir, 'other') }))).toBe(true);
  expect(a.equals(loadSessionKey({ salt: 'another', keyFile }))).toBe(false);
  expect(a).toHaveLength(32);
  expect(existsSync(keyFile)).toBe(false);
});

test('a damaged key file is reported with its path and what to do', async () => {
  const keyFile = join(dir, 'session.key');
  await writeFile(keyFile, 'not hex', { mode: 0o600 });
  expect(() => loadSessionKey({ keyFile })).toThrow(expect.objectContaining({ code: 'MEMOTEL_ERR_INVALID_CONFIG', message: expect.stringContaining(keyFile) }));
});

test('processes starting at the same time agree on one key', async () => {
  // Real child processes running the real module (bundled from source for plain node).
  const script = join(dir, 'load-key.mjs');
  await build({
    stdin: {
      contents: `import { loadSessionKey } from ${JSON.stringify(fileURLToPath(new URL('../../src/processors/session-key.ts', import.meta.url)))};
process.stdout.write(loadSessionKey({ keyFile: process.argv[2] }).toString('hex'));`,
      resolveDir: dir,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: script,
    logLevel: 'silent',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  const keyFile = join(dir, 'shared', 'session.key');
  const run = () =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [script, keyFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
    });
  const keys = await Promise.all([run(), run(), run(), run()]);
  expect(new Set(keys).size).toBe(1);
  expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
  expect((await readFile(keyFile, 'utf8')).trim()).toBe(keys[0]);
});
