/**
 * Special functions and numerically stable primitives on plain numbers.
 *
 * - error function family: {@link erf}, {@link erfc}, {@link normalCdf};
 * - gamma family: {@link logGamma}, {@link digamma};
 * - Bessel: {@link logBesselI} (log of the modified Bessel function of the first kind);
 * - stable logistic/softmax helpers: {@link sigmoid}, {@link softplus}, {@link logsumexp},
 *   {@link logsumexp2}, {@link softmax} (all safe for large and infinite arguments).
 *
 * Accuracy targets (checked in `tests/core/special_test.ts` against tabulated values): about 1e-15
 * relative for erf/erfc/normalCdf and logGamma on moderate arguments, about 1e-13 for logBesselI.
 *
 * @module
 */
import { checkFinite, checkLength, checkNonNegative, rangeError, typeError } from "./validate.ts";

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const INV_SQRT_PI = 0.5641895835477563; // 1/√π
const HALF_LOG_TWO_PI = 0.9189385332046728; // ½ ln 2π

function checkNumber(where: string, name: string, x: unknown): number {
  if (typeof x !== "number") typeError(where, name, "a number", x);
  if (Number.isNaN(x)) rangeError(where, name, "a number (not NaN)", x);
  return x;
}

/**
 * erf for |x| ≤ 3 by the all-positive series
 * $\mathrm{erf}(x) = \frac{2}{\sqrt\pi}e^{-x^2}\sum_{k\ge0}\frac{2^k x^{2k+1}}{1\cdot3\cdots(2k+1)}$ (no cancellation).
 */
function _erfSeries(x: number): number {
  const x2 = x * x;
  let term = x, sum = x;
  for (let k = 1; k < 200; k++) {
    term *= (2 * x2) / (2 * k + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/**
 * erfc for x > 0 (used for x ≥ 1.5) by the continued fraction
 * $\mathrm{erfc}(x) = \frac{e^{-x^2}}{\sqrt\pi}\cfrac{1}{x+\cfrac{1/2}{x+\cfrac{1}{x+\cfrac{3/2}{x+\cdots}}}}$,
 * evaluated with the modified Lentz method.
 */
function _erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x, c = x, d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (INV_SQRT_PI * Math.exp(-x * x)) / f;
}

/**
 * The error function $\mathrm{erf}(x) = \frac{2}{\sqrt\pi}\int_0^x e^{-t^2}\,dt$.
 *
 * @param x any number (±∞ give ±1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { erf } from "@lib/core/special.ts";
 * assertAlmostEquals(erf(1), 0.8427007929497149, 1e-15);
 * assertAlmostEquals(erf(-0.5), -0.5204998778130465, 1e-15);
 * ```
 */
export function erf(x: number): number {
  checkNumber("erf", "x", x);
  if (x === Infinity) return 1;
  if (x === -Infinity) return -1;
  const ax = Math.abs(x);
  if (ax <= 1.5) return _erfSeries(x);
  const v = 1 - _erfcContinuedFraction(ax);
  return x < 0 ? -v : v;
}

/**
 * The complementary error function $\mathrm{erfc}(x) = 1 - \mathrm{erf}(x)$, accurate in relative terms
 * in the far right tail (no `1 − erf` cancellation for x ≥ 1.5).
 *
 * @param x any number (erfc(+∞) = 0, erfc(−∞) = 2)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { erfc } from "@lib/core/special.ts";
 * assertAlmostEquals(erfc(5) / 1.5374597944280349e-12, 1, 1e-13);
 * ```
 */
export function erfc(x: number): number {
  checkNumber("erfc", "x", x);
  if (x === Infinity) return 0;
  if (x === -Infinity) return 2;
  if (x >= 1.5) return _erfcContinuedFraction(x);
  if (x <= -1.5) return 2 - _erfcContinuedFraction(-x);
  return 1 - _erfSeries(x);
}

/**
 * The standard normal distribution function $\Phi(x) = \tfrac12\,\mathrm{erfc}(-x/\sqrt2)$, accurate in
 * the left tail.
 *
 * @param x any number
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { normalCdf } from "@lib/core/special.ts";
 * assertAlmostEquals(normalCdf(0), 0.5, 1e-16);
 * assertAlmostEquals(normalCdf(1.959963984540054), 0.975, 1e-15);
 * ```
 */
export function normalCdf(x: number): number {
  checkNumber("normalCdf", "x", x);
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Stirling series for ln Γ(x), x ≥ 15: $(x-\tfrac12)\ln x - x + \tfrac12\ln2\pi + \sum_k \frac{B_{2k}}{2k(2k-1)x^{2k-1}}$. */
function _logGammaStirling(x: number): number {
  const r = 1 / x, r2 = r * r;
  const series = r *
    (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 * (1 / 1188 - r2 * (691 / 360360))))));
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series;
}

