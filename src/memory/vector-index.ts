// The vector index: one file per repository and embedding model, under <git-common-dir>/memotel/
// (outside the work tree, shared by worktrees, never committed). Rebuildable from the notes.
//
// File layout, little-endian:
//   "MEMOTIDX" | u32 format version | u32 dimensions
//   entries: u8 kind (1 insert, 2 delete) | u32 meta length | meta JSON | insert: dimensions × f32
//
// Why an append-only log: a capture appends one entry (a few KB) instead of rewriting the
// whole file, and a reader never sees a half-written file, only possibly a half-written last
// entry, which it ignores. Writers (insert, delete, rebuild) must hold the repository lock;
// the next writer cuts off a torn tail before appending. Rebuild writes a new file and renames.
//
// Search is brute force over one contiguous Float32Array of unit vectors (dot product = cosine).
// bench/index-search.mjs: a top-5 search over 10,000 memories × 384 dims takes ~5 ms (Node 20,
// 2-core dev machine; ~1.6 ms with a namespace filter), loading that index ~65 ms.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readFile, rename, stat, truncate, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { reportSilentFailure, traced, type IndexContext, type IndexOperation } from './channels.js';
import { MemotelError } from './errors.js';
import { noopLogger, type MemoryLogger } from './logger.js';

export const INDEX_FORMAT_VERSION = 1;
const MAGIC = Buffer.from('MEMOTIDX');
const HEADER_BYTES = 16;
const KIND_INSERT = 1;
const KIND_DELETE = 2;
const LITTLE_ENDIAN_HOST = os.endianness() === 'LE';

/** What the index keeps beside each vector: enough to rank and show without reading git. */
export interface IndexRecord {
  id: string;
  namespace: string;
  commit: string;
  summary: string;
  created: string;
}

export interface IndexEntry extends IndexRecord {
  vector: ArrayLike<number>;
}

export interface IndexHit extends IndexRecord {
  /** Cosine similarity, -1..1. */
  score: number;
}

export interface VectorIndexOptions {
  /** Directory for index files, e.g. <git-common-dir>/memotel/index. */
  dir: string;
  /** Distinguishes models: vectors of different models never share a file. */
  name: string;
  /** Work tree path, for telemetry (IndexContext.repo). */
  repo: string;
  logger?: MemoryLogger;
}

interface LoadedIndex {
  /** size:mtimeMs:ino of the file that was read; a change means another process wrote. */
  key: string;
  dimensions: number;
  records: IndexRecord[];
  matrix: Float32Array;
  /** Bytes of the file that parsed cleanly (a torn last entry is beyond). */
  validLength: number;
}

const EMPTY: Omit<LoadedIndex, 'key'> = { dimensions: 0, records: [], matrix: new Float32Array(0), validLength: 0 };

/** Index file name for a provider and model, e.g. memotel-local--memotel-hash-384-v1. */
export function indexNameFor(provider: string, model: string): string {
  return `${provider}--${model}`.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);
}

export class VectorIndex {
  readonly file: string;
  readonly #dir: string;
  readonly #repo: string;
  readonly #logger: MemoryLogger;
  #loaded: LoadedIndex | undefined;

  constructor(options: VectorIndexOptions) {
    this.#dir = options.dir;
    this.file = path.join(options.dir, options.name.replace(/[^A-Za-z0-9._-]+/g, '_') + '.bin');
    this.#repo = options.repo;
    this.#logger = options.logger ?? noopLogger;
  }

