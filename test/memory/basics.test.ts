// Pure pieces: ids, note format, input validation, embedding configuration, errors.
import { describe, expect, it } from '@jest/globals';
import { validateCaptureInput, MAX_CONTENT_BYTES } from '../../src/memory/capture.js';
import { embeddingConfigFromEnv } from '../../src/memory/embedding/config.js';
import { MemotelError } from '../../src/memory/errors.js';
import { formatMemoryId, parseMemoryId } from '../../src/memory/ids.js';
import { appendToNote, parseNote, serialiseMemory } from '../../src/memory/note-format.js';
import { redactUrlCredentials } from '../../src/memory/redact.js';

const SHA = 'a'.repeat(40);

describe('memory ids', () => {
  it('format and parse back', () => {
    const id = formatMemoryId({ namespace: 'decisions', commit: SHA, index: 3 });
    expect(id).toBe(`decisions:${SHA}:3`);
    expect(parseMemoryId(id)).toEqual({ namespace: 'decisions', commit: SHA, index: 3 });
    expect(parseMemoryId(`patterns:${'b'.repeat(64)}:0`).commit).toHaveLength(64);
  });

  it.each(['', 'decisions', `nope:${SHA}:0`, `decisions:${SHA.slice(1)}:0`, `decisions:${SHA}:-1`, `decisions:${SHA}:01`, `decisions:${SHA.toUpperCase()}:0`])(
    'rejects %p with MEMOTEL_ERR_INVALID_ID',
    (bad) => {
      expect(() => parseMemoryId(bad)).toThrow(expect.objectContaining({ code: 'MEMOTEL_ERR_INVALID_ID', name: 'MemotelError' }));
    },
  );
});

describe('note format', () => {
  const tricky = 'line with trailing spaces   \n\n\n---\nmemotel: 1\nnamespace: fake\n---\nend without newline';

  it('round-trips several memories byte for byte, bodies that look like headers included', () => {
    const first = { namespace: 'decisions', summary: 'One: with colon', created: '2026-01-01T00:00:00.000Z', content: tricky };
    const second = { namespace: 'decisions', summary: 'Two', created: '2026-01-02T00:00:00.000Z', content: 'ünïcødé ✓' };
    const third = { namespace: 'decisions', summary: 'Three', created: '2026-01-03T00:00:00.000Z', content: '' };
    const note = appendToNote(appendToNote(appendToNote(undefined, first), second), third);
    expect(parseNote(note)).toEqual([first, second, third]);
  });

  it('skips text that is not a memotel record', () => {
    const memory = { namespace: 'progress', summary: 'S', created: '2026-01-01T00:00:00.000Z', content: 'body' };
    expect(parseNote('someone else wrote this\n' + serialiseMemory(memory))).toEqual([memory]);
  });

  it('reports a truncated record as MEMOTEL_ERR_NOTE_UNREADABLE', () => {
    const text = serialiseMemory({ namespace: 'progress', summary: 'S', created: 'x', content: 'a long body' });
    expect(() => parseNote(text.slice(0, -5))).toThrow(expect.objectContaining({ code: 'MEMOTEL_ERR_NOTE_UNREADABLE' }));
  });
});

