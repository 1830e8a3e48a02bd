// Recall: search the vector index and read the hits back from the notes; fetch one memory by
// id; rebuild the index from every notes ref (reindex).
import { reportSilentFailure, traced, type RecallContext, type RecallOperation } from './channels.js';
import { embeddingTextOf, codeOf } from './capture.js';
import { MemotelError } from './errors.js';
import type { GitRepository } from './git.js';
import { formatMemoryId, parseMemoryId } from './ids.js';
import { withLock } from './lock.js';
import { assertNamespace, isNamespace, notesRefFor, NOTES_REF_PREFIX } from './namespaces.js';
import { parseNote, type StoredMemory } from './note-format.js';
import type { IndexEntry, IndexRecord } from './vector-index.js';
import type { Workspace } from './workspace.js';

export interface SearchOptions {
  /** Results wanted, 1..100; 5 by default. */
  k?: number;
  namespace?: string;
  /** Drop results whose cosine similarity is below this (-1..1); 0 by default. */
  minSimilarity?: number;
}

export interface RecalledMemory {
  id: string;
  namespace: string;
  summary: string;
  content: string;
  /** Cosine similarity to the query (search only). */
  score?: number;
  commit: string;
  created: string;
}

export interface ReindexResult {
  /** Memories now in the index. */
  indexed: number;
  /** Notes that could not be read or parsed (each reported as reindex.note-unreadable). */
  skippedNotes: number;
}

export const MAX_K = 100;

export class RecallService {
  readonly #workspace: Workspace;

  constructor(workspace: Workspace) {
    this.#workspace = workspace;
  }

  search(query: string, options: SearchOptions = {}): Promise<RecalledMemory[]> {
    const k = options.k ?? 5;
    const minSimilarity = options.minSimilarity ?? 0;
    const build = (): RecallContext => ({
      ...this.#base('search'),
      query: typeof query === 'string' ? query : '',
      k,
      minSimilarity,
      ...(options.namespace !== undefined && { namespace: String(options.namespace) }),
    });
    return traced('recall', build, async (ctx) => {
      if (typeof query !== 'string' || query.trim() === '') {
        throw new MemotelError('MEMOTEL_ERR_INVALID_ARGUMENT', 'The search query is empty: pass the text to look for.');
      }
      if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
        throw new MemotelError('MEMOTEL_ERR_INVALID_ARGUMENT', `k=${k} is out of range: ask for 1 to ${MAX_K} results.`);
      }
      if (typeof minSimilarity !== 'number' || !(minSimilarity >= -1 && minSimilarity <= 1)) {
        throw new MemotelError('MEMOTEL_ERR_INVALID_ARGUMENT', `minSimilarity=${minSimilarity} is out of range: use a number from -1 to 1.`);
      }
      const namespace = options.namespace === undefined ? undefined : assertNamespace(options.namespace);
      const { git, index } = await this.#workspace.open();
      if (ctx) ctx.repo = git.root;
      const [vector] = await this.#workspace.embedder.embed([query]);
      const hits = await index.search(vector!, { k, namespace, minSimilarity });
      const notes = new NoteCache(git);
      const found = await Promise.all(
        hits.map(async (hit): Promise<RecalledMemory | undefined> => {
          try {
            const memory = await notes.memory(hit);
            return memory ? { ...toRecalled(hit, memory), score: hit.score } : undefined;
          } catch (error) {
            reportSilentFailure('recall.note-unreadable', error, 'result skipped');
            this.#workspace.logger.warn({ id: hit.id, code: codeOf(error) }, 'search hit could not be read; skipped');
            return undefined;
          }
        }),
      );
      const results = found.filter((r): r is RecalledMemory => r !== undefined);
      this.#record(ctx, results);
      this.#workspace.logger.debug({ namespace, k, resultCount: results.length }, 'search done');
      return results;
    });
  }

  get(id: string): Promise<RecalledMemory> {
    const build = (): RecallContext => ({ ...this.#base('get'), id: String(id) });
    return traced('recall', build, async (ctx) => {
      const parts = parseMemoryId(id);
      const { git } = await this.#workspace.open();
      if (ctx) ctx.repo = git.root;
      const text = await git.readNote(notesRefFor(parts.namespace), parts.commit);
      const memory = text === undefined ? undefined : parseNote(text)[parts.index];
      if (!memory) {
        throw new MemotelError(
          'MEMOTEL_ERR_NOT_FOUND',
          `No memory ${id} in ${git.root}: it was removed, or the notes were not fetched (git fetch origin "refs/notes/*:refs/notes/*").`,
        );
      }
      const result = toRecalled({ id, namespace: parts.namespace, commit: parts.commit }, memory);
      this.#record(ctx, [result]);
      return result;
    });
  }

  /** Rebuilds the index of the configured model from every memotel notes ref. */
  reindex(): Promise<ReindexResult> {
    return traced('recall', () => this.#base('reindex'), async (ctx) => {
      const { git, index, lockPath } = await this.#workspace.open();
      if (ctx) ctx.repo = git.root;
      const result = await withLock(lockPath, this.#workspace.lockOptions, async () => {
        const { records, skippedNotes } = await readAllMemories(git);
        const vectors = records.length > 0 ? await this.#workspace.embedder.embed(records.map((r) => embeddingTextOf(r.memory))) : [];
        const entries: IndexEntry[] = records.map((r, i) => ({ ...r.record, vector: vectors[i]! }));
        await index.rebuild(entries);
        return { indexed: entries.length, skippedNotes };
      });
      if (ctx) ctx.resultCount = result.indexed;
      this.#workspace.logger.info({ indexed: result.indexed, skippedNotes: result.skippedNotes }, 'reindex done');
      return result;
    });
  }

  #base(operation: RecallOperation): RecallContext {
    return { operation, repo: this.#workspace.dir };
  }

  #record(ctx: RecallContext | undefined, results: RecalledMemory[]): void {
    if (!ctx) return;
    ctx.resultCount = results.length;
    ctx.results = results.map((r) => ({
      id: r.id,
      namespace: r.namespace,
      summary: r.summary,
      ...(r.score !== undefined && { score: r.score }),
    }));
  }
}

