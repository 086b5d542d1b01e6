/**
 * Gaussian mixtures with diagonal covariances: the one mixture type of the generative notebooks (X-gen §3).
 * A component variance of 0 is allowed (an atom), so an empirical data set is a `Gmm` too.
 *
 * $$p(\boldsymbol x) = \sum_k \pi_k\,\mathcal N\big(\boldsymbol x;\ \boldsymbol m_k,\ \operatorname{diag}\boldsymbol v_k\big)$$
 *
 * Points are flat `Float64Array`s of n×d numbers (row-major).
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { normalCdf } from "../core/special.ts";
import { checkFinite, checkInt, checkNonNegative, rangeError, typeError } from "../core/validate.ts";

/** A diagonal Gaussian mixture in `d` dimensions with K components. */
export interface Gmm {
  /** Dimension d ≥ 1. */
  d: number;
  /** Mixture weights π_k (K entries, non-negative, summing to 1). */
  weights: Float64Array;
  /** Component means, K×d row-major. */
  means: Float64Array;
  /** Component variances, K×d row-major; 0 = an atom in that coordinate. */
  vars: Float64Array;
}

/**
 * Builds a mixture after validating it; the weights are normalised to sum 1.
 *
 * @param weights K non-negative weights with a positive sum
 * @param means K means, each of the same length d ≥ 1
 * @param vars K×d variances, or one number ≥ 0 used for every component and coordinate
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * const g = makeGmm([1, 3], [[0, 0], [2, 1]], 0.5);
 * assertEquals([g.d, g.weights[1], g.vars[3]], [2, 0.75, 0.5]);
 * ```
 */
export function makeGmm(weights: number[], means: number[][], vars: number[][] | number): Gmm {
  const where = "makeGmm";
  if (!Array.isArray(weights) || weights.length === 0) {
    typeError(where, "weights", "a non-empty number array", weights);
  }
  if (!Array.isArray(means) || means.length !== weights.length) {
    rangeError(
      where,
      "means.length",
      `${weights.length} (one mean per weight)`,
      Array.isArray(means) ? means.length : means,
    );
  }
  const K = weights.length, d = (means[0] ?? []).length;
  if (d < 1) rangeError(where, "means[0].length", "≥ 1", d);
  let sum = 0;
  weights.forEach((w, k) => sum += checkNonNegative(where, `weights[${k}]`, w));
  if (!(sum > 0)) rangeError(where, "sum of weights", "> 0", sum);
  const W = new Float64Array(K), M = new Float64Array(K * d), V = new Float64Array(K * d);
  for (let k = 0; k < K; k++) {
    W[k] = weights[k]! / sum;
    const m = means[k]!;
    if (!Array.isArray(m) || m.length !== d) rangeError(where, `means[${k}].length`, String(d), m?.length);
    for (let i = 0; i < d; i++) M[k * d + i] = checkFinite(where, `means[${k}][${i}]`, m[i]);
    for (let i = 0; i < d; i++) {
      let v: number;
      if (typeof vars === "number") v = vars;
      else {
        const row = vars[k];
        if (!Array.isArray(row) || row.length !== d) {
          rangeError(where, `vars[${k}].length`, String(d), row?.length);
        }
        v = row[i]!;
      }
      V[k * d + i] = checkNonNegative(where, typeof vars === "number" ? "vars" : `vars[${k}][${i}]`, v);
    }
  }
  return { d, weights: W, means: M, vars: V };
}

/** Validates a `Gmm` (shape consistency) and returns its component count K. @internal */
export function _checkGmm(where: string, g: Gmm): number {
  if (g === null || typeof g !== "object" || !(g.weights instanceof Float64Array)) {
    typeError(where, "g", "a Gmm { d, weights, means, vars }", g);
  }
  const K = g.weights.length;
  if (!Number.isInteger(g.d) || g.d < 1) rangeError(where, "g.d", "an integer ≥ 1", g.d);
  if (K < 1) rangeError(where, "g.weights.length", "≥ 1", K);
  if (g.means.length !== K * g.d) rangeError(where, "g.means.length", `K·d = ${K * g.d}`, g.means.length);
  if (g.vars.length !== K * g.d) rangeError(where, "g.vars.length", `K·d = ${K * g.d}`, g.vars.length);
  return K;
}

