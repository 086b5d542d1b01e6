/**
 * The angle between random directions in $\mathbb R^d$ (Su, "The angle distribution of two random vectors
 * in n-dimensional space", https://kexue.fm/archives/7076): the density of the cosine and a sampler of
 * uniformly random unit vectors.
 *
 * @module
 */
import { type Matrix, matrix } from "../core/matrix.ts";
import type { Rng } from "../core/rng.ts";
import { logGamma } from "../core/special.ts";
import { checkFinite, checkInt, rangeError, typeError } from "../core/validate.ts";

/**
 * The density of the cosine s between two independent uniformly random directions in $\mathbb R^d$:
 * $$p(s) = \frac{\Gamma(\frac d2)}{\sqrt\pi\,\Gamma(\frac{d-1}2)}\,(1-s^2)^{(d-3)/2}, \qquad -1 < s < 1.$$
 * d = 2 gives the arcsine law, d = 3 the uniform law; for large d it approaches $\mathcal N(0, 1/d)$.
 *
 * @param s the cosine, in [−1, 1] (0 outside; the end points are +∞ for d = 2)
 * @param d the dimension, an integer ≥ 2
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { cosineDensity } from "@lib/prob/angles.ts";
 * assertAlmostEquals(cosineDensity(0.3, 3), 0.5, 1e-15); // uniform on [−1, 1]
 * assertAlmostEquals(cosineDensity(0, 2), 1 / Math.PI, 1e-15); // arcsine
 * ```
 */
export function cosineDensity(s: number, d: number): number {
  checkFinite("cosineDensity", "s", s);
  checkInt("cosineDensity", "d", d, 2);
  if (s < -1 || s > 1) return 0;
  const logC = logGamma(d / 2) - 0.5 * Math.log(Math.PI) - logGamma((d - 1) / 2);
  if (d === 3) return Math.exp(logC);
  return Math.exp(logC + ((d - 3) / 2) * Math.log1p(-s * s));
}

/**
 * `count` independent uniformly random unit vectors in $\mathbb R^d$ (normalized standard Gaussian
 * vectors), as the rows of a count×d matrix.
 *
 * @param count the number of vectors, an integer ≥ 1
 * @param d the dimension, an integer ≥ 1
 * @param rng the random stream
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { norm2, row } from "@lib/core/matrix.ts";
 * import { randomUnitVectors } from "@lib/prob/angles.ts";
 * const U = randomUnitVectors(3, 5, createRng(0));
 * assertAlmostEquals(norm2(row(U, 2)), 1, 1e-15);
 * ```
 */
export function randomUnitVectors(count: number, d: number, rng: Rng): Matrix {
  checkInt("randomUnitVectors", "count", count, 1);
  checkInt("randomUnitVectors", "d", d, 1);
  if (typeof rng !== "function" || typeof rng.normal !== "function") {
    typeError("randomUnitVectors", "rng", "an Rng (createRng)", rng);
  }
  const out = matrix(count, d);
  for (let r = 0; r < count; r++) {
    let ss = 0;
    for (let j = 0; j < d; j++) {
      const z = rng.normal();
      out.data[r * d + j] = z;
      ss += z * z;
    }
    if (ss === 0) rangeError("randomUnitVectors", "draw", "a non-zero Gaussian vector", 0);
    const inv = 1 / Math.sqrt(ss);
    for (let j = 0; j < d; j++) out.data[r * d + j] = (out.data[r * d + j] as number) * inv;
  }
  return out;
}