/**
 * The log-gamma function $\ln|\Gamma(x)|$ (Stirling series after shifting x up by the recurrence
 * $\Gamma(x+1) = x\Gamma(x)$; reflection $\Gamma(x)\Gamma(1-x) = \pi/\sin\pi x$ for x < ½).
 *
 * @param x a finite number that is not 0 or a negative integer (the poles)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { logGamma } from "@lib/core/special.ts";
 * assertAlmostEquals(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-15); // Γ(½) = √π
 * assertAlmostEquals(logGamma(11), Math.log(3628800), 1e-13); // 10!
 * ```
 */
export function logGamma(x: number): number {
  checkFinite("logGamma", "x", x);
  if (x <= 0 && Number.isInteger(x)) rangeError("logGamma", "x", "not 0 or a negative integer (a pole)", x);
  if (x === 1 || x === 2) return 0;
  if (x < 0.5) {
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  let prod = 1, y = x; // Γ(x) = Γ(x + k) / (x(x+1)…(x+k−1)); one log of the product (< 15! · 15)
  while (y < 15) {
    prod *= y;
    y += 1;
  }
  return _logGammaStirling(y) - Math.log(prod);
}

/**
 * The digamma function $\psi(x) = \frac{d}{dx}\ln\Gamma(x)$ (asymptotic series after the recurrence
 * $\psi(x) = \psi(x+1) - 1/x$; reflection $\psi(1-x) - \psi(x) = \pi\cot\pi x$ for x < ½).
 *
 * @param x a finite number that is not 0 or a negative integer
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { digamma } from "@lib/core/special.ts";
 * assertAlmostEquals(digamma(1), -0.5772156649015329, 1e-15); // −γ (Euler–Mascheroni)
 * ```
 */
export function digamma(x: number): number {
  checkFinite("digamma", "x", x);
  if (x <= 0 && Number.isInteger(x)) rangeError("digamma", "x", "not 0 or a negative integer (a pole)", x);
  if (x < 0.5) return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  let acc = 0, y = x;
  while (y < 15) {
    acc -= 1 / y;
    y += 1;
  }
  const r2 = 1 / (y * y);
  const series = r2 * (1 / 12 - r2 * (1 / 120 - r2 * (1 / 252 - r2 * (1 / 240 - r2 * (1 / 132)))));
  return acc + Math.log(y) - 0.5 / y - series;
}

/**
 * $\ln I_\nu(x)$, the log of the modified Bessel function of the first kind, from the all-positive series
 * $I_\nu(x) = \sum_{k\ge0}\frac{(x/2)^{2k+\nu}}{k!\,\Gamma(\nu+k+1)}$ summed in a rescaled form (no
 * overflow: x up to ~1e4 and ν up to a few thousand are fine; the number of terms grows like x).
 *
 * @param nu the order ν ≥ 0
 * @param x the argument x ≥ 0 (x = 0 gives 0 for ν = 0, −∞ otherwise)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { logBesselI } from "@lib/core/special.ts";
 * assertAlmostEquals(logBesselI(0, 1), Math.log(1.2660658777520082), 1e-14);
 * // I_{1/2}(x) = sqrt(2/(πx)) sinh x
 * assertAlmostEquals(logBesselI(0.5, 3), Math.log(Math.sqrt(2 / (3 * Math.PI)) * Math.sinh(3)), 1e-13);
 * ```
 */
export function logBesselI(nu: number, x: number): number {
  checkNonNegative("logBesselI", "nu", nu);
  checkNonNegative("logBesselI", "x", x);
  if (x === 0) return nu === 0 ? 0 : -Infinity;
  return nu * Math.log(x / 2) - logGamma(nu + 1) + _logHyp0F1(nu + 1, (x * x) / 4);
}

/**
 * ln of $_0F_1(;b;z) = \sum_k \frac{z^k}{k!\,(b)_k}$ for b > 0, z ≥ 0 (positive terms; summed relative to
 * the largest term so nothing overflows). Shared by {@link logBesselI} and the cosine MGF in
 * `lib/attention/scale.ts`.
 *
 * @param b the parameter b > 0
 * @param z the argument z ≥ 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { logHyp0F1 } from "@lib/core/special.ts";
 * assertAlmostEquals(logHyp0F1(0.5, 1), Math.log(Math.cosh(2)), 1e-14); // 0F1(;1/2;x²/4) = cosh x
 * ```
 */
export function logHyp0F1(b: number, z: number): number {
  checkFinite("logHyp0F1", "b", b);
  if (b <= 0) rangeError("logHyp0F1", "b", "a positive number", b);
  checkNonNegative("logHyp0F1", "z", z);
  return _logHyp0F1(b, z);
}

function _logHyp0F1(b: number, z: number): number {
  if (z === 0) return 0;
  // log-terms: t_0 = 0, t_{k+1} = t_k + ln z − ln(k+1) − ln(b+k). Locate the peak k* (ratio ≈ 1), then sum
  // e^{t_k − t_{k*}} outwards in both directions until the terms are negligible.
  const lnz = Math.log(z);
  const kPeak = Math.max(0, Math.floor((-b - 1 + Math.sqrt((b - 1) * (b - 1) + 4 * z)) / 2 + 1));
  let logPeak = 0;
  for (let k = 0; k < kPeak; k++) logPeak += lnz - Math.log(k + 1) - Math.log(b + k);
  let sum = 1, t = 0;
  for (let k = kPeak; k < kPeak + 1e7; k++) { // upward
    t += lnz - Math.log(k + 1) - Math.log(b + k);
    const v = Math.exp(t);
    sum += v;
    if (v < 1e-18 * sum) break;
  }
  t = 0;
  for (let k = kPeak - 1; k >= 0; k--) { // downward: t_k = t_{k+1} − (ln z − ln(k+1) − ln(b+k))
    t -= lnz - Math.log(k + 1) - Math.log(b + k);
    const v = Math.exp(t);
    sum += v;
    if (v < 1e-18 * sum) break;
  }
  return logPeak + Math.log(sum);
}

/**
 * The logistic function $\sigma(x) = 1/(1+e^{-x})$, evaluated without overflow for either sign.
 *
 * @param x any number (σ(−∞) = 0, σ(+∞) = 1)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sigmoid } from "@lib/core/special.ts";
 * assertEquals(sigmoid(0), 0.5);
 * assertEquals(sigmoid(-1000), 0); // no overflow warning, no NaN
 * ```
 */
export function sigmoid(x: number): number {
  checkNumber("sigmoid", "x", x);
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * The softplus $\ln(1+e^x)$, stable for large |x| (= x + ln(1 + e^{−x}) for x > 0).
 *
 * @param x any number (softplus(−∞) = 0, softplus(+∞) = +∞)
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { softplus } from "@lib/core/special.ts";
 * assertAlmostEquals(softplus(0), Math.LN2, 1e-16);
 * assertEquals(softplus(1000), 1000);
 * ```
 */
export function softplus(x: number): number {
  checkNumber("softplus", "x", x);
  if (x === Infinity) return Infinity;
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * $\ln\sum_i e^{x_i}$, computed as $m + \ln\sum_i e^{x_i - m}$ with $m = \max_i x_i$. Entries may be −∞
 * (all −∞ gives −∞); any +∞ gives +∞.
 *
 * @param xs at least one number (no NaN)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { logsumexp } from "@lib/core/special.ts";
 * assertAlmostEquals(logsumexp([1000, 1000]), 1000 + Math.LN2, 1e-12);
 * ```
 */
export function logsumexp(xs: ArrayLike<number>): number {
  checkLength("logsumexp", "xs", xs);
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const v = checkNumber("logsumexp", `xs[${i}]`, xs[i]);
    if (v > m) m = v;
  }
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp((xs[i] as number) - m);
  return m + Math.log(s);
}

/**
 * $\ln(e^x + e^y)$ for two numbers, stable for any magnitudes.
 *
 * @param x a number (may be −∞)
 * @param y a number (may be −∞)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { logsumexp2 } from "@lib/core/special.ts";
 * assertAlmostEquals(logsumexp2(0, 0), Math.LN2, 1e-16);
 * ```
 */
export function logsumexp2(x: number, y: number): number {
  checkNumber("logsumexp2", "x", x);
  checkNumber("logsumexp2", "y", y);
  const m = Math.max(x, y);
  if (m === -Infinity || m === Infinity) return m;
  return m + Math.log1p(Math.exp(Math.min(x, y) - m));
}

/**
 * The softmax with a scale (inverse temperature) α: $p_i = e^{\alpha x_i}/\sum_j e^{\alpha x_j}$, computed
 * after subtracting the maximum. −∞ entries get probability 0; if some entries are +∞ they share the
 * mass equally.
 *
 * @param x the logits, at least one, not all −∞
 * @param scale α ≥ 0 (default 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { softmax } from "@lib/core/special.ts";
 * const p = softmax([0, Math.log(3)]);
 * assertAlmostEquals(p[1]!, 0.75, 1e-15);
 * ```
 */
export function softmax(x: ArrayLike<number>, scale = 1): Float64Array {
  checkLength("softmax", "x", x);
  checkNonNegative("softmax", "scale", scale);
  const n = x.length, out = new Float64Array(n);
  let m = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = checkNumber("softmax", `x[${i}]`, x[i]);
    if (v > m) m = v;
  }
  if (m === -Infinity) rangeError("softmax", "x", "not all −∞", x);
  if (scale === 0) return out.fill(1 / n);
  if (m === Infinity) {
    let c = 0;
    for (let i = 0; i < n; i++) if (x[i] === Infinity) c++;
    for (let i = 0; i < n; i++) out[i] = x[i] === Infinity ? 1 / c : 0;
    return out;
  }
  let s = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(scale * ((x[i] as number) - m));
    out[i] = e;
    s += e;
  }
  for (let i = 0; i < n; i++) out[i] = (out[i] as number) / s;
  return out;
}
