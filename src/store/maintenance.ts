// Pruning and clearing the store by hand (`memotel store prune|clear`). The writer already
// keeps each signal within its share of MEMOTEL_STORE_MAX_BYTES; these are for a user who
// wants less, or nothing.
//
// Prune only ever deletes rotated segments: active files are open for appends by running
// processes, and deleting one would silently drop their next lines.
import fs from 'node:fs';
import { listStoreFiles, type StoreFile } from './reader.js';

export interface PruneOptions {
  /** Delete rotated segments last written before this time. */
  olderThanMs?: number;
  /** Delete the oldest rotated segments until the whole store is at most this size. */
  maxBytes?: number;
}

export interface PruneResult {
  removed: StoreFile[];
  removedBytes: number;
  /** Store size afterwards. */
  remainingBytes: number;
}

function unlinkQuietly(file: StoreFile): boolean {
  try {
    fs.unlinkSync(file.path);
    return true;
  } catch (err) {
    // Pruned by a writer at the same moment: gone either way.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export function pruneStore(dir: string, options: PruneOptions): PruneResult {
  const files = listStoreFiles(dir);
  const doomed = new Set<StoreFile>();
  if (options.olderThanMs !== undefined) {
    for (const f of files) if (!f.active && f.mtimeMs < options.olderThanMs) doomed.add(f);
  }
  if (options.maxBytes !== undefined) {
    let total = files.filter((f) => !doomed.has(f)).reduce((n, f) => n + f.size, 0);
    const oldestFirst = files.filter((f) => !f.active && !doomed.has(f)).sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
    for (const f of oldestFirst) {
      if (total <= options.maxBytes) break;
      doomed.add(f);
      total -= f.size;
    }
  }
  const removed: StoreFile[] = [];
  for (const f of doomed) if (unlinkQuietly(f)) removed.push(f);
  const removedBytes = removed.reduce((n, f) => n + f.size, 0);
  const remainingBytes = listStoreFiles(dir).reduce((n, f) => n + f.size, 0);
  return { removed, removedBytes, remainingBytes };
}

/** Deletes every signal file (active and rotated); other files in the directory stay. */
export function clearStore(dir: string): { removed: StoreFile[]; removedBytes: number } {
  const removed = listStoreFiles(dir).filter(unlinkQuietly);
  return { removed, removedBytes: removed.reduce((n, f) => n + f.size, 0) };
}
