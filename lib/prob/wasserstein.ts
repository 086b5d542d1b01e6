/**
 * Optimal-transport distances between sample sets (first user: G04, https://kexue.fm/archives/9497).
 * Only the sliced 2-Wasserstein distance is built here.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkInt, rangeError } from "../core/validate.ts";

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
