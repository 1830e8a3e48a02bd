// Capture: validate, serialise, embed, then under the lock append the note and index it.
//
// Embedding runs before the lock is taken: it needs no shared state and may take seconds with
// a remote model, while the lock should be held for milliseconds. A failed embedding or index
// write never loses the memory: it is stored, the result says indexed: false, and the error
// is reported on memotel:silent-failure (reindex repairs the index later).
import { reportSilentFailure, traced, type CaptureContext } from './channels.js';
import { MemotelError } from './errors.js';
import { formatMemoryId } from './ids.js';
import { withLock } from './lock.js';
import { assertNamespace, notesRefFor, NOTES_REF_PREFIX, type Namespace } from './namespaces.js';
import { appendToNote, parseNote, type StoredMemory } from './note-format.js';
import type { Workspace } from './workspace.js';

export const MAX_SUMMARY_CHARS = 100;
export const MAX_CONTENT_BYTES = 64 * 1024;

export interface CaptureInput {
  namespace: string;
  /** One line, at most 100 characters: what a reader sees in a result list. */
  summary: string;
  /** The body, up to 64 KiB of UTF-8; stored verbatim. */
  content?: string;
  /** The commit to attach to; HEAD by default. */
  commit?: string;
}

export interface CaptureResult {
  id: string;
  namespace: Namespace;
  commit: string;
  /** False when the memory was stored but could not be embedded or indexed (run reindex). */
  indexed: boolean;
}

export interface ValidMemoryInput {
  namespace: Namespace;
  summary: string;
  content: string;
}

export function validateCaptureInput(input: CaptureInput): ValidMemoryInput {
  const namespace = assertNamespace(input?.namespace);
  if (typeof input.summary !== 'string' || input.summary.trim() === '') {
    throw new MemotelError('MEMOTEL_ERR_INVALID_SUMMARY', 'The summary is empty: give a one-line summary of at most 100 characters.');
  }
  const summary = input.summary.trim();
  if (/[\r\n]/.test(summary)) {
    throw new MemotelError('MEMOTEL_ERR_INVALID_SUMMARY', 'The summary has a line break: keep it to one line and put details in the content.');
  }
  const length = [...summary].length;
  if (length > MAX_SUMMARY_CHARS) {
    throw new MemotelError(
      'MEMOTEL_ERR_INVALID_SUMMARY',
      `The summary is ${length} characters long; the limit is ${MAX_SUMMARY_CHARS}: shorten it and put details in the content.`,
    );
  }
  const content = input.content ?? '';
  if (typeof content !== 'string') {
    throw new MemotelError('MEMOTEL_ERR_INVALID_ARGUMENT', `The content must be a string, got ${typeof content}.`);
  }
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > MAX_CONTENT_BYTES) {
    throw new MemotelError(
      'MEMOTEL_ERR_CONTENT_TOO_LARGE',
      `The content is ${bytes} bytes; the limit is ${MAX_CONTENT_BYTES} (64 KiB): split it into several memories or store a link to a file.`,
    );
  }
  return { namespace, summary, content };
}

/** The text a memory is embedded as (summary first: it is what queries usually echo). */
export function embeddingTextOf(memory: { summary: string; content: string }): string {
  return memory.content ? `${memory.summary}\n\n${memory.content}` : memory.summary;
}

export class CaptureService {
  readonly #workspace: Workspace;

  constructor(workspace: Workspace) {
    this.#workspace = workspace;
  }

  capture(input: CaptureInput): Promise<CaptureResult> {
    const build = (): CaptureContext => ({
      operation: 'capture',
      namespace: String(input?.namespace),
      notesRef: NOTES_REF_PREFIX + String(input?.namespace),
      repo: this.#workspace.dir,
      summary: typeof input?.summary === 'string' ? input.summary : '',
      content: typeof input?.content === 'string' ? input.content : '',
      contentBytes: typeof input?.content === 'string' ? Buffer.byteLength(input.content, 'utf8') : 0,
    });
    return traced('capture', build, async (ctx) => {
      const valid = validateCaptureInput(input);
      const { git, index, lockPath } = await this.#workspace.open();
      if (ctx) ctx.repo = git.root;
      const commit = await git.resolveCommit(input.commit ?? 'HEAD');
      const memory: StoredMemory = { ...valid, created: new Date().toISOString() };
      const logger = this.#workspace.logger;

      let vector: number[] | undefined;
      try {
        [vector] = await this.#workspace.embedder.embed([embeddingTextOf(memory)]);
      } catch (error) {
        reportSilentFailure('capture.embed', error, 'stored without index');
        logger.warn({ namespace: valid.namespace, code: codeOf(error) }, 'memory could not be embedded; storing without index');
      }

      const notesRef = notesRefFor(valid.namespace);
      const result = await withLock(lockPath, this.#workspace.lockOptions, async () => {
        let position = 0;
        await git.appendNote(notesRef, commit, (existing) => {
          position = existing ? parseNote(existing).length : 0;
          return appendToNote(existing, memory);
        });
        const id = formatMemoryId({ namespace: valid.namespace, commit, index: position });
        let indexed = false;
        if (vector) {
          try {
            await index.insert([{ id, namespace: valid.namespace, commit, summary: memory.summary, created: memory.created, vector }]);
            indexed = true;
          } catch (error) {
            reportSilentFailure('capture.index', error, 'stored without index');
            logger.warn({ id, code: codeOf(error) }, 'memory could not be indexed; stored without index');
          }
        }
        return { id, namespace: valid.namespace, commit, indexed };
      });
      if (ctx) {
        ctx.id = result.id;
        ctx.commit = result.commit;
        ctx.indexed = result.indexed;
      }
      logger.info({ id: result.id, namespace: result.namespace, indexed: result.indexed }, 'memory captured');
      return result;
    });
  }
}

export function codeOf(error: unknown): string {
  return (error as { code?: string })?.code ?? (error as Error)?.name ?? 'Error';
}
