// The example app, run as a user would: the built bundle, child processes, a real server.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createMemoryStore } from '../../src/memory/store.js';
import { parseNote } from '../../src/memory/note-format.js';
import { APP, cleanEnv, closedPort, git, makeDir, makeRepo, removeDir, requireBuiltBundle, runApp } from './helpers.js';

let repo: string;
beforeAll(async () => {
  requireBuiltBundle();
  repo = await makeRepo();
});
afterAll(() => removeDir(repo));

function hook(event: object, dir = repo) {
  return runApp(['hook', '--repo', dir], { input: JSON.stringify(event) });
}

describe('capture and recall commands', () => {
  it('print JSON results on stdout', async () => {
    const captured = await runApp(['capture', '--namespace', 'decisions', '--summary', 'Use SQLite for the cache', '--content', 'one file', '--repo', repo]);
    expect(captured).toMatchObject({ code: 0, stderr: '' });
    const { id, indexed } = JSON.parse(captured.stdout);
    expect(indexed).toBe(true);

    const recalled = await runApp(['recall', 'sqlite', 'cache', '--k', '2', '--repo', repo]);
    expect(recalled.code).toBe(0);
    const results = JSON.parse(recalled.stdout);
    expect(results[0]).toMatchObject({ id, summary: 'Use SQLite for the cache', content: 'one file' });
  });

  it.each([
    [['capture', '--summary', 'x'], 2, /--namespace/],
    [['capture', '--namespace', 'wrong', '--summary', 'x'], 2, /Invalid namespace "wrong"/],
    [['capture', '--namespace', 'decisions', '--summary', 'x'.repeat(101)], 2, /101 characters/],
    [['recall'], 2, /QUERY/],
    [['recall', 'x', '--bogus'], 2, /bogus/],
    [['frobnicate'], 2, /unknown command/],
  ])('reject usage mistakes %# with one stderr line and exit 2', async (args, code, message) => {
    const run = await runApp([...args, '--repo', repo]);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^memory-app: .+\n$/);
    expect(run.stderr).toMatch(message);
  });

  it('exits 1 with one line when the directory is not a repository', async () => {
    const dir = await makeDir();
    try {
      const run = await runApp(['recall', 'x', '--repo', dir]);
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toMatch(/^memory-app: .*not inside a git repository.*\n$/);
    } finally {
      await removeDir(dir);
    }
  });

  it('exits 1 naming the URL when the embedding server is unreachable', async () => {
    const port = await closedPort();
    const env = {
      MEMOTEL_EMBEDDING_PROVIDER: 'openai-compatible',
      MEMOTEL_EMBEDDING_URL: `http://127.0.0.1:${port}`,
      MEMOTEL_EMBEDDING_MODEL: 'm',
      MEMOTEL_EMBEDDING_API_KEY: 'sk-do-not-print',
      MEMOTEL_EMBEDDING_MAX_RETRIES: '1',
      MEMOTEL_EMBEDDING_TIMEOUT_MS: '2000',
    };
    const run = await runApp(['recall', 'x', '--repo', repo], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`127.0.0.1:${port}`);
    expect(run.stderr + run.stdout).not.toContain('sk-do-not-print');
  });
});

describe('hook command', () => {
  it('captures an explicit remember marker and says so', async () => {
    const run = await hook({ hook_event_name: 'UserPromptSubmit', session_id: 's-1', prompt: 'remember(patterns): Retry git on index.lock with backoff' });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const answer = JSON.parse(run.stdout);
    expect(answer.hookSpecificOutput.hookEventName).toBe('UserPromptSubmit');
    expect(answer.hookSpecificOutput.additionalContext).toMatch(/remembered.*patterns memory patterns:[0-9a-f]{40}:\d+/);
  });

  it('adds relevant memories to a prompt, and nothing else on stdout', async () => {
    const run = await hook({ hook_event_name: 'UserPromptSubmit', session_id: 's-1', prompt: 'why does git fail on index.lock?' });
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const answer = JSON.parse(run.stdout);
    expect(answer.hookSpecificOutput.additionalContext).toContain('Retry git on index.lock with backoff');
  });

  it('lists recent memories at session start', async () => {
    const run = await hook({ hook_event_name: 'SessionStart', session_id: 's-1', source: 'startup' });
    const answer = JSON.parse(run.stdout);
    expect(answer.hookSpecificOutput).toMatchObject({ hookEventName: 'SessionStart', additionalContext: expect.stringContaining('[patterns]') });
  });

  it.each(['PostToolUse', 'Stop'])('answers %s with an empty object', async (name) => {
    const run = await hook({ hook_event_name: name, session_id: 's-1', tool_name: 'Bash' });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({});
  });

  it('answers bad stdin with {} on stdout, one stderr line and a non-blocking exit code', async () => {
    const run = await runApp(['hook', '--repo', repo], { input: 'not json' });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({});
    expect(run.stderr).toMatch(/^memory-app: .*JSON.*\n$/);
  });
});

