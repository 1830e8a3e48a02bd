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
import fs from 'node:fs';
import path from 'node:path';
import type { Signal } from '../config/index.js';
import { activeFile, isRotated, rotatedFile, segmentBytes, signalBudget, signalFiles } from './layout.js';

const NEWLINE = Buffer.from('\n');

export class StoreWriter {
  readonly #dir: string;
  readonly #maxBytes: number;
  #dirReady = false;

  constructor(options: { dir: string; maxBytes: number }) {
    if (!options.dir) throw new TypeError('StoreWriter: options.dir must be a directory path');
    this.#dir = options.dir;
    this.#maxBytes = options.maxBytes;
  }

  get dir(): string {
    return this.#dir;
  }

  /** Appends one export request (JSON bytes without newline). Throws on I/O errors. */
  append(signal: Signal, json: Uint8Array): void {
    this.#ensureDir();
    const file = activeFile(this.#dir, signal);
    const line = Buffer.concat([json, NEWLINE]);
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o600);
    let size: number;
    try {
      fs.writeSync(fd, line);
      size = fs.fstatSync(fd).size;
    } finally {
      fs.closeSync(fd);
    }
    if (size >= segmentBytes(this.#maxBytes)) this.#rotate(signal, file);
  }

  #ensureDir(): void {
    if (this.#dirReady) return;
    fs.mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    this.#dirReady = true;
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
        total += fs.statSync(full).size;
        if (total > signalBudget(this.#maxBytes)) fs.unlinkSync(full);
      } catch {
        // Deleted by a concurrent prune.
      }
    }
  }
}
