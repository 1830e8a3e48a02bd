// Builds the shipped JavaScript with esbuild.
//
// Why a bundle and not plain tsc output: a preload's cost is paid by every process, and
// hook processes are short. Measured on the 2-core dev machine (trivial app, medians of 10):
// @opentelemetry/sdk-node loaded from node_modules adds ~260 ms and ~25 MB to a bare
// `node app.mjs` (~90 ms); the same imports bundled into one file add ~117 ms and ~13 MB.
// Module resolution and many small file reads are most of the difference.
//
// Why deferred modules: sdk-node imports every exporter and propagator at module load
// (zipkin, prometheus, OTLP over three protocols, b3, jaeger) although memotel passes all
// components in explicitly and never reaches those code paths. Each such import is replaced
// by a stub that loads the real (bundled) module on first property access, so a process
// pays only for the exporters it actually uses. Measured (trivial app, Node 24, main-thread
// instructions under valgrind): 207.1 M without it, 204.4 M with it, ~1.3 % of the process.
import { build } from 'esbuild';
import { access, chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { dirname } from 'node:path';
import { slimSemconvPlugin } from './esbuild-plugins.mjs';

const requireFromHere = createRequire(import.meta.url);

const DEFERRED = [
  '@opentelemetry/exporter-logs-otlp-grpc',
  '@opentelemetry/exporter-logs-otlp-http',
  '@opentelemetry/exporter-logs-otlp-proto',
  '@opentelemetry/exporter-metrics-otlp-grpc',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/exporter-metrics-otlp-proto',
  '@opentelemetry/exporter-trace-otlp-grpc',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/exporter-trace-otlp-proto',
  '@opentelemetry/exporter-prometheus',
  '@opentelemetry/exporter-zipkin',
  '@opentelemetry/propagator-b3',
  '@opentelemetry/propagator-jaeger',
  '@opentelemetry/configuration',
  '@opentelemetry/otlp-grpc-exporter-base',
  '@opentelemetry/otlp-exporter-base',
];

/**
 * debug (with supports-color and ms, 22 KB), require-in-the-middle's DEBUG=require-in-the-middle
 * tracing, called on every require(), is replaced by an inert stub: memotel's own diagnostics
 * use OTEL_LOG_LEVEL, and an app run with DEBUG=* would otherwise get require-in-the-middle's
 * trace lines on its stderr. import-in-the-middle becomes src/sdk/lazy/iitm-bridge.ts, which
 * loads the real one only when an ES module an instrumentation patches is first imported.
 */
const STUBS = {
  debug: 'module.exports = () => Object.assign(() => {}, { enabled: false });\n',
};
const stubPlugin = {
  name: 'memotel-stubs',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(STUBS).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'memotel-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'memotel-stub' }, (args) => ({ contents: STUBS[args.path], loader: 'js', resolveDir: process.cwd() }));
    b.onResolve({ filter: /^import-in-the-middle$/ }, () => ({ path: `${process.cwd()}/src/sdk/lazy/iitm-bridge.ts` }));
  },
};

/**
 * Replaces each deferred package, as sdk-node imports it, by a stub whose exports load the real package from
 * node_modules on first use (construct, call or property access). The real packages are not
 * bundled at all. Export names are read from the package itself at build time.
 */