function toRecalled(where: { id: string; namespace: string; commit: string }, memory: StoredMemory): RecalledMemory {
  return {
    id: where.id,
    namespace: where.namespace,
    summary: memory.summary,
    content: memory.content,
    commit: where.commit,
    created: memory.created,
  };
}

/** Reads each note once per search, however many hits it holds. */
class NoteCache {
  readonly #git: GitRepository;
  readonly #notes = new Map<string, Promise<StoredMemory[] | undefined>>();

  constructor(git: GitRepository) {
    this.#git = git;
  }

  async memory(hit: IndexRecord): Promise<StoredMemory | undefined> {
    const parts = parseMemoryId(hit.id);
    const key = `${parts.namespace}:${parts.commit}`;
    let note = this.#notes.get(key);
    if (!note) {
      note = this.#git.readNote(notesRefFor(parts.namespace), parts.commit).then((t) => (t === undefined ? undefined : parseNote(t)));
      this.#notes.set(key, note);
    }
    const memories = await note;
    const memory = memories?.[parts.index];
    if (!memory) {
      throw new MemotelError('MEMOTEL_ERR_NOT_FOUND', `Indexed memory ${hit.id} is no longer in the notes; run reindex.`);
    }
    return memory;
  }
}

/** Every memory in every memotel notes ref; unreadable notes are reported and skipped. */
async function readAllMemories(git: GitRepository): Promise<{ records: Array<{ record: IndexRecord; memory: StoredMemory }>; skippedNotes: number }> {
  const records: Array<{ record: IndexRecord; memory: StoredMemory }> = [];
  let skippedNotes = 0;
  for (const ref of await git.listMemoryRefs()) {
    const namespace = ref.slice(NOTES_REF_PREFIX.length);
    if (!isNamespace(namespace)) {
      reportSilentFailure(
        'reindex.note-unreadable',
        new MemotelError('MEMOTEL_ERR_INVALID_NAMESPACE', `Notes ref ${ref} is not a memotel namespace.`),
        'ref skipped',
      );
      skippedNotes++;
      continue;
    }
    const notes = await git.listNotes(ref);
    const blobs = await git.readBlobs(notes.map((n) => n.blob));
    for (const note of notes) {
      const text = blobs.get(note.blob);
      try {
        if (text === undefined) throw new MemotelError('MEMOTEL_ERR_NOTE_UNREADABLE', `The note blob ${note.blob} is missing.`);
        parseNote(text).forEach((memory, position) => {
          const id = formatMemoryId({ namespace, commit: note.commit, index: position });
          records.push({ record: { id, namespace, commit: note.commit, summary: memory.summary, created: memory.created }, memory });
        });
      } catch (error) {
        reportSilentFailure('reindex.note-unreadable', error, 'note skipped');
        skippedNotes++;
      }
    }
  }
  return { records, skippedNotes };
}
