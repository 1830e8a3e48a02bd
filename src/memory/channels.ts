// The diagnostics-channel contract between memory services and whoever observes them.
//
// Memory services (memotel's own in src/memory, or any other library) publish every
// operation on a TracingChannel named below, with a context object of the documented shape.
// memotel's instrumentations subscribe; the services know nothing of OpenTelemetry.
// docs/channels.md is the user-facing description of this file: keep them in step.
//
// Publishing costs nothing when nobody listens: `traced()` checks for subscribers before it
// builds the context object (the builder is a function for that reason).
// Every traced operation is asynchronous (tracePromise): observers start at `start` and finish
// at `asyncEnd` (with `error` before it on failure), never at `end`.
import diagnostics_channel from 'node:diagnostics_channel';
import type { TracingChannel } from 'node:diagnostics_channel';

export const CHANNEL_PREFIX = 'memotel';

export const CHANNELS = {
  capture: 'memotel:capture',
  recall: 'memotel:recall',
  embedding: 'memotel:embedding',
  index: 'memotel:index',
  git: 'memotel:git',
  silentFailure: 'memotel:silent-failure',
} as const;

/** Fields every traced context may carry; set by the publisher when the operation ends. */
export interface OperationOutcome {
  /** The error the operation threw (set by diagnostics_channel on the `error` event). */
  error?: unknown;
  /** The operation's resolved value (set by diagnostics_channel before `asyncEnd`). It can
   * carry content (e.g. search results): observers must not export it. */
  result?: unknown;
}

/** memotel:capture — storing one memory (validate, serialise, lock, append note, embed, index). */
export interface CaptureContext extends OperationOutcome {
  operation: 'capture';
  namespace: string;
  /** The git notes ref the memory is written to, e.g. refs/notes/mem/decisions. */
  notesRef: string;
  /** Absolute path of the repository's work tree. */
  repo: string;
  /** Content fields: observers must not export them unless the user opted in. */
  summary: string;
  content: string;
  contentBytes: number;
  /** Set on success. */
  id?: string;
  commit?: string;
  /** False when the memory was stored but embedding or indexing failed (a degraded capture). */
  indexed?: boolean;
}

export type RecallOperation = 'search' | 'get' | 'reindex';

/** memotel:recall — searching, fetching one memory, or rebuilding the index from the notes. */
export interface RecallContext extends OperationOutcome {
  operation: RecallOperation;
  repo: string;
  /** search: the query text (content: export only when opted in). */
  query?: string;
  k?: number;
  namespace?: string;
  minSimilarity?: number;
  /** get: the id asked for. */
  id?: string;
  /** Set on success: how many records were returned (search, get) or indexed (reindex). */
  resultCount?: number;
  /** Set on success (search, get): the records returned, best first. Content fields are opt-in. */
  results?: Array<{ id: string; namespace: string; score?: number; summary: string }>;
}

/** memotel:embedding — one call turning a batch of texts into vectors. */
export interface EmbeddingContext extends OperationOutcome {
  operation: 'embed';
  /** e.g. memotel-local, openai-compatible (gen_ai.provider.name). */
  provider: string;
  model: string;
  /** True when the model runs in this process (no network). */
  local: boolean;
  inputCount: number;
  /** Remote providers only. */
  serverAddress?: string;
  serverPort?: number;
  /** Set on success. */
  dimensions?: number;
  inputTokens?: number;
  /** How many HTTP attempts the call took (remote providers). */
  attempts?: number;
}

export type IndexOperation = 'load' | 'insert' | 'delete' | 'search' | 'count' | 'rebuild';

/** memotel:index — one operation on the on-disk vector index. */
export interface IndexContext extends OperationOutcome {
  operation: IndexOperation;
  repo: string;
  namespace?: string;
  k?: number;
  /** search: records returned; insert/delete/rebuild: records affected. */
  resultCount?: number;
  /** Records in the index after the operation (all namespaces). */
  recordCount?: number;
}

/** memotel:git — one run of the git CLI. */
export interface GitContext extends OperationOutcome {
  /** e.g. notes, rev-parse, config. The first argument that is not an option. */
  subcommand: string;
  /** Full argument list. May carry content (note text is passed on stdin, never here, but
   * paths and refs are): observers must not export it by default. */
  args: readonly string[];
  cwd: string;
  /** For `git notes`: the notes ref operated on. */
  notesRef?: string;
  /** Set when the process exits. */
  exitCode?: number;
}

/** memotel:silent-failure — an error the code handled and did not rethrow. */
export interface SilentFailureMessage {
  /** Stable, low-cardinality name of where it happened, e.g. capture.embed, lock.release. */
  location: SilentFailureLocation | string;
  error: unknown;
  /** What the code did instead, e.g. "stored without index", "skipped note". */
  handling?: string;
}

export type SilentFailureLocation =
  | 'capture.embed'
  | 'capture.index'
  | 'lock.release'
  | 'recall.note-unreadable'
  | 'reindex.note-unreadable'
  | 'embedding.retry'
  | 'index.load';

export interface ChannelContexts {
  capture: CaptureContext;
  recall: RecallContext;
  embedding: EmbeddingContext;
  index: IndexContext;
  git: GitContext;
}

type TracedName = keyof ChannelContexts;

const tracing = new Map<TracedName, TracingChannel<unknown, object>>();

export function tracingChannelFor<N extends TracedName>(name: N): TracingChannel<unknown, ChannelContexts[N]> {
  let ch = tracing.get(name);
  if (!ch) {
    ch = diagnostics_channel.tracingChannel(CHANNELS[name]) as TracingChannel<unknown, object>;
    tracing.set(name, ch);
  }
  return ch as unknown as TracingChannel<unknown, ChannelContexts[N]>;
}

/** `TracingChannel.hasSubscribers` exists from Node 20.13 and 22.0; engines allow 20.6. */
export function hasTracingSubscribers(ch: TracingChannel<unknown, object>): boolean {
  const own = (ch as { hasSubscribers?: boolean }).hasSubscribers;
  if (typeof own === 'boolean') return own;
  return (
    ch.start.hasSubscribers ||
    ch.end.hasSubscribers ||
    ch.asyncStart.hasSubscribers ||
    ch.asyncEnd.hasSubscribers ||
    ch.error.hasSubscribers
  );
}

/**
 * Runs `fn` inside the named TracingChannel when someone listens, or plainly otherwise.
 * `fn` receives the context (or undefined when nobody listens) so it can record results on it.
 */
export function traced<N extends TracedName, T>(
  name: N,
  build: () => ChannelContexts[N],
  fn: (ctx: ChannelContexts[N] | undefined) => Promise<T>,
): Promise<T> {
  const ch = tracingChannelFor(name);
  if (!hasTracingSubscribers(ch as TracingChannel<unknown, object>)) return fn(undefined);
  const ctx = build();
  return ch.tracePromise(() => fn(ctx), ctx);
}

const silentFailureChannel = diagnostics_channel.channel(CHANNELS.silentFailure);

/** Reports a handled error. Services must call this instead of swallowing an error. */
export function reportSilentFailure(location: SilentFailureLocation | string, error: unknown, handling?: string): void {
  if (!silentFailureChannel.hasSubscribers) return;
  const message: SilentFailureMessage = { location, error, handling };
  silentFailureChannel.publish(message);
}