const deferPlugin = {
  name: 'memotel-defer',
  setup(b) {
    const filter = new RegExp(`^(${DEFERRED.map((s) => s.replace(/[/.]/g, '\\$&')).join('|')})$`);
    // Only sdk-node's own imports are deferred; memotel's OTLP module bundles the exporters it
    // uses into a chunk of its own, loaded on first export.
    b.onResolve({ filter }, (args) =>
      /[\\/]@opentelemetry[\\/]sdk-node[\\/]/.test(args.importer) ? { path: args.path, namespace: 'memotel-deferred' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'memotel-deferred' }, (args) => {
      const names = Object.keys(requireFromHere(args.path)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
      const spec = JSON.stringify(args.path);
      return {
        resolveDir: process.cwd(),
        loader: 'js',
        contents: `import { createRequire } from 'node:module';
let real;
const load = () => (real ??= createRequire(import.meta.url)(${spec}));
const lazy = (name) => new Proxy(function () {}, {
  construct: (_t, args) => new (load()[name])(...args),
  apply: (_t, self, args) => load()[name].apply(self, args),
  get: (_t, key) => load()[name][key],
  has: (_t, key) => key in load()[name],
});
${names.map((n) => `export const ${n} = lazy(${JSON.stringify(n)});`).join('\n')}
`,
      };
    });
  },
};

/**
 * @opentelemetry/resources loads its per-platform machine-id reader with `await import()` from
 * CommonJS. Bundled with code splitting, that import yields the chunk's namespace instead of
 * the module's exports (host.id then fails with "getMachineIdImpl is not a function"); a
 * plain require of the same file behaves as in node_modules.
 */
const machineIdPlugin = {
  name: 'memotel-machine-id',
  setup(b) {
    b.onLoad({ filter: /@opentelemetry[\\/]resources[\\/]build[\\/]src[\\/].*getMachineId\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      return { contents: text.replace(/\(await import\(('[^']+')\)\)/g, 'require($1)'), loader: 'js' };
    });
  },
};

/**
 * In the SDK bundle, @grpc/grpc-js (~560 KB, 40 % of it) is not bundled but loaded from
 * dist/bundle/grpc-js.cjs, built apart (src/sdk/grpc-js.ts): every process reads the SDK's
 * file at start, and only those exporting over gRPC need gRPC.
 */
const grpcJsApartPlugin = {
  name: 'memotel-grpc-js-apart',
  setup(b) {
    b.onResolve({ filter: /^@grpc\/grpc-js$/ }, () => ({ path: '@grpc/grpc-js', namespace: 'memotel-grpc-js' }));
    b.onLoad({ filter: /.*/, namespace: 'memotel-grpc-js' }, () => ({
      contents: "module.exports = require('./src/sdk/grpc-js.ts').loadGrpcJs();\n",
      loader: 'js',
      resolveDir: process.cwd(),
    }));
  },
};

/**
 * A plugin that gives every import of the built-in `name` in a bundle the module `contents`
 * (CommonJS, which may require the real built-in as `node:<name>`).
 */
function builtinReplacement(name, contents) {
  const namespace = `memotel-${name}`;
  return {
    name: namespace,
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(node:)?${name}$`) }, (args) =>
        args.namespace === namespace ? undefined : { path: name, namespace },
      );
      b.onLoad({ filter: /.*/, namespace }, () => ({ contents, loader: 'js', resolveDir: process.cwd() }));
    },
  };
}

/**
 * grpc-js asks net.isIPv6() about every address it handles, IPv4 ones included, and Node's
 * isIPv6 compiles a large regular expression on first use: ~3.5 ms, then ~1 ms for the next
 * input (2-core dev machine, Node 20 and 24), in every process exporting over gRPC. In
 * grpc-js's bundle, `net` is Node's module with an isIPv6 that answers false without the
 * expression for a string with no colon (every IPv6 address has one). Its sockets are detached
 * (src/sdk/detached.ts: telemetry never keeps the process alive), and so are its HTTP/2 sessions.
 */
const grpcNetPlugin = builtinReplacement(
  'net',
  `const net = require('node:net');
module.exports = Object.assign(require('./src/sdk/detached.ts').detachedNet(net), {
  isIPv6: (input) => typeof input === 'string' && input.includes(':') && net.isIPv6(input),
});
`,
);
const grpcHttp2Plugin = builtinReplacement('http2', "module.exports = require('./src/sdk/detached.ts').detachedHttp2(require('node:http2'));\n");

/**
 * The OpenTelemetry modules that hold a ref'd timer while an export is in flight (the batch
 * processors' and the metric reader's export timeouts, the OTLP retry) get detached timers in
 * place of Node's (src/sdk/detached.ts says why). Each must be found and patched in the SDK's
 * bundle: an upgrade that moves one fails the build here rather than silently holding exits.
 */
const DETACHED_TIMER_MODULES = [
  '@opentelemetry/sdk-trace/build/esm/export/BatchSpanProcessorBase.js',
  '@opentelemetry/sdk-logs/build/esm/export/BatchLogRecordProcessorBase.js',
  '@opentelemetry/sdk-metrics/build/esm/utils.js',
  '@opentelemetry/otlp-exporter-base/build/esm/retrying-transport.js',
];
function detachedTimersPlugin(patched) {
  const escape = (s) => s.replace(/[/.]/g, (c) => (c === '/' ? '[\\\\/]' : '\\.'));
  const filter = new RegExp(`[\\\\/]node_modules[\\\\/](${DETACHED_TIMER_MODULES.map(escape).join('|')})$`);
  return {
    name: 'memotel-detached-timers',
    setup(b) {
      b.onLoad({ filter }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        const name = DETACHED_TIMER_MODULES.find((m) => args.path.replaceAll('\\', '/').endsWith(m));
        if (!/\bsetTimeout\(/.test(text)) throw new Error(`${args.path}: no setTimeout() call left to detach; check DETACHED_TIMER_MODULES`);
        patched.add(name);
        const detached = JSON.stringify(`${process.cwd()}/src/sdk/detached.ts`);
        return { contents: `import { setTimeout, setInterval } from ${detached};\n${text}`, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * The OTLP exporters load zlib at their top level (the HTTP transport and grpc-js alike), for
 * gzip compression only, and memotel exports uncompressed unless OTEL_EXPORTER_OTLP_COMPRESSION
 * says gzip. Loading Node's zlib costs ~0.6-1.8 ms (2-core dev machine, Node 20): loading the
 * gRPC client went from 9.3-9.8 to 8.1 ms with this, in every process exporting over OTLP. In the
 * CommonJS bundles, `zlib` is an object whose properties load it on first use; its names are
 * those of the zlib module of the Node that builds.
 */
const lazyZlibPlugin = lazyBuiltin('zlib');

/**
 * crypto, likewise, in the SDK bundle: @opentelemetry/resources loads it at its top level for the
 * service-instance detector's randomUUID(), and memotel uses it to hash session ids and metrics
 * digests, none of which a trivial app reaches. Measured on issue 14's trivial app (2-core dev
 * machine, median of 11): peak RSS -0.6 MB (Node 22), -0.4 MB (Node 24), under 1 ms; it keeps the
 * memory target (<= 1/4 of upstream's register) on Node 24 off its line (0.24 without it).
 */
const lazyCryptoPlugin = lazyBuiltin('crypto');

/** A built-in as an object whose properties load it on first use (names: the building Node's). */
function lazyBuiltin(name) {
  return builtinReplacement(
    name,
    `let mod;
const load = () => (mod ??= require('node:${name}'));
for (const name of ${JSON.stringify(Object.keys(requireFromHere(`node:${name}`)))}) {
  Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });
}
`,
  );
}

// ESM bundles need `require` for the CommonJS dependencies they contain.
const esmBanner = "import { createRequire as __memotelCreateRequire } from 'node:module'; const require = __memotelCreateRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.6',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [deferPlugin, stubPlugin, machineIdPlugin, slimSemconvPlugin],
  external: ['@grpc/proto-loader'],
  // ESM builds of the OpenTelemetry packages let esbuild drop what is not used (most of
  // @opentelemetry/semantic-conventions, for one).
  mainFields: ['module', 'main'],
  legalComments: 'none',
};

// dist/bundle/instrumentations/ is scripts/instrumentations.mjs's, built before tsc.
for (const entry of await readdir('dist/bundle').catch(() => [])) {
  if (entry !== 'instrumentations') await rm(`dist/bundle/${entry}`, { recursive: true, force: true });
}
await rm('register.js.map', { force: true }); // from builds that bundled register.js
await build({
  ...common,
  format: 'esm',
  splitting: true,
  outdir: '.',
  chunkNames: 'dist/bundle/chunk-[hash]',
  entryPoints: {
    'dist/bundle/index': 'src/index.ts',
    'dist/bundle/memory': 'src/memory/index.ts',
    'dist/bundle/session': 'src/session.ts',
    ...(await optional('dist/bundle/cli', 'src/cli/bin.ts')),
    ...(await optional('dist/bundle/hooks', 'src/hooks/index.ts')),
  },
  banner: { js: esmBanner },
});
// The --import entry: a two-line ESM file that loads register.cjs (see register.ts).
await build({ platform: 'node', target: common.target, format: 'esm', outfile: 'register.js', entryPoints: ['register.ts'], logLevel: 'warning' });

// The CommonJS builds: the SDK as one file (every entry point loads it through memotel's code
// cache, src/sdk/code-cache.ts) and the --require entry.
const cjs = {
  ...common,
  format: 'cjs',
  // import() of built-ins (the OTLP HTTP transport's) becomes require(): sdk.cjs runs through
  // vm.Script, where import() would need an experimental option.
  supported: { 'dynamic-import': false },
  // import.meta.url locates node_modules for lazily required packages.
  define: { 'import.meta.url': '__memotelImportMetaUrl' },
  // The banner is one line, so the source maps stay right (see builtinNamespaces).
  banner: {
    js:
      "const __memotelImportMetaUrl = require('node:url').pathToFileURL(__filename).href; " +
      'const __memotelBuiltinNs = (mod) => new Proxy(Object.create(null), { ' +
      'get: (_, key) => (key === "default" ? mod : mod[key]), ' +
      'has: (_, key) => key === "default" || key in mod, ' +
      'ownKeys: () => ["default", ...Object.getOwnPropertyNames(mod)], ' +
      'getOwnPropertyDescriptor: (_, key) => key === "default" ? { value: mod, enumerable: true, configurable: true } : ' +
      '(Object.hasOwn(mod, key) ? { value: mod[key], enumerable: Object.getOwnPropertyDescriptor(mod, key).enumerable, configurable: true } : undefined) });',
  },
};

/**
 * ESM code that imports a Node built-in (`import fs from 'node:fs'`, `import * as http from
 * 'http'`) becomes `__toESM(require("fs"))` in a CommonJS bundle, and esbuild's __toESM copies
 * every property of the module into a new object as a getter: ~100 for fs or process, 26 such
 * copies in sdk.cjs, ~1.3 ms of every preload on Node 20 and ~2 ms on Node 24 (2-core dev
 * machine, timed around each call). Here a built-in's namespace is a Proxy over the module
 * itself, made in constant time: each property reads through to the module, as the getters did,
 * and `default` is the module. Only built-ins: their exports are plain objects.
 */
async function builtinNamespaces(file, { required }) {
  const source = await readFile(file, 'latin1');
  let replaced = 0;
  const out = source.replace(/__toESM\(require\("((?:node:)?[a-z_/0-9]+)"\)(?:, 1)?\)/g, (call, name) => {
    if (!builtinModules.includes(name.replace(/^node:/, ''))) return call;
    replaced++;
    return `__memotelBuiltinNs(require("${name}"))`;
  });
  // A new esbuild may write its interop differently: say so rather than lose this silently.
  if (required && replaced === 0) throw new Error(`${file}: no __toESM(require(<built-in>)) found; check builtinNamespaces`);
  if (/__toESM\(require\("(?:node:)?(?:fs|http|path)"\)/.test(out)) throw new Error(`${file}: a built-in is still imported through __toESM`);
  await writeFile(file, out, 'latin1');
}

// The two files memotel's code cache loads come inside the function Node wraps a CommonJS file
// in, so that the loader does not copy them to wrap them: ~1.0 ms (Node 20) and ~1.4 ms (Node 24)
// less compiling from the cache per process (BUNDLE_WRAPPER_HEAD in src/sdk/code-cache.ts, which
// checks for exactly this head; test/unit/bundle.test.ts too).
const wrapped = {
  banner: { js: `(function (exports, require, module, __filename, __dirname) { ${cjs.banner.js}` },
  footer: { js: '});' },
};
const detachedTimers = new Set();
await build({ ...cjs, ...wrapped, outfile: 'dist/bundle/sdk.cjs', entryPoints: ['src/sdk/bundle.ts'], charset: 'ascii', plugins: [...common.plugins, grpcJsApartPlugin, lazyZlibPlugin, lazyCryptoPlugin, detachedTimersPlugin(detachedTimers)] });
for (const name of DETACHED_TIMER_MODULES) if (!detachedTimers.has(name)) throw new Error(`dist/bundle/sdk.cjs: ${name} was not bundled; check DETACHED_TIMER_MODULES`);
await builtinNamespaces('dist/bundle/sdk.cjs', { required: true });
// Every timer of grpc-js's is detached (src/sdk/detached.ts): the bundle is memotel's own copy.
await build({ ...cjs, ...wrapped, outfile: 'dist/bundle/grpc-js.cjs', entryPoints: [requireFromHere.resolve('@grpc/grpc-js')], charset: 'ascii', inject: ['src/sdk/detached.ts'], plugins: [...common.plugins, grpcNetPlugin, grpcHttp2Plugin, lazyZlibPlugin] });
await builtinNamespaces('dist/bundle/grpc-js.cjs', { required: false });
// src/sdk/code-cache.ts reads them as latin1, which is only right for ASCII.
for (const file of ['dist/bundle/sdk.cjs', 'dist/bundle/grpc-js.cjs']) {
  if ((await readFile(file)).some((byte) => byte > 0x7f)) throw new Error(`${file} must be ASCII`);
}
await build({ ...cjs, outfile: 'register.cjs', entryPoints: ['register.cjs.ts'] });
await builtinNamespaces('register.cjs', { required: true });
try { await chmod('dist/bundle/cli.js', 0o755); } catch {}

async function optional(name, file) {
  try { await access(file); return { [name]: file }; } catch { return {}; }
}
