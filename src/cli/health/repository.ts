// repository and index: the git work tree, its memory notes refs (refs/notes/mem/*) with the
// memories each holds, and the vector index built from them.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { EmbeddingProvider } from '../../memory/embedding/provider.js';
import { GitRepository } from '../../memory/git.js';
import { noopLogger } from '../../memory/logger.js';
import { NOTES_REF_PREFIX } from '../../memory/namespaces.js';
import { parseNote } from '../../memory/note-format.js';
import { Workspace } from '../../memory/workspace.js';
import { formatBytes, plural } from '../printers/format.js';
import { failed, timed, type ComponentResult } from './types.js';

export interface RepositoryFacts {
  repo?: GitRepository;
  /** Memories in the notes; undefined when they could not be counted. */
  memories?: number;
}

async function countMemories(repo: GitRepository): Promise<{ perNamespace: Record<string, number>; unreadable: number }> {
  const perNamespace: Record<string, number> = {};
  let unreadable = 0;
  for (const ref of await repo.listMemoryRefs()) {
    const notes = await repo.listNotes(ref);
    const blobs = await repo.readBlobs(notes.map((n) => n.blob));
    let count = 0;
    for (const note of notes) {
      const text = blobs.get(note.blob);
      try {
        if (text === undefined) throw new Error('missing blob');
        count += parseNote(text).length;
      } catch {
        unreadable++;
      }
    }
    perNamespace[ref.slice(NOTES_REF_PREFIX.length)] = count;
  }
  return { perNamespace, unreadable };
}

export async function checkRepository(dir: string): Promise<{ result: ComponentResult; facts: RepositoryFacts }> {
  const started = performance.now();
  try {
    const { value, ms } = await timed(async () => {
      const repo = await GitRepository.open(dir);
      const counts = await countMemories(repo);
      const hasCommit = await repo.resolveCommit('HEAD').then(
        () => true,
        () => false,
      );
      return { repo, counts, hasCommit };
    });
    const { repo, counts, hasCommit } = value;
    const total = Object.values(counts.perNamespace).reduce((a, b) => a + b, 0);
    const breakdown = Object.entries(counts.perNamespace)
      .map(([ns, n]) => `${ns} ${n}`)
      .join(', ');
    const details: string[] = [];
    if (!hasCommit) details.push('no commit yet: memories attach to a commit, so make one first (git commit --allow-empty -m init)');
    if (counts.unreadable > 0) details.push(`${plural(counts.unreadable, 'note')} could not be parsed (see memory-app reindex)`);
    return {
      result: {
        name: 'repository',
        status: details.length > 0 ? 'warn' : 'ok',
        summary: `${repo.root}: ${plural(total, 'memory', 'memories')}${breakdown ? ` (${breakdown})` : ` (no ${NOTES_REF_PREFIX}* refs yet)`}`,
        details,
        latencyMs: ms,
        data: { root: repo.root, memories: total, namespaces: counts.perNamespace, unreadableNotes: counts.unreadable, hasCommit },
      },
      facts: { repo, memories: total },
    };
  } catch (error) {
    return { result: failed('repository', error, performance.now() - started), facts: {} };
  }
}

export async function checkIndex(facts: RepositoryFacts, embedder: EmbeddingProvider | undefined): Promise<ComponentResult> {
  if (!facts.repo) return { name: 'index', status: 'skip', summary: 'skipped: no repository' };
  if (!embedder) return { name: 'index', status: 'skip', summary: 'skipped: the embedding provider is not configured (the index is per model)' };
  const started = performance.now();
  try {
    const { value, ms } = await timed(async () => {
      const { index } = await new Workspace(facts.repo!.root, embedder, noopLogger).open();
      const size = await stat(index.file).then(
        (s) => s.size,
        () => undefined,
      );
      const count = size === undefined ? 0 : await index.count();
      return { file: index.file, size, count };
    });
    const shownFile = path.relative(facts.repo.root, value.file) || value.file;
    const data = { file: value.file, bytes: value.size ?? 0, records: value.count, model: `${embedder.provider}/${embedder.model}` };
    if (value.size === undefined) {
      const stale = (facts.memories ?? 0) > 0;
      return {
        name: 'index',
        status: stale ? 'warn' : 'ok',
        summary: `not built yet for ${embedder.provider} ${embedder.model}${stale ? ': the notes hold memories, rebuild it (memory-app reindex)' : ' (the first capture builds it)'}`,
        latencyMs: ms,
        data,
      };
    }
    const details: string[] = [];
    if (facts.memories !== undefined && facts.memories !== value.count) {
      details.push(`the notes hold ${plural(facts.memories, 'memory', 'memories')}: the index is behind (e.g. after a fetch); rebuild it with reindex`);
    }
    return {
      name: 'index',
      status: details.length > 0 ? 'warn' : 'ok',
      summary: `${plural(value.count, 'memory', 'memories')}, ${formatBytes(value.size)} (${shownFile})`,
      details,
      latencyMs: ms,
      data,
    };
  } catch (error) {
    return failed('index', error, performance.now() - started);
  }
}