describe('serve command', () => {
  let server: ChildProcess;
  let base: string;
  let stdout = '';

  beforeAll(async () => {
    server = spawn(process.execPath, [APP, 'serve', '--port', '0', '--repo', repo], { env: cleanEnv() });
    server.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    const lines = createInterface({ input: server.stderr! });
    const first = await new Promise<string>((resolve) => lines.once('line', resolve));
    expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    base = first.slice('listening on '.length);
  });

  afterAll(async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    expect(stdout).toBe('');
  });

  it('answers /healthz', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('creates a memory and finds it', async () => {
    const created = await fetch(`${base}/memories`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ namespace: 'research', summary: 'Brute-force search is fast enough', content: '10k vectors' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const search = await fetch(`${base}/memories/search?q=${encodeURIComponent('brute force search')}&k=2&namespace=research`);
    expect(search.status).toBe(200);
    const { results } = (await search.json()) as { results: Array<{ id: string; content: string }> };
    expect(results[0]).toMatchObject({ id, content: '10k vectors' });
    const one = await fetch(`${base}/memories/${encodeURIComponent(id)}`);
    expect(await one.json()).toMatchObject({ id, summary: 'Brute-force search is fast enough' });
  });

  it.each([
    ['POST', '/memories', JSON.stringify({ namespace: 'nope', summary: 'x' }), 'MEMOTEL_ERR_INVALID_NAMESPACE'],
    ['POST', '/memories', JSON.stringify({ namespace: 'research', summary: '' }), 'MEMOTEL_ERR_INVALID_SUMMARY'],
    ['POST', '/memories', '{not json', 'INVALID_JSON'],
    ['GET', '/memories/search', undefined, 'MEMOTEL_ERR_INVALID_ARGUMENT'],
    ['GET', '/memories/search?q=x&k=1000', undefined, 'MEMOTEL_ERR_INVALID_ARGUMENT'],
    ['GET', '/memories/not-an-id', undefined, 'MEMOTEL_ERR_INVALID_ID'],
  ])('answers bad input %s %s with 400 {error, code}', async (method, path, body, code) => {
    const response = await fetch(`${base}${path}`, { method, body, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.any(String), code });
  });
});

describe('concurrent captures', () => {
  it('8 processes capturing at once lose nothing and corrupt nothing', async () => {
    const dir = await makeRepo();
    try {
      const runs = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          runApp(['capture', '--namespace', 'progress', '--summary', `Parallel memory number ${i} about topic${i}`, '--content', `body ${i}`, '--repo', dir]),
        ),
      );
      for (const run of runs) expect(run).toMatchObject({ code: 0, stderr: '' });
      const ids = runs.map((run) => (JSON.parse(run.stdout) as { id: string; indexed: boolean }).id);
      expect(new Set(ids).size).toBe(8);
      expect(runs.every((run) => JSON.parse(run.stdout).indexed)).toBe(true);

      const note = parseNote(git(dir, 'notes', '--ref', 'refs/notes/mem/progress', 'show', 'HEAD'));
      expect(note.map((m) => m.summary).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `Parallel memory number ${i} about topic${i}`).sort());

      const store = createMemoryStore({ repo: dir });
      expect(await store.count()).toBe(8);
      for (let i = 0; i < 8; i++) {
        const [best] = await store.search(`topic${i}`, { k: 1 });
        expect(best).toMatchObject({ content: `body ${i}` });
      }
      expect(await store.reindex()).toEqual({ indexed: 8, skippedNotes: 0 });
    } finally {
      await removeDir(dir);
    }
  });
});
