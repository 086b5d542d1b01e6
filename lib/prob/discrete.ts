/**
 * Distributions over discrete outcomes named by strings (e.g. segmentations keyed `"a|ab|ba"`):
 * counting, empirical frequencies, total variation, the mode, and Pearson's chi-square
 * goodness-of-fit test.
 *
 * @module
 */
import { chiSquareSf } from "../core/chi_square.ts";
import { checkFinite, rangeError, typeError } from "../core/validate.ts";

function _checkDist(where: string, name: string, p: unknown): Map<string, number> {
  if (!(p instanceof Map)) typeError(where, name, "a Map outcome → number", p);
  for (const [k, v] of p as Map<string, number>) {
    checkFinite(where, `${name}.get(${JSON.stringify(k)})`, v);
    if (v < 0) rangeError(where, `${name}.get(${JSON.stringify(k)})`, "≥ 0", v);
  }
  return p as Map<string, number>;
}

/**
 * Counts of each distinct outcome, in order of first appearance.
 *
 * @param samples outcomes
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { countOutcomes } from "@lib/prob/discrete.ts";
 * assertEquals([...countOutcomes(["x", "y", "x"])], [["x", 2], ["y", 1]]);
 * ```
 */
export function countOutcomes(samples: readonly string[]): Map<string, number> {
  if (!Array.isArray(samples)) typeError("countOutcomes", "samples", "an array of strings", samples);
  const c = new Map<string, number>();
  for (const s of samples) c.set(s, (c.get(s) ?? 0) + 1);
  return c;
}

/**
 * Empirical distribution $\hat p(x)=\#\{i: x_i=x\}/N$ of a non-empty sample.
 *
 * @param samples outcomes (N ≥ 1)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { empiricalDistribution } from "@lib/prob/discrete.ts";
 * assertEquals(empiricalDistribution(["a", "b", "a", "a"]).get("a"), 0.75);
 * ```
 */
export function empiricalDistribution(samples: readonly string[]): Map<string, number> {
  const c = countOutcomes(samples);
  if (samples.length === 0) rangeError("empiricalDistribution", "samples.length", "≥ 1", 0);
  const n = samples.length;
  return new Map([...c].map(([k, v]) => [k, v / n]));
}

/**
 * Total-variation distance $\mathrm{TV}(p,q)=\tfrac12\sum_x|p(x)-q(x)|$; outcomes missing from one map
 * count as 0 there.
 *
 * @param p distribution (non-negative values)
 * @param q distribution (non-negative values)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { totalVariation } from "@lib/prob/discrete.ts";
 * const p = new Map([["a", 0.5], ["b", 0.5]]), q = new Map([["a", 0.2], ["c", 0.8]]);
 * assertAlmostEquals(totalVariation(p, q), 0.8, 1e-15);
 * ```
 */
export function totalVariation(p: Map<string, number>, q: Map<string, number>): number {
  _checkDist("totalVariation", "p", p);
  _checkDist("totalVariation", "q", q);
  let s = 0;
  for (const [k, v] of p) s += Math.abs(v - (q.get(k) ?? 0));
  for (const [k, v] of q) if (!p.has(k)) s += v;
  return s / 2;
}

/**
 * The most probable outcome and its probability; ties go to the first key in map order.
 *
 * @param p distribution or counts (non-empty)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { mode } from "@lib/prob/discrete.ts";
 * assertEquals(mode(new Map([["a", 0.2], ["b", 0.5], ["c", 0.3]])), { key: "b", p: 0.5 });
 * ```
 */
export function mode(p: Map<string, number>): { key: string; p: number } {
  _checkDist("mode", "p", p);
  if (p.size === 0) rangeError("mode", "p.size", "≥ 1", 0);
  let key = "", best = -Infinity;
  for (const [k, v] of p) {
    if (v > best) {
      best = v;
      key = k;
    }
  }
  return { key, p: best };
}

/**
 * Pearson's chi-square goodness-of-fit test of observed `counts` against `probs`:
 * $X^2=\sum_x (O_x-N p_x)^2/(N p_x)$ over the outcomes with $p_x>0$, with $K-1$ degrees of freedom
 * ($K$ = number of such outcomes) and p-value $1-F_{K-1}(X^2)$. An observed outcome with $p_x=0$ (or
 * missing from `probs`) makes $X^2=+\infty$. `probs` must sum to 1 (±1e-9).
 *
 * @param counts outcome → observed count (non-negative)
 * @param probs outcome → hypothesised probability
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { chiSquareGof } from "@lib/prob/discrete.ts";
 * const r = chiSquareGof(new Map([["h", 60], ["t", 40]]), new Map([["h", 0.5], ["t", 0.5]]));
 * assertEquals([r.stat, r.dof], [4, 1]);
 * assertAlmostEquals(r.pValue, 0.0455, 1e-4);
 * ```
 */
export function chiSquareGof(
  counts: Map<string, number>,
  probs: Map<string, number>,
): { stat: number; dof: number; pValue: number } {
  _checkDist("chiSquareGof", "counts", counts);
  _checkDist("chiSquareGof", "probs", probs);
  let total = 0, psum = 0, k = 0;
  for (const v of counts.values()) total += v;
  for (const v of probs.values()) {
    psum += v;
    if (v > 0) k++;
  }
  if (Math.abs(psum - 1) > 1e-9) rangeError("chiSquareGof", "sum of probs", "1 (±1e-9)", psum);
  if (total <= 0) rangeError("chiSquareGof", "total count", "> 0", total);
  if (k < 2) rangeError("chiSquareGof", "number of outcomes with p > 0", "≥ 2", k);
  let stat = 0;
  for (const [key, o] of counts) if (o > 0 && !((probs.get(key) ?? 0) > 0)) stat = Infinity;
  if (stat === 0) {
    for (const [key, p] of probs) {
      if (p <= 0) continue;
      const ex = total * p, d = (counts.get(key) ?? 0) - ex;
      stat += (d * d) / ex;
    }
  }
  return { stat, dof: k - 1, pValue: stat === Infinity ? 0 : chiSquareSf(stat, k - 1) };
}
