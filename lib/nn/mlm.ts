/**
 * BERT's masked-language-model objective: the masking operator (15% of positions; of those 80% → [MASK],
 * 10% → a uniform random token, 10% unchanged) and the cross-entropy over the picked positions only,
 * $$\mathcal L_{\rm MLM} = -\frac{1}{\sum_i m_i}\sum_i m_i \log \mathrm{softmax}(W_o h_i(\tilde x) + b_o)_{x_i}.$$
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { tf } from "../core/tf_setup.ts";
import { logSoftmax } from "../core/tf_ops.ts";
import { checkInt, checkLength, checkRange, rangeError, typeError } from "../core/validate.ts";

/** Options of {@link maskTokens}. */
export interface MaskOpts {
  /** Probability that a position is picked (BERT: 0.15). */
  rate: number;
  /** The id of the [MASK] token. */
  maskId: number;
  /** Random replacements are uniform on 0…vocabSize−1. */
  vocabSize: number;
  /** Token ids that are never picked (e.g. [CLS], [SEP], padding). */
  protect?: Set<number>;
  /** Probabilities of ([MASK], random, unchanged) for a picked position; default [0.8, 0.1, 0.1]. */
  probs?: [number, number, number];
}

/**
 * The BERT masking operator. Each position whose id is not protected is picked independently,
 * $m_i\sim\mathrm{Bernoulli}(\text{rate})$; a picked position becomes [MASK] w.p. 0.8, a uniform random token of
 * 0…vocabSize−1 w.p. 0.1 (which may equal the original), or stays unchanged w.p. 0.1.
 *
 * @param ids token ids (any integers)
 * @param rng random source (two uniforms per position: pick, then the replacement kind; one more for a random token)
 * @param opts `rate`, `maskId`, `vocabSize`, `protect`, `probs` (see {@link MaskOpts})
 * @returns `input` (the corrupted ids), `targets` (the original id where picked, −1 elsewhere) and the picked
 *   `positions` in increasing order
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { maskTokens } from "@lib/nn/mlm.ts";
 * const ids = Int32Array.from({ length: 10 }, (_, i) => i);
 * const m = maskTokens(ids, createRng(0), { rate: 0.5, maskId: 99, vocabSize: 10, probs: [1, 0, 0] });
 * for (const p of m.positions) assertEquals([m.input[p], m.targets[p]], [99, p]);
 * assertEquals(m.targets.filter((t) => t >= 0).length, m.positions.length);
 * ```
 */
export function maskTokens(
  ids: Int32Array,
  rng: Rng,
  opts: MaskOpts,
): { input: Int32Array; targets: Int32Array; positions: Int32Array } {
  const where = "maskTokens";
  if (!(ids instanceof Int32Array)) typeError(where, "ids", "an Int32Array", ids);
  if (typeof rng !== "function") typeError(where, "rng", "an Rng", rng);
  if (opts === null || typeof opts !== "object") {
    typeError(where, "opts", "{ rate, maskId, vocabSize }", opts);
  }
  const rate = checkRange(where, "opts.rate", opts.rate, 0, 1);
  const maskId = checkInt(where, "opts.maskId", opts.maskId, 0);
  const V = checkInt(where, "opts.vocabSize", opts.vocabSize, 1);
  const probs = opts.probs ?? [0.8, 0.1, 0.1];
  checkLength(where, "opts.probs", probs, 3);
  for (const p of probs) checkRange(where, "opts.probs entries", p, 0, 1);
  const s = probs[0] + probs[1] + probs[2];
  if (Math.abs(s - 1) > 1e-9) rangeError(where, "sum of opts.probs", "1", s);
  const protect = opts.protect ?? new Set<number>();
  if (!(protect instanceof Set)) typeError(where, "opts.protect", "a Set of ids", protect);
  const input = ids.slice();
  const targets = new Int32Array(ids.length).fill(-1);
  const positions: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (protect.has(ids[i]!)) continue;
    if (rng() >= rate) continue;
    positions.push(i);
    targets[i] = ids[i]!;
    const u = rng();
    if (u < probs[0]) input[i] = maskId;
    else if (u < probs[0] + probs[1]) input[i] = rng.int(V);
  }
  return { input, targets, positions: Int32Array.from(positions) };
}

