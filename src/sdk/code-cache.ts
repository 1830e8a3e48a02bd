// Loading memotel's SDK (dist/bundle/sdk.cjs, one CommonJS file) through a V8 code cache.
//
// Dev Note: written by hand because neither Node nor the maintained library caches what
// matters here. Node's compile cache (module.enableCompileCache, Node >= 22.1) and
// v8-compile-cache(-lib) both produce a file's cache when it is compiled, before any of its
// functions has run, so the cache holds little more than the top level; the library also
// patches Module.prototype._compile for every module of the process (the app's too), and
// enabling Node's cache would cache the app's modules as well. This one touches memotel's own
// file only and produces its cache at the first process's exit, after startup and export have
// run, so it holds every function those needed. Hook process of the example app, store mode,
// 2-core dev machine (`npm run bench -- hook`): Node 20 +73 % → ~+37 % over bare, Node 24
// +45 % (ESM build with Node's compile cache) → ~+30 %.
//
// Safety: V8 checks a cache against the source length and its own version and flags and rejects
// a mismatch (then it compiles as usual and the cache is rewritten); the cache's name carries
// the Node version, memotel's version and the file's size and mtime. The cache is written to a
// temporary file and renamed, so concurrent processes never read a partial one. Any error means
// no cache, never a failed start.
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';
import { VERSION } from '../version.js';

/** Where memotel keeps its code cache: the user's cache directory. */
export function codeCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'memotel', 'v8-code-cache');
}

/**
 * Loads a CommonJS file (memotel's SDK bundle) once per process, like require() would, through
 * the code cache unless NODE_DISABLE_COMPILE_CACHE is set (the switch of Node's own cache).
 * `variant` names the kind of process (a letters-and-+ word): each kind has a cache of its own.
 */
export function requireWithCodeCache<T>(file: string, variant: string, cacheDir = codeCacheDir()): T {
  const loaded = (globalThis as Record<symbol, Map<string, unknown> | undefined>)[LOADED] ??= new Map();
  if (!loaded.has(file)) loaded.set(file, run(file, process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : { variant, cacheDir }));
  return loaded.get(file) as T;
}

/**
 * How memotel's bundles begin (scripts/build.mjs writes them so): inside the function Node wraps
 * a CommonJS file in. Wrapping 0.8 MB at run time made a second copy of the source, which V8
 * then flattens: compiling from the cache took ~1.0 ms (Node 20) and ~1.4 ms (Node 24) longer
 * (2-core dev machine, 8 runs each, timed in isolation). Any other file is wrapped here.
 */
export const BUNDLE_WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) { ';

const LOADED = Symbol.for('memotel.code-cache.loaded');
const FEATURES = Symbol.for('memotel.code-cache.features');

/**
 * Marks a path through the SDK that only some processes take (exporting a signal to a
 * destination: its encoder, and for OTLP the client) as taken by this one. A cache written by a
 * process that did not take it is extended at this one's exit, so each kind's cache comes to
 * cover what its processes run, whichever of them ran first.
 */
export function usedCodeCacheFeature(name: string): void {
  const g = globalThis as Record<symbol, Set<string> | undefined>;
  (g[FEATURES] ??= new Set()).add(name);
}

function usedFeatures(): Set<string> {
  return (globalThis as Record<symbol, Set<string> | undefined>)[FEATURES] ?? new Set();
}

/** Runs a CommonJS file as require() would; through the code cache unless `cache` is undefined. */
function run(file: string, cache: { variant: string; cacheDir: string } | undefined): unknown {
  // The bundle is ASCII (esbuild escapes the rest; scripts/build.mjs checks), and decoding
  // ASCII as latin1 is the same string, faster than UTF-8 (~2 ms on 1.4 MB here).
  const source = fs.readFileSync(file, 'latin1');
  let kindPrefix = '';
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  let cachedFeatures: string[] = [];
  if (cache) {
    // Older builds of the same kind share this prefix (see writeCache).
    kindPrefix = `${cachePrefix(file)}${cache.variant}-`;
    try {
      const { size, mtimeMs } = fs.statSync(file);
      cacheFile = join(cache.cacheDir, `${kindPrefix}${VERSION}-${size}-${Math.trunc(mtimeMs)}.v8cache`);
      cachedData = fs.readFileSync(cacheFile);
      cachedFeatures = JSON.parse(fs.readFileSync(`${cacheFile}.json`, 'utf8')).features ?? [];
    } catch {
      // No cache yet (or no record of what it covers).
    }
  }
  const code = source.startsWith(BUNDLE_WRAPPER_HEAD) ? source : Module.wrap(source);
  // The bundle is built without import() (scripts/build.mjs), so no importModuleDynamically.
  const script = new vm.Script(code, { filename: file, cachedData });
  if (cacheFile) {
    const target = cacheFile;
    const accepted = cachedData !== undefined && !script.cachedDataRejected;
    process.once('exit', () => {
      const features = new Set([...(accepted ? cachedFeatures : []), ...usedFeatures()]);
      if (!accepted || features.size > cachedFeatures.length) writeCache(target, kindPrefix, script, [...features]);
    });
  }
  const module = { exports: {} as unknown, filename: file, id: file, loaded: false };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return module.exports;
}

function writeCache(file: string, prefix: string, script: vm.Script, features: string[]): void {
  try {
    fs.mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    // Holds the functions compiled so far: those read from the old cache and those this
    // process compiled itself.
    fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(tmp, file);
    fs.writeFileSync(tmp, JSON.stringify({ features }) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, `${file}.json`);
    // Caches of older builds of this variant go (memotel upgrades), and any cache nobody has
    // rewritten for a month (other Node versions, other variants): the directory stays small.
    const monthAgo = Date.now() - 30 * 24 * 3600 * 1000;
    for (const name of fs.readdirSync(dirname(file))) {
      if (name.startsWith(basename(file))) continue;
      const full = join(dirname(file), name);
      if (name.startsWith(prefix) || fs.statSync(full).mtimeMs < monthAgo) fs.rmSync(full, { force: true });
    }
  } catch {
    // Only a speed-up.
  }
}

/**
 * One cache per file name, Node version, architecture, Node/V8 options and variant; memotel's
 * version, the file's size and mtime tell builds apart (npm gives every installed file the same
 * mtime). V8 rejects a cache made under other flags (--max-old-space-size, --stack-size...), so
 * processes started with different options keep separate caches instead of rewriting one.
 */
function cachePrefix(file: string): string {
  return `${basename(file)}-${process.version}-${process.arch}-${optionsHash()}-`;
}

/** FNV-1a of the process's Node options, in hex (v8.cachedDataVersionTag() would cost ~3 ms). */
function optionsHash(): string {
  const options = `${process.execArgv.join(' ')}\n${process.env.NODE_OPTIONS ?? ''}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < options.length; i++) hash = Math.imul(hash ^ options.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}
