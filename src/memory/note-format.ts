// How memories are written inside a git note. One note (one commit, one namespace) can hold
// several memories, one after another:
//
//   ---
//   memotel: 1
//   namespace: decisions
//   summary: Use SQLite for the cache
//   created: 2026-01-02T03:04:05.000Z
//   bytes: 42
//   ---
//   <body: exactly `bytes` UTF-8 bytes, stored verbatim>
//
// The byte length makes the body opaque: it may contain "---" or anything else. Text between
// records that is not a memotel header (someone else's note) is skipped, not an error.
import { MemotelError } from './errors.js';

export const NOTE_FORMAT_VERSION = 1;

export interface StoredMemory {
  namespace: string;
  summary: string;
  /** ISO 8601 timestamp of the capture. */
  created: string;
  content: string;
}

const RECORD_START = Buffer.from('---\nmemotel: ');
const FENCE = '---';

export function serialiseMemory(memory: StoredMemory): string {
  const bytes = Buffer.byteLength(memory.content, 'utf8');
  return (
    `${FENCE}\nmemotel: ${NOTE_FORMAT_VERSION}\nnamespace: ${memory.namespace}\nsummary: ${memory.summary}\n` +
    `created: ${memory.created}\nbytes: ${bytes}\n${FENCE}\n${memory.content}\n`
  );
}

/** The note text after appending `memory`; its position is parseNote(existing).length. */
export function appendToNote(existing: string | undefined, memory: StoredMemory): string {
  if (!existing) return serialiseMemory(memory);
  const separator = existing.endsWith('\n') ? '\n' : '\n\n';
  return existing + separator + serialiseMemory(memory);
}

/** Every memory in a note, in order. Throws MEMOTEL_ERR_NOTE_UNREADABLE on a damaged record. */
export function parseNote(text: string): StoredMemory[] {
  const buf = Buffer.from(text, 'utf8');
  const memories: StoredMemory[] = [];
  let pos = 0;
  for (;;) {
    const start = findRecordStart(buf, pos);
    if (start < 0) return memories;
    const headerStart = start + FENCE.length + 1;
    const fields = new Map<string, string>();
    let cursor = headerStart;
    let closed = false;
    while (cursor < buf.length) {
      const eol = buf.indexOf(0x0a, cursor);
      if (eol < 0) break;
      const line = buf.subarray(cursor, eol).toString('utf8');
      cursor = eol + 1;
      if (line === FENCE) {
        closed = true;
        break;
      }
      const colon = line.indexOf(': ');
      if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 2));
    }
    const bytes = Number(fields.get('bytes'));
    const namespace = fields.get('namespace');
    const summary = fields.get('summary');
    const created = fields.get('created');
    if (!closed || !Number.isInteger(bytes) || bytes < 0 || !namespace || summary === undefined || !created) {
      throw unreadable(`record ${memories.length} has an incomplete header`);
    }
    if (fields.get('memotel') !== String(NOTE_FORMAT_VERSION)) {
      throw unreadable(`record ${memories.length} has format version ${fields.get('memotel')}; upgrade memotel`);
    }
    if (cursor + bytes > buf.length) throw unreadable(`record ${memories.length} is truncated`);
    memories.push({ namespace, summary, created, content: buf.subarray(cursor, cursor + bytes).toString('utf8') });
    pos = cursor + bytes;
  }
}

function findRecordStart(buf: Buffer, from: number): number {
  let at = buf.indexOf(RECORD_START, from);
  while (at > 0 && buf[at - 1] !== 0x0a) at = buf.indexOf(RECORD_START, at + 1);
  return at;
}

function unreadable(detail: string): MemotelError {
  return new MemotelError(
    'MEMOTEL_ERR_NOTE_UNREADABLE',
    `A memotel note could not be parsed: ${detail}. Inspect it with "git notes --ref <ref> show <commit>".`,
  );
}
