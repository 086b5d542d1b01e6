/**
 * A seeded "two dialects" corpus for masked-language-model toys (T17): K latent topics, each an order-1 Markov
 * chain over V word tokens that mixes a few permutations,
 * $$M_k = \sum_j p_j P_{k,j},\qquad P_{k,j}\ \text{a permutation matrix}.$$
 * A mixture of permutation matrices is doubly stochastic, so every topic has the **uniform** stationary
 * distribution: single-token counts say nothing about the topic; only the word order (bigrams) does.
 * The exact log-likelihood gives the Bayes topic classifier.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { createRng } from "../core/rng.ts";
import { permutation } from "../core/sampling.ts";
import { type Matrix, matrix } from "../core/matrix.ts";
import { checkInt, checkLength, rangeError, typeError } from "../core/validate.ts";

/** A topic Markov source: `successors[k][j][t]` is the j-th successor of token t in topic k, taken w.p. `probs[j]`. */
export interface TopicMarkovSource {
  vocab: number;
  topics: number;
  successors: Int32Array[][];
  probs: number[];
}

/**
 * Builds a seeded topic Markov source. With `doublyStochastic` (default true) each `successors[k][j]` is a
 * permutation of 0…V−1, and the permutations of one topic never agree at any token (so every token has
 * exactly `probs.length` distinct successors and the next-token entropy is exactly $H(p)$). Without it the
 * successors are independent uniform tokens (rows of $M_k$ still sum to 1, columns in general do not).
 *
 * @param opts `vocab` V ≥ 2, `topics` K ≥ 1, `probs` (positive, sum 1, at most V entries), `seed`, `doublyStochastic`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { topicMarkovSource } from "@lib/data/dialect_corpus.ts";
 * const src = topicMarkovSource({ vocab: 16, topics: 2, probs: [0.7, 0.3], seed: 0 });
 * assertEquals([src.successors.length, src.successors[0]!.length, src.successors[0]![0]!.length], [2, 2, 16]);
 * assertEquals([...src.successors[1]![0]!].sort((a, b) => a - b), Array.from({ length: 16 }, (_, i) => i));
 * ```
 */
export function topicMarkovSource(opts: {
  vocab: number;
  topics: number;
  probs: number[];
  seed: number;
  doublyStochastic?: boolean;
}): TopicMarkovSource {
  const where = "topicMarkovSource";
  if (opts === null || typeof opts !== "object") {
    typeError(where, "opts", "{ vocab, topics, probs, seed }", opts);
  }
  const V = checkInt(where, "opts.vocab", opts.vocab, 2);
  const K = checkInt(where, "opts.topics", opts.topics, 1);
  checkLength(where, "opts.probs", opts.probs);
  if (opts.probs.length > V) rangeError(where, "opts.probs.length", `≤ vocab = ${V}`, opts.probs.length);
  let total = 0;
  for (const p of opts.probs) {
    if (!(p > 0) || !Number.isFinite(p)) {
      rangeError(where, "opts.probs", "positive finite numbers", opts.probs);
    }
    total += p;
  }
  if (Math.abs(total - 1) > 1e-9) rangeError(where, "sum of opts.probs", "1", total);
  const rng = createRng(checkInt(where, "opts.seed", opts.seed, 0, 2 ** 32 - 1));
  const ds = opts.doublyStochastic ?? true;
  const successors: Int32Array[][] = [];
  for (let k = 0; k < K; k++) {
    const perms: Int32Array[] = [];
    for (let j = 0; j < opts.probs.length; j++) {
      for (let attempt = 0;; attempt++) {
        if (attempt > 10000) {
          throw new Error(`${where}: could not draw distinct successors (vocab too small?)`);
        }
        const p = ds ? permutation(V, rng) : Int32Array.from({ length: V }, () => rng.int(V));
        const clash = perms.some((q) => q.some((v, t) => v === p[t]));
        if (!clash) {
          perms.push(p);
          break;
        }
      }
    }
    successors.push(perms);
  }
  return { vocab: V, topics: K, successors, probs: opts.probs.slice() };
}

function checkSource(where: string, src: TopicMarkovSource): void {
  if (src === null || typeof src !== "object" || !Array.isArray(src.successors)) {
    typeError(where, "src", "a TopicMarkovSource", src);
  }
}

/**
 * The transition matrix $M_k$ (V×V, row = current token, column = next token) of one topic.
 *
 * @param src the source
 * @param topic k in 0…K−1
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { topicMarkovSource, topicTransitionMatrix } from "@lib/data/dialect_corpus.ts";
 * const m = topicTransitionMatrix(topicMarkovSource({ vocab: 4, topics: 1, probs: [0.6, 0.4], seed: 1 }), 0);
 * assertAlmostEquals(m.data.slice(0, 4).reduce((a, b) => a + b, 0), 1, 1e-12);
 * ```
 */
