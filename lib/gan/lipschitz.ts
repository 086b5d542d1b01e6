/**
 * Empirical checks of the Lipschitz constraint (G11, https://kexue.fm/archives/8757): the dual value
 * $\mathbb E_pf-\mathbb E_qf$, which Kantorovich–Rubinstein caps at $W_1(p,q)$ for every 1-Lipschitz $f$, and the
 * largest difference quotient over given pairs.
 *
 * @module
 */
import { checkInt, rangeError, typeError } from "../core/validate.ts";

/**
 * Dual value $\hat\mu_p-\hat\mu_q$ of $f$ on two sample sets, with its standard error
 * $\sqrt{s_p^2/n_p+s_q^2/n_q}$. If $f$ is 1-Lipschitz the true value is ≤ $W_1(p,q)$.
 *
 * @param f maps flat n×d points to n values
 * @param Xp flat samples of p
 * @param Xq flat samples of q
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { dualGap } from "@lib/gan/lipschitz.ts";
 * const f = (X: Float64Array) => X; // d = 1, f(x) = x
 * assertAlmostEquals(dualGap(f, Float64Array.of(1, 3), Float64Array.of(0, 0)).value, 2, 1e-15);
 * ```
 */
export function dualGap(
  f: (X: Float64Array) => Float64Array,
  Xp: Float64Array,
  Xq: Float64Array,
): { value: number; se: number } {
  if (typeof f !== "function") typeError("dualGap", "f", "a function", f);
  const fp = f(Xp), fq = f(Xq);
  if (fp.length < 2 || fq.length < 2) {
    rangeError("dualGap", "number of samples", "≥ 2 per set", Math.min(fp.length, fq.length));
  }
  const stat = (v: Float64Array) => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const s2 = v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
    return { m, v: s2 / v.length };
  };
  const a = stat(fp), b = stat(fq);
  return { value: a.m - b.m, se: Math.sqrt(a.v + b.v) };
}

/**
 * $\max_k|f(x_k)-f(y_k)|/\Vert x_k-y_k\Vert$ over paired points (flat n×d each): a lower bound on the Lipschitz
 * constant of f.
 *
 * @param f maps flat n×d points to n values
 * @param X first points
 * @param Y second points (same shape)
 * @param d dimension
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { empiricalLipschitzRatio } from "@lib/gan/lipschitz.ts";
 * const f = (X: Float64Array) => X.map((v) => 3 * v);
 * assertAlmostEquals(empiricalLipschitzRatio(f, Float64Array.of(0, 1), Float64Array.of(0.5, 1.1), 1), 3, 1e-12);
 * ```
 */
export function empiricalLipschitzRatio(
  f: (X: Float64Array) => Float64Array,
  X: Float64Array,
  Y: Float64Array,
  d: number,
): number {
  checkInt("empiricalLipschitzRatio", "d", d, 1);
  if (X.length !== Y.length || X.length === 0 || X.length % d !== 0) {
    rangeError(
      "empiricalLipschitzRatio",
      "X, Y lengths",
      `equal positive multiples of d = ${d}`,
      `${X.length}, ${Y.length}`,
    );
  }
  const fx = f(X), fy = f(Y), n = X.length / d;
  let best = 0;
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (X[k * d + j]! - Y[k * d + j]!) ** 2;
    if (s > 0) best = Math.max(best, Math.abs(fx[k]! - fy[k]!) / Math.sqrt(s));
  }
  return best;
}
