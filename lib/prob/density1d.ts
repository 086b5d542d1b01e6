/**
 * Diagnostics of fitted one-dimensional densities (G08, https://kexue.fm/archives/10007): KL divergence by
 * quadrature on a grid, local maxima ("modes"), and the one-sample Kolmogorov–Smirnov test.
 *
 * @module
 */
import { checkFinite, checkInt, checkRange, rangeError, typeError } from "../core/validate.ts";

function _fn(where: string, name: string, f: unknown): (y: number) => number {
  if (typeof f !== "function") typeError(where, name, "a function (y: number) => number", f);
  return f as (y: number) => number;
}

function _interval(where: string, lo: number, hi: number, n: number): void {
  checkFinite(where, "lo", lo);
  checkFinite(where, "hi", hi);
  if (!(hi > lo)) rangeError(where, "hi", `> lo = ${lo}`, hi);
  checkInt(where, "n", n, 3);
}

/**
 * $\mathrm{KL}(p\Vert q)=\int p\log(p/q)$ by the composite Simpson rule on n grid points over [lo, hi] (n odd;
 * an even n is raised by one). Points where p = 0 contribute 0; q = 0 where p > 0 gives +∞.
 *
 * @param p reference density
 * @param q model density
 * @param lo left end
 * @param hi right end
 * @param n grid points (≥ 3)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { klByQuadrature } from "@lib/prob/density1d.ts";
 * const phi = (m: number) => (y: number) => Math.exp(-0.5 * (y - m) ** 2) / Math.sqrt(2 * Math.PI);
 * assertAlmostEquals(klByQuadrature(phi(0), phi(1), -12, 12, 20001), 0.5, 1e-9);
 * ```
 */
export function klByQuadrature(
  p: (y: number) => number,
  q: (y: number) => number,
  lo: number,
  hi: number,
  n: number,
): number {
  const where = "klByQuadrature";
  _fn(where, "p", p);
  _fn(where, "q", q);
  _interval(where, lo, hi, n);
  const m = n % 2 === 1 ? n : n + 1, h = (hi - lo) / (m - 1);
  let s = 0;
  for (let i = 0; i < m; i++) {
    const y = lo + i * h, pv = p(y);
    if (!(pv > 0)) continue;
    const qv = q(y);
    if (!(qv > 0)) return Infinity;
    const w = i === 0 || i === m - 1 ? 1 : i % 2 === 1 ? 4 : 2;
    s += w * pv * Math.log(pv / qv);
  }
  return (s * h) / 3;
}

/**
 * Local maxima of a density on an n-point grid over [lo, hi] whose value is at least relThresh × the grid maximum,
 * refined by a parabola through the three neighbouring grid values.
 *
 * @param q density
 * @param lo left end
 * @param hi right end
 * @param n grid points (≥ 3)
 * @param relThresh relative height threshold in [0, 1] (e.g. 0.01)
 * @returns mode locations, ascending
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { findModes } from "@lib/prob/density1d.ts";
 * const q = (y: number) => Math.exp(-((y + 2) ** 2)) + 0.5 * Math.exp(-((y - 2) ** 2));
 * const m = findModes(q, -6, 6, 1201, 0.01);
 * assertEquals(m.length, 2);
 * assertAlmostEquals(m[0]!, -2, 1e-3);
 * ```
 */
export function findModes(
  q: (y: number) => number,
  lo: number,
  hi: number,
  n: number,
  relThresh: number,
): number[] {
  const where = "findModes";
  _fn(where, "q", q);
  _interval(where, lo, hi, n);
  checkRange(where, "relThresh", relThresh, 0, 1);
  const h = (hi - lo) / (n - 1);
  const v = Float64Array.from({ length: n }, (_, i) => q(lo + i * h));
  const mx = Math.max(...v);
  const out: number[] = [];
  for (let i = 1; i < n - 1; i++) {
    const a = v[i - 1]!, b = v[i]!, c = v[i + 1]!;
    if (b > a && b >= c && b >= relThresh * mx) {
      const den = a - 2 * b + c;
      const off = den < 0 ? (0.5 * (a - c)) / den : 0;
      out.push(lo + (i + off) * h);
    }
  }
  return out;
}

/**
 * Asymptotic Kolmogorov distribution tail $P(K > \lambda) = 2\sum_{k\ge1}(-1)^{k-1}e^{-2k^2\lambda^2}$.
 *
 * @param lambda λ ≥ 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { kolmogorovTail } from "@lib/prob/density1d.ts";
 * assertAlmostEquals(kolmogorovTail(1.3581), 0.05, 1e-4);
 * ```
 */
export function kolmogorovTail(lambda: number): number {
  checkFinite("kolmogorovTail", "lambda", lambda);
  if (lambda < 0) rangeError("kolmogorovTail", "lambda", "≥ 0", lambda);
  if (lambda < 0.2) return 1;
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const t = Math.exp(-2 * k * k * lambda * lambda);
    s += (k % 2 === 1 ? 2 : -2) * t;
    if (t < 1e-17) break;
  }
  return Math.min(1, Math.max(0, s));
}

/**
 * One-sample Kolmogorov–Smirnov test: $D=\sup_y|F_n(y)-F(y)|$ and its p-value from the Kolmogorov distribution
 * with Stephens' small-sample correction $\lambda=(\sqrt n+0.12+0.11/\sqrt n)D$.
 *
 * @param samples the sample (≥ 1 finite values)
 * @param cdf the hypothesised continuous CDF
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { ksStatistic } from "@lib/prob/density1d.ts";
 * // the uniform grid (i + 0.5)/n against U(0, 1): D = 1/(2n)
 * const r = ksStatistic(Float64Array.from({ length: 100 }, (_, i) => (i + 0.5) / 100), (y) => Math.min(1, Math.max(0, y)));
 * assertAlmostEquals(r.d, 0.005, 1e-12);
 * assertAlmostEquals(r.pValue, 1, 1e-12);
 * ```
 */
export function ksStatistic(
  samples: ArrayLike<number>,
  cdf: (y: number) => number,
): { d: number; pValue: number } {
  const where = "ksStatistic";
  if (samples === null || typeof samples !== "object" || typeof samples.length !== "number") {
    typeError(where, "samples", "an array of numbers", samples);
  }
  if (samples.length === 0) rangeError(where, "samples.length", "≥ 1", 0);
  _fn(where, "cdf", cdf);
  const s = Float64Array.from(samples, (v, i) => checkFinite(where, `samples[${i}]`, v)).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const F = cdf(s[i]!);
    d = Math.max(d, (i + 1) / n - F, F - i / n);
  }
  const rn = Math.sqrt(n);
  return { d, pValue: kolmogorovTail((rn + 0.12 + 0.11 / rn) * d) };
}
