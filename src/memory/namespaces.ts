import { MemotelError } from './errors.js';

/** The memory namespaces; each is stored under its own notes ref. */
export const NAMESPACES = [
  'inception',
  'elicitation',
  'research',
  'decisions',
  'progress',
  'blockers',
  'reviews',
  'learnings',
  'retrospective',
  'patterns',
] as const;

export type Namespace = (typeof NAMESPACES)[number];

export const NOTES_REF_PREFIX = 'refs/notes/mem/';

export function isNamespace(value: unknown): value is Namespace {
  return typeof value === 'string' && (NAMESPACES as readonly string[]).includes(value);
}

export function assertNamespace(value: unknown): Namespace {
  if (isNamespace(value)) return value;
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);
  throw new MemotelError(
    'MEMOTEL_ERR_INVALID_NAMESPACE',
    `Invalid namespace ${shown}: use one of ${NAMESPACES.join(', ')}.`,
  );
}

export function notesRefFor(namespace: Namespace): string {
  return NOTES_REF_PREFIX + namespace;
}
