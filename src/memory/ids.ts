// Memory ids: `<namespace>:<full commit sha>:<index within the note>`.
// Stable as long as the note is only appended to, and readable without any lookup.
import { MemotelError } from './errors.js';
import { isNamespace, type Namespace } from './namespaces.js';

export interface MemoryIdParts {
  namespace: Namespace;
  /** Full object name: 40 hex digits (SHA-1) or 64 (SHA-256 repositories). */
  commit: string;
  /** Position of the memory among the memories in that commit's note, from 0. */
  index: number;
}

const ID_PATTERN = /^([a-z]+):([0-9a-f]{40}|[0-9a-f]{64}):(0|[1-9][0-9]{0,5})$/;

export function formatMemoryId(parts: MemoryIdParts): string {
  return `${parts.namespace}:${parts.commit}:${parts.index}`;
}

export function parseMemoryId(id: string): MemoryIdParts {
  const match = typeof id === 'string' ? ID_PATTERN.exec(id) : null;
  if (!match || !isNamespace(match[1])) {
    const shown = typeof id === 'string' ? JSON.stringify(id.slice(0, 120)) : String(id);
    throw new MemotelError(
      'MEMOTEL_ERR_INVALID_ID',
      `Invalid memory id ${shown}: expected <namespace>:<full commit sha>:<index>, as returned by capture or search.`,
    );
  }
  return { namespace: match[1], commit: match[2]!, index: Number(match[3]) };
}
