/**
 * Toy distributions of the generative notebooks (X-gen §4). Every one is a {@link Gmm}, so densities, scores and
 * posteriors along any Gaussian path are exact.
 *
 * @module
 */
import { makeGmm } from "../prob/gmm.ts";
import type { Gmm } from "../prob/gmm.ts";
import { checkInt, checkNonNegative, checkPositive, rangeError } from "../core/validate.ts";

/**
 * Eight equal-weight isotropic components on a circle: means $r(\cos\frac{2\pi k}8, \sin\frac{2\pi k}8)$, std s.
 *
 * @param radius circle radius r > 0 (default 2)
 * @param s component standard deviation ≥ 0 (default 0.1)
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { ring8 } from "@lib/data/toy2d.ts";
 * const g = ring8();
 * assertEquals(g.weights.length, 8);
 * assertAlmostEquals(Math.hypot(g.means[2]!, g.means[3]!), 2, 1e-12);
 * ```
 */
export function ring8(radius = 2, s = 0.1): Gmm {
  checkPositive("ring8", "radius", radius);
  checkNonNegative("ring8", "s", s);
  const means = Array.from(
    { length: 8 },
    (_, k) => [radius * Math.cos(Math.PI * k / 4), radius * Math.sin(Math.PI * k / 4)],
  );
  return makeGmm(new Array(8).fill(1), means, s * s);
}

/**
 * A 5×5 grid of equal-weight components centred at the origin, spacing `spacing`, std s.
 *
 * @param spacing grid spacing > 0 (default 1)
 * @param s component std ≥ 0 (default 0.05)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { grid25 } from "@lib/data/toy2d.ts";
 * assertEquals(Array.from(grid25().means.slice(0, 2)), [-2, -2]);
 * ```
 */
export function grid25(spacing = 1, s = 0.05): Gmm {
  checkPositive("grid25", "spacing", spacing);
  checkNonNegative("grid25", "s", s);
  const means: number[][] = [];
  for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) means.push([i * spacing, j * spacing]);
  return makeGmm(new Array(25).fill(1), means, s * s);
}

/**
 * Two interleaving half circles (unit radius; the second shifted by (1, 0.5) and flipped), each covered by
 * `nPerMoon` equally spaced equal-weight components of std s.
 *
 * @param nPerMoon components per moon, integer ≥ 2 (default 10)
 * @param s component std ≥ 0 (default 0.08)
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { moons } from "@lib/data/toy2d.ts";
 * const g = moons(10);
 * assertEquals(g.weights.length, 20);
 * assertAlmostEquals(g.means[0]!, 1, 1e-12); // first moon starts at angle 0: (1, 0)
 * ```
 */
export function moons(nPerMoon = 10, s = 0.08): Gmm {
  checkInt("moons", "nPerMoon", nPerMoon, 2);
  checkNonNegative("moons", "s", s);
  const means: number[][] = [];
  for (let j = 0; j < nPerMoon; j++) {
    const th = Math.PI * j / (nPerMoon - 1);
    means.push([Math.cos(th), Math.sin(th)]);
  }
  for (let j = 0; j < nPerMoon; j++) {
    const th = Math.PI * j / (nPerMoon - 1);
    means.push([1 - Math.cos(th), 0.5 - Math.sin(th)]);
  }
  return makeGmm(new Array(2 * nPerMoon).fill(1), means, s * s);
}

/**
 * The 8 "black" unit cells of a 4×4 checkerboard on [−2, 2]², each covered by a 3×3 grid of components at the
 * cell's 1/6, 1/2, 5/6 points (72 components), std s.
 *
 * @param s component std ≥ 0 (default 1/6)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { checkerboard } from "@lib/data/toy2d.ts";
 * assertEquals(checkerboard().weights.length, 72);
 * ```
 */
export function checkerboard(s = 1 / 6): Gmm {
  checkNonNegative("checkerboard", "s", s);
  const means: number[][] = [];
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      if ((r + c) % 2 !== 0) continue;
      for (const u of [1 / 6, 0.5, 5 / 6]) {
        for (const v of [1 / 6, 0.5, 5 / 6]) means.push([c - 2 + u, r - 2 + v]);
      }
    }
  }
  return makeGmm(new Array(72).fill(1), means, s * s);
}

/**
 * A 1-D two-component mixture at ±mu with std s and weights w.
 *
 * @param mu half distance between the means (default 1)
 * @param s component std ≥ 0 (default 0.7)
 * @param w the two weights (default [0.5, 0.5])
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { twoComp1d } from "@lib/data/toy2d.ts";
 * assertEquals(Array.from(twoComp1d(2, 1, [1, 3]).weights), [0.25, 0.75]);
 * ```
 */
export function twoComp1d(mu = 1, s = 0.7, w: [number, number] = [0.5, 0.5]): Gmm {
  checkNonNegative("twoComp1d", "s", s);
  if (!Array.isArray(w) || w.length !== 2) rangeError("twoComp1d", "w", "two weights", w);
  return makeGmm(w, [[-mu], [mu]], s * s);
}

/**
 * A fixed asymmetric 1-D three-component mixture: weights (0.3, 0.5, 0.2), means (−2, 0.5, 3),
 * stds (0.5, 0.8, 0.3).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { threeComp1d } from "@lib/data/toy2d.ts";
 * assertEquals(threeComp1d().weights.length, 3);
 * ```
 */
export function threeComp1d(): Gmm {
  return makeGmm([0.3, 0.5, 0.2], [[-2], [0.5], [3]], [[0.25], [0.64], [0.09]]);
}
