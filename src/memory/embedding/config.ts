// Embedding configuration from the environment, in one pure function (no reads of
// process.env elsewhere in the library: callers pass the environment in).
import { MemotelError } from '../errors.js';
import type { MemoryLogger } from '../logger.js';
import { LocalEmbeddingProvider } from './local.js';
import { OpenAICompatibleEmbeddingProvider } from './openai-compatible.js';
import type { EmbeddingProvider } from './provider.js';

export type EmbeddingConfig =
  | { provider: 'local' }
  | {
      provider: 'openai-compatible';
      url: string;
      model: string;
      /** Never logged, never in errors or telemetry. */
      apiKey?: string;
      timeoutMs?: number;
      maxRetries?: number;
    };

export const EMBEDDING_PROVIDERS = ['local', 'openai-compatible'] as const;

/**
 * MEMOTEL_EMBEDDING_PROVIDER  local (default) | openai-compatible
 * MEMOTEL_EMBEDDING_URL       base URL of the server (openai-compatible; required)
 * MEMOTEL_EMBEDDING_MODEL     model name (openai-compatible; required)
 * MEMOTEL_EMBEDDING_API_KEY   bearer token (optional)
 * MEMOTEL_EMBEDDING_TIMEOUT_MS, MEMOTEL_EMBEDDING_MAX_RETRIES  (optional)
 */
export function embeddingConfigFromEnv(env: Readonly<Record<string, string | undefined>>): EmbeddingConfig {
  const provider = (env.MEMOTEL_EMBEDDING_PROVIDER ?? '').trim().toLowerCase();
  if (provider === '' || provider === 'local' || provider === 'memotel-local') return { provider: 'local' };
  if (provider !== 'openai-compatible') {
    throw new MemotelError(
      'MEMOTEL_ERR_INVALID_CONFIG',
      `MEMOTEL_EMBEDDING_PROVIDER="${provider.slice(0, 40)}" is not a known provider: use ${EMBEDDING_PROVIDERS.join(' or ')}.`,
    );
  }
  const url = env.MEMOTEL_EMBEDDING_URL?.trim();
  const model = env.MEMOTEL_EMBEDDING_MODEL?.trim();
  if (!url) throw new MemotelError('MEMOTEL_ERR_INVALID_CONFIG', 'MEMOTEL_EMBEDDING_URL is required with MEMOTEL_EMBEDDING_PROVIDER=openai-compatible: set it to the server base URL, e.g. http://127.0.0.1:11434.');
  if (!model) throw new MemotelError('MEMOTEL_ERR_INVALID_CONFIG', 'MEMOTEL_EMBEDDING_MODEL is required with MEMOTEL_EMBEDDING_PROVIDER=openai-compatible: set it to the embedding model name, e.g. nomic-embed-text.');
  const config: EmbeddingConfig = { provider: 'openai-compatible', url, model };
  const apiKey = env.MEMOTEL_EMBEDDING_API_KEY;
  if (apiKey) config.apiKey = apiKey;
  const timeoutMs = optionalNumber(env, 'MEMOTEL_EMBEDDING_TIMEOUT_MS', 1);
  if (timeoutMs !== undefined) config.timeoutMs = timeoutMs;
  const maxRetries = optionalNumber(env, 'MEMOTEL_EMBEDDING_MAX_RETRIES', 0);
  if (maxRetries !== undefined) config.maxRetries = maxRetries;
  return config;
}

function optionalNumber(env: Readonly<Record<string, string | undefined>>, name: string, min: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new MemotelError('MEMOTEL_ERR_INVALID_CONFIG', `${name}="${raw.slice(0, 20)}" must be an integer of at least ${min}.`);
  }
  return value;
}

/** The provider for a config; a ready-made provider passes through. */
export function createEmbeddingProvider(
  config: EmbeddingConfig | EmbeddingProvider | undefined,
  options: { logger?: MemoryLogger } = {},
): EmbeddingProvider {
  if (config === undefined) return new LocalEmbeddingProvider();
  if ('embed' in config) return config;
  if (config.provider === 'local') return new LocalEmbeddingProvider();
  return new OpenAICompatibleEmbeddingProvider({ ...config, logger: options.logger });
}
