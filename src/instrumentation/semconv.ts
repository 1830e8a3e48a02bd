// Every span, attribute and metric name memotel emits, in one place.
//
// Dashboards and alerts are built on these exact strings: change one only together with
// docs/telemetry.md. Stable names come from @opentelemetry/semantic-conventions; GenAI,
// process and VCS names are not stable yet (GenAI moved to semantic-conventions-genai), so
// they are copied here as constants, the way opentelemetry-js-contrib instrumentations do,
// instead of importing an incubating entry point whose exports change between releases.
import type { SilentFailureLocation } from '../memory/channels.js';

export {
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ERROR_TYPE_VALUE_OTHER,
} from '@opentelemetry/semantic-conventions';

// --- GenAI (semantic-conventions-genai) -------------------------------------------------
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name' as const;
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name' as const;
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model' as const;
export const ATTR_GEN_AI_REQUEST_TOP_K = 'gen_ai.request.top_k' as const;
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count' as const;
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens' as const;
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type' as const;
export const ATTR_GEN_AI_MEMORY_STORE_ID = 'gen_ai.memory.store.id' as const;
export const ATTR_GEN_AI_MEMORY_RECORD_ID = 'gen_ai.memory.record.id' as const;
export const ATTR_GEN_AI_MEMORY_RECORD_COUNT = 'gen_ai.memory.record.count' as const;
/** Opt-in (content). */
export const ATTR_GEN_AI_MEMORY_QUERY_TEXT = 'gen_ai.memory.query.text' as const;
/** Opt-in (content): JSON array of {content, id?, score?, metadata?}. */
export const ATTR_GEN_AI_MEMORY_RECORDS = 'gen_ai.memory.records' as const;

export const GEN_AI_OPERATION_NAME_VALUE_CREATE_MEMORY = 'create_memory' as const;
export const GEN_AI_OPERATION_NAME_VALUE_SEARCH_MEMORY = 'search_memory' as const;
export const GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS = 'embeddings' as const;
export const GEN_AI_TOKEN_TYPE_VALUE_INPUT = 'input' as const;

// --- process / VCS (incubating) ----------------------------------------------------------
export const ATTR_PROCESS_EXECUTABLE_NAME = 'process.executable.name' as const;
export const ATTR_PROCESS_EXIT_CODE = 'process.exit.code' as const;
/** Opt-in only (GitInstrumentation captureArgs): arguments can carry paths and refs. */
export const ATTR_PROCESS_COMMAND_ARGS = 'process.command_args' as const;
export const ATTR_VCS_REPOSITORY_URL_FULL = 'vcs.repository.url.full' as const;
export const ATTR_VCS_REPOSITORY_NAME = 'vcs.repository.name' as const;
export const ATTR_VCS_REF_HEAD_NAME = 'vcs.ref.head.name' as const;
export const ATTR_VCS_REF_HEAD_REVISION = 'vcs.ref.head.revision' as const;
export const ATTR_VCS_REF_HEAD_TYPE = 'vcs.ref.head.type' as const;

// --- session -------------------------------------------------------------------------------
/** Always the keyed hash, never the raw id (see src/processors/session.ts). */
export const ATTR_SESSION_ID = 'session.id' as const;

// --- memotel (no convention exists) -------------------------------------------------------
export const ATTR_MEMOTEL_MEMORY_NAMESPACE = 'memotel.memory.namespace' as const;
/** capture | search | get | reindex: the channel's `operation` field, on spans and metrics. */
export const ATTR_MEMOTEL_MEMORY_OPERATION = 'memotel.memory.operation' as const;
export const ATTR_MEMOTEL_MEMORY_INDEXED = 'memotel.memory.indexed' as const;
export const ATTR_MEMOTEL_MEMORY_DEGRADED = 'memotel.memory.degraded' as const;
export const ATTR_MEMOTEL_MEMORY_CONTENT_SIZE = 'memotel.memory.content.size' as const;
export const ATTR_MEMOTEL_RECALL_MIN_SIMILARITY = 'memotel.recall.min_similarity' as const;
export const ATTR_MEMOTEL_EMBEDDING_INPUT_COUNT = 'memotel.embedding.input.count' as const;
export const ATTR_MEMOTEL_EMBEDDING_LOCAL = 'memotel.embedding.local' as const;
export const ATTR_MEMOTEL_EMBEDDING_ATTEMPTS = 'memotel.embedding.attempts' as const;
export const ATTR_MEMOTEL_INDEX_OPERATION = 'memotel.index.operation' as const;
export const ATTR_MEMOTEL_INDEX_K = 'memotel.index.k' as const;
export const ATTR_MEMOTEL_INDEX_RESULT_COUNT = 'memotel.index.result.count' as const;
export const ATTR_MEMOTEL_INDEX_RECORD_COUNT = 'memotel.index.record.count' as const;
export const ATTR_MEMOTEL_GIT_SUBCOMMAND = 'memotel.git.subcommand' as const;
export const ATTR_MEMOTEL_GIT_NOTES_REF = 'memotel.git.notes.ref' as const;
export const ATTR_MEMOTEL_OUTCOME = 'memotel.outcome' as const;
/** On a span: how many handled errors were recorded on it (see silent-failures.ts). */
export const ATTR_MEMOTEL_SILENT_FAILURE_COUNT = 'memotel.silent_failure.count' as const;
/** On an exception event or log record: marks a handled error (FailureSpanProcessor skips it). */
export const ATTR_MEMOTEL_SILENT_FAILURE = 'memotel.silent_failure' as const;
export const ATTR_MEMOTEL_SILENT_FAILURE_LOCATION = 'memotel.silent_failure.location' as const;
export const ATTR_MEMOTEL_SILENT_FAILURE_HANDLING = 'memotel.silent_failure.handling' as const;

