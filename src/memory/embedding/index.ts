export type { EmbeddingProvider } from './provider.js';
export { normaliseInPlace } from './provider.js';
export { LocalEmbeddingProvider, embedLocally, LOCAL_PROVIDER_NAME, LOCAL_MODEL_NAME, LOCAL_DIMENSIONS } from './local.js';
export { OpenAICompatibleEmbeddingProvider, OPENAI_COMPATIBLE_PROVIDER_NAME, type OpenAICompatibleOptions } from './openai-compatible.js';
export { embeddingConfigFromEnv, createEmbeddingProvider, EMBEDDING_PROVIDERS, type EmbeddingConfig } from './config.js';
