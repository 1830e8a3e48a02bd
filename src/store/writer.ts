// Appends export requests to the local store, safely from many processes at once.
//
// Why this is hand-written: no OpenTelemetry package writes OTLP to a shared file (the
// collector's file exporter is Go). The encoding is not ours: lines are produced by
// @opentelemetry/otlp-transformer's JSON serializers, the same bytes an OTLP/HTTP JSON
// exporter would send, which is what the collector's otlpjsonfile receiver reads.
//
// Concurrency: each line is written with a single write(2) on an O_APPEND descriptor; Linux
// serialises appends to a regular file, so lines from different processes never interleave.
// Rotation renames the full active file aside (atomic); a process still holding the old
// descriptor finishes its line into the rotated file, so nothing is lost.
//
// Safety: the directory must be a real directory (not a symbolic link) owned by this user and
// writable by nobody else, and files are opened with O_NOFOLLOW: whoever can plant a file or a
// link there could otherwise make this process write telemetry wherever the link points.
import fs from 'node:fs';
import path from 'node:path';
import { diag } from '@opentelemetry/api';
import type { Signal } from '../config/index.js';
import { O_NOFOLLOW } from './no-follow.js';
import { activeFile, isRotated, rotatedFile, segmentBytes, signalBudget, signalFiles } from './layout.js';

const NEWLINE = Buffer.from('\n');
const APPEND_FLAGS = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | O_NOFOLLOW;

/**
 * Thrown by StoreWriter.append. The writer has already printed the problem (once per kind of
 * problem, not once per export): callers report a failed export without repeating it.
 */
export class StoreWriteError extends Error {
  override readonly name = 'StoreWriteError';
  readonly reported = true;
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * Whether an error was already reported to the user by the store writer. Also recognises the
 * wrapper PeriodicExportingMetricReader makes of it, which keeps only the text
 * ("metrics export failed (error StoreWriteError: ...)").
 */
export function alreadyReported(error: unknown): boolean {
  if ((error as { reported?: unknown } | undefined)?.reported === true) return true;
  return error instanceof Error && error.message.includes('(error StoreWriteError: ');
}

/**
 * Why the store directory must not be used, or undefined when it is fine (or does not exist
 * yet). The checks that make a shared machine safe: a directory, not a symbolic link, owned by
 * this user, writable by nobody else.
 */
export function storeDirProblem(dir: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') return `is inside something that is not a directory`;
    return `cannot be inspected (${code ?? (err as Error).message})`;
  }
  if (st.isSymbolicLink()) return 'is a symbolic link; point MEMOTEL_STORE_DIR at the real directory';
  if (!st.isDirectory()) return 'is not a directory; remove it or point MEMOTEL_STORE_DIR elsewhere';
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return `belongs to another user (uid ${st.uid}); use a directory of your own`;
  if ((st.mode & 0o022) !== 0) {
    return `is writable by other users (mode ${(st.mode & 0o777).toString(8)}); run chmod 700 on it`;
  }
  return undefined;
}

export class StoreWriter {
  readonly #dir: string;
  readonly #maxBytes: number;
  #dirReady = false;
  /** A directory refused once stays refused for this process. */
  #refused?: StoreWriteError;
  /** Signals whose last append failed, with the problem's code. */
  readonly #failing = new Map<Signal, string>();
  /** Problems printed and not yet over: a run of identical failures prints one line. */
  readonly #printed = new Set<string>();

  constructor(options: { dir: string; maxBytes: number }) {
    if (!options.dir) throw new TypeError('StoreWriter: options.dir must be a directory path');
    this.#dir = options.dir;
    this.#maxBytes = options.maxBytes;
  }

  get dir(): string {
    return this.#dir;
  }

  /** Appends one export request (JSON bytes without newline). Throws StoreWriteError, already reported. */
  append(signal: Signal, json: Uint8Array): void {
    try {
      this.#append(signal, json);
    } catch (err) {
      throw this.#report(signal, err);
    }
    const code = this.#failing.get(signal);
    if (code === undefined) return;
    // Working again (e.g. space was freed): once no signal fails with it, the problem is over
    // and a recurrence is reported again.
    this.#failing.delete(signal);
    if (![...this.#failing.values()].includes(code)) this.#printed.delete(code);
  }

  #append(signal: Signal, json: Uint8Array): void {
    this.#ensureDir();
    const file = activeFile(this.#dir, signal);
    const line = Buffer.concat([json, NEWLINE]);
    const fd = fs.openSync(file, APPEND_FLAGS, 0o600);
    let size: number;
    try {
      const written = fs.writeSync(fd, line);
      if (written < line.length) {
        // A short write (the disk filled up mid-line): end the torn line so the next process's
        // line starts on its own; if even that fails the reader resynchronises on the next line.
        try {
          fs.writeSync(fd, NEWLINE);
        } catch {
          // no space for one byte either
        }
        throw Object.assign(new Error(`only ${written} of ${line.length} bytes could be written`), { code: 'ENOSPC' });
      }
      size = fs.fstatSync(fd).size;
    } finally {
      fs.closeSync(fd);
    }
    if (size >= segmentBytes(this.#maxBytes)) this.#rotate(signal, file);
  }

  #ensureDir(): void {
    if (this.#refused) throw this.#refused;
    if (this.#dirReady) return;
    try {
      fs.mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      // EEXIST: something that is not a directory is in the way; described below.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const problem = storeDirProblem(this.#dir);
    if (problem) {
      this.#refused = new StoreWriteError(`the telemetry store MEMOTEL_STORE_DIR=${this.#dir} ${problem}. Telemetry is not saved to the store.`, 'MEMOTEL_ERR_STORE_REFUSED');
      throw this.#refused;
    }
    this.#dirReady = true;
  }

  /** Prints a problem when it starts; returns it as a StoreWriteError. */
  #report(signal: Signal, err: unknown): StoreWriteError {
    const error = err instanceof StoreWriteError ? err : this.#describe(err as NodeJS.ErrnoException);
    this.#failing.set(signal, error.code);
    if (!this.#printed.has(error.code)) {
      this.#printed.add(error.code);
      diag.warn(error.message);
    }
    return error;
  }

  #describe(err: NodeJS.ErrnoException): StoreWriteError {
    const code = err.code ?? 'EIO';
    const where = `the telemetry store (MEMOTEL_STORE_DIR=${this.#dir})`;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      return new StoreWriteError(`${where} is out of space (${code}): telemetry is not saved until space is freed (memotel store prune, or a larger disk).`, code);
    }
    if (code === 'ELOOP') {
      return new StoreWriteError(`${where} holds a symbolic link in place of a store file; memotel never follows it. Remove it. Telemetry is not saved meanwhile.`, code);
    }
    return new StoreWriteError(`could not write to ${where}: ${err.message}. Telemetry is not saved meanwhile.`, code);
  }

  #rotate(signal: Signal, file: string): void {
    try {
      fs.renameSync(file, rotatedFile(this.#dir, signal, Date.now(), process.pid));
    } catch (err) {
      // Another process rotated it first.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.#prune(signal);
  }

  /** Deletes the oldest rotated segments of a signal beyond its share of the budget. */
  #prune(signal: Signal): void {
    const names = fs.readdirSync(this.#dir);
    const files = signalFiles(names, signal).filter(isRotated).reverse(); // newest first
    let total = 0;
    for (const name of files) {
      const full = path.join(this.#dir, name);
      try {
        total += fs.lstatSync(full).size;
        if (total > signalBudget(this.#maxBytes)) fs.unlinkSync(full);
      } catch {
        // Deleted by a concurrent prune.
      }
    }
  }
}
