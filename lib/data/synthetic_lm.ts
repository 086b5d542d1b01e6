/**
 * Synthetic language-model data: seeded Markov text, and passkey sequences built on it (the shared toy of the
 * length-extrapolation notebooks and of T04's tiny GAU-vs-Transformer comparison).
 *
 * The default source is an order-2 chain over 16 text tokens: each context (prev, cur) has 4 successors with
 * probabilities (0.50, 0.25, 0.15, 0.10), picked by a seeded permutation. Its Bayes-optimal next-token accuracy is
 * 0.5 and its entropy 1.2080 nats/token, so a model's accuracy and loss have a known ceiling and floor. Order 2
 * forces a model to look back two positions, i.e. to use attention.
 *
 * @module
 */
import { createRng, type Rng } from "../core/rng.ts";
import { checkInt, rangeError, typeError } from "../core/validate.ts";

/** A seeded Markov chain over text tokens 0..vocab−1. */
export interface MarkovSource {
  /** Number of text tokens. */
  vocab: number;
  /** Context length (order of the chain). */
  order: number;
  /** One next-token distribution per context; context index = Σ_k t_{−order+k}·vocab^{order−1−k}. */
  table: Float64Array[];
  /** Accuracy of the optimal predictor (argmax of the table), averaged over contexts with their frequencies. */
  bayesAccuracy: number;
  /** Conditional entropy in nats per token. */
  entropy: number;
}

/** The default successor probabilities of the shared toy. */
export const MARKOV_PROBS: readonly number[] = [0.5, 0.25, 0.15, 0.1];

/**
 * Builds a seeded order-`order` Markov source: for every context, `probs.length` distinct successors drawn by a
 * seeded permutation receive the probabilities `probs` (in that order). Since every row holds the same multiset of
 * probabilities, the Bayes accuracy is max(probs) and the entropy $-\sum_k p_k\log p_k$ whatever the stationary law.
 *
 * @param vocab text tokens, an integer ≥ 2
 * @param order context length, 1 ≤ order, vocab^order ≤ 2^20
 * @param seed seed of the permutation
 * @param probs successor probabilities, positive, summing to 1, at most vocab of them (default {@link MARKOV_PROBS})
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { markovSource } from "@lib/data/synthetic_lm.ts";
 * const src = markovSource(16, 2, 0);
 * assertEquals([src.table.length, src.bayesAccuracy], [256, 0.5]);
 * assertAlmostEquals(src.entropy, 1.2080, 1e-4);
 * ```
 */
export function markovSource(
  vocab: number,
  order: number,
  seed: number,
  probs: readonly number[] = MARKOV_PROBS,
): MarkovSource {
  checkInt("markovSource", "vocab", vocab, 2);
  checkInt("markovSource", "order", order, 1);
  if (vocab ** order > 2 ** 20) rangeError("markovSource", "vocab^order", "≤ 2^20", vocab ** order);
  if (!Array.isArray(probs) || probs.length < 1 || probs.length > vocab) {
    rangeError("markovSource", "probs", `1 to vocab = ${vocab} probabilities`, probs);
  }
  let sum = 0;
  for (const p of probs) {
    if (typeof p !== "number" || !(p > 0)) rangeError("markovSource", "probs", "positive numbers", probs);
    sum += p;
  }
  if (Math.abs(sum - 1) > 1e-9) rangeError("markovSource", "sum(probs)", "1", sum);
  const rng = createRng(seed);
  const contexts = vocab ** order;
  const table: Float64Array[] = [];
  const perm = Array.from({ length: vocab }, (_, i) => i);
  for (let c = 0; c < contexts; c++) {
    for (let i = vocab - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
    }
    const row = new Float64Array(vocab);
    probs.forEach((p, k) => (row[perm[k] as number] = p));
    table.push(row);
  }
  const entropy = -probs.reduce((a, p) => a + p * Math.log(p), 0);
  return { vocab, order, table, bayesAccuracy: Math.max(...probs), entropy };
}

function checkSource(where: string, src: MarkovSource): void {
  if (src === null || typeof src !== "object" || !Array.isArray(src.table)) {
    typeError(where, "src", "a MarkovSource", src);
  }
}

/**
 * Index of the context formed by the `order` tokens ending at position `t` (inclusive) of `seq`.
 *
 * @param src the source
 * @param seq a token sequence
 * @param t the last position of the context, t ≥ order − 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { markovContext, markovSource } from "@lib/data/synthetic_lm.ts";
 * assertEquals(markovContext(markovSource(16, 2, 0), [3, 5, 7], 2), 5 * 16 + 7);
 * ```
 */
export function markovContext(src: MarkovSource, seq: ArrayLike<number>, t: number): number {
  checkSource("markovContext", src);
  checkInt("markovContext", "t", t, src.order - 1, seq.length - 1);
  let c = 0;
  for (let k = t - src.order + 1; k <= t; k++) c = c * src.vocab + (seq[k] as number);
  return c;
}

/**
 * Samples `len` tokens: the first `order` uniformly, then each from the table row of its context.
 *
 * @param src the source
 * @param len the length, ≥ order
 * @param rng random source
 * @example
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { markovContext, markovSource, sampleMarkov } from "@lib/data/synthetic_lm.ts";
 * const src = markovSource(16, 2, 0), seq = sampleMarkov(src, 100, createRng(1));
 * assertEquals(seq.length, 100);
 * for (let t = 2; t < 100; t++) assert(src.table[markovContext(src, seq, t - 1)]![seq[t]!]! > 0);
 * ```
 */