export const MEMOTEL_OUTCOME_VALUE_SUCCESS = 'success' as const;
export const MEMOTEL_OUTCOME_VALUE_DEGRADED = 'degraded' as const;
export const MEMOTEL_OUTCOME_VALUE_ERROR = 'error' as const;
export type MemotelOutcome =
  | typeof MEMOTEL_OUTCOME_VALUE_SUCCESS
  | typeof MEMOTEL_OUTCOME_VALUE_DEGRADED
  | typeof MEMOTEL_OUTCOME_VALUE_ERROR;

/** Metric value of memotel.memory.namespace when an operation spans every namespace. */
export const NAMESPACE_VALUE_ALL = '_all' as const;
/** Metric value for a namespace or location outside the fixed list (keeps series bounded). */
export const VALUE_OTHER = '_other' as const;

// --- span names ------------------------------------------------------------------------------
export const SPAN_NAME_REINDEX = 'memotel.reindex' as const;
export const EXCEPTION_EVENT_NAME = 'exception' as const;
/** Event name of the log record a silent failure emits (semconv v1.40 exception-as-log). */
export const SILENT_FAILURE_LOG_EVENT_NAME = 'memotel.silent_failure.exception' as const;

// --- metrics -----------------------------------------------------------------------------------
// Released GenAI names; the newest drafts call the embeddings one gen_ai.client.embeddings.duration.
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration' as const;
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage' as const;
export const METRIC_MEMOTEL_MEMORY_OPERATION_DURATION = 'memotel.memory.operation.duration' as const;
export const METRIC_MEMOTEL_GIT_COMMAND_DURATION = 'memotel.git.command.duration' as const;
export const METRIC_MEMOTEL_INDEX_OPERATION_DURATION = 'memotel.index.operation.duration' as const;
export const METRIC_MEMOTEL_MEMORY_CAPTURES = 'memotel.memory.captures' as const;
export const METRIC_MEMOTEL_MEMORY_RECALL_RESULTS = 'memotel.memory.recall.results' as const;
export const METRIC_MEMOTEL_EMBEDDING_INPUTS = 'memotel.embedding.inputs' as const;
export const METRIC_MEMOTEL_INDEX_RECORDS = 'memotel.index.records' as const;
export const METRIC_MEMOTEL_SILENT_FAILURES = 'memotel.silent_failures' as const;

/** GenAI duration buckets (seconds), also used for memory and git durations. */
export const GEN_AI_DURATION_BUCKETS: number[] = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/** GenAI token-count buckets. */
export const GEN_AI_TOKEN_BUCKETS: number[] = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** Index operations run in-process on a small file: sub-millisecond to seconds (seconds). */
export const INDEX_DURATION_BUCKETS: number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * Silent-failure locations memotel's services report. Others map to `_other` on the metric
 * (the span event and log record keep the real value). A Record so the compiler flags a
 * location added to the channel contract but not here.
 */
const KNOWN_LOCATIONS: Record<SilentFailureLocation, true> = {
  'capture.embed': true,
  'capture.index': true,
  'lock.release': true,
  'recall.note-unreadable': true,
  'reindex.note-unreadable': true,
  'embedding.retry': true,
  'index.load': true,
};
export const SILENT_FAILURE_LOCATIONS: readonly string[] = Object.keys(KNOWN_LOCATIONS);
