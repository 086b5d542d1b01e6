/**
 * One-dimensional numerical integration: composite Simpson, (composite) Gauss–Legendre, and
 * expectations under a (possibly truncated) normal distribution.
 *
 * @module
 */
import { normalCdf } from "./special.ts";
import { checkFinite, checkInt, checkPositive, rangeError, typeError } from "./validate.ts";

function checkFn(where: string, f: unknown): (x: number) => number {
  if (typeof f !== "function") typeError(where, "f", "a function (x: number) => number", f);
  return f as (x: number) => number;
}

function checkInterval(where: string, a: number, b: number): void {
  checkFinite(where, "a", a);
  checkFinite(where, "b", b);
  if (!(b > a)) rangeError(where, "b", `greater than a = ${a}`, b);
}

/**
 * Composite Simpson's rule with `n` (even) sub-intervals of width h = (b − a)/n:
 * $\int_a^b f \approx \frac h3\big[f(x_0) + 4f(x_1) + 2f(x_2) + \dots + 4f(x_{n-1}) + f(x_n)\big]$.
 * Exact for cubics; error O(h⁴) for smooth f.
 *
 * @param f the integrand
 * @param a lower limit (finite)
 * @param b upper limit, > a
 * @param n number of sub-intervals, an even integer ≥ 2 (default 200)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { simpson } from "@lib/core/quadrature.ts";
 * assertAlmostEquals(simpson((x) => x ** 3, 0, 2, 2), 4, 1e-14); // exact for cubics
 * assertAlmostEquals(simpson(Math.sin, 0, Math.PI), 2, 1e-8);
 * ```
 */
