import { traced, type EmbeddingContext } from '../channels.js';

/** Turns texts into vectors; one vector per text, in order. */
export interface EmbeddingProvider {
  /** gen_ai.provider.name, e.g. memotel-local or openai-compatible. */
  readonly provider: string;
  readonly model: string;
  /** True when the model runs in this process. */
  readonly local: boolean;
  embed(texts: string[]): Promise<number[][]>;
}

export interface EmbeddingCallInfo {
  provider: string;
  model: string;
  local: boolean;
  serverAddress?: string;
  serverPort?: number;
}

/** Publishes one embedding call on memotel:embedding; `fn` may record attempts/tokens on ctx. */
export function tracedEmbedding(
  info: EmbeddingCallInfo,
  texts: readonly string[],
  fn: (ctx: EmbeddingContext | undefined) => Promise<number[][]>,
): Promise<number[][]> {
  const build = (): EmbeddingContext => ({ operation: 'embed', ...info, inputCount: texts.length });
  return traced('embedding', build, async (ctx) => {
    const vectors = await fn(ctx);
    if (ctx && vectors[0]) ctx.dimensions = vectors[0].length;
    return vectors;
  });
}

/** Scales `vector` in place to unit length (a zero vector stays zero). */
export function normaliseInPlace(vector: number[] | Float32Array): void {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  if (sum === 0) return;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! * scale;
}
