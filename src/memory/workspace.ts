// One repository's memory resources, opened once on first use: the git repository, the
// vector index for the configured embedding model, and the lock path.
import path from 'node:path';
import type { EmbeddingProvider } from './embedding/provider.js';
import { GitRepository, type GitOptions } from './git.js';
import type { LockOptions } from './lock.js';
import type { MemoryLogger } from './logger.js';
import { VectorIndex, indexNameFor } from './vector-index.js';

export interface OpenedWorkspace {
  git: GitRepository;
  index: VectorIndex;
  lockPath: string;
}

export interface WorkspaceOptions {
  git?: Omit<GitOptions, 'logger'>;
  lock?: Omit<LockOptions, 'logger'>;
}

export class Workspace {
  /** The directory as given, made absolute (the work tree root once opened). */
  readonly dir: string;
  readonly embedder: EmbeddingProvider;
  readonly logger: MemoryLogger;
  readonly lockOptions: LockOptions;
  readonly #gitOptions: GitOptions;
  #opened: Promise<OpenedWorkspace> | undefined;

  constructor(dir: string, embedder: EmbeddingProvider, logger: MemoryLogger, options: WorkspaceOptions = {}) {
    this.dir = path.resolve(dir);
    this.embedder = embedder;
    this.logger = logger;
    this.lockOptions = { ...options.lock, logger };
    this.#gitOptions = { ...options.git, logger };
  }

  open(): Promise<OpenedWorkspace> {
    if (!this.#opened) {
      this.#opened = this.#open();
      // A failed open (not a repository yet) may succeed later: do not cache the failure.
      this.#opened.catch(() => {
        this.#opened = undefined;
      });
    }
    return this.#opened;
  }

  async #open(): Promise<OpenedWorkspace> {
    const git = await GitRepository.open(this.dir, this.#gitOptions);
    const memotelDir = path.join(git.commonDir, 'memotel');
    const index = new VectorIndex({
      dir: path.join(memotelDir, 'index'),
      name: indexNameFor(this.embedder.provider, this.embedder.model),
      repo: git.root,
      logger: this.logger,
    });
    return { git, index, lockPath: path.join(memotelDir, 'lock') };
  }
}
