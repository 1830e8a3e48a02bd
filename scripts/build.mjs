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
// pays only for the exporters it actually uses.
import { build } from 'esbuild';
import { rm, chmod } from 'node:fs/promises';

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
];

/** Replaces `require(X)` from CommonJS dependencies by a proxy that requires X on first use. */
const deferPlugin = {
  name: 'memotel-defer',
  setup(b) {
    const filter = new RegExp(`^(${DEFERRED.map((s) => s.replace(/[/.]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => {
      if (args.kind !== 'require-call' || args.pluginData?.real) return undefined;
      return { path: args.path, namespace: 'memotel-deferred' };
    });
    b.onResolve({ filter: /^memotel-real:/ }, async (args) => {
      const spec = args.path.slice('memotel-real:'.length);
      const r = await b.resolve(spec, { kind: 'require-call', resolveDir: process.cwd(), pluginData: { real: true } });
      return r;
    });
    b.onLoad({ filter: /.*/, namespace: 'memotel-deferred' }, (args) => ({
      resolveDir: process.cwd(),
      loader: 'js',
      contents: `let real;
const load = () => (real ??= require(${JSON.stringify('memotel-real:' + args.path)}));
module.exports = new Proxy({}, {
  get: (_t, key) => load()[key],
  has: (_t, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_t, key) => Object.getOwnPropertyDescriptor(load(), key),
});`,
    }));
  },
};

// ESM bundles need `require` for the CommonJS dependencies they contain.
const esmBanner = "import { createRequire as __memotelCreateRequire } from 'node:module'; const require = __memotelCreateRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.6',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [deferPlugin],
  // import-in-the-middle's hook must be loaded by Node's loader as a file of its own.
  external: ['import-in-the-middle', 'import-in-the-middle/*'],
  legalComments: 'none',
};

await rm('dist/bundle', { recursive: true, force: true });
await build({
  ...common,
  format: 'esm',
  splitting: true,
  outdir: '.',
  chunkNames: 'dist/bundle/chunk-[hash]',
  entryPoints: {
    register: 'register.ts',
    'dist/bundle/index': 'src/index.ts',
    'dist/bundle/memory': 'src/memory/index.ts',
    ...(await optional('dist/bundle/cli', 'src/cli/bin.ts')),
    ...(await optional('dist/bundle/hooks', 'src/hooks/index.ts')),
  },
  banner: { js: esmBanner },
});
await build({
  ...common,
  format: 'cjs',
  outfile: 'register.cjs',
  entryPoints: ['register.cjs.ts'],
});
try { await chmod('dist/bundle/cli.js', 0o755); } catch {}

async function optional(name, file) {
  try { await (await import('node:fs/promises')).access(file); return { [name]: file }; } catch { return {}; }
}
