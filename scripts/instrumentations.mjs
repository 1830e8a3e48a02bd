// Builds the instrumentations memotel loads on demand, and the manifest that says when.
//
// For every instrumentation of @opentelemetry/auto-instrumentations-node (the set, and which of
// them are on by default, are read from that package itself) and for memotel's own
// module-patching instrumentations:
// - a bundle, dist/bundle/instrumentations/<name>.cjs, loaded only when a module it patches is
//   first required or imported (src/sdk/lazy/). The packages every instrumentation shares
//   (@opentelemetry/api, api-logs, core, instrumentation) are not in it: it takes the SDK
//   bundle's copies (src/sdk/lazy/shared-modules.ts), so there is one require hook, one
//   context API and one diag logger in the process;
// - an entry in src/generated/instrumentation-manifest.ts: its name, default, package, version
//   and the module definitions it declares (names, supported versions, patched files), read by
//   constructing it here. Nothing of it is kept by hand.
//
// Run before tsc (the manifest is a source file) and before scripts/build.mjs.
import { build } from 'esbuild';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { slimSemconvPlugin } from './esbuild-plugins.mjs';

const requireFromHere = createRequire(import.meta.url);
const AUTO = '@opentelemetry/auto-instrumentations-node';
// Its dependencies as it resolves them (it has an exports map without package.json).
const AUTO_DIR = join(dirname(requireFromHere.resolve(AUTO)), '../..');
const requireFromAuto = createRequire(join(AUTO_DIR, 'package.json'));
const OUT_DIR = 'dist/bundle/instrumentations';
const MANIFEST = 'src/generated/instrumentation-manifest.ts';

/** Shared with the SDK bundle: keep in step with SHARED_MODULES in src/sdk/lazy/shared-modules.ts. */
const SHARED = ['@opentelemetry/api', '@opentelemetry/api-logs', '@opentelemetry/core', '@opentelemetry/instrumentation'];
const SHARED_KEY = 'memotel.shared-modules';

/**
 * Bundled into the SDK itself rather than loaded on demand: http/https must be patched before
 * the app runs (ESM code imports built-ins through namespaces Node snapshots; src/sdk/preload.ts)
 * and undici's instrumentation subscribes to diagnostics channels, patching no module.
 */
const IN_SDK = new Set(['http', 'undici']);
/** Metrics of the process, not module patches: started by src/sdk/runtime-metrics.ts. */
const RUNTIME_METRICS = new Set(['runtime-node', 'host-metrics']);

/** memotel's own instrumentations that patch modules: name → source entry. */
const MEMOTEL_LAZY = { 'memotel-mcp': 'src/instrumentation/mcp/index.ts' };

