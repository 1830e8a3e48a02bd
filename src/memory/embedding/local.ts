// memotel-local: a feature-hashing embedder. No download, no network, deterministic.
//
// Each text becomes a bag of hashed features: word unigrams, word bigrams (word order) and
// character trigrams of each word (spelling variants, plurals). FNV-1a picks the dimension and
// the sign (signed hashing keeps collisions from always adding up). Not semantic: it finds
// memories that share words or word parts with the query, which is what a hook needs offline.
import { normaliseInPlace, tracedEmbedding, type EmbeddingProvider } from './provider.js';

export const LOCAL_PROVIDER_NAME = 'memotel-local';
export const LOCAL_MODEL_NAME = 'memotel-hash-384-v1';
export const LOCAL_DIMENSIONS = 384;

const UNIGRAM_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.25;

// Words that every memory shares carry no signal and would drown short queries.
const STOPWORDS = new Set(
  ('a an and are as at be but by do does for from has have how i if in into is it its me my no not of on or our so ' +
    'that the their then there these this to was we were what when where which who why will with you your')
    .split(' '),
);

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function words(text: string): string[] {
  const all = text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return all.filter((w) => !STOPWORDS.has(w));
}

function addFeature(vector: Float32Array, feature: string, weight: number): void {
  const hash = fnv1a(feature);
  const sign = hash & 0x80000000 ? -1 : 1;
  vector[hash % LOCAL_DIMENSIONS] += sign * weight;
}

/** The local embedding of one text (unit length, or all zeros for a text without words). */
export function embedLocally(text: string): Float32Array {
  const vector = new Float32Array(LOCAL_DIMENSIONS);
  const list = words(text);
  for (let i = 0; i < list.length; i++) {
    const word = list[i]!;
    addFeature(vector, 'w:' + word, UNIGRAM_WEIGHT);
    if (i > 0) addFeature(vector, 'b:' + list[i - 1] + ' ' + word, BIGRAM_WEIGHT);
    const padded = '#' + word + '#';
    for (let j = 0; j + 3 <= padded.length; j++) addFeature(vector, 't:' + padded.slice(j, j + 3), TRIGRAM_WEIGHT);
  }
  normaliseInPlace(vector);
  return vector;
}

export class LocalEmbeddingProvider implements EmbeddingProvider {
  readonly provider = LOCAL_PROVIDER_NAME;
  readonly model = LOCAL_MODEL_NAME;
  readonly local = true;

  embed(texts: string[]): Promise<number[][]> {
    return tracedEmbedding({ provider: this.provider, model: this.model, local: true }, texts, async () =>
      texts.map((t) => Array.from(embedLocally(t))),
    );
  }
}
