// memotel's instrumentations: one per channel of the contract in src/memory/channels.ts.
import { CaptureInstrumentation } from './capture.js';
import { EmbeddingInstrumentation } from './embedding.js';
import { GitInstrumentation } from './git.js';
import { IndexInstrumentation } from './memory-index.js';
import { RecallInstrumentation } from './recall.js';
import type { GitInstrumentationConfig, MemotelInstrumentationConfig, MemotelInstrumentationName } from './types.js';

export { CaptureInstrumentation, EmbeddingInstrumentation, GitInstrumentation, IndexInstrumentation, RecallInstrumentation };
export type { GitInstrumentationConfig, MemotelInstrumentationConfig, MemotelInstrumentationName };
export { redactUrlCredentials } from './redact.js';
export { errorTypeOf } from './error-type.js';
export { DEFAULT_METRIC_NAMESPACES } from './metric-values.js';
export { PACKAGE_VERSION, SCOPE_NAMES } from './version.js';
export * as semconv from './semconv.js';

/** Every constructor accepts the shared config; GitInstrumentation also reads `captureArgs`. */
export type MemotelInstrumentationClass = new (
  config?: GitInstrumentationConfig,
) => CaptureInstrumentation | RecallInstrumentation | EmbeddingInstrumentation | IndexInstrumentation | GitInstrumentation;

/**
 * Every memotel instrumentation by the name configuration uses to disable it.
 * Construct lazily, after configuration is resolved: constructing one subscribes (enable()).
 */
export const MEMOTEL_INSTRUMENTATIONS: Readonly<Record<MemotelInstrumentationName, MemotelInstrumentationClass>> = {
  'memotel-capture': CaptureInstrumentation,
  'memotel-recall': RecallInstrumentation,
  'memotel-embedding': EmbeddingInstrumentation,
  'memotel-index': IndexInstrumentation,
  'memotel-git': GitInstrumentation,
};