export function sampleMarkov(src: MarkovSource, len: number, rng: Rng): Int32Array {
  checkSource("sampleMarkov", src);
  checkInt("sampleMarkov", "len", len, src.order);
  if (typeof rng !== "function") typeError("sampleMarkov", "rng", "an Rng", rng);
  const out = new Int32Array(len);
  for (let t = 0; t < src.order; t++) out[t] = rng.int(src.vocab);
  for (let t = src.order; t < len; t++) {
    const row = src.table[markovContext(src, out, t - 1)] as Float64Array;
    let u = rng(), k = 0;
    while (k < row.length - 1 && u >= (row[k] as number)) u -= row[k++] as number;
    while (row[k] === 0) k--; // rounding at the top end: fall back to the last positive entry
    out[t] = k;
  }
  return out;
}

/**
 * A batch of `batch` independent Markov sequences, row-major batch × len (for tfjs `tensor2d(…, [batch, len])`).
 *
 * @param src the source
 * @param batch number of sequences, ≥ 1
 * @param len tokens per sequence
 * @param rng random source
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { markovBatch, markovSource } from "@lib/data/synthetic_lm.ts";
 * assertEquals(markovBatch(markovSource(16, 2, 0), 4, 9, createRng(0)).length, 36);
 * ```
 */
export function markovBatch(src: MarkovSource, batch: number, len: number, rng: Rng): Int32Array {
  checkInt("markovBatch", "batch", batch, 1);
  const out = new Int32Array(batch * len);
  for (let b = 0; b < batch; b++) out.set(sampleMarkov(src, len, rng), b * len);
  return out;
}

/**
 * Token layout of passkey sequences: text tokens 0..vocab−1, then `keys` key tokens, then one QUERY token.
 *
 * @param src the text source
 * @param keys number of key tokens (default 8)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { markovSource, passkeyTokens } from "@lib/data/synthetic_lm.ts";
 * assertEquals(passkeyTokens(markovSource(16, 2, 0)), { firstKey: 16, query: 24, vocab: 25 });
 * ```
 */
export function passkeyTokens(
  src: MarkovSource,
  keys = 8,
): { firstKey: number; query: number; vocab: number } {
  checkSource("passkeyTokens", src);
  checkInt("passkeyTokens", "keys", keys, 1);
  return { firstKey: src.vocab, query: src.vocab + keys, vocab: src.vocab + keys + 1 };
}

/**
 * A training passkey sequence of length `len`: Markov text, one key token at a uniform position in
 * [0, (len−1)/2), then `queries` QUERY tokens at random later positions, each followed by the key (its target).
 *
 * @param src the text source
 * @param len sequence length (N + 1), ≥ 8
 * @param rng random source
 * @param opts `keys` (distinct key tokens, default 8), `queries` (default 3)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { markovSource, passkeyTokens, samplePasskeyTrain } from "@lib/data/synthetic_lm.ts";
 * const src = markovSource(16, 2, 0), { query } = passkeyTokens(src);
 * const seq = samplePasskeyTrain(src, 65, createRng(2));
 * assertEquals(seq.filter((t) => t === query).length, 3);
 * ```
 */
export function samplePasskeyTrain(
  src: MarkovSource,
  len: number,
  rng: Rng,
  opts: { keys?: number; queries?: number } = {},
): Int32Array {
  checkInt("samplePasskeyTrain", "len", len, 8);
  const keys = opts.keys ?? 8, queries = checkInt("samplePasskeyTrain", "opts.queries", opts.queries ?? 3, 1);
  const { firstKey, query } = passkeyTokens(src, keys);
  const seq = sampleMarkov(src, len, rng);
  const keyPos = rng.int(Math.floor((len - 1) / 2));
  const key = firstKey + rng.int(keys);
  seq[keyPos] = key;
  // query slots q (answer at q+1) in (keyPos, len−2], pairwise ≥ 2 apart
  const free = len - 2 - keyPos;
  if (free < 2 * queries - 1) {
    rangeError("samplePasskeyTrain", "opts.queries", `≤ ${Math.ceil(free / 2)}`, queries);
  }
  const used = new Set<number>();
  let placed = 0;
  while (placed < queries) {
    const q = keyPos + 1 + rng.int(free);
    if (used.has(q) || used.has(q - 1) || used.has(q + 1)) continue;
    used.add(q);
    seq[q] = query;
    seq[q + 1] = key;
    placed++;
  }
  return seq;
}

/**
 * An evaluation passkey sequence of length `len`: Markov text, one key at a position in [0, keyMaxPos), a single
 * QUERY at len − 2 and the key as the answer at len − 1.
 *
 * @param src the text source
 * @param len sequence length, > keyMaxPos + 1
 * @param rng random source
 * @param opts `keys` (default 8), `keyMaxPos` (default 16)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { markovSource, passkeyTokens, samplePasskeyEval } from "@lib/data/synthetic_lm.ts";
 * const src = markovSource(16, 2, 0), { query, firstKey } = passkeyTokens(src);
 * const seq = samplePasskeyEval(src, 128, createRng(3));
 * assertEquals(seq[126], query);
 * assertEquals(seq.slice(0, 16).includes(seq[127]!) && seq[127]! >= firstKey, true);
 * ```
 */
export function samplePasskeyEval(
  src: MarkovSource,
  len: number,
  rng: Rng,
  opts: { keys?: number; keyMaxPos?: number } = {},
): Int32Array {
  const keyMaxPos = checkInt("samplePasskeyEval", "opts.keyMaxPos", opts.keyMaxPos ?? 16, 1);
  checkInt("samplePasskeyEval", "len", len, keyMaxPos + 2);
  const keys = opts.keys ?? 8;
  const { firstKey, query } = passkeyTokens(src, keys);
  const seq = sampleMarkov(src, len, rng);
  const key = firstKey + rng.int(keys);
  seq[rng.int(keyMaxPos)] = key;
  seq[len - 2] = query;
  seq[len - 1] = key;
  return seq;
}
