/**
 * Gradient probes: how strongly does an output depend on the input at each position? One backward pass gives
 * $\|\partial f/\partial x_j\|$ for every position $j$; for a recurrent layer this decays with the distance, for
 * attention (`lib/nn/attention_tf.ts`) it does not. Also the exact curve of a linear RNN and the spectral norm
 * that bounds the tanh RNN's.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import {
  checkMatrix,
  matmul,
  matPow,
  type Matrix,
  matVec,
  norm2,
  subMatrix,
  transpose,
} from "../core/matrix.ts";
import { checkInt, checkLength, rangeError, typeError } from "../core/validate.ts";

/**
 * Per-position gradient norms of a scalar function of a sequence, in one backward pass:
 * $$g_j = \Big\|\frac{\partial f(X)}{\partial x_j}\Big\|_2,\qquad j = 0\ldots T-1,$$
 * where $x_j$ is row $j$ of $X\in\mathbb R^{T\times d}$.
 *
 * @param f the scalar function (built from tfjs ops, so that `tf.grad` can differentiate it)
 * @param x the input `[T, d]`
 * @returns $g_0\ldots g_{T-1}$ (Float64)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { inputGradientNorms } from "@lib/nn/grad_probes.ts";
 * await initTf();
 * // f = Σ_j (j + 1) · Σ_c x_jc  ⇒  g_j = (j + 1)·√d
 * const w = tf.tensor2d([[1], [2], [3]]);
 * const g = inputGradientNorms((x) => tf.sum(tf.mul(x, w)), tf.ones([3, 4]));
 * assertAlmostEquals(g[2]!, 3 * 2, 1e-6);
 * ```
 */
export function inputGradientNorms(f: (x: tf.Tensor2D) => tf.Scalar, x: tf.Tensor2D): Float64Array {
  if (typeof f !== "function") typeError("inputGradientNorms", "f", "a function", f);
  if (!(x instanceof tf.Tensor) || x.rank !== 2) {
    typeError("inputGradientNorms", "x", "a 2-D tensor [T, d]", x);
  }
  const norms = tf.tidy(() => {
    const g = tf.grad((t: tf.Tensor) => {
      const y = f(t as tf.Tensor2D);
      if (!(y instanceof tf.Tensor) || y.rank !== 0) {
        typeError("inputGradientNorms", "f(x)", "a scalar tensor", y);
      }
      return y;
    })(x);
    return tf.sqrt(tf.sum(tf.square(g), 1));
  });
  const out = Float64Array.from(norms.dataSync());
  norms.dispose();
  return out;
}

/**
 * The exact gradient reach of a *linear* RNN $h_t = [x_t, h_{t-1}]\,W$ (row vectors, $W$ stacked as
 * $[W_x; W_{hh}]$ like `lib/nn/recurrent.ts`): for the readout $f = u\cdot h_n$,
 * $$\frac{\partial f}{\partial x_{n-k}} = W_x\,W_{hh}^{\,k}\,u,$$
 * so the norm is $\|W_x W_{hh}^k u\|_2$ (the column-vector form $\|u^\top W_h^k W_x\|$ of the spec). Float64.
 *
 * @param w the stacked weight, $(d_{in}+d_h)\times d_h$
 * @param u the readout vector (length $d_h$)
 * @param maxK the largest distance k ≥ 0
 * @returns the norms for k = 0 … maxK
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { linearRnnGradientNorms } from "@lib/nn/grad_probes.ts";
 * const g = linearRnnGradientNorms(matrix(2, 1, [2, 0.5]), [1], 3);   // W_x = 2, W_hh = 0.5
 * assertAlmostEquals(g[3]!, 2 * 0.125, 1e-15);
 * ```
 */
export function linearRnnGradientNorms(w: Matrix, u: ArrayLike<number>, maxK: number): Float64Array {
  checkMatrix("linearRnnGradientNorms", "w", w);
  const dH = w.cols, dIn = w.rows - dH;
  if (dIn < 1) {
    rangeError("linearRnnGradientNorms", "w", "of shape [dIn + dH, dH] with dIn ≥ 1", `${w.rows}×${dH}`);
  }
  checkLength("linearRnnGradientNorms", "u", u, dH);
  checkInt("linearRnnGradientNorms", "maxK", maxK, 0);
  const wx = subMatrix(w, 0, dIn, 0, dH), whh = subMatrix(w, dIn, w.rows, 0, dH);
  const out = new Float64Array(maxK + 1);
  for (let k = 0; k <= maxK; k++) out[k] = norm2(matVec(matmul(wx, matPow(whh, k)), u));
  return out;
}

/**
 * Spectral norm $\|A\|_2$ (largest singular value) by power iteration on $A^\top A$, Float64; the bound
 * $\|\partial h_n/\partial h_{n-k}\|\le\|W_{hh}\|_2^k$ of a tanh RNN uses it.
 *
 * @param a the matrix
 * @param iters power iterations (default 200)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { spectralNorm } from "@lib/nn/grad_probes.ts";
 * assertAlmostEquals(spectralNorm(matrix(2, 2, [3, 0, 0, -4])), 4, 1e-9);
 * ```
 */
export function spectralNorm(a: Matrix, iters = 200): number {
  checkMatrix("spectralNorm", "a", a);
  checkInt("spectralNorm", "iters", iters, 1);
  const ata = matmul(transpose(a), a);
  let v: Float64Array = Float64Array.from({ length: a.cols }, (_, i) => 1 + 0.1 * Math.sin(i + 1));
  let lambda = 0;
  for (let it = 0; it < iters; it++) {
    const w = matVec(ata, v);
    lambda = norm2(w);
    if (lambda === 0) return 0;
    v = w.map((x) => x / lambda);
  }
  return Math.sqrt(lambda);
}
