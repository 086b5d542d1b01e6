/**
 * LayerNorm and RMSNorm, in Float64 (exact references) and in tfjs (for trained models)
 * (Su, "On the initialization, parameterization and normalization of Transformers",
 * https://kexue.fm/archives/8620; RMSNorm: Zhang & Sennrich, arXiv 1910.07467).
 *
 * Both divide by a root mean square computed from the data itself; RMSNorm skips the centering
 * (and the bias β), which T5 and later models adopted.
 *
 * @module
 */
import { type Matrix, matrix } from "../core/matrix.ts";
import { tf } from "../core/tf_setup.ts";
import { checkLength, checkNonNegative, rangeError, typeError } from "../core/validate.ts";

function checkVec(where: string, name: string, x: unknown, length?: number): Float64Array {
  if (!(x instanceof Float64Array)) typeError(where, name, "a Float64Array", x);
  checkLength(where, name, x, length);
  return x;
}

function affine(
  where: string,
  y: Float64Array,
  gamma?: Float64Array,
  beta?: Float64Array,
): Float64Array {
  if (gamma !== undefined) {
    checkVec(where, "gamma", gamma, y.length);
    for (let k = 0; k < y.length; k++) y[k] = (y[k] as number) * (gamma[k] as number);
  }
  if (beta !== undefined) {
    checkVec(where, "beta", beta, y.length);
    for (let k = 0; k < y.length; k++) y[k] = (y[k] as number) + (beta[k] as number);
  }
  return y;
}

function checkFiniteEntries(where: string, x: Float64Array): void {
  for (let k = 0; k < x.length; k++) {
    if (!Number.isFinite(x[k])) rangeError(where, `x[${k}]`, "a finite number", x[k]);
  }
}

/**
 * Layer normalization of one feature vector $x \in \mathbb R^d$:
 * $$y_k = \frac{x_k - \mu}{\sqrt{\sigma^2 + \epsilon}}\gamma_k + \beta_k,\qquad \mu = \frac1d\sum_k x_k,\quad
 *   \sigma^2 = \frac1d\sum_k (x_k - \mu)^2.$$
 * With γ = 1, β = 0, ε = 0 the output has mean 0 and variance 1.
 *
 * @param x the vector (d ≥ 1 finite entries; a constant vector needs ε > 0)
 * @param gamma the scale γ (length d; default all 1)
 * @param beta the bias β (length d; default all 0)
 * @param eps ε ≥ 0 (default 1e-6)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { layerNorm } from "@lib/nn/norms.ts";
 * const y = layerNorm(new Float64Array([1, 2, 3, 6]), undefined, undefined, 0);
 * assertAlmostEquals(y[0]!, -2 / Math.sqrt(3.5), 1e-15); // μ = 3, σ² = 3.5
 * ```
 */
export function layerNorm(
  x: Float64Array,
  gamma?: Float64Array,
  beta?: Float64Array,
  eps = 1e-6,
): Float64Array {
  checkVec("layerNorm", "x", x);
  checkFiniteEntries("layerNorm", x);
  checkNonNegative("layerNorm", "eps", eps);
  const d = x.length;
  let mu = 0;
  for (let k = 0; k < d; k++) mu += x[k] as number;
  mu /= d;
  let v = 0;
  for (let k = 0; k < d; k++) v += ((x[k] as number) - mu) ** 2;
  v /= d;
  if (v + eps === 0) rangeError("layerNorm", "variance + eps", "> 0 (a constant x needs eps > 0)", 0);
  const s = 1 / Math.sqrt(v + eps);
  const y = new Float64Array(d);
  for (let k = 0; k < d; k++) y[k] = ((x[k] as number) - mu) * s;
  return affine("layerNorm", y, gamma, beta);
}

/**
 * RMS normalization of one feature vector (no centering, no bias):
 * $$y_k = \frac{x_k}{\sqrt{\sigma^2 + \epsilon}}\gamma_k,\qquad \sigma^2 = \frac1d\sum_k x_k^2.$$
 * With γ = 1 and ε = 0 the output has mean square exactly 1; for a zero-mean x it equals
 * {@link layerNorm}.
 *
 * @param x the vector (d ≥ 1 finite entries; the zero vector needs ε > 0)
 * @param gamma the scale γ (length d; default all 1)
 * @param eps ε ≥ 0 (default 1e-6)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { rmsNorm } from "@lib/nn/norms.ts";
 * const y = rmsNorm(new Float64Array([3, 4]), undefined, 0); // σ² = 12.5
 * assertAlmostEquals(y[1]!, 4 / Math.sqrt(12.5), 1e-15);
 * ```
 */
