/**
 * The attention-entropy side of the length-extrapolation mismatch (kexue.fm/archives/9431, /archives/8823): with
 * i.i.d. scores $s_j\sim\mathcal N(0,\sigma^2)$ over n keys, the softmax entropy grows like
 * $\log n - \sigma^2/2$, so a model trained at length N attends more diffusely at length T > N. A window of w keys
 * caps it at the value for n = w.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkInt, checkNonNegative, typeError } from "../core/validate.ts";

/**
 * Mean softmax entropy $-\sum_j p_j\log p_j$, $p = \mathrm{softmax}(s)$, over `trials` draws of n Gaussian scores
 * $s_j\sim\mathcal N(0,\sigma^2)$. With `window`, only the last min(n, window) keys are visible (the local mask).
 *
 * @param n number of keys, integer ≥ 1
 * @param sigma score standard deviation σ ≥ 0
 * @param trials number of draws, integer ≥ 1
 * @param rng random stream
 * @param opts `window`: visible keys (integer ≥ 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { meanEntropyGaussianScores } from "@lib/attention/gaussian_entropy.ts";
 * assertAlmostEquals(meanEntropyGaussianScores(100, 0, 1, createRng(0)), Math.log(100), 1e-12);
 * ```
 */
export function meanEntropyGaussianScores(
  n: number,
  sigma: number,
  trials: number,
  rng: Rng,
  opts: { window?: number } = {},
): number {
  const where = "meanEntropyGaussianScores";
  checkInt(where, "n", n, 1);
  checkNonNegative(where, "sigma", sigma);
  checkInt(where, "trials", trials, 1);
  if (typeof rng !== "function") typeError(where, "rng", "an Rng", rng);
  const m = Math.min(n, opts.window === undefined ? n : checkInt(where, "opts.window", opts.window, 1));
  const s = new Float64Array(m);
  let total = 0;
  for (let t = 0; t < trials; t++) {
    let mx = -Infinity;
    for (let j = 0; j < m; j++) mx = Math.max(mx, s[j] = sigma * rng.normal());
    let z = 0, zs = 0;
    for (let j = 0; j < m; j++) {
      const e = Math.exp(s[j]! - mx);
      z += e;
      zs += e * (s[j]! - mx);
    }
    total += Math.log(z) - zs / z; // H = log Z − E_p[s − max]
  }
  return total / trials;
}