  /** Top-k records by cosine similarity to `query`, optionally in one namespace. */
  search(query: ArrayLike<number>, options: { k: number; namespace?: string; minSimilarity?: number }): Promise<IndexHit[]> {
    return this.#traced('search', { k: options.k, namespace: options.namespace }, async (ctx) => {
      const index = await this.#current();
      const hits = index.records.length === 0 ? [] : searchMatrix(index, query, options);
      if (ctx) {
        ctx.resultCount = hits.length;
        ctx.recordCount = index.records.length;
      }
      return hits;
    });
  }

  /** Records in the index, in one namespace or all. */
  count(namespace?: string): Promise<number> {
    return this.#traced('count', { namespace }, async (ctx) => {
      const index = await this.#current();
      const n = namespace ? index.records.filter((r) => r.namespace === namespace).length : index.records.length;
      if (ctx) {
        ctx.resultCount = n;
        ctx.recordCount = index.records.length;
      }
      return n;
    });
  }

  /** The newest records (by capture time), without vectors. */
  async recent(limit: number, namespace?: string): Promise<IndexRecord[]> {
    const index = await this.#current();
    return index.records
      .filter((r) => !namespace || r.namespace === namespace)
      .sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0))
      .slice(0, limit);
  }

  /** Adds (or replaces, by id) entries. Call under the repository lock. */
  insert(entries: readonly IndexEntry[]): Promise<void> {
    return this.#traced('insert', { namespace: sameNamespace(entries) }, async (ctx) => {
      const index = await this.#prepareAppend(entries[0]?.vector.length);
      const dims = index.dimensions || entries[0]?.vector.length || 0;
      const chunks = entries.map((entry) => encodeEntry(KIND_INSERT, recordOf(entry), entry.vector, dims));
      await appendFile(this.file, Buffer.concat(chunks));
      this.#loaded = undefined;
      if (ctx) {
        ctx.resultCount = entries.length;
        ctx.recordCount = new Set([...index.records.map((r) => r.id), ...entries.map((e) => e.id)]).size;
      }
    });
  }

  /** Removes entries by id. Call under the repository lock. */
  delete(ids: readonly string[]): Promise<number> {
    return this.#traced('delete', {}, async (ctx) => {
      const index = await this.#current();
      const present = new Set(index.records.map((r) => r.id));
      const doomed = ids.filter((id) => present.has(id));
      if (doomed.length > 0) {
        await this.#prepareAppend(undefined);
        await appendFile(this.file, Buffer.concat(doomed.map((id) => encodeEntry(KIND_DELETE, { id }, undefined, 0))));
        this.#loaded = undefined;
      }
      if (ctx) {
        ctx.resultCount = doomed.length;
        ctx.recordCount = present.size - doomed.length;
      }
      return doomed.length;
    });
  }

  /** Replaces the whole index (reindex). Call under the repository lock. */
  rebuild(entries: readonly IndexEntry[]): Promise<void> {
    return this.#traced('rebuild', {}, async (ctx) => {
      const dims = entries[0]?.vector.length ?? 0;
      const parts = [encodeHeader(dims), ...entries.map((e) => encodeEntry(KIND_INSERT, recordOf(e), e.vector, dims))];
      await this.#writeAtomically(Buffer.concat(parts));
      this.#loaded = undefined;
      if (ctx) {
        ctx.resultCount = entries.length;
        ctx.recordCount = new Set(entries.map((e) => e.id)).size;
      }
    });
  }

  /** The index as on disk now, re-read only when the file changed. */
  async #current(): Promise<LoadedIndex> {
    const info = await stat(this.file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    const key = info ? `${info.size}:${info.mtimeMs}:${info.ino}` : 'missing';
    if (this.#loaded?.key === key) return this.#loaded;
    if (!info) {
      this.#loaded = { key, ...EMPTY };
      return this.#loaded;
    }
    this.#loaded = await this.#traced('load', {}, async (ctx) => {
      const loaded = await this.#read(key);
      if (ctx) ctx.recordCount = loaded.records.length;
      return loaded;
    });
    return this.#loaded;
  }

  async #read(key: string): Promise<LoadedIndex> {
    const buf = await readFile(this.file);
    try {
      return { key, ...parseIndex(buf) };
    } catch (error) {
      // The index is a cache of the notes: a damaged one is replaced, never fatal.
      reportSilentFailure('index.load', error, 'treated as empty; run reindex to rebuild');
      this.#logger.warn({ code: (error as MemotelError).code }, 'vector index unreadable; treating as empty');
      return { key, ...EMPTY };
    }
  }

  /** Makes the file ready for appending entries of `dims`: creates it, cuts a torn tail. */
  async #prepareAppend(dims: number | undefined): Promise<LoadedIndex> {
    const index = await this.#current();
    const size = index.key === 'missing' ? -1 : Number(index.key.split(':')[0]);
    if (dims !== undefined && index.dimensions !== 0 && dims !== index.dimensions) {
      throw new MemotelError(
        'MEMOTEL_ERR_INVALID_ARGUMENT',
        `Vector has ${dims} dimensions but the index ${this.file} holds ${index.dimensions}: the embedding model changed; run reindex.`,
      );
    }
    if (size < 0 || index.validLength < HEADER_BYTES || (index.dimensions === 0 && dims !== undefined)) {
      // New, damaged or still dimensionless: start a fresh file that keeps what parsed.
      await mkdir(this.#dir, { recursive: true });
      const kept = index.records.length > 0 ? await readFile(this.file).then((b) => b.subarray(HEADER_BYTES, index.validLength)) : Buffer.alloc(0);
      await this.#writeAtomically(Buffer.concat([encodeHeader(dims ?? index.dimensions), kept]));
    } else if (index.validLength < size) {
      this.#logger.warn({ bytes: size - index.validLength }, 'cutting a torn entry off the vector index');
      await truncate(this.file, index.validLength);
    }
    this.#loaded = undefined;
    return index;
  }

  async #writeAtomically(data: Buffer): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, this.file);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
  }

  #traced<T>(operation: IndexOperation, fields: { k?: number; namespace?: string }, fn: (ctx: IndexContext | undefined) => Promise<T>): Promise<T> {
    const build = (): IndexContext => ({
      operation,
      repo: this.#repo,
      ...(fields.namespace !== undefined && { namespace: fields.namespace }),
      ...(fields.k !== undefined && { k: fields.k }),
    });
    return traced('index', build, fn);
  }
}

