// An OpenAI-compatible embeddings endpoint (OpenAI, Ollama, vLLM, LM Studio, ...):
// POST {url}/v1/embeddings {model, input: string[]} → {data: [{embedding, index}], usage}.
// Uses the global fetch, so it needs no dependency and undici's own telemetry still applies.
import { reportSilentFailure } from '../channels.js';
import { MemotelError } from '../errors.js';
import { noopLogger, type MemoryLogger } from '../logger.js';
import { redactUrlCredentials } from '../redact.js';
import { tracedEmbedding, type EmbeddingProvider } from './provider.js';

export const OPENAI_COMPATIBLE_PROVIDER_NAME = 'openai-compatible';

export interface OpenAICompatibleOptions {
  /** Base URL, e.g. http://127.0.0.1:11434 (a trailing /v1 is accepted). */
  url: string;
  model: string;
  /** Sent as a Bearer token; never logged, never in errors or telemetry. */
  apiKey?: string;
  /** Per HTTP attempt. */
  timeoutMs?: number;
  /** Retries after the first attempt, on network errors, timeouts, 429 and 5xx. */
  maxRetries?: number;
  /** First backoff delay; doubles per retry, capped at 5 s. */
  retryBaseMs?: number;
  /** Inputs per request. */
  batchSize?: number;
  logger?: MemoryLogger;
}

const MAX_BACKOFF_MS = 5_000;

interface EmbeddingsResponse {
  data?: Array<{ embedding?: unknown; index?: number }>;
  usage?: { prompt_tokens?: number };
}

export class OpenAICompatibleEmbeddingProvider implements EmbeddingProvider {
  readonly provider = OPENAI_COMPATIBLE_PROVIDER_NAME;
  readonly model: string;
  readonly local = false;
  /** The endpoint with credentials redacted: safe for messages. */
  readonly displayUrl: string;
  readonly #endpoint: string;
  readonly #apiKey: string | undefined;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #retryBaseMs: number;
  readonly #batchSize: number;
  readonly #logger: MemoryLogger;
  readonly #serverAddress: string;
  readonly #serverPort: number;

