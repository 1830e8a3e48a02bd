// memotel/memory: the reference memory-service library. No OpenTelemetry here: every
// operation is published on diagnostics_channel (see ./channels.ts and docs/channels.md).
export * from './channels.js';
export { MemotelError, isMemotelError, MEMOTEL_ERROR_CODES, INPUT_ERROR_CODES, type MemotelErrorCode } from './errors.js';
export { noopLogger, type MemoryLogger, type LogMethod } from './logger.js';
export { NAMESPACES, NOTES_REF_PREFIX, isNamespace, assertNamespace, notesRefFor, type Namespace } from './namespaces.js';
export { formatMemoryId, parseMemoryId, type MemoryIdParts } from './ids.js';
export { serialiseMemory, appendToNote, parseNote, NOTE_FORMAT_VERSION, type StoredMemory } from './note-format.js';
export { GitRepository, runGit, type GitOptions, type GitRunOptions, type GitRunResult, type VcsInfo } from './git.js';
export { redactUrlCredentials } from './redact.js';
export * from './embedding/index.js';
export { VectorIndex, indexNameFor, INDEX_FORMAT_VERSION, type IndexRecord, type IndexEntry, type IndexHit, type VectorIndexOptions } from './vector-index.js';
export { acquireLock, withLock, type LockOptions, type HeldLock } from './lock.js';
export { CaptureService, validateCaptureInput, embeddingTextOf, MAX_SUMMARY_CHARS, MAX_CONTENT_BYTES, type CaptureInput, type CaptureResult } from './capture.js';
export { RecallService, MAX_K, type SearchOptions, type RecalledMemory, type ReindexResult } from './recall.js';
export { Workspace, type WorkspaceOptions } from './workspace.js';
export { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from './store.js';