function sameNamespace(entries: readonly IndexEntry[]): string | undefined {
  const first = entries[0]?.namespace;
  return entries.every((e) => e.namespace === first) ? first : undefined;
}

function recordOf(entry: IndexEntry): IndexRecord {
  return { id: entry.id, namespace: entry.namespace, commit: entry.commit, summary: entry.summary, created: entry.created };
}

function encodeHeader(dims: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(INDEX_FORMAT_VERSION, 8);
  header.writeUInt32LE(dims, 12);
  return header;
}

function encodeEntry(kind: number, meta: object, vector: ArrayLike<number> | undefined, dims: number): Buffer {
  const json = Buffer.from(JSON.stringify(meta), 'utf8');
  const vectorBytes = vector ? dims * 4 : 0;
  const buf = Buffer.alloc(5 + json.length + vectorBytes);
  buf.writeUInt8(kind, 0);
  buf.writeUInt32LE(json.length, 1);
  json.copy(buf, 5);
  if (vector) {
    if (vector.length !== dims) throw new MemotelError('MEMOTEL_ERR_INVALID_ARGUMENT', `Vector has ${vector.length} dimensions, index expects ${dims}.`);
    // Stored normalised so that search is a plain dot product.
    let norm = 0;
    for (let i = 0; i < dims; i++) norm += vector[i]! * vector[i]!;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    let at = 5 + json.length;
    for (let i = 0; i < dims; i++, at += 4) buf.writeFloatLE(vector[i]! * scale, at);
  }
  return buf;
}

