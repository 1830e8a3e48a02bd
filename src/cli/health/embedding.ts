// embedding: the provider MEMOTEL_EMBEDDING_* configures, asked for one real embedding.
//
// Unless MEMOTEL_EMBEDDING_TIMEOUT_MS / MEMOTEL_EMBEDDING_MAX_RETRIES say otherwise, the check
// waits at most 5 s and does not retry: a health check must answer promptly, and retries would
// hide a flaky server.
import type { Env } from '../../config/index.js';
import { createEmbeddingProvider, embeddingConfigFromEnv } from '../../memory/embedding/config.js';
import type { EmbeddingProvider } from '../../memory/embedding/provider.js';
import { failed, timed, type ComponentResult } from './types.js';

const HEALTH_TIMEOUT_MS = 5000;
const HEALTH_PROBE = ['memotel health check'];

export function embeddingProviderFor(env: Env): { provider?: EmbeddingProvider; error?: unknown } {
  try {
    const config = embeddingConfigFromEnv(env);
    if (config.provider === 'openai-compatible') {
      config.timeoutMs ??= HEALTH_TIMEOUT_MS;
      config.maxRetries ??= 0;
    }
    return { provider: createEmbeddingProvider(config) };
  } catch (error) {
    return { error };
  }
}

export async function checkEmbedding(provider: EmbeddingProvider | undefined, configError: unknown): Promise<ComponentResult> {
  if (!provider) return failed('embedding', configError);
  const where = 'displayUrl' in provider ? ` at ${String((provider as { displayUrl: unknown }).displayUrl)}` : '';
  const started = performance.now();
  try {
    const { value, ms } = await timed(() => provider.embed(HEALTH_PROBE));
    const dimensions = value[0]?.length ?? 0;
    return {
      name: 'embedding',
      status: dimensions > 0 ? 'ok' : 'fail',
      summary: `${provider.provider} ${provider.model}${where}: ${dimensions} dimensions`,
      latencyMs: ms,
      data: { provider: provider.provider, model: provider.model, dimensions, local: provider.local },
    };
  } catch (error) {
    return failed('embedding', error, performance.now() - started);
  }
}