export function simpson(f: (x: number) => number, a: number, b: number, n = 200): number {
  checkFn("simpson", f);
  checkInterval("simpson", a, b);
  checkInt("simpson", "n", n, 2);
  if (n % 2 !== 0) rangeError("simpson", "n", "an even integer ≥ 2", n);
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

const _glCache = new Map<number, { x: Float64Array; w: Float64Array }>();

/**
 * Gauss–Legendre nodes and weights on [−1, 1]: the nodes are the roots of the Legendre polynomial
 * $P_m$ (Newton's method from the guess $\cos(\pi(i - \frac14)/(m + \frac12))$), the weights
 * $w_i = 2/\big((1-x_i^2)P_m'(x_i)^2\big)$. Cached per m.
 *
 * @param m the number of nodes, an integer in [1, 1000]
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { gaussLegendreNodes } from "@lib/core/quadrature.ts";
 * const { x, w } = gaussLegendreNodes(2); // ±1/√3, weights 1
 * assertAlmostEquals(x[1]!, 1 / Math.sqrt(3), 1e-15);
 * assertAlmostEquals(w[0]!, 1, 1e-15);
 * ```
 */
export function gaussLegendreNodes(m: number): { x: Float64Array; w: Float64Array } {
  checkInt("gaussLegendreNodes", "m", m, 1, 1000);
  const hit = _glCache.get(m);
  if (hit) return { x: hit.x.slice(), w: hit.w.slice() };
  const x = new Float64Array(m), w = new Float64Array(m);
  for (let i = 0; i < Math.ceil(m / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (m + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      // P_m(z) by the three-term recurrence (k+1)P_{k+1} = (2k+1) z P_k − k P_{k−1}
      let p0 = 1, p1 = z;
      for (let k = 1; k < m; k++) [p0, p1] = [p1, ((2 * k + 1) * z * p1 - k * p0) / (k + 1)];
      dp = (m * (z * p1 - p0)) / (z * z - 1);
      const step = p1 / dp;
      z -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    // recompute P_m' at the converged node for the weight
    let p0 = 1, p1 = z;
    for (let k = 1; k < m; k++) [p0, p1] = [p1, ((2 * k + 1) * z * p1 - k * p0) / (k + 1)];
    dp = (m * (z * p1 - p0)) / (z * z - 1);
    const wi = 2 / ((1 - z * z) * dp * dp);
    x[i] = -z;
    x[m - 1 - i] = z;
    w[i] = wi;
    w[m - 1 - i] = wi;
  }
  if (m % 2 === 1) x[(m - 1) / 2] = 0;
  _glCache.set(m, { x, w });
  return { x: x.slice(), w: w.slice() };
}

/**
 * Gauss–Legendre quadrature $\int_a^b f \approx \sum_{p}\sum_i \frac{h}{2} w_i\, f\big(c_p + \frac h2 x_i\big)$
 * over `panels` equal panels of width h with centres c_p (one panel = the classic rule, exact for
 * polynomials of degree ≤ 2·nodes − 1).
 *
 * @param f the integrand
 * @param a lower limit (finite)
 * @param b upper limit, > a
 * @param nodes nodes per panel, an integer in [1, 1000] (default 64)
 * @param panels number of equal panels, an integer ≥ 1 (default 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { gaussLegendre } from "@lib/core/quadrature.ts";
 * assertAlmostEquals(gaussLegendre((x) => x ** 5, 0, 1, 3), 1 / 6, 1e-15); // degree 5 = 2·3 − 1
 * assertAlmostEquals(gaussLegendre(Math.exp, 0, 1), Math.E - 1, 1e-14);
 * ```
 */
export function gaussLegendre(
  f: (x: number) => number,
  a: number,
  b: number,
  nodes = 64,
  panels = 1,
): number {
  checkFn("gaussLegendre", f);
  checkInterval("gaussLegendre", a, b);
  checkInt("gaussLegendre", "panels", panels, 1);
  const { x, w } = gaussLegendreNodes(nodes);
  const h = (b - a) / panels;
  let total = 0;
  for (let p = 0; p < panels; p++) {
    const c = a + (p + 0.5) * h;
    let s = 0;
    for (let i = 0; i < nodes; i++) s += (w[i] as number) * f(c + 0.5 * h * (x[i] as number));
    total += 0.5 * h * s;
  }
  return total;
}

/**
 * The expectation $\mathbb E[f(z)]$ for $z \sim \mathcal N(\mu, \sigma^2)$, optionally truncated to [a, b]
 * (then divided by $\Phi(\frac{b-\mu}\sigma) - \Phi(\frac{a-\mu}\sigma)$). Computed in standard units
 * $t = (z-\mu)/\sigma$ by composite Gauss–Legendre over $[\max(\frac{a-\mu}\sigma, -L), \min(\frac{b-\mu}\sigma, L)]$
 * with L = 12 (the neglected normal mass is below 1e-32), 16 panels.
 *
 * @param f the function of z
 * @param opts `mean` (0), `std` (> 0, default 1), `nodes` per panel (32), truncation `a`, `b` (±∞)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { gaussExpectation } from "@lib/core/quadrature.ts";
 * assertAlmostEquals(gaussExpectation((z) => Math.exp(2 * z)), Math.exp(2), 1e-12); // E e^{αz} = e^{α²/2}
 * assertAlmostEquals(gaussExpectation((z) => z, { a: 0 }), Math.sqrt(2 / Math.PI), 1e-13); // half-normal mean
 * ```
 */
export function gaussExpectation(
  f: (x: number) => number,
  opts: { mean?: number; std?: number; nodes?: number; a?: number; b?: number } = {},
): number {
  checkFn("gaussExpectation", f);
  const mean = checkFinite("gaussExpectation", "mean", opts.mean ?? 0);
  const std = checkPositive("gaussExpectation", "std", opts.std ?? 1);
  const a = opts.a ?? -Infinity, b = opts.b ?? Infinity;
  if (typeof a !== "number" || Number.isNaN(a)) typeError("gaussExpectation", "a", "a number", a);
  if (typeof b !== "number" || Number.isNaN(b)) typeError("gaussExpectation", "b", "a number", b);
  if (!(b > a)) rangeError("gaussExpectation", "b", `greater than a = ${a}`, b);
  const L = 12;
  const lo = Math.max((a - mean) / std, -L), hi = Math.min((b - mean) / std, L);
  if (!(hi > lo)) {
    rangeError("gaussExpectation", "[a, b]", "an interval with normal mass (within 12 std)", [a, b]);
  }
  const phi = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  const integral = gaussLegendre((t) => phi(t) * f(mean + std * t), lo, hi, opts.nodes ?? 32, 16);
  const mass = a === -Infinity && b === Infinity
    ? 1
    : normalCdf((b - mean) / std) - normalCdf((a - mean) / std);
  return integral / mass;
}
