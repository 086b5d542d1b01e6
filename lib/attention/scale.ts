/**
 * The attention scale chosen by maximizing the size of the softmax gradient
 * (Su, "Looking at the attention scale from gradient maximization", https://kexue.fm/archives/9812).
 *
 * With $p_i = e^{\alpha s_i}/Z$, the Jacobian $\partial p_i/\partial s_j = \alpha(p_i\delta_{ij} - p_ip_j)$
 * vanishes both as α → 0 (uniform weights) and α → ∞ (one-hot weights). Its half L1 norm is
 * $\alpha(1 - \sum_i p_i^2)$; replacing the sums by expectations over n i.i.d. scores gives
 * $\alpha\big(1 - \frac{\mathbb E[e^{2\alpha s}]}{n\,\mathbb E[e^{\alpha s}]^2}\big)$, maximized here for
 * standard-normal scores (scores already divided by √d) and for cosine scores (unit q, k in d dims).
 *
 * @module
 */
import { type Matrix, matrix } from "../core/matrix.ts";
import { bisect, goldenSectionMax } from "../core/optimize.ts";
import { logHyp0F1, softmax } from "../core/special.ts";
import {
  checkFinite,
  checkInt,
  checkLength,
  checkNonNegative,
  rangeError,
  typeError,
} from "../core/validate.ts";

function checkScores(where: string, s: unknown): Float64Array | number[] {
  if (!(s instanceof Float64Array) && !Array.isArray(s)) {
    typeError(where, "s", "a Float64Array or number[]", s);
  }
  const v = s as Float64Array | number[];
  checkLength(where, "s", v);
  for (let i = 0; i < v.length; i++) checkFinite(where, `s[${i}]`, v[i]);
  return v;
}

function checkN(where: string, n: unknown): number {
  checkFinite(where, "n", n);
  if ((n as number) <= 1) rangeError(where, "n", "a number > 1", n);
  return n as number;
}

function checkDim(where: string, d: unknown): number {
  return checkInt(where, "d", d, 2);
}

/**
 * The Jacobian of the scaled softmax $p = \mathrm{softmax}(\alpha s)$ with respect to the scores:
 * $$\frac{\partial p_i}{\partial s_j} = \alpha\,(p_i\delta_{ij} - p_ip_j),$$
 * i.e. α(p_i − p_i²) on the diagonal and −αp_ip_j off it. Row i is the gradient of p_i; every row sums
 * to 0 (softmax is invariant to shifting all scores).
 *
 * @param s the scores (n ≥ 1 finite numbers)
 * @param alpha the scale α ≥ 0
 * @returns the n×n matrix J with J[i, j] = ∂p_i/∂s_j
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { softmaxJacobian } from "@lib/attention/scale.ts";
 * const J = softmaxJacobian([0, 0], 2); // p = (½, ½)
 * assertAlmostEquals(J.data[0]!, 0.5, 1e-15); // 2·(½ − ¼)
 * assertAlmostEquals(J.data[1]!, -0.5, 1e-15); // −2·¼
 * ```
 */
export function softmaxJacobian(s: Float64Array | number[], alpha: number): Matrix {
  checkScores("softmaxJacobian", s);
  checkNonNegative("softmaxJacobian", "alpha", alpha);
  const p = softmax(s, alpha), n = p.length;
  const J = matrix(n, n);
  for (let i = 0; i < n; i++) {
    const pi = p[i] as number;
    for (let j = 0; j < n; j++) J.data[i * n + j] = alpha * ((i === j ? pi : 0) - pi * (p[j] as number));
  }
  return J;
}

