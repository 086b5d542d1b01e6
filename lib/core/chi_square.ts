/**
 * The chi-square distribution with $k$ degrees of freedom: CDF, survival function (the p-value of a
 * goodness-of-fit statistic) and quantile. Through the regularized incomplete gamma function,
 * $F_k(x)=P(k/2,\,x/2)$ with $P(a,x)=\gamma(a,x)/\Gamma(a)$, evaluated by its power series for
 * $x<a+1$ and by a Lentz continued fraction for $Q=1-P$ otherwise (relative accuracy ≈ 1e-14).
 *
 * @module
 */
import { checkFinite, checkPositive, checkRange, rangeError } from "./validate.ts";

// Lanczos approximation (g = 7, n = 9) of log Γ(x), x > 0.
const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

function _logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - _logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Returns [P(a, x), Q(a, x)], the regularized lower / upper incomplete gamma functions. */
function _gammaPQ(a: number, x: number): [number, number] {
  if (x <= 0) return [0, 1];
  if (x === Infinity) return [1, 0];
  const logPre = a * Math.log(x) - x - _logGamma(a);
  if (x < a + 1) {
    let term = 1 / a, sum = term;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    const p = Math.exp(logPre) * sum;
    return [p, 1 - p];
  }
  const tiny = 1e-300;
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const q = Math.exp(logPre) * h;
  return [1 - q, q];
}

/**
 * CDF of the chi-square distribution, $F_k(x)=P(k/2, x/2)$.
 *
 * @param x ≥ 0 (negative → 0)
 * @param dof degrees of freedom k > 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { chiSquareCdf } from "@lib/core/chi_square.ts";
 * assertAlmostEquals(chiSquareCdf(2, 2), 1 - Math.exp(-1), 1e-14); // k = 2 is Exp(1/2)
 * ```
 */
export function chiSquareCdf(x: number, dof: number): number {
  if (typeof x !== "number" || Number.isNaN(x)) checkFinite("chiSquareCdf", "x", x);
  checkPositive("chiSquareCdf", "dof", dof);
  return _gammaPQ(dof / 2, x / 2)[0];
}

/**
 * Survival function $1-F_k(x)$: the p-value of an observed chi-square statistic $x$ (computed
 * directly, without cancellation, in the upper tail).
 *
 * @param x statistic (≥ 0; +∞ gives 0)
 * @param dof degrees of freedom k > 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { chiSquareSf } from "@lib/core/chi_square.ts";
 * assertAlmostEquals(chiSquareSf(40, 2), Math.exp(-20), 1e-20);
 * ```
 */
export function chiSquareSf(x: number, dof: number): number {
  if (typeof x !== "number" || Number.isNaN(x)) checkFinite("chiSquareSf", "x", x);
  checkPositive("chiSquareSf", "dof", dof);
  return _gammaPQ(dof / 2, x / 2)[1];
}

/**
 * Quantile $F_k^{-1}(p)$ of the chi-square distribution: the root is bracketed by doubling from
 * $\max(1,k)$, then found by bisection on the CDF to relative precision 1e-12.
 *
 * @param p probability in [0, 1) (0 gives 0)
 * @param dof degrees of freedom k > 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { chiSquareQuantile } from "@lib/core/chi_square.ts";
 * assertAlmostEquals(chiSquareQuantile(0.95, 1), 3.841458820694124, 1e-9);
 * assertAlmostEquals(chiSquareQuantile(0.999, 12), 32.90949040736021, 1e-8);
 * ```
 */
export function chiSquareQuantile(p: number, dof: number): number {
  checkRange("chiSquareQuantile", "p", p, 0, 1, "hi");
  checkPositive("chiSquareQuantile", "dof", dof);
  if (p === 0) return 0;
  let lo = 0, hi = Math.max(1, dof);
  while (chiSquareCdf(hi, dof) < p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e12) rangeError("chiSquareQuantile", "p", "reachable below 1e12", p);
  }
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (chiSquareCdf(mid, dof) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
