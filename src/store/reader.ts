// Reads the local store written by ./writer.ts: every line of every segment of a signal,
// oldest segment first, each line one OTLP/JSON export request.
//
// Lines that do not parse are skipped, never fatal: a process killed mid-write leaves a torn
// line (and the next process's line may be appended right after it). A last line without a
// newline is a write still in progress and is skipped without a word.
//
// Rotation can rename the active file while it is being read. Segments are tracked by inode,
// so after a rename the reader continues the same file under its new name from where it
// stopped, instead of reading it twice (metric lines are deltas: reading twice double-counts).
import fs from 'node:fs';
import path from 'node:path';
import type { Signal } from '../config/index.js';
import { STORE_SIGNALS, isRotated, signalFiles } from './layout.js';
import { O_NOFOLLOW } from './no-follow.js';

export interface StoreFile {
  signal: Signal;
  name: string;
  path: string;
  /** The file processes append to; rotated segments are read-only. */
  active: boolean;
  size: number;
  mtimeMs: number;
}

export interface UnreadableLine {
  file: string;
  /** 1-based line number within the bytes read from the file in one go. */
  line: number;
}

/** What reading found besides the requests. */
export interface ReadReport {
  lines: number;
  unreadable: UnreadableLine[];
}

export function emptyReport(): ReadReport {
  return { lines: 0, unreadable: [] };
}

function readNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The store's files, per signal oldest first (all signals when none is given). */
export function listStoreFiles(dir: string, signal?: Signal): StoreFile[] {
  const names = readNames(dir);
  const out: StoreFile[] = [];
  for (const s of signal ? [signal] : STORE_SIGNALS) {
    for (const name of signalFiles(names, s)) {
      const full = path.join(dir, name);
      try {
        // lstat: a symbolic link planted in the store is not a store file, and is never read.
        const st = fs.lstatSync(full);
        if (!st.isFile()) continue;
        out.push({ signal: s, name, path: full, active: !isRotated(name), size: st.size, mtimeMs: st.mtimeMs });
      } catch {
        // Pruned or rotated since the listing.
      }
    }
  }
  return out;
}

/**
 * Reads a file from the offset `offsetOf` gives for its inode (bytes of it already read under
 * another name); undefined when it no longer exists.
 */
function readFrom(file: string, offsetOf: (ino: number) => number): { ino: number; offset: number; data: Buffer } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ELOOP: a symbolic link in place of a store file, never followed.
    if (code === 'ENOENT' || code === 'ELOOP') return undefined;
    throw err;
  }
  try {
    const { ino, size } = fs.fstatSync(fd);
    const offset = offsetOf(ino);
    const length = Math.max(0, size - offset);
    const data = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = fs.readSync(fd, data, read, length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    return { ino, offset, data: data.subarray(0, read) };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Calls `onRequest` with each parsed line of a signal, oldest first. The callback sees plain
 * parsed JSON: shape checks are the caller's.
 */
export function forEachRequest(
  dir: string,
  signal: Signal,
  onRequest: (request: unknown, file: string) => void,
  report: ReadReport = emptyReport(),
): ReadReport {
  // inode → bytes consumed (up to the end of the last complete line).
  const consumed = new Map<number, number>();
  const readOne = (name: string) => {
    const got = readFrom(path.join(dir, name), (ino) => consumed.get(ino) ?? 0);
    if (!got) return;
    const lastNewline = got.data.lastIndexOf(0x0a);
    if (lastNewline < 0) return;
    consumed.set(got.ino, got.offset + lastNewline + 1);
    const text = got.data.subarray(0, lastNewline).toString('utf8');
    let lineNo = 0;
    for (const line of text.split('\n')) {
      lineNo++;
      if (line.trim() === '') continue;
      report.lines++;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        report.unreadable.push({ file: name, line: lineNo });
        parsed = gluedRequest(line, signal);
        if (parsed === undefined) continue;
      }
      onRequest(parsed, name);
    }
  };

  // Two passes: a rotation during the first leaves the file read as active under a rotated
  // name, and a new active file. The second pass reads only bytes not read yet, by inode.
  for (let pass = 0; pass < 2; pass++) for (const name of signalFiles(readNames(dir), signal)) readOne(name);
  return report;
}

const REQUEST_START: Record<Signal, string> = { traces: '{"resourceSpans"', metrics: '{"resourceMetrics"', logs: '{"resourceLogs"' };

/**
 * A write cut off without its newline (a full disk, a crash) has the next process's whole line
 * glued to its end: the request that starts last in the line, when it parses. The key only
 * starts a request: inside one, resources follow `[{"resource"`, never `{"resourceSpans"`.
 */
function gluedRequest(line: string, signal: Signal): unknown {
  const at = line.lastIndexOf(REQUEST_START[signal]);
  if (at <= 0) return undefined;
  try {
    return JSON.parse(line.slice(at));
  } catch {
    return undefined;
  }
}

/** A one-line summary of skipped lines, for stderr; undefined when there were none. */
export function describeUnreadable(signal: Signal, report: ReadReport): string | undefined {
  const n = report.unreadable.length;
  if (n === 0) return undefined;
  const files = [...new Set(report.unreadable.map((u) => u.file))].join(', ');
  return `skipped ${n} unreadable ${signal} line${n === 1 ? '' : 's'} in ${files} (a write was cut off, e.g. by a crash)`;
}