/**
 * The article's objective, half the entry-wise L1 norm of the softmax Jacobian, in closed form:
 * $$\frac12\Big\|\frac{\partial p}{\partial s}\Big\|_1 = \frac12\sum_{i,j}\Big|\frac{\partial p_i}{\partial s_j}\Big|
 *   = \frac12\sum_i\alpha(p_i - p_i^2) + \frac12\sum_{i\ne j}\alpha p_ip_j = \alpha\Big(1 - \sum_i p_i^2\Big).$$
 * $\sum_i p_i^2$ is the collision probability, $-\ln\sum_i p_i^2$ the Rényi-2 entropy.
 *
 * @param s the scores (n ≥ 1 finite numbers)
 * @param alpha the scale α ≥ 0
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { softmaxJacobianHalfL1 } from "@lib/attention/scale.ts";
 * assertAlmostEquals(softmaxJacobianHalfL1([1, 1, 1, 1], 3), 3 * (1 - 4 / 16), 1e-15); // uniform p
 * assertEquals(softmaxJacobianHalfL1([0, 0.5, 1, 2], 0), 0);
 * ```
 */
export function softmaxJacobianHalfL1(s: Float64Array | number[], alpha: number): number {
  checkScores("softmaxJacobianHalfL1", s);
  checkNonNegative("softmaxJacobianHalfL1", "alpha", alpha);
  const p = softmax(s, alpha);
  let q = 0;
  for (let i = 0; i < p.length; i++) q += (p[i] as number) ** 2;
  return alpha * (1 - q);
}

/**
 * The large-n objective for standard-normal scores. With $\mathbb E[e^{\alpha s}] = e^{\alpha^2/2}$,
 * $$f(\alpha) = \alpha\Big(1 - \frac{e^{\alpha^2}}{n}\Big).$$
 *
 * @param alpha the scale α ≥ 0
 * @param n the number of keys, > 1 (real values allowed)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { gradObjectiveNormal } from "@lib/attention/scale.ts";
 * assertAlmostEquals(gradObjectiveNormal(1, 100), 1 - Math.E / 100, 1e-15);
 * ```
 */
export function gradObjectiveNormal(alpha: number, n: number): number {
  checkNonNegative("gradObjectiveNormal", "alpha", alpha);
  checkN("gradObjectiveNormal", n);
  return alpha * (1 - Math.exp(alpha * alpha) / n);
}

/**
 * The maximizer α* of {@link gradObjectiveNormal} for a given n. f is concave on $(0, \sqrt{\ln n}\,]$
 * and negative beyond, so α* is the root of $f'(\alpha) = 1 - (1 + 2\alpha^2)e^{\alpha^2}/n$ there, found
 * by bisection on $\ln(1+2\alpha^2) + \alpha^2 - \ln n$ (to ~1e-13; a golden-section search on f itself
 * only reaches ~1e-8 because f is flat at its maximum). The inverse is closed-form: {@link normalOptimalN}.
 *
 * @param n the number of keys, > 1
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { optimalScaleNormal } from "@lib/attention/scale.ts";
 * assertAlmostEquals(optimalScaleNormal(512), 2.0084, 2e-3);
 * ```
 */
export function optimalScaleNormal(n: number): number {
  checkN("optimalScaleNormal", n);
  const logN = Math.log(n);
  return bisect((a) => Math.log1p(2 * a * a) + a * a - logN, 0, Math.sqrt(logN), 1e-14);
}

/**
 * The inverse of {@link optimalScaleNormal}: the n at which α is optimal for normal scores,
 * $n = (1 + 2\alpha^2)\,e^{\alpha^2}$ (from $f'(\alpha) = 0$). At that optimum the approximate collision
 * probability is $\sum_i p_i^2 \approx e^{\alpha^2}/n = 1/(1+2\alpha^2)$.
 *
 * @param alpha the scale α > 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { normalOptimalN, optimalScaleNormal } from "@lib/attention/scale.ts";
 * assertAlmostEquals(optimalScaleNormal(normalOptimalN(2.5)), 2.5, 1e-9);
 * ```
 */
export function normalOptimalN(alpha: number): number {
  checkNonNegative("normalOptimalN", "alpha", alpha);
  if (alpha === 0) rangeError("normalOptimalN", "alpha", "a positive number", alpha);
  return (1 + 2 * alpha * alpha) * Math.exp(alpha * alpha);
}