export function rmsNorm(x: Float64Array, gamma?: Float64Array, eps = 1e-6): Float64Array {
  checkVec("rmsNorm", "x", x);
  checkFiniteEntries("rmsNorm", x);
  checkNonNegative("rmsNorm", "eps", eps);
  const d = x.length;
  let ms = 0;
  for (let k = 0; k < d; k++) ms += (x[k] as number) ** 2;
  ms /= d;
  if (ms + eps === 0) rangeError("rmsNorm", "mean square + eps", "> 0 (x = 0 needs eps > 0)", 0);
  const s = 1 / Math.sqrt(ms + eps);
  const y = new Float64Array(d);
  for (let k = 0; k < d; k++) y[k] = (x[k] as number) * s;
  return affine("rmsNorm", y, gamma);
}

/**
 * {@link layerNorm} or {@link rmsNorm} applied to every row of a matrix (rows = tokens, columns =
 * features), γ = 1, β = 0.
 *
 * @param m the matrix (rows × d)
 * @param kind "layer" or "rms"
 * @param eps ε ≥ 0 (default 1e-6)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { normRows } from "@lib/nn/norms.ts";
 * const y = normRows(matrix(2, 2, [1, 3, -2, 2]), "rms", 0);
 * assertAlmostEquals(y.data[2]!, -1, 1e-15);
 * ```
 */
export function normRows(m: Matrix, kind: "layer" | "rms", eps = 1e-6): Matrix {
  if (kind !== "layer" && kind !== "rms") rangeError("normRows", "kind", '"layer" or "rms"', kind);
  if (!m || !(m.data instanceof Float64Array) || m.data.length !== m.rows * m.cols || m.cols < 1) {
    typeError("normRows", "m", "a Matrix with ≥ 1 column", m);
  }
  const out = matrix(m.rows, m.cols);
  for (let r = 0; r < m.rows; r++) {
    const x = m.data.subarray(r * m.cols, (r + 1) * m.cols);
    out.data.set(
      kind === "layer" ? layerNorm(x, undefined, undefined, eps) : rmsNorm(x, undefined, eps),
      r * m.cols,
    );
  }
  return out;
}

/**
 * RMSNorm over the last axis of a tfjs tensor, $y = x\,\gamma/\sqrt{\mathrm{mean}(x^2) + \epsilon}$ (differentiable;
 * call inside `tf.tidy` in loops).
 *
 * @param x a tensor of rank ≥ 1, last axis d
 * @param gamma the scale, shape [d]
 * @param eps ε ≥ 0 (default 1e-6)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { rmsNormTf } from "@lib/nn/norms.ts";
 * await initTf();
 * const y = rmsNormTf(tf.tensor2d([[3, 4]]), tf.ones([2]), 0);
 * assertAlmostEquals(y.dataSync()[0]!, 3 / Math.sqrt(12.5), 1e-6);
 * ```
 */
export function rmsNormTf(x: tf.Tensor, gamma: tf.Tensor, eps = 1e-6): tf.Tensor {
  checkTfPair("rmsNormTf", x, gamma);
  checkNonNegative("rmsNormTf", "eps", eps);
  return tf.tidy(() => {
    const ms = tf.mean(tf.square(x), -1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, eps))), gamma);
  });
}

/**
 * LayerNorm over the last axis of a tfjs tensor,
 * $y = (x - \mu)\gamma/\sqrt{\sigma^2 + \epsilon} + \beta$ with μ, σ² the mean and (biased) variance of the last axis.
 *
 * @param x a tensor of rank ≥ 1, last axis d
 * @param gamma the scale, shape [d]
 * @param beta the bias, shape [d] (default none)
 * @param eps ε ≥ 0 (default 1e-6)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { layerNormTf } from "@lib/nn/norms.ts";
 * await initTf();
 * const y = layerNormTf(tf.tensor2d([[1, 3]]), tf.ones([2]), undefined, 0);
 * assertAlmostEquals(y.dataSync()[1]!, 1, 1e-6);
 * ```
 */
export function layerNormTf(x: tf.Tensor, gamma: tf.Tensor, beta?: tf.Tensor, eps = 1e-6): tf.Tensor {
  checkTfPair("layerNormTf", x, gamma);
  if (beta !== undefined) checkTfPair("layerNormTf", x, beta, "beta");
  checkNonNegative("layerNormTf", "eps", eps);
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const y = tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma);
    return beta === undefined ? y : tf.add(y, beta);
  });
}

function checkTfPair(where: string, x: unknown, g: unknown, gName = "gamma"): void {
  if (!(x instanceof tf.Tensor)) typeError(where, "x", "a tf.Tensor", x);
  if (!(g instanceof tf.Tensor)) typeError(where, gName, "a tf.Tensor", g);
  const xs = (x as tf.Tensor).shape, gs = (g as tf.Tensor).shape;
  if (xs.length < 1) rangeError(where, "x.rank", "≥ 1", xs.length);
  const d = xs[xs.length - 1];
  if (gs.length !== 1 || gs[0] !== d) rangeError(where, `${gName}.shape`, `[${d}]`, gs);
}