/**
 * Mean cross-entropy over the picked positions (target ≥ 0); positions with target −1 do not contribute, and
 * their logits get zero gradient. Returns 0 when no position is picked. Differentiable in `logits`.
 *
 * @param logits [B, n, V] unnormalised scores
 * @param targets [B, n] the original ids in 0…V−1 where picked, −1 elsewhere (any dtype; values are integers)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { mlmLoss } from "@lib/nn/mlm.ts";
 * await initTf();
 * const logits = tf.tensor3d([[[0, 0], [5, -5]]]); // position 1 is not scored
 * const loss = mlmLoss(logits, tf.tensor2d([[1, -1]], undefined, "int32"));
 * assertAlmostEquals(loss.dataSync()[0]!, Math.log(2), 1e-6);
 * ```
 */
export function mlmLoss(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar {
  const where = "mlmLoss";
  if (!(logits instanceof tf.Tensor) || logits.rank !== 3) {
    typeError(where, "logits", "a rank-3 tf.Tensor", logits);
  }
  if (!(targets instanceof tf.Tensor) || targets.rank !== 2) {
    typeError(where, "targets", "a rank-2 tf.Tensor", targets);
  }
  const [b, n, V] = logits.shape;
  if (targets.shape[0] !== b || targets.shape[1] !== n) {
    rangeError(where, "targets.shape", `[${b}, ${n}] (the first two axes of logits)`, targets.shape);
  }
  return tf.tidy(() => {
    const t = targets.toInt();
    const picked = t.greaterEqual(0).toFloat();
    const safe = tf.maximum(t, 0).toInt() as tf.Tensor2D;
    const lp = logSoftmax(logits, -1);
    const ll = lp.mul(tf.oneHot(safe.reshape([b * n]), V).reshape([b, n, V])).sum(-1);
    const count = tf.maximum(picked.sum(), 1);
    return ll.mul(picked).sum().neg().div(count) as tf.Scalar;
  });
}

/**
 * Masks a batch of equal-length sentences with {@link maskTokens} (one independent draw per sentence, in order)
 * and returns row-major arrays ready for `tf.tensor2d(…, [B, n], "int32")`.
 *
 * @param sentences B ≥ 1 sentences of one length n
 * @param rng random source
 * @param opts the masking options
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { mlmBatch } from "@lib/nn/mlm.ts";
 * const b = mlmBatch([Int32Array.of(1, 2), Int32Array.of(3, 4)], createRng(0), { rate: 1, maskId: 9, vocabSize: 5, probs: [1, 0, 0] });
 * assertEquals([Array.from(b.input), Array.from(b.targets), b.shape], [[9, 9, 9, 9], [1, 2, 3, 4], [2, 2]]);
 * ```
 */
export function mlmBatch(
  sentences: Int32Array[],
  rng: Rng,
  opts: MaskOpts,
): { input: Int32Array; targets: Int32Array; shape: [number, number] } {
  if (!Array.isArray(sentences) || sentences.length === 0) {
    typeError("mlmBatch", "sentences", "a non-empty array of Int32Array", sentences);
  }
  const n = sentences[0]!.length, B = sentences.length;
  const input = new Int32Array(B * n), targets = new Int32Array(B * n);
  sentences.forEach((s, i) => {
    if (s.length !== n) rangeError("mlmBatch", `sentences[${i}].length`, `${n} (all equal)`, s.length);
    const m = maskTokens(s, rng, opts);
    input.set(m.input, i * n);
    targets.set(m.targets, i * n);
  });
  return { input, targets, shape: [B, n] };
}