export function topicTransitionMatrix(src: TopicMarkovSource, topic: number): Matrix {
  checkSource("topicTransitionMatrix", src);
  checkInt("topicTransitionMatrix", "topic", topic, 0, src.topics - 1);
  const V = src.vocab, m = matrix(V, V);
  src.successors[topic]!.forEach((succ, j) => {
    for (let t = 0; t < V; t++) m.data[t * V + succ[t]!] = m.data[t * V + succ[t]!]! + src.probs[j]!;
  });
  return m;
}

/**
 * Samples one sentence of a topic: the first token uniform on 0…V−1 (the stationary law), then
 * $x_{i+1} = \text{successors}[k][j][x_i]$ with $j\sim p$.
 *
 * @param src the source
 * @param topic k in 0…K−1
 * @param len sentence length ≥ 1
 * @param rng random source
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { sampleTopicSentence, topicMarkovSource } from "@lib/data/dialect_corpus.ts";
 * const src = topicMarkovSource({ vocab: 16, topics: 2, probs: [0.7, 0.3], seed: 0 });
 * assertEquals(sampleTopicSentence(src, 1, 24, createRng(5)).length, 24);
 * ```
 */
export function sampleTopicSentence(
  src: TopicMarkovSource,
  topic: number,
  len: number,
  rng: Rng,
): Int32Array {
  checkSource("sampleTopicSentence", src);
  checkInt("sampleTopicSentence", "topic", topic, 0, src.topics - 1);
  checkInt("sampleTopicSentence", "len", len, 1);
  if (typeof rng !== "function") typeError("sampleTopicSentence", "rng", "an Rng", rng);
  const out = new Int32Array(len);
  const succ = src.successors[topic]!;
  out[0] = rng.int(src.vocab);
  for (let i = 1; i < len; i++) {
    let u = rng(), j = 0;
    while (j < src.probs.length - 1 && u >= src.probs[j]!) u -= src.probs[j++]!;
    out[i] = succ[j]![out[i - 1]!]!;
  }
  return out;
}

/**
 * Exact log-likelihood $\log p(x\mid k) = -\log V + \sum_{i\ge 1}\log M_k[x_{i-1}, x_i]$ (−∞ if a transition is
 * impossible in topic k). The Bayes classifier is the arg-max over k (topics are equally likely).
 *
 * @param src the source
 * @param seq token ids in 0…V−1
 * @param topic k in 0…K−1
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { sampleTopicSentence, topicLogLikelihood, topicMarkovSource } from "@lib/data/dialect_corpus.ts";
 * const src = topicMarkovSource({ vocab: 16, topics: 2, probs: [0.7, 0.3], seed: 0 });
 * const x = sampleTopicSentence(src, 0, 24, createRng(1));
 * assert(topicLogLikelihood(src, x, 0) > topicLogLikelihood(src, x, 1));
 * ```
 */
export function topicLogLikelihood(src: TopicMarkovSource, seq: Int32Array, topic: number): number {
  checkSource("topicLogLikelihood", src);
  checkInt("topicLogLikelihood", "topic", topic, 0, src.topics - 1);
  checkLength("topicLogLikelihood", "seq", seq);
  const succ = src.successors[topic]!;
  let ll = -Math.log(src.vocab);
  for (let i = 1; i < seq.length; i++) {
    const a = seq[i - 1]!, b = seq[i]!;
    if (a < 0 || a >= src.vocab || b < 0 || b >= src.vocab) {
      rangeError("topicLogLikelihood", `seq[${i}]`, `a token id in [0, ${src.vocab})`, b);
    }
    let p = 0;
    for (let j = 0; j < succ.length; j++) if (succ[j]![a] === b) p += src.probs[j]!;
    ll += Math.log(p);
  }
  return ll;
}

/** A labelled corpus: `sentences[i]` has topic `topics[i]`. */
export interface DialectCorpus {
  sentences: Int32Array[];
  topics: Int32Array;
}

/**
 * Samples n sentences; with `balanced` (default true) topic i mod K for sentence i (then shuffled), else each
 * topic uniform at random.
 *
 * @param src the source
 * @param n number of sentences ≥ 1
 * @param len sentence length ≥ 1
 * @param rng random source
 * @param opts `balanced`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { dialectCorpus, topicMarkovSource } from "@lib/data/dialect_corpus.ts";
 * const src = topicMarkovSource({ vocab: 16, topics: 2, probs: [0.7, 0.3], seed: 0 });
 * const c = dialectCorpus(src, 8, 24, createRng(2));
 * assertEquals(c.topics.reduce((a, b) => a + b, 0), 4); // balanced: four of each
 * ```
 */
export function dialectCorpus(
  src: TopicMarkovSource,
  n: number,
  len: number,
  rng: Rng,
  opts: { balanced?: boolean } = {},
): DialectCorpus {
  checkSource("dialectCorpus", src);
  checkInt("dialectCorpus", "n", n, 1);
  const topics = new Int32Array(n);
  for (let i = 0; i < n; i++) topics[i] = (opts.balanced ?? true) ? i % src.topics : rng.int(src.topics);
  if (opts.balanced ?? true) {
    const order = permutation(n, rng);
    const t2 = topics.slice();
    for (let i = 0; i < n; i++) topics[i] = t2[order[i]!]!;
  }
  const sentences = Array.from(topics, (k) => sampleTopicSentence(src, k, len, rng));
  return { sentences, topics };
}

