import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** The names used to enable or disable memotel's instrumentations in configuration. */
export type MemotelInstrumentationName =
  | 'memotel-capture'
  | 'memotel-recall'
  | 'memotel-embedding'
  | 'memotel-index'
  | 'memotel-git';

/** Options every memotel instrumentation accepts. */
export interface MemotelInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record memory content (summaries, content, queries, returned records) on spans.
   * Off by default; the register turns it on from OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true.
   */
  captureContent?: boolean;
  /** Longest string a content attribute may hold; longer values are cut (JSON stays valid). */
  attributeValueLengthLimit?: number;
  /**
   * Namespaces reported as themselves on metric attributes; any other becomes `_other`, so a
   * caller inventing namespaces cannot create unbounded series. Spans always carry the real one.
   * Default: memotel's built-in namespaces (see DEFAULT_METRIC_NAMESPACES).
   */
  metricNamespaces?: readonly string[];
}

export interface GitInstrumentationConfig extends MemotelInstrumentationConfig {
  /** Add process.command_args (["git", ...args]) to git spans. Off by default: args carry paths and refs. */
  captureArgs?: boolean;
}
