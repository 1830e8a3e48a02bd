// Embedding providers: the local hashing model, and the OpenAI-compatible client against a
// real HTTP server on 127.0.0.1.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHANNELS, type EmbeddingContext } from '../../src/memory/channels.js';
import { embedLocally, LocalEmbeddingProvider, LOCAL_DIMENSIONS } from '../../src/memory/embedding/local.js';
import { OpenAICompatibleEmbeddingProvider } from '../../src/memory/embedding/openai-compatible.js';
import { closedPort, collectSilentFailures, subscribeTracing } from './helpers.js';

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

describe('memotel-local embeddings', () => {
  it('are deterministic, unit length and 384-dimensional', async () => {
    const provider = new LocalEmbeddingProvider();
    const [a, b] = await provider.embed(['The cache uses SQLite', 'The cache uses SQLite']);
    expect(a).toHaveLength(LOCAL_DIMENSIONS);
    expect(a).toEqual(b);
    expect(Math.sqrt(cosine(a!, a!))).toBeCloseTo(1, 5);
  });

  it('rank the text sharing words with the query first', () => {
    const memories = [
      'Deploy with helm charts on the staging cluster',
      'The cache uses SQLite because it needs no server',
      'Jest needs the experimental vm modules flag for ESM',
    ].map(embedLocally);
    const query = embedLocally('which database does the cache use?');
    const scores = memories.map((m) => cosine(m, query));
    expect(scores.indexOf(Math.max(...scores))).toBe(1);
  });

  it('give a text without words a zero vector', () => {
    expect(Array.from(embedLocally('  ?! ')).every((x) => x === 0)).toBe(true);
  });
});

describe('openai-compatible embeddings', () => {
  let server: http.Server;
  let baseUrl: string;
  const requests: Array<{ url: string; auth: string | undefined; body: { model: string; input: string[] } }> = [];
  let failuresBeforeSuccess = 0;
  let status = 200;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(raw) as { model: string; input: string[] };
        requests.push({ url: req.url ?? '', auth: req.headers.authorization, body });
        if (failuresBeforeSuccess > 0) {
          failuresBeforeSuccess--;
          res.writeHead(503).end();
          return;
        }
        if (status !== 200) {
          res.writeHead(status).end();
          return;
        }
        // Reversed on purpose: clients must order by `index`.
        const data = body.input.map((text, index) => ({ index, embedding: [text.length, index, 1] })).reverse();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data, usage: { prompt_tokens: body.input.length * 2 } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  afterEach(() => {
    requests.length = 0;
    failuresBeforeSuccess = 0;
    status = 200;
  });

  it('posts batches to /v1/embeddings and reads vectors in input order', async () => {
    const provider = new OpenAICompatibleEmbeddingProvider({ url: baseUrl, model: 'test-model', apiKey: 'sk-k', batchSize: 2 });
    const vectors = await provider.embed(['a', 'bb', 'ccc']);
    expect(vectors).toEqual([
      [1, 0, 1],
      [2, 1, 1],
      [3, 0, 1],
    ]);
    expect(requests.map((r) => r.body)).toEqual([
      { model: 'test-model', input: ['a', 'bb'] },
      { model: 'test-model', input: ['ccc'] },
    ]);
    expect(requests[0]!.url).toBe('/v1/embeddings');
    expect(requests[0]!.auth).toBe('Bearer sk-k');
  });

  it('retries a 503, reporting each retry, and records attempts and tokens on the channel', async () => {
    failuresBeforeSuccess = 1;
    const failures = collectSilentFailures();
    const contexts: EmbeddingContext[] = [];
    const unsubscribe = subscribeTracing(CHANNELS.embedding, { asyncEnd: (ctx) => void contexts.push(ctx as EmbeddingContext) });
    try {
      const provider = new OpenAICompatibleEmbeddingProvider({ url: `${baseUrl}/v1/`, model: 'm', maxRetries: 2, retryBaseMs: 1 });
      await provider.embed(['hello']);
    } finally {
      unsubscribe();
      failures.stop();
    }
    expect(failures.messages.map((m) => m.location)).toEqual(['embedding.retry']);
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toMatchObject({
      operation: 'embed',
      provider: 'openai-compatible',
      model: 'm',
      local: false,
      inputCount: 1,
      serverAddress: '127.0.0.1',
      serverPort: Number(new URL(baseUrl).port),
      dimensions: 3,
      inputTokens: 2,
      attempts: 2,
    });
  });

  it('does not retry a 401 and points at the API key setting', async () => {
    status = 401;
    const provider = new OpenAICompatibleEmbeddingProvider({ url: baseUrl, model: 'm', apiKey: 'sk-secret', retryBaseMs: 1 });
    const error = await provider.embed(['x']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MEMOTEL_ERR_EMBEDDING_FAILED' });
    expect((error as Error).message).toMatch(/401.*MEMOTEL_EMBEDDING_API_KEY/);
    expect((error as Error).message).not.toContain('sk-secret');
    expect(requests).toHaveLength(1);
  });

  it('fails with MEMOTEL_ERR_EMBEDDING_UNREACHABLE naming the URL, never the key, after bounded retries', async () => {
    const port = await closedPort();
    const failures = collectSilentFailures();
    const provider = new OpenAICompatibleEmbeddingProvider({
      url: `http://127.0.0.1:${port}`,
      model: 'm',
      apiKey: 'sk-secret',
      maxRetries: 2,
      retryBaseMs: 1,
      timeoutMs: 2000,
    });
    const error = await provider.embed(['x']).catch((e: unknown) => e);
    failures.stop();
    expect(error).toMatchObject({ code: 'MEMOTEL_ERR_EMBEDDING_UNREACHABLE', name: 'MemotelError' });
    expect((error as Error).message).toContain(`http://127.0.0.1:${port}/v1/embeddings`);
    expect((error as Error).message).toMatch(/after 3 attempt/);
    expect((error as Error).message).not.toContain('sk-secret');
    expect(failures.messages.filter((m) => m.location === 'embedding.retry')).toHaveLength(2);
  });
});