const sharedModulesPlugin = {
  name: 'memotel-shared-modules',
  setup(b) {
    const filter = new RegExp(`^(${SHARED.map((s) => s.replace(/[/.]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'memotel-shared' }));
    b.onLoad({ filter: /.*/, namespace: 'memotel-shared' }, (args) => ({
      contents: `module.exports = globalThis[Symbol.for(${JSON.stringify(SHARED_KEY)})][${JSON.stringify(args.path)}];\n`,
      loader: 'js',
    }));
  },
};

const upstream = upstreamInstrumentations();
await rm(OUT_DIR, { recursive: true, force: true });
await mkdir(OUT_DIR, { recursive: true });
const entryPoints = {
  ...Object.fromEntries(
    upstream.filter((u) => !IN_SDK.has(u.name) && !RUNTIME_METRICS.has(u.name)).map((u) => [u.name, requireFromAuto.resolve(u.pkg)]),
  ),
  ...MEMOTEL_LAZY,
};
await build({
  entryPoints,
  outdir: OUT_DIR,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20.6',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  mainFields: ['module', 'main'],
  plugins: [sharedModulesPlugin, slimSemconvPlugin],
  // Optional peers some instrumentations require inside try/catch.
  external: ['@opentelemetry/sdk-trace-base'],
});

// The manifest: module definitions as each instrumentation declares them once constructed.
globalThis[Symbol.for(SHARED_KEY)] = Object.fromEntries(SHARED.map((name) => [name, requireFromHere(name)]));
const entries = [];
for (const u of upstream) {
  const loading = IN_SDK.has(u.name) ? 'sdk' : RUNTIME_METRICS.has(u.name) ? 'runtime-metrics' : 'lazy';
  entries.push({ ...u, loading, bundle: loading === 'lazy' ? `${u.name}.cjs` : undefined, modules: moduleDefinitions(u.instance) });
}
for (const name of Object.keys(MEMOTEL_LAZY)) {
  const exports = requireFromHere(pathToFileURL(join(process.cwd(), OUT_DIR, `${name}.cjs`)).pathname);
  const [exportName, Ctor] = Object.entries(exports).find(([, v]) => typeof v === 'function' && /Instrumentation$/.test(v.name));
  const instance = new Ctor({ enabled: false });
  entries.push({
    name,
    pkg: 'memotel',
    exportName,
    version: instance.instrumentationVersion,
    defaultEnabled: true,
    loading: 'lazy',
    bundle: `${name}.cjs`,
    modules: moduleDefinitions(instance),
  });
}
for (const e of entries) delete e.instance;
entries.sort((a, b) => a.name.localeCompare(b.name));

await mkdir(dirname(MANIFEST), { recursive: true });
await writeFile(
  MANIFEST,
  `// Generated by scripts/instrumentations.mjs from the installed instrumentations; do not edit.\n` +
    `import type { InstrumentationManifestEntry } from '../sdk/lazy/manifest-types.js';\n\n` +
    `/** Every name and whether it is on when nothing is said (what the configuration needs). */\n` +
    `export const INSTRUMENTATION_DEFAULTS: Readonly<Record<string, boolean>> = ${JSON.stringify(Object.fromEntries(entries.map((e) => [e.name, e.defaultEnabled])), null, 2)};\n\n` +
    `export const INSTRUMENTATION_MANIFEST: readonly InstrumentationManifestEntry[] = ${JSON.stringify(entries, null, 2)};\n`,
);
console.log(`instrumentations: ${entries.filter((e) => e.loading === 'lazy').length} bundles, ${entries.length} in the manifest`);

/**
 * auto-instrumentations-node's instrumentations, constructed (disabled) from its own list: the
 * package names are its dependencies, the default set is what getNodeAutoInstrumentations()
 * returns when no variable says otherwise.
 */
function upstreamInstrumentations() {
  const { getNodeAutoInstrumentations } = requireFromAuto(AUTO);
  for (const v of ['OTEL_NODE_ENABLED_INSTRUMENTATIONS', 'OTEL_NODE_DISABLED_INSTRUMENTATIONS']) delete process.env[v];
  const packages = Object.keys(requireFromAuto('./package.json').dependencies).filter((p) =>
    p.startsWith('@opentelemetry/instrumentation-'),
  );
  const byDefault = new Set(getNodeAutoInstrumentations().map((i) => (i.disable(), i.instrumentationName)));
  return packages.map((pkg) => {
    const exports = requireFromAuto(pkg);
    const [exportName, Ctor] = Object.entries(exports).find(([k, v]) => typeof v === 'function' && k.endsWith('Instrumentation'));
    const instance = new Ctor({ enabled: false });
    return {
      name: pkg.slice('@opentelemetry/instrumentation-'.length),
      pkg,
      exportName,
      version: instance.instrumentationVersion,
      defaultEnabled: byDefault.has(instance.instrumentationName ?? pkg) || byDefault.has(pkg),
      instance,
    };
  });
}

function moduleDefinitions(instance) {
  const defs = typeof instance.getModuleDefinitions === 'function' ? instance.getModuleDefinitions() : [];
  return defs.map((d) => ({
    name: d.name,
    versions: d.supportedVersions,
    files: (d.files ?? []).map((f) => ({ name: f.name, versions: f.supportedVersions })),
  }));
}
