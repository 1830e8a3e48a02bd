// The pipeline's own account of its exports, kept beside the store as pipeline-status.json:
//   {"signals": {"traces": {"exported": 12, "failed": 1, "lastSuccessAt": "...",
//                           "lastError": {"message": "...", "at": "...", "destination": "otlp"}}}}
// Written by the SDK side (see src/sdk/pipeline-stats.ts); read here for `memotel health`.
// Every field is optional: a missing or unreadable file means "nothing recorded".
import fs from 'node:fs';
import path from 'node:path';
import type { Signal } from '../config/index.js';
import { readTextNoFollow } from './no-follow.js';

export const PIPELINE_STATUS_FILE = 'pipeline-status.json';

export interface SignalExportStatus {
  exported?: number;
  failed?: number;
  /** ISO time of the newest successful export, when the writer records it. */
  lastSuccessAt?: string;
  lastError?: { message?: string; at?: string; destination?: string };
}

export interface PipelineStatus {
  file: string;
  updatedAt?: string;
  signals: Partial<Record<Signal, SignalExportStatus>>;
}

export type PipelineStatusRead =
  | { state: 'absent'; file: string }
  | { state: 'unreadable'; file: string; reason: string }
  | { state: 'present'; status: PipelineStatus };

export function readPipelineStatus(storeDir: string): PipelineStatusRead {
  const file = path.join(storeDir, PIPELINE_STATUS_FILE);
  let text: string;
  try {
    text = readTextNoFollow(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'absent', file };
    if (code === 'ELOOP') return { state: 'unreadable', file, reason: 'it is a symbolic link, which memotel never follows' };
    return { state: 'unreadable', file, reason: (err as Error).message };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { state: 'unreadable', file, reason: 'not valid JSON (a write may have been cut off)' };
  }
  const record = (parsed ?? {}) as { signals?: unknown; updatedAt?: unknown };
  const signals = typeof record.signals === 'object' && record.signals !== null ? record.signals : {};
  return {
    state: 'present',
    status: {
      file,
      updatedAt: typeof record.updatedAt === 'string' ? record.updatedAt : undefined,
      signals: signals as PipelineStatus['signals'],
    },
  };
}

function timeOf(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * A signal is failing when its last error is newer than its last success. `fallbackSuccessMs`
 * stands in for a success time the file does not record (e.g. the newest store write).
 */
export function isSignalFailing(status: SignalExportStatus, fallbackSuccessMs?: number): boolean {
  const errorAt = timeOf(status.lastError?.at);
  if (status.lastError === undefined) return false;
  if (errorAt === undefined) return true;
  const successAt = timeOf(status.lastSuccessAt) ?? fallbackSuccessMs;
  return successAt === undefined || errorAt > successAt;
}