describe('capture input validation', () => {
  const valid = { namespace: 'decisions', summary: 'Use SQLite', content: 'because' };

  it('accepts a valid memory and trims the summary', () => {
    expect(validateCaptureInput({ ...valid, summary: '  Use SQLite ' })).toEqual({ ...valid, summary: 'Use SQLite' });
    expect(validateCaptureInput({ ...valid, summary: 'x'.repeat(100) }).summary).toHaveLength(100);
  });

  it.each([
    [{ ...valid, namespace: 'secrets' }, 'MEMOTEL_ERR_INVALID_NAMESPACE', /"secrets".*decisions/],
    [{ ...valid, summary: '' }, 'MEMOTEL_ERR_INVALID_SUMMARY', /empty/],
    [{ ...valid, summary: '   ' }, 'MEMOTEL_ERR_INVALID_SUMMARY', /empty/],
    [{ ...valid, summary: 'x'.repeat(101) }, 'MEMOTEL_ERR_INVALID_SUMMARY', /101 characters.*100/],
    [{ ...valid, summary: 'two\nlines' }, 'MEMOTEL_ERR_INVALID_SUMMARY', /line break/],
    [{ ...valid, content: 'x'.repeat(MAX_CONTENT_BYTES + 1) }, 'MEMOTEL_ERR_CONTENT_TOO_LARGE', /65537 bytes.*65536/],
  ])('rejects %#', (input, code, message) => {
    let caught: unknown;
    try {
      validateCaptureInput(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MemotelError);
    expect(caught).toMatchObject({ code });
    expect((caught as Error).message).toMatch(message);
  });
});

describe('embeddingConfigFromEnv', () => {
  it('defaults to the local provider', () => {
    expect(embeddingConfigFromEnv({})).toEqual({ provider: 'local' });
    expect(embeddingConfigFromEnv({ MEMOTEL_EMBEDDING_PROVIDER: 'LOCAL' })).toEqual({ provider: 'local' });
  });

  it('reads an openai-compatible configuration', () => {
    const env = {
      MEMOTEL_EMBEDDING_PROVIDER: 'openai-compatible',
      MEMOTEL_EMBEDDING_URL: 'http://127.0.0.1:11434',
      MEMOTEL_EMBEDDING_MODEL: 'nomic-embed-text',
      MEMOTEL_EMBEDDING_API_KEY: 'sk-test',
      MEMOTEL_EMBEDDING_MAX_RETRIES: '0',
    };
    expect(embeddingConfigFromEnv(env)).toEqual({
      provider: 'openai-compatible',
      url: 'http://127.0.0.1:11434',
      model: 'nomic-embed-text',
      apiKey: 'sk-test',
      maxRetries: 0,
    });
  });

  it.each([
    [{ MEMOTEL_EMBEDDING_PROVIDER: 'magic' }, /MEMOTEL_EMBEDDING_PROVIDER="magic".*local or openai-compatible/],
    [{ MEMOTEL_EMBEDDING_PROVIDER: 'openai-compatible', MEMOTEL_EMBEDDING_MODEL: 'm' }, /MEMOTEL_EMBEDDING_URL is required/],
    [{ MEMOTEL_EMBEDDING_PROVIDER: 'openai-compatible', MEMOTEL_EMBEDDING_URL: 'http://x' }, /MEMOTEL_EMBEDDING_MODEL is required/],
    [{ MEMOTEL_EMBEDDING_PROVIDER: 'openai-compatible', MEMOTEL_EMBEDDING_URL: 'http://x', MEMOTEL_EMBEDDING_MODEL: 'm', MEMOTEL_EMBEDDING_TIMEOUT_MS: 'soon' }, /MEMOTEL_EMBEDDING_TIMEOUT_MS/],
  ])('rejects invalid settings %#', (env, message) => {
    expect(() => embeddingConfigFromEnv(env)).toThrow(expect.objectContaining({ code: 'MEMOTEL_ERR_INVALID_CONFIG', message: expect.stringMatching(message) }));
  });

  it('never puts the API key in an error', () => {
    const env = { MEMOTEL_EMBEDDING_PROVIDER: 'openai-compatible', MEMOTEL_EMBEDDING_API_KEY: 'sk-secret-123', MEMOTEL_EMBEDDING_MODEL: 'm' };
    expect(() => embeddingConfigFromEnv(env)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('sk-secret-123') }));
  });
});

describe('redactUrlCredentials', () => {
  it('hides user and password, keeps the rest', () => {
    expect(redactUrlCredentials('https://me:token@github.com/o/r.git')).toBe('https://REDACTED:REDACTED@github.com/o/r.git');
    expect(redactUrlCredentials('git@github.com:o/r.git')).toBe('git@github.com:o/r.git');
  });
});