/**
 * ln g(a) for cosine scores, see {@link cosineMgf}: $\ln g(a) = \ln {}_0F_1(;\tfrac d2;\tfrac{a^2}4)$.
 *
 * @param a the argument (any finite number; g is even)
 * @param d the dimension, an integer ≥ 2
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { logCosineMgf } from "@lib/attention/scale.ts";
 * assertAlmostEquals(logCosineMgf(300, 128), 174.96704853964507, 1e-9); // g = 9.71e75
 * ```
 */
export function logCosineMgf(a: number, d: number): number {
  checkFinite("logCosineMgf", "a", a);
  checkDim("logCosineMgf", d);
  return logHyp0F1(d / 2, (a * a) / 4);
}

/**
 * The moment generating function $g(a) = \mathbb E[e^{as}]$ of the cosine s between two independent
 * uniformly random directions in $\mathbb R^d$, whose density is $\propto (1-s^2)^{(d-3)/2}$ on [−1, 1].
 * Closed form (derived for this project, not in the article):
 * $$g(a) = \Gamma(\tfrac d2)\,(\tfrac2a)^{d/2-1} I_{d/2-1}(a) = \sum_{k\ge0}\frac{(a^2/4)^k}{k!\,(d/2)_k},$$
 * summed as a positive series (stable for a up to several hundred and any d ≥ 2; overflows past a ≈ 700).
 *
 * @param a the argument (any finite number)
 * @param d the dimension, an integer ≥ 2
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { cosineMgf } from "@lib/attention/scale.ts";
 * assertAlmostEquals(cosineMgf(5, 128), 1.10250298, 1e-7);
 * assertAlmostEquals(cosineMgf(3, 3), Math.sinh(3) / 3, 1e-14); // d = 3: s uniform on [−1, 1]
 * ```
 */
export function cosineMgf(a: number, d: number): number {
  checkFinite("cosineMgf", "a", a);
  checkDim("cosineMgf", d);
  return Math.exp(logHyp0F1(d / 2, (a * a) / 4));
}

/** g(2α)/g(α)² for cosine scores (log-space). */
function _cosineRatio(alpha: number, d: number): number {
  return Math.exp(logHyp0F1(d / 2, alpha * alpha) - 2 * logHyp0F1(d / 2, (alpha * alpha) / 4));
}

/**
 * The large-n objective for cosine scores in d dimensions:
 * $$f(\alpha) = \alpha\Big(1 - \frac{g(2\alpha)}{n\,g(\alpha)^2}\Big)$$
 * with g the moment generating function of the cosine ({@link cosineMgf}).
 *
 * @param alpha the scale α ≥ 0
 * @param n the number of keys, > 1
 * @param d the dimension, an integer ≥ 2
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { gradObjectiveCosine } from "@lib/attention/scale.ts";
 * assert(gradObjectiveCosine(24.2, 512, 128) > gradObjectiveCosine(12, 512, 128));
 * ```
 */
export function gradObjectiveCosine(alpha: number, n: number, d: number): number {
  checkNonNegative("gradObjectiveCosine", "alpha", alpha);
  checkN("gradObjectiveCosine", n);
  checkDim("gradObjectiveCosine", d);
  return alpha * (1 - _cosineRatio(alpha, d) / n);
}

/**
 * The maximizer α* of {@link gradObjectiveCosine}: the ratio g(2α)/g(α)² grows from 1 without bound, so
 * the objective is positive exactly up to the α where the ratio reaches n; that point is bracketed by
 * doubling and the maximum found by golden-section search below it.
 *
 * @param n the number of keys, > 1
 * @param d the dimension, an integer ≥ 2
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { optimalScaleCosine } from "@lib/attention/scale.ts";
 * assertAlmostEquals(optimalScaleCosine(512, 128), 24.21, 0.05);
 * ```
 */
export function optimalScaleCosine(n: number, d: number): number {
  checkN("optimalScaleCosine", n);
  checkDim("optimalScaleCosine", d);
  let hi = 1;
  while (_cosineRatio(hi, d) < n) {
    hi *= 2;
    if (hi > 350) rangeError("optimalScaleCosine", "n", "small enough that α* < 350 (g would overflow)", n);
  }
  return goldenSectionMax((a) => a * (1 - _cosineRatio(a, d) / n), 0, hi, 1e-9);
}
