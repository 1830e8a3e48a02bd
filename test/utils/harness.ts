// The setup most integration tests share: one live OTLP receiver per test file (reset before
// each test), and per test a temporary HOME (session key, local store) and, when asked, a fresh
// git repository with one commit.
import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import { join } from 'node:path';
import { startReceiver, type Receiver } from './otlp-receiver.js';
import { PROJECT_ROOT, tempDir, type TempDir } from './fixtures.js';
import { makeRepo, removeDir } from '../memory/helpers.js';

export const EXAMPLE_APP = join(PROJECT_ROOT, 'examples/memory-app/app.mjs');

export interface Harness {
  readonly receiver: Receiver;
  readonly home: TempDir;
  /** Set when the harness was asked for a repository. */
  readonly repo: string;
}

/** Registers the jest hooks in the calling scope; read the fields inside tests. */
export function useHarness(options: { repo?: boolean; homePrefix?: string } = {}): Harness {
  const state = {} as { receiver: Receiver; home: TempDir; repo: string };
  beforeAll(async () => {
    state.receiver = await startReceiver();
  });
  afterAll(async () => state.receiver.close());
  beforeEach(async () => {
    state.receiver.reset();
    state.home = await tempDir(options.homePrefix ?? 'memotel-home-');
    if (options.repo) state.repo = await makeRepo();
  });
  afterEach(async () => {
    await state.home.cleanup();
    if (options.repo) await removeDir(state.repo);
  });
  return state;
}