  constructor(options: OpenAICompatibleOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new MemotelError('MEMOTEL_ERR_INVALID_CONFIG', `Embedding URL "${redactUrlCredentials(String(options.url))}" is not a valid URL: use e.g. http://127.0.0.1:11434.`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new MemotelError('MEMOTEL_ERR_INVALID_CONFIG', `Embedding URL must use http or https, got ${base.protocol}.`);
    }
    if (!options.model) throw new MemotelError('MEMOTEL_ERR_INVALID_CONFIG', 'An embedding model is required for the openai-compatible provider: set MEMOTEL_EMBEDDING_MODEL.');
    const basePath = base.pathname.replace(/\/+$/, '');
    base.pathname = (basePath.endsWith('/v1') ? basePath : basePath + '/v1') + '/embeddings';
    this.#endpoint = base.toString();
    this.displayUrl = redactUrlCredentials(this.#endpoint);
    this.model = options.model;
    this.#apiKey = options.apiKey || undefined;
    this.#timeoutMs = positive(options.timeoutMs, 30_000, 'timeoutMs');
    this.#maxRetries = Math.floor(nonNegative(options.maxRetries, 2, 'maxRetries'));
    this.#retryBaseMs = nonNegative(options.retryBaseMs, 250, 'retryBaseMs');
    this.#batchSize = Math.floor(positive(options.batchSize, 64, 'batchSize'));
    this.#logger = options.logger ?? noopLogger;
    this.#serverAddress = base.hostname.replace(/^\[|\]$/g, '');
    this.#serverPort = base.port ? Number(base.port) : base.protocol === 'https:' ? 443 : 80;
  }

  embed(texts: string[]): Promise<number[][]> {
    const info = {
      provider: this.provider,
      model: this.model,
      local: false,
      serverAddress: this.#serverAddress,
      serverPort: this.#serverPort,
    };
    return tracedEmbedding(info, texts, async (ctx) => {
      const tally = { attempts: 0, inputTokens: 0, tokensKnown: true };
      try {
        const vectors: number[][] = [];
        for (let i = 0; i < texts.length; i += this.#batchSize) {
          vectors.push(...(await this.#embedBatch(texts.slice(i, i + this.#batchSize), tally)));
        }
        if (ctx && tally.tokensKnown && texts.length > 0) ctx.inputTokens = tally.inputTokens;
        return vectors;
      } finally {
        if (ctx) ctx.attempts = tally.attempts;
      }
    });
  }

  async #embedBatch(batch: string[], tally: { attempts: number; inputTokens: number; tokensKnown: boolean }): Promise<number[][]> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    const body = JSON.stringify({ model: this.model, input: batch });
    for (let attempt = 1; ; attempt++) {
      tally.attempts++;
      let response: Response;
      try {
        response = await fetch(this.#endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.#timeoutMs) });
      } catch (error) {
        const failure = this.#unreachable(error, attempt);
        if (attempt > this.#maxRetries) throw failure;
        await this.#backoff(attempt, failure);
        continue;
      }
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel().catch(() => {});
        const failure = new MemotelError(
          'MEMOTEL_ERR_EMBEDDING_FAILED',
          `Embedding server ${this.displayUrl} answered HTTP ${response.status} after ${attempt} attempt(s): retry later or check the server's logs.`,
        );
        if (attempt > this.#maxRetries) throw failure;
        await this.#backoff(attempt, failure, retryAfterMs(response.headers.get('retry-after')));
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        throw new MemotelError('MEMOTEL_ERR_EMBEDDING_FAILED', `Embedding server ${this.displayUrl} answered HTTP ${response.status}: ${statusHint(response.status)}`);
      }
      return this.#parse(await response.json().catch(() => undefined), batch.length, tally);
    }
  }

  #parse(json: unknown, expected: number, tally: { inputTokens: number; tokensKnown: boolean }): number[][] {
    const payload = json as EmbeddingsResponse | undefined;
    const data = payload?.data;
    if (!Array.isArray(data) || data.length !== expected) {
      throw new MemotelError(
        'MEMOTEL_ERR_EMBEDDING_FAILED',
        `Embedding server ${this.displayUrl} returned ${Array.isArray(data) ? data.length : 'no'} embeddings for ${expected} inputs: check that it implements the OpenAI embeddings API.`,
      );
    }
    // `index` says which input each vector belongs to; servers may reorder.
    const ordered = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    const vectors = ordered.map((item) => item.embedding);
    if (!vectors.every((v): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number'))) {
      throw new MemotelError('MEMOTEL_ERR_EMBEDDING_FAILED', `Embedding server ${this.displayUrl} returned a malformed embedding (expected arrays of numbers).`);
    }
    const tokens = payload?.usage?.prompt_tokens;
    if (typeof tokens === 'number') tally.inputTokens += tokens;
    else tally.tokensKnown = false;
    return vectors;
  }

  #unreachable(error: unknown, attempts: number): MemotelError {
    const cause = (error as { cause?: { code?: string } })?.cause?.code;
    const why =
      (error as Error)?.name === 'TimeoutError' ? `no answer within ${this.#timeoutMs} ms` : (cause ?? (error as Error)?.message ?? 'network error');
    return new MemotelError(
      'MEMOTEL_ERR_EMBEDDING_UNREACHABLE',
      `Embedding server ${this.displayUrl} is unreachable (${why}) after ${attempts} attempt(s): check MEMOTEL_EMBEDDING_URL and that the server is running.`,
      { cause: error },
    );
  }

  async #backoff(attempt: number, failure: MemotelError, retryAfter?: number): Promise<void> {
    const exponential = Math.min(MAX_BACKOFF_MS, this.#retryBaseMs * 2 ** (attempt - 1));
    const delay = retryAfter !== undefined ? Math.min(MAX_BACKOFF_MS, retryAfter) : exponential * (0.5 + Math.random() / 2);
    reportSilentFailure('embedding.retry', failure, `retry ${attempt} of ${this.#maxRetries} in ${Math.round(delay)} ms`);
    this.#logger.warn({ code: failure.code, attempt, delayMs: Math.round(delay) }, 'embedding request failed; retrying');
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function statusHint(status: number): string {
  if (status === 401 || status === 403) return 'the server refused the credentials; check MEMOTEL_EMBEDDING_API_KEY.';
  if (status === 404) return 'no embeddings endpoint or unknown model there; check MEMOTEL_EMBEDDING_URL and MEMOTEL_EMBEDDING_MODEL.';
  return 'the request was rejected; check MEMOTEL_EMBEDDING_MODEL and the server documentation.';
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new MemotelError('MEMOTEL_ERR_INVALID_CONFIG', `Embedding option ${name} must be a positive number, got ${value}.`);
  return value;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new MemotelError('MEMOTEL_ERR_INVALID_CONFIG', `Embedding option ${name} must be zero or more, got ${value}.`);
  return value;
}

