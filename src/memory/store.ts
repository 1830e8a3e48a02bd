// The facade: one object per repository exposing capture, search, get and reindex.
import { CaptureService, type CaptureInput, type CaptureResult } from './capture.js';
import { createEmbeddingProvider, type EmbeddingConfig } from './embedding/config.js';
import type { EmbeddingProvider } from './embedding/provider.js';
import { MemotelError } from './errors.js';
import { noopLogger, type MemoryLogger } from './logger.js';
import { RecallService, type RecalledMemory, type ReindexResult, type SearchOptions } from './recall.js';
import type { IndexRecord } from './vector-index.js';
import { Workspace, type WorkspaceOptions } from './workspace.js';

export interface MemoryStoreOptions extends WorkspaceOptions {
  /** A directory inside the git work tree the memories belong to. */
  repo: string;
  /** A config (see embeddingConfigFromEnv) or a ready provider; memotel-local by default. */
  embedding?: EmbeddingConfig | EmbeddingProvider;
  /** pino-shaped logger; silent by default. */
  logger?: MemoryLogger;
}

export interface MemoryStore {
  /** The directory given, made absolute. */
  readonly repo: string;
  readonly embedding: EmbeddingProvider;
  capture(input: CaptureInput): Promise<CaptureResult>;
  search(query: string, options?: SearchOptions): Promise<RecalledMemory[]>;
  get(id: string): Promise<RecalledMemory>;
  reindex(): Promise<ReindexResult>;
  /** The newest indexed memories (summaries only, no content), e.g. for a session start. */
  recent(limit?: number, namespace?: string): Promise<IndexRecord[]>;
  /** Indexed memories, in one namespace or all. */
  count(namespace?: string): Promise<number>;
}

export function createMemoryStore(options: MemoryStoreOptions): MemoryStore {
  if (!options || typeof options.repo !== 'string' || options.repo === '') {
    throw new MemotelError('MEMOTEL_ERR_INVALID_CONFIG', 'createMemoryStore needs { repo }: the path of a git work tree.');
  }
  const logger = options.logger ?? noopLogger;
  const embedder = createEmbeddingProvider(options.embedding, { logger });
  const workspace = new Workspace(options.repo, embedder, logger, options);
  const capture = new CaptureService(workspace);
  const recall = new RecallService(workspace);
  return {
    repo: workspace.dir,
    embedding: embedder,
    capture: (input) => capture.capture(input),
    search: (query, searchOptions) => recall.search(query, searchOptions),
    get: (id) => recall.get(id),
    reindex: () => recall.reindex(),
    recent: async (limit = 10, namespace) => (await workspace.open()).index.recent(limit, namespace),
    count: async (namespace) => (await workspace.open()).index.count(namespace),
  };
}