/** Validates a flat point set of n×d numbers and returns n. @internal */
export function _checkPoints(where: string, name: string, X: Float64Array, d: number): number {
  if (!(X instanceof Float64Array)) typeError(where, name, "a Float64Array (n×d, row-major)", X);
  if (X.length === 0 || X.length % d !== 0) {
    rangeError(where, `${name}.length`, `a positive multiple of d = ${d}`, X.length);
  }
  return X.length / d;
}

/** Draws a component index from the weights. */
function pick(w: Float64Array, rng: Rng): number {
  let u = rng(), k = 0;
  for (; k < w.length - 1; k++) {
    u -= w[k]!;
    if (u < 0) break;
  }
  return k;
}

/**
 * Draws n points: a component k with probability π_k, then $\boldsymbol m_k + \sqrt{\lambda\boldsymbol v_k}\odot\boldsymbol z$,
 * $\boldsymbol z\sim\mathcal N(0, I)$; `varScale` λ < 1 is truncation-style sampling (default 1).
 *
 * @param g the mixture
 * @param n the number of points, ≥ 1
 * @param rng the random stream
 * @param opts `varScale` λ ≥ 0 (default 1)
 * @returns n×d points
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gmmSample, makeGmm } from "@lib/prob/gmm.ts";
 * const X = gmmSample(makeGmm([1], [[3, -1]], 0), 4, createRng(0));
 * assertEquals(Array.from(X), [3, -1, 3, -1, 3, -1, 3, -1]);
 * ```
 */
export function gmmSample(g: Gmm, n: number, rng: Rng, opts: { varScale?: number } = {}): Float64Array {
  const where = "gmmSample";
  _checkGmm(where, g);
  checkInt(where, "n", n, 1);
  if (typeof rng !== "function") typeError(where, "rng", "an Rng", rng);
  const lam = checkNonNegative(where, "opts.varScale", opts.varScale ?? 1);
  const d = g.d, X = new Float64Array(n * d);
  for (let j = 0; j < n; j++) {
    const k = pick(g.weights, rng);
    for (let i = 0; i < d; i++) {
      X[j * d + i] = g.means[k * d + i]! + Math.sqrt(lam * g.vars[k * d + i]!) * rng.normal();
    }
  }
  return X;
}

/**
 * Log-density $\log p(\boldsymbol x) = \log\sum_k \pi_k\mathcal N(\boldsymbol x;\boldsymbol m_k,\operatorname{diag}\boldsymbol v_k)$
 * per point, with log-sum-exp. Every variance must be > 0 (atoms have no density).
 *
 * @param g the mixture (all vars > 0)
 * @param X n×d points
 * @returns n log-densities
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { gmmLogPdf, makeGmm } from "@lib/prob/gmm.ts";
 * const lp = gmmLogPdf(makeGmm([1], [[0]], 1), Float64Array.of(0));
 * assertAlmostEquals(lp[0]!, -0.5 * Math.log(2 * Math.PI), 1e-12);
 * ```
 */
