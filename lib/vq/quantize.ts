/**
 * Nearest-code lookup, the VQ-VAE auxiliary losses and codebook-usage metrics (G09,
 * https://kexue.fm/archives/10489).
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { stopGradient } from "../core/tf_ops.ts";
import { checkInt, checkNonNegative, rangeError, typeError } from "../core/validate.ts";

function _rank2(where: string, name: string, x: unknown): tf.Tensor2D {
  if (!(x instanceof tf.Tensor) || x.rank !== 2) typeError(where, name, "a rank-2 tf.Tensor", x);
  return x as tf.Tensor2D;
}

/**
 * Nearest codebook vector for every row: $k_i = \mathrm{argmin}_k \Vert z_i - e_k\Vert^2$ and $q_i = e_{k_i}$.
 * q is computed as one-hot(k)·E, so it is differentiable with respect to the codebook (not to z).
 *
 * @param z encoder outputs, n×d
 * @param codebook K×d, K ≥ 1
 * @returns q (n×d) and the code indices (int32, length n)
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { nearestCode } from "@lib/vq/quantize.ts";
 * await initTf();
 * const { q, idx } = nearestCode(tf.tensor2d([[0.9, 0], [0, -3]]), tf.tensor2d([[0, 0], [1, 0], [0, -2]]));
 * assertEquals(Array.from(idx.dataSync()), [1, 2]);
 * assertEquals(Array.from(q.dataSync()), [1, 0, 0, -2]);
 * ```
 */
export function nearestCode(z: tf.Tensor2D, codebook: tf.Tensor2D): { q: tf.Tensor2D; idx: tf.Tensor1D } {
  const where = "nearestCode";
  _rank2(where, "z", z);
  _rank2(where, "codebook", codebook);
  const K = codebook.shape[0];
  if (K < 1) rangeError(where, "codebook size K", "≥ 1", K);
  if (codebook.shape[1] !== z.shape[1]) {
    rangeError(where, "codebook.shape[1]", `z.shape[1] = ${z.shape[1]}`, codebook.shape[1]);
  }
  return tf.tidy(() => {
    const c = stopGradient(codebook);
    const zz = stopGradient(z);
    const d2 = tf.add(
      tf.sub(tf.sum(tf.square(zz), 1, true), tf.mul(2, tf.matMul(zz, c, false, true))),
      tf.sum(tf.square(c), 1).reshape([1, K]),
    );
    const idx = tf.argMin(d2, 1) as tf.Tensor1D;
    const q = tf.matMul(tf.oneHot(idx, K).toFloat(), codebook) as tf.Tensor2D;
    return { q, idx };
  });
}

/**
 * The two auxiliary VQ-VAE losses (mean over rows of squared norms):
 * codebook $\beta\Vert q - \mathrm{sg}[z]\Vert^2$ (moves codes) and commitment $\gamma\Vert z - \mathrm{sg}[q]\Vert^2$
 * (moves encodings).
 *
 * @param z encoder outputs, n×d
 * @param q codes from {@link nearestCode} (differentiable in the codebook)
 * @param beta codebook-loss weight ≥ 0
 * @param gamma commitment weight ≥ 0
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { vqLosses } from "@lib/vq/quantize.ts";
 * await initTf();
 * const { codebook, commitment } = vqLosses(tf.tensor2d([[3, 4]]), tf.tensor2d([[0, 0]]), 1, 0.25);
 * assertAlmostEquals(codebook.dataSync()[0]!, 25, 1e-5);
 * assertAlmostEquals(commitment.dataSync()[0]!, 6.25, 1e-5);
 * ```
 */
export function vqLosses(
  z: tf.Tensor2D,
  q: tf.Tensor2D,
  beta: number,
  gamma: number,
): { codebook: tf.Scalar; commitment: tf.Scalar } {
  const where = "vqLosses";
  _rank2(where, "z", z);
  _rank2(where, "q", q);
  checkNonNegative(where, "beta", beta);
  checkNonNegative(where, "gamma", gamma);
  if (z.shape[0] !== q.shape[0] || z.shape[1] !== q.shape[1]) {
    rangeError(where, "q.shape", `[${z.shape}] (= z.shape)`, `[${q.shape}]`);
  }
  return tf.tidy(() => ({
    codebook: tf.mul(beta, tf.mean(tf.sum(tf.square(tf.sub(q, stopGradient(z))), 1))) as tf.Scalar,
    commitment: tf.mul(gamma, tf.mean(tf.sum(tf.square(tf.sub(z, stopGradient(q))), 1))) as tf.Scalar,
  }));
}

/**
 * Codebook usage of a set of code indices: the number of distinct codes used, that number over K, and the
 * perplexity $\exp(-\sum_k p_k\log p_k)$ of the empirical code distribution (K when all codes are equally used,
 * 1 when one code takes everything).
 *
 * @param idx code indices, each in [0, K)
 * @param K codebook size ≥ 1
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { codebookUsage } from "@lib/vq/quantize.ts";
 * const u = codebookUsage(new Int32Array([0, 1, 0, 1]), 4);
 * assertEquals([u.used, u.fraction], [2, 0.5]);
 * assertAlmostEquals(u.perplexity, 2, 1e-12);
 * ```
 */
export function codebookUsage(
  idx: ArrayLike<number>,
  K: number,
): { used: number; fraction: number; perplexity: number } {
  const where = "codebookUsage";
  checkInt(where, "K (codebook size)", K, 1);
  if (idx === null || typeof idx !== "object" || typeof idx.length !== "number") {
    typeError(where, "idx", "an array of code indices", idx);
  }
  if (idx.length === 0) rangeError(where, "idx.length", "≥ 1", 0);
  const counts = new Float64Array(K);
  for (let i = 0; i < idx.length; i++) counts[checkInt(where, `idx[${i}]`, idx[i], 0, K - 1)]! += 1;
  let used = 0, h = 0;
  for (const c of counts) {
    if (c > 0) {
      used++;
      const p = c / idx.length;
      h -= p * Math.log(p);
    }
  }
  return { used, fraction: used / K, perplexity: Math.exp(h) };
}
