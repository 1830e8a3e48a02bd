// The shape of src/generated/instrumentation-manifest.ts (written by scripts/instrumentations.mjs).

/** A file inside a package that an instrumentation patches, as its module definition names it. */
export interface ManifestFile {
  /** `<package>/<path>`, e.g. `pg/lib/client.js`. */
  name: string;
  versions: string[];
}

/** One module definition: a package (or built-in) and the versions the instrumentation supports. */
export interface ManifestModule {
  name: string;
  versions: string[];
  files: ManifestFile[];
}

export interface InstrumentationManifestEntry {
  /** The short name OTEL_NODE_ENABLED_INSTRUMENTATIONS uses (`express`, `pg`, `memotel-mcp`). */
  name: string;
  /** The npm package it comes from (`memotel` for memotel's own). */
  pkg: string;
  /** The class the bundle exports. */
  exportName: string;
  version: string;
  defaultEnabled: boolean;
  /**
   * `lazy`: dist/bundle/instrumentations/<bundle>, loaded when a module it patches first loads;
   * `sdk`: part of the SDK bundle, created at start; `runtime-metrics`: started by
   * src/sdk/runtime-metrics.ts.
   */
  loading: 'lazy' | 'sdk' | 'runtime-metrics';
  bundle?: string;
  modules: ManifestModule[];
}
