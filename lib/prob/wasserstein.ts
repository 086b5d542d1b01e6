/**
 * Optimal-transport distances between sample sets (X-gen §8; G04 G05 G06 G10 G11): exact 1-D W2 by sorting,
 * W2 to a 1-D mixture by the quantile coupling, exact discrete W2 by optimal assignment (Hungarian algorithm), and
 * the sliced W2.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkInt, rangeError, typeError } from "../core/validate.ts";
import { _checkGmm, type Gmm, gmmQuantile1d } from "./gmm.ts";

/**
 * Sliced 2-Wasserstein distance $\mathrm{SW}_2(X,Y)=\big(\mathbb E_{\boldsymbol\theta\sim U(S^{d-1})}
 * W_2^2(\boldsymbol\theta^\top X,\boldsymbol\theta^\top Y)\big)^{1/2}$, each 1-D $W_2$ by sorting (equal sample counts),
 * the expectation by nProj random directions.
 *
 * @param X flat n×d samples
 * @param Y flat n×d samples (same n)
 * @param d dimension ≥ 1
 * @param nProj number of random directions ≥ 1
 * @param rng random source for the directions
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { slicedW2 } from "@lib/prob/wasserstein.ts";
 * // a shift by c in 1-D: W2 = |c| for every direction
 * assertAlmostEquals(slicedW2(Float64Array.of(0, 1, 2), Float64Array.of(3, 4, 5), 1, 4, createRng(1)), 3, 1e-12);
 * ```
 */
export function slicedW2(X: Float64Array, Y: Float64Array, d: number, nProj: number, rng: Rng): number {
  const where = "slicedW2";
  checkInt(where, "d", d, 1);
  checkInt(where, "nProj", nProj, 1);
  if (X.length === 0 || X.length % d !== 0) {
    rangeError(where, "X.length", `a positive multiple of d = ${d}`, X.length);
  }
  if (Y.length !== X.length) rangeError(where, "Y.length", `X.length = ${X.length}`, Y.length);
  const n = X.length / d, px = new Float64Array(n), py = new Float64Array(n), th = new Float64Array(d);
  let tot = 0;
  for (let j = 0; j < nProj; j++) {
    let nr = 0;
    for (let i = 0; i < d; i++) (th[i] = rng.normal()), (nr += th[i]! ** 2);
    nr = Math.sqrt(nr);
    for (let k = 0; k < n; k++) {
      let a = 0, b = 0;
      for (let i = 0; i < d; i++) (a += X[k * d + i]! * th[i]!), (b += Y[k * d + i]! * th[i]!);
      px[k] = a / nr;
      py[k] = b / nr;
    }
    px.sort();
    py.sort();
    let s = 0;
    for (let k = 0; k < n; k++) s += (px[k]! - py[k]!) ** 2;
    tot += s / n;
  }
  return Math.sqrt(tot / nProj);
}

function checkSamples(where: string, name: string, a: unknown): Float64Array {
  if (!(a instanceof Float64Array)) typeError(where, name, "a Float64Array", a);
  if (a.length === 0) rangeError(where, `${name}.length`, "≥ 1", 0);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) rangeError(where, `${name}[${i}]`, "a finite number", a[i]);
  }
  return a;
}

/**
 * Exact 2-Wasserstein distance between two 1-D empirical distributions with the same number of samples: in 1-D the
 * monotone (sorted) coupling is optimal, so $W_2^2=\frac1n\sum_i(a_{(i)}-b_{(i)})^2$.
 *
 * @param a n samples
 * @param b n samples
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { w2Exact1d } from "@lib/prob/wasserstein.ts";
 * assertAlmostEquals(w2Exact1d(Float64Array.of(2, 0, 1), Float64Array.of(3.5, 1.5, 2.5)), 1.5, 1e-15);
 * ```
 */
export function w2Exact1d(a: Float64Array, b: Float64Array): number {
  checkSamples("w2Exact1d", "a", a);
  checkSamples("w2Exact1d", "b", b);
  if (b.length !== a.length) rangeError("w2Exact1d", "b.length", `a.length = ${a.length}`, b.length);
  const sa = Float64Array.from(a).sort(), sb = Float64Array.from(b).sort();
  let s = 0;
  for (let i = 0; i < sa.length; i++) s += (sa[i]! - sb[i]!) ** 2;
  return Math.sqrt(s / sa.length);
}