export function gmmLogPdf(g: Gmm, X: Float64Array): Float64Array {
  const where = "gmmLogPdf";
  const K = _checkGmm(where, g);
  const d = g.d, n = _checkPoints(where, "X", X, d);
  for (let j = 0; j < g.vars.length; j++) {
    if (!(g.vars[j]! > 0)) {
      rangeError(where, `g.vars[${j}]`, "> 0 (a density needs positive variances)", g.vars[j]);
    }
  }
  const logc = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = Math.log(g.weights[k]!) - 0.5 * d * Math.log(2 * Math.PI);
    for (let i = 0; i < d; i++) s -= 0.5 * Math.log(g.vars[k * d + i]!);
    logc[k] = s;
  }
  const out = new Float64Array(n), lk = new Float64Array(K);
  for (let j = 0; j < n; j++) {
    let mx = -Infinity;
    for (let k = 0; k < K; k++) {
      let q = 0;
      for (let i = 0; i < d; i++) {
        const r = X[j * d + i]! - g.means[k * d + i]!;
        q += r * r / g.vars[k * d + i]!;
      }
      lk[k] = logc[k]! - 0.5 * q;
      if (lk[k]! > mx) mx = lk[k]!;
    }
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(lk[k]! - mx);
    out[j] = mx + Math.log(s);
  }
  return out;
}

/**
 * Mean negative log-likelihood $-\frac1n\sum_j\log p(\boldsymbol x_j)$ of points under a mixture (nats).
 *
 * @param X n×d points
 * @param g the mixture (all vars > 0)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { makeGmm, nllUnderGmm } from "@lib/prob/gmm.ts";
 * assertAlmostEquals(nllUnderGmm(Float64Array.of(1, -1), makeGmm([1], [[0]], 1)), 0.5 * Math.log(2 * Math.PI) + 0.5, 1e-12);
 * ```
 */
export function nllUnderGmm(X: Float64Array, g: Gmm): number {
  const lp = gmmLogPdf(g, X);
  let s = 0;
  for (const v of lp) s -= v;
  return s / lp.length;
}

/**
 * CDF of a 1-D mixture, $F(x) = \sum_k\pi_k\Phi\big((x - m_k)/\sqrt{v_k}\big)$ (an atom contributes a step).
 *
 * @param g a mixture with d = 1
 * @param x the point
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { gmmCdf1d, makeGmm } from "@lib/prob/gmm.ts";
 * assertAlmostEquals(gmmCdf1d(makeGmm([1, 1], [[-1], [1]], 0.25), 0), 0.5, 1e-12);
 * ```
 */
export function gmmCdf1d(g: Gmm, x: number): number {
  const K = _checkGmm("gmmCdf1d", g);
  if (g.d !== 1) rangeError("gmmCdf1d", "g.d", "1", g.d);
  checkFinite("gmmCdf1d", "x", x);
  let F = 0;
  for (let k = 0; k < K; k++) {
    const v = g.vars[k]!, m = g.means[k]!;
    F += g.weights[k]! * (v > 0 ? normalCdf((x - m) / Math.sqrt(v)) : (x >= m ? 1 : 0));
  }
  return F;
}

/**
 * Inverse CDF of a 1-D mixture by bisection (60 halvings of a bracket that contains every component's ±12σ).
 *
 * @param g a mixture with d = 1
 * @param u a probability in (0, 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { gmmCdf1d, gmmQuantile1d, makeGmm } from "@lib/prob/gmm.ts";
 * const g = makeGmm([0.3, 0.7], [[-1], [2]], 0.5);
 * assertAlmostEquals(gmmCdf1d(g, gmmQuantile1d(g, 0.9)), 0.9, 1e-10);
 * ```
 */
export function gmmQuantile1d(g: Gmm, u: number): number {
  const K = _checkGmm("gmmQuantile1d", g);
  if (g.d !== 1) rangeError("gmmQuantile1d", "g.d", "1", g.d);
  if (typeof u !== "number" || !(u > 0 && u < 1)) rangeError("gmmQuantile1d", "u", "in (0, 1)", u);
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < K; k++) {
    const s = Math.sqrt(g.vars[k]!);
    lo = Math.min(lo, g.means[k]! - 12 * s - 1);
    hi = Math.max(hi, g.means[k]! + 12 * s + 1);
  }
  for (let i = 0; i < 200 && hi - lo > 1e-14 * Math.max(1, Math.abs(lo)); i++) {
    const mid = 0.5 * (lo + hi);
    if (gmmCdf1d(g, mid) < u) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
