// A stand-in for an instrumentation that is not loaded yet. It is what the SDK and the app's
// handle see from the start (enable/disable/setConfig and the providers work on it at any
// time); the instrumentation itself is loaded from its bundle and constructed only when a
// module it patches is first loaded (targets.ts wakes it from the require and import hooks).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { diag, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import type { LoggerProvider } from '@opentelemetry/api-logs';
import type { Instrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { InstrumentationManifestEntry } from './manifest-types.js';

type FullInstrumentation = Instrumentation & { setLoggerProvider?(provider: LoggerProvider): void };

export class LazyInstrumentation implements Instrumentation {
  readonly instrumentationName: string;
  readonly instrumentationVersion: string;
  /** The short name (`express`). */
  readonly name: string;
  readonly #entry: InstrumentationManifestEntry;
  readonly #bundleDir: URL;
  #config: InstrumentationConfig;
  #real: FullInstrumentation | undefined;
  #failed = false;
  #tracerProvider: TracerProvider | undefined;
  #meterProvider: MeterProvider | undefined;
  #loggerProvider: LoggerProvider | undefined;

  constructor(entry: InstrumentationManifestEntry, bundleDir: URL, config: InstrumentationConfig = {}) {
    this.#entry = entry;
    this.#bundleDir = bundleDir;
    this.#config = { enabled: true, ...config };
    this.name = entry.name;
    this.instrumentationName = entry.pkg === 'memotel' ? `memotel-${entry.name.replace(/^memotel-/, '')}` : entry.pkg;
    this.instrumentationVersion = entry.version;
  }

  /** True once loading was tried: loaded, or failed (and reported) for good. */
  get settled(): boolean {
    return this.#real !== undefined || this.#failed;
  }

  /**
   * Loads and constructs the instrumentation (once). Constructing it registers its module hooks,
   * so the module being loaded right now is patched too. A failure is reported once and leaves
   * the module unpatched; it never reaches the app.
   */
  load(reason: string): void {
    if (this.#real || this.#failed) return;
    try {
      const file = new URL(this.#entry.bundle!, this.#bundleDir);
      const bundle = createRequire(file)(fileURLToPath(file)) as Record<string, unknown>;
      const Ctor = bundle[this.#entry.exportName] as new (config: InstrumentationConfig) => FullInstrumentation;
      const real = new Ctor({ ...this.#config });
      if (this.#tracerProvider) real.setTracerProvider(this.#tracerProvider);
      if (this.#meterProvider) real.setMeterProvider(this.#meterProvider);
      if (this.#loggerProvider) real.setLoggerProvider?.(this.#loggerProvider);
      this.#real = real;
      diag.debug(`memotel: instrumentation "${this.name}" loaded (${reason})`);
    } catch (err) {
      this.#failed = true;
      diag.warn(`instrumentation "${this.name}" could not be loaded (${reason}); what it patches stays uninstrumented:`, err);
    }
  }

  enable(): void {
    this.#config = { ...this.#config, enabled: true };
    this.#real?.enable();
  }

  disable(): void {
    this.#config = { ...this.#config, enabled: false };
    this.#real?.disable();
  }

  setConfig(config: InstrumentationConfig): void {
    this.#config = { ...config };
    this.#real?.setConfig(config);
  }

  getConfig(): InstrumentationConfig {
    return this.#real?.getConfig() ?? this.#config;
  }

  setTracerProvider(provider: TracerProvider): void {
    this.#tracerProvider = provider;
    this.#real?.setTracerProvider(provider);
  }

  setMeterProvider(provider: MeterProvider): void {
    this.#meterProvider = provider;
    this.#real?.setMeterProvider(provider);
  }

  setLoggerProvider(provider: LoggerProvider): void {
    this.#loggerProvider = provider;
    this.#real?.setLoggerProvider?.(provider);
  }
}