function parseIndex(buf: Buffer): Omit<LoadedIndex, 'key'> {
  if (buf.length < HEADER_BYTES || !buf.subarray(0, 8).equals(MAGIC)) {
    throw new MemotelError('MEMOTEL_ERR_INDEX_CORRUPT', 'The vector index file has no memotel header.');
  }
  const version = buf.readUInt32LE(8);
  if (version !== INDEX_FORMAT_VERSION) {
    throw new MemotelError('MEMOTEL_ERR_INDEX_CORRUPT', `The vector index has format version ${version}; this memotel reads ${INDEX_FORMAT_VERSION}.`);
  }
  const dims = buf.readUInt32LE(12);
  const live = new Map<string, { record: IndexRecord; offset: number }>();
  let pos = HEADER_BYTES;
  let validLength = pos;
  while (pos + 5 <= buf.length) {
    const kind = buf.readUInt8(pos);
    const metaLength = buf.readUInt32LE(pos + 1);
    const metaEnd = pos + 5 + metaLength;
    const end = metaEnd + (kind === KIND_INSERT ? dims * 4 : 0);
    if ((kind !== KIND_INSERT && kind !== KIND_DELETE) || end > buf.length) break;
    let meta: IndexRecord;
    try {
      meta = JSON.parse(buf.subarray(pos + 5, metaEnd).toString('utf8')) as IndexRecord;
    } catch {
      break;
    }
    live.delete(meta.id); // re-inserting an id moves it to the end
    if (kind === KIND_INSERT) live.set(meta.id, { record: meta, offset: metaEnd });
    pos = end;
    validLength = end;
  }
  const records: IndexRecord[] = [];
  const matrix = new Float32Array(live.size * dims);
  let row = 0;
  for (const { record, offset } of live.values()) {
    records.push(record);
    if (LITTLE_ENDIAN_HOST) {
      new Uint8Array(matrix.buffer, row * dims * 4, dims * 4).set(buf.subarray(offset, offset + dims * 4));
    } else {
      for (let i = 0; i < dims; i++) matrix[row * dims + i] = buf.readFloatLE(offset + i * 4);
    }
    row++;
  }
  return { dimensions: dims, records, matrix, validLength };
}

function searchMatrix(index: LoadedIndex, query: ArrayLike<number>, options: { k: number; namespace?: string; minSimilarity?: number }): IndexHit[] {
  const dims = index.dimensions;
  if (query.length !== dims) {
    throw new MemotelError(
      'MEMOTEL_ERR_INVALID_ARGUMENT',
      `Query vector has ${query.length} dimensions but the index holds ${dims}: the embedding model changed; run reindex.`,
    );
  }
  const q = Float32Array.from(query);
  let norm = 0;
  for (let i = 0; i < dims; i++) norm += q[i]! * q[i]!;
  if (norm === 0) return [];
  const scale = 1 / Math.sqrt(norm);
  const min = options.minSimilarity ?? -Infinity;
  const { matrix, records } = index;
  // Kept sorted best first; k is small, so insertion beats a heap.
  const top: Array<{ row: number; score: number }> = [];
  for (let row = 0; row < records.length; row++) {
    if (options.namespace && records[row]!.namespace !== options.namespace) continue;
    const score = dot(matrix, row * dims, q, dims) * scale;
    if (score < min) continue;
    if (top.length === options.k && score <= top[top.length - 1]!.score) continue;
    let at = top.length;
    while (at > 0 && top[at - 1]!.score < score) at--;
    top.splice(at, 0, { row, score });
    if (top.length > options.k) top.pop();
  }
  return top.map(({ row, score }) => ({ ...records[row]!, score }));
}

/** Dot product of matrix[base..base+dims) and q. Four independent accumulators let V8 overlap
 * the multiplies: bench/index-search.mjs (10k × 384, Node 20, 2-core dev machine, median of 5)
 * went from ~7.0 to ~5.2 ms per top-5 search. */
function dot(matrix: Float32Array, base: number, q: Float32Array, dims: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  for (; i + 3 < dims; i += 4) {
    a += matrix[base + i]! * q[i]!;
    b += matrix[base + i + 1]! * q[i + 1]!;
    c += matrix[base + i + 2]! * q[i + 2]!;
    d += matrix[base + i + 3]! * q[i + 3]!;
  }
  for (; i < dims; i++) a += matrix[base + i]! * q[i]!;
  return a + b + c + d;
}