/** The corruption channel of BERT masking, as seen by {@link mlmBayesPosteriors}. */
export interface MaskChannel {
  /** Probability that a position is picked. */
  rate: number;
  /** Id of [MASK] (outside 0…V−1). */
  maskId: number;
  /** ([MASK], random, unchanged) probabilities of a picked position; default [0.8, 0.1, 0.1]. */
  probs?: [number, number, number];
}

/**
 * The Bayes-optimal masked-token predictor of this source: for every position i, the exact posterior
 * $p(x_i \mid \tilde x,\ m_i = 1)$ of the original token given the whole corrupted sentence $\tilde x$ and the
 * fact that position i was picked (the only positions the MLM loss scores). Topics are equally likely; random
 * replacements are uniform over the V word ids. Exact forward–backward over (topic, token) states with the
 * emission $P(\tilde x_j\mid x_j) = (1-r)[\tilde x_j = x_j] + r\,(p_M[\tilde x_j = \text{M}] + p_R/V + p_S[\tilde x_j = x_j])$
 * (and without the $(1-r)$ part at i). Its cross-entropy is the floor of the MLM loss on this data.
 *
 * @param src the source
 * @param input the corrupted sentence (ids in 0…V−1 or maskId)
 * @param ch the masking channel
 * @returns n×V posteriors, row i = $p(x_i = \cdot \mid \tilde x, m_i = 1)$
 * @example
 * ```ts
 * import { assert, assertAlmostEquals } from "@std/assert";
 * import { mlmBayesPosteriors, topicMarkovSource } from "@lib/data/dialect_corpus.ts";
 * const src = topicMarkovSource({ vocab: 16, topics: 2, probs: [0.7, 0.3], seed: 0 });
 * const a = src.successors[0]![0]![3]!, b = src.successors[0]![0]![a]!; // 3 → a → b in topic 0
 * const post = mlmBayesPosteriors(src, Int32Array.of(3, 16, b), { rate: 0.15, maskId: 16 });
 * assertAlmostEquals(post.slice(16, 32).reduce((s, v) => s + v, 0), 1, 1e-12);
 * assert(post[16 + a]! > 0.5); // the masked middle token is most likely a
 * ```
 */
export function mlmBayesPosteriors(src: TopicMarkovSource, input: Int32Array, ch: MaskChannel): Float64Array {
  const where = "mlmBayesPosteriors";
  checkSource(where, src);
  checkLength(where, "input", input);
  if (ch === null || typeof ch !== "object") typeError(where, "ch", "{ rate, maskId }", ch);
  const V = src.vocab, n = input.length, r = ch.rate;
  const [pm, pr, ps] = ch.probs ?? [0.8, 0.1, 0.1];
  for (let i = 0; i < n; i++) {
    const t = input[i]!;
    if (t !== ch.maskId && (t < 0 || t >= V)) {
      rangeError(where, `input[${i}]`, `a word id in [0, ${V}) or maskId`, t);
    }
  }
  // emission if picked (e1) and unconditional (e0) for each position and candidate token
  const e1 = (t: number, x: number) => (t === ch.maskId ? pm : pr / V + (t === x ? ps : 0));
  const e0 = (t: number, x: number) => (1 - r) * (t === x ? 1 : 0) + r * e1(t, x);
  const post = new Float64Array(n * V);
  for (let k = 0; k < src.topics; k++) {
    const succ = src.successors[k]!;
    // pred[i][x] = p(x̃_<i, x_i = x); beta[i][x] = p(x̃_>i | x_i = x)
    const pred = new Float64Array(n * V), beta = new Float64Array(n * V);
    for (let x = 0; x < V; x++) pred[x] = 1 / V;
    for (let i = 1; i < n; i++) {
      for (let x = 0; x < V; x++) {
        const a = pred[(i - 1) * V + x]! * e0(input[i - 1]!, x);
        succ.forEach((s, j) => (pred[i * V + s[x]!] = pred[i * V + s[x]!]! + a * src.probs[j]!));
      }
    }
    for (let x = 0; x < V; x++) beta[(n - 1) * V + x] = 1;
    for (let i = n - 2; i >= 0; i--) {
      for (let x = 0; x < V; x++) {
        let s = 0;
        succ.forEach((sc, j) => {
          const y = sc[x]!;
          s += src.probs[j]! * e0(input[i + 1]!, y) * beta[(i + 1) * V + y]!;
        });
        beta[i * V + x] = s;
      }
    }
    for (let i = 0; i < n; i++) {
      for (let x = 0; x < V; x++) {
        post[i * V + x] = post[i * V + x]! + pred[i * V + x]! * e1(input[i]!, x) * beta[i * V + x]!;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let x = 0; x < V; x++) z += post[i * V + x]!;
    for (let x = 0; x < V; x++) post[i * V + x] = post[i * V + x]! / z;
  }
  return post;
}
