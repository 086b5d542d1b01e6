/**
 * Sample-quality metrics against a known mixture target (X-gen §8; G06 G10 G11): mode coverage and sample
 * quality, and the kernel MMD between two sample sets. The mean negative log-likelihood under a mixture is
 * `nllUnderGmm` in `gmm.ts`.
 *
 * @module
 */
import { checkInt, checkPositive, rangeError } from "../core/validate.ts";
import { _checkGmm, _checkPoints, type Gmm } from "./gmm.ts";

/** Result of {@link modeCoverage}. */
export interface ModeCoverage {
  /** Fraction of components with at least one sample within their radius. */
  covered: number;
  /** Fraction of samples within 3 standard deviations of some component mean (the GAN literature's "high quality"). */
  highQuality: number;
  /** Samples nearest to each component (by Euclidean distance to the means). */
  counts: Int32Array;
}

/**
 * Mode coverage of samples X from a target mixture g. Component k has standard deviation
 * $s_k=\sqrt{\max_j v_{kj}}$; it is *covered* when some sample lies within $r_k$ of its mean ($r_k$ = `radius`
 * if given, else $3s_k$), and a sample is *high quality* when $\|x-\mu_k\|\le 3s_k$ for some k. The 3-std rule is
 * the usual one for 2-D toys; in high dimension a typical sample lies $\approx s_k\sqrt d$ from its mean, so pass an
 * explicit `radius` there.
 *
 * @param X flat n×d samples
 * @param g target mixture (d = g.d)
 * @param radius optional absolute coverage radius > 0 for every component
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { modeCoverage } from "@lib/prob/sample_metrics.ts";
 * const g = makeGmm([1, 1], [[0, 0], [10, 0]], 0.01);
 * const m = modeCoverage(Float64Array.of(0.1, 0, 0, 0.05, 5, 5), g);
 * assertEquals([m.covered, m.highQuality], [0.5, 2 / 3]);
 * ```
 */
export function modeCoverage(X: Float64Array, g: Gmm, radius?: number): ModeCoverage {
  const where = "modeCoverage";
  const K = _checkGmm(where, g), d = g.d;
  const n = _checkPoints(where, "X", X, d);
  if (radius !== undefined) checkPositive(where, "radius", radius);
  const s = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let v = 0;
    for (let j = 0; j < d; j++) v = Math.max(v, g.vars[k * d + j]!);
    s[k] = Math.sqrt(v);
  }
  const hit = new Uint8Array(K), counts = new Int32Array(K);
  let good = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity, arg = 0, isGood = false;
    for (let k = 0; k < K; k++) {
      let d2 = 0;
      for (let j = 0; j < d; j++) d2 += (X[i * d + j]! - g.means[k * d + j]!) ** 2;
      const dist = Math.sqrt(d2);
      if (dist < best) {
        best = dist;
        arg = k;
      }
      if (dist <= (radius ?? 3 * s[k]!)) hit[k] = 1;
      if (dist <= 3 * s[k]!) isGood = true;
    }
    counts[arg]!++;
    if (isGood) good++;
  }
  let cov = 0;
  for (let k = 0; k < K; k++) cov += hit[k]!;
  return { covered: cov / K, highQuality: good / n, counts };
}

/**
 * Squared maximum mean discrepancy with the Gaussian kernel $k(x,y)=e^{-\|x-y\|^2/(2h^2)}$, the biased
 * (V-statistic) estimate $\frac1{n^2}\sum k(x_i,x_{i'})+\frac1{m^2}\sum k(y_j,y_{j'})-\frac2{nm}\sum k(x_i,y_j)\ge0$,
 * which is 0 for identical sample sets.
 *
 * @param X flat n×d samples
 * @param Y flat m×d samples
 * @param d dimension ≥ 1
 * @param bandwidth kernel width h > 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { mmdRbf } from "@lib/prob/sample_metrics.ts";
 * const X = Float64Array.of(0, 1, 2);
 * assertAlmostEquals(mmdRbf(X, X, 1, 1), 0, 1e-15);
 * // two single points at distance 1, h = 1: 2 − 2e^{−1/2}
 * assertAlmostEquals(mmdRbf(Float64Array.of(0), Float64Array.of(1), 1, 1), 2 - 2 * Math.exp(-0.5), 1e-15);
 * ```
 */
export function mmdRbf(X: Float64Array, Y: Float64Array, d: number, bandwidth: number): number {
  const where = "mmdRbf";
  checkInt(where, "d", d, 1);
  checkPositive(where, "bandwidth", bandwidth);
  const n = _checkPoints(where, "X", X, d), m = _checkPoints(where, "Y", Y, d);
  if (n === 0 || m === 0) rangeError(where, "sample count", "≥ 1 in X and Y", Math.min(n, m));
  const c = -1 / (2 * bandwidth * bandwidth);
  const mean = (A: Float64Array, na: number, B: Float64Array, nb: number) => {
    let acc = 0;
    for (let i = 0; i < na; i++) {
      for (let j = 0; j < nb; j++) {
        let d2 = 0;
        for (let t = 0; t < d; t++) d2 += (A[i * d + t]! - B[j * d + t]!) ** 2;
        acc += Math.exp(c * d2);
      }
    }
    return acc / (na * nb);
  };
  return Math.max(0, mean(X, n, X, n) + mean(Y, m, Y, m) - 2 * mean(X, n, Y, m));
}
