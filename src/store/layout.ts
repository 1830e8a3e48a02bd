// Where the local store keeps its files. Shared by the writer (exporters) and the reader (CLI).
import path from 'node:path';
import type { Signal } from '../config/index.js';

export const STORE_SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];

/** The file every process appends to: one OTLP/JSON export request per line. */
export function activeFile(dir: string, signal: Signal): string {
  return path.join(dir, `${signal}.jsonl`);
}

/** A full segment, renamed aside; names sort by age. */
export function rotatedFile(dir: string, signal: Signal, now: number, pid: number): string {
  return path.join(dir, `${signal}-${String(now).padStart(15, '0')}-${pid}.jsonl`);
}

const ROTATED = /^(traces|metrics|logs)-(\d{15})-(\d+)\.jsonl$/;

/** Files of one signal, oldest first, the active file last. */
export function signalFiles(names: readonly string[], signal: Signal): string[] {
  const rotated = names.filter((n) => ROTATED.exec(n)?.[1] === signal).sort();
  return names.includes(`${signal}.jsonl`) ? [...rotated, `${signal}.jsonl`] : rotated;
}

export function isRotated(name: string): boolean {
  return ROTATED.test(name);
}

/** Each signal may use a third of the budget; a segment is a quarter of that. */
export function segmentBytes(maxBytes: number): number {
  return Math.max(16 * 1024, Math.floor(maxBytes / 12));
}

export function signalBudget(maxBytes: number): number {
  return Math.floor(maxBytes / 3);
}