/**
 * 2-Wasserstein distance between a 1-D empirical distribution and a 1-D mixture, with the mid-point quantile
 * coupling $W_2^2\approx\frac1n\sum_i\big(x_{(i)}-F^{-1}(\tfrac{i+1/2}{n})\big)^2$ (exact inverse CDF of the
 * mixture; the mid-point rule discretises the target with n atoms, so even exact samples give a value of order
 * $n^{-1/2}$).
 *
 * @param samples n ≥ 1 samples
 * @param g a mixture with d = 1
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { w2ToGmm1d } from "@lib/prob/wasserstein.ts";
 * const g = makeGmm([1], [[0]], 1);
 * // the three mid-point quantiles of N(0, 1) themselves
 * assert(w2ToGmm1d(Float64Array.of(-0.9674, 0, 0.9674), g) < 1e-4);
 * ```
 */
export function w2ToGmm1d(samples: Float64Array, g: Gmm): number {
  checkSamples("w2ToGmm1d", "samples", samples);
  _checkGmm("w2ToGmm1d", g);
  if (g.d !== 1) rangeError("w2ToGmm1d", "g.d", "1", g.d);
  const s = Float64Array.from(samples).sort(), n = s.length;
  let acc = 0;
  for (let i = 0; i < n; i++) acc += (s[i]! - gmmQuantile1d(g, (i + 0.5) / n)) ** 2;
  return Math.sqrt(acc / n);
}

/**
 * Minimum-cost perfect matching of an n×n cost matrix (Hungarian algorithm with row/column potentials and
 * shortest augmenting paths, O(n³)): returns `col` with row i matched to column col[i], minimising
 * $\sum_i C_{i,\mathrm{col}[i]}$.
 *
 * @param cost n×n finite costs, row-major
 * @param n size ≥ 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { linearAssignment } from "@lib/prob/wasserstein.ts";
 * assertEquals(Array.from(linearAssignment(Float64Array.of(4, 1, 3, 2, 0, 5, 3, 2, 2), 3)), [1, 0, 2]);
 * ```
 */
export function linearAssignment(cost: Float64Array, n: number): Int32Array {
  const where = "linearAssignment";
  checkInt(where, "n", n, 1);
  checkSamples(where, "cost", cost);
  if (cost.length !== n * n) rangeError(where, "cost.length", `n² = ${n * n}`, cost.length);
  // 1-based arrays; column 0 is the virtual start of each augmenting path
  const u = new Float64Array(n + 1), v = new Float64Array(n + 1);
  const rowOf = new Int32Array(n + 1), way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1), used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    rowOf[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = rowOf[j0]!;
      let delta = Infinity, j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const red = cost[(i0 - 1) * n + j - 1]! - u[i0]! - v[j]!;
        if (red < minv[j]!) {
          minv[j] = red;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          const r = rowOf[j]!;
          u[r] = u[r]! + delta;
          v[j] = v[j]! - delta;
        } else minv[j] = minv[j]! - delta;
      }
      j0 = j1;
    } while (rowOf[j0] !== 0);
    do {
      const j1 = way[j0]!;
      rowOf[j0] = rowOf[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const col = new Int32Array(n);
  for (let j = 1; j <= n; j++) col[rowOf[j]! - 1] = j - 1;
  return col;
}

/**
 * Exact 2-Wasserstein distance between two equal-size point clouds in $\mathbb R^d$ (uniform weights): the optimal
 * coupling is a permutation, found by {@link linearAssignment} on the squared distances,
 * $W_2^2=\min_\sigma\frac1n\sum_i\|x_i-y_{\sigma(i)}\|^2$. O(n³): meant for n ≤ 500.
 *
 * @param X flat n×d points
 * @param Y flat n×d points
 * @param d dimension ≥ 1
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { w2Hungarian } from "@lib/prob/wasserstein.ts";
 * // the same two points listed in the other order: distance 0
 * assertAlmostEquals(w2Hungarian(Float64Array.of(0, 0, 1, 1), Float64Array.of(1, 1, 0, 0), 2), 0, 1e-15);
 * ```
 */
export function w2Hungarian(X: Float64Array, Y: Float64Array, d: number): number {
  const where = "w2Hungarian";
  checkInt(where, "d", d, 1);
  checkSamples(where, "X", X);
  checkSamples(where, "Y", Y);
  if (X.length % d !== 0) rangeError(where, "X.length", `a multiple of d = ${d}`, X.length);
  if (Y.length !== X.length) rangeError(where, "Y.length", `X.length = ${X.length}`, Y.length);
  const n = X.length / d;
  if (n > 2000) rangeError(where, "n", "≤ 2000 points (O(n³) algorithm)", n);
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (X[i * d + t]! - Y[j * d + t]!) ** 2;
      C[i * n + j] = s;
    }
  }
  const col = linearAssignment(C, n);
  let tot = 0;
  for (let i = 0; i < n; i++) tot += C[i * n + col[i]!]!;
  return Math.sqrt(tot / n);
}
