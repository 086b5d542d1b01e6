/**
 * How sparse can attention weights become? The l1/l2 sparsity measure of attention weights and its
 * closed forms (Su, "Can attention really concentrate?", https://kexue.fm/archives/9889).
 *
 * For weights $a_j \propto f(q\cdot k_j)$ over n → ∞ keys $k = \mu + \sigma\varepsilon$,
 * $\varepsilon\sim\mathcal N(0, I)$, isotropy reduces the measure to a scalar Gaussian expectation that
 * depends only on $\beta = q\cdot\mu$ and $\gamma = \sigma\|q\|$:
 * $$S(a) = \frac{\mathbb E_\varepsilon|f(\beta+\gamma\varepsilon)|}{\sqrt{\mathbb E_\varepsilon f^2(\beta+\gamma\varepsilon)}}.$$
 * This module has the closed forms for f = exp, relu² and the identity, the general non-negative linear
 * attention formula, the linear-RNN decay, and two estimators (scalar Monte Carlo, sampled keys) plus
 * a quadrature reference.
 *
 * @module
 */
import { checkMatrix, type Matrix } from "../core/matrix.ts";
import { gaussLegendre } from "../core/quadrature.ts";
import type { Rng } from "../core/rng.ts";
import { erf, normalCdf } from "../core/special.ts";
import {
  checkFinite,
  checkInt,
  checkLength,
  checkNonNegative,
  checkPositive,
  checkRange,
  rangeError,
  typeError,
} from "../core/validate.ts";

const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π)
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)

function _checkVector(where: string, name: string, x: unknown): ArrayLike<number> {
  if (x === null || typeof x !== "object" || typeof (x as ArrayLike<number>).length !== "number") {
    typeError(where, name, "an array of numbers", x);
  }
  const v = x as ArrayLike<number>;
  checkLength(where, name, v);
  for (let i = 0; i < v.length; i++) checkFinite(where, `${name}[${i}]`, v[i]);
  return v;
}

function _checkFn(where: string, name: string, f: unknown): (x: number) => number {
  if (typeof f !== "function") typeError(where, name, "a function (x: number) => number", f);
  return f as (x: number) => number;
}

function _checkRng(where: string, rng: unknown): Rng {
  if (typeof rng !== "function" || typeof (rng as Rng).normal !== "function") {
    typeError(where, "rng", "an Rng from createRng", rng);
  }
  return rng as Rng;
}

/**
 * The l1/l2 sparsity measure of a finite vector (eq. 1 of the article with sample means):
 * $$S(x) = \frac{\frac1n\sum_i|x_i|}{\sqrt{\frac1n\sum_i x_i^2}} \in \Big[\tfrac1{\sqrt n}, 1\Big].$$
 * It is 1 for a constant vector, 1/√n for a one-hot vector and invariant to scaling x.
 *
 * @param x a non-empty vector of finite numbers, not all zero
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { l1l2Sparsity } from "@lib/attention/sparsity.ts";
 * assertAlmostEquals(l1l2Sparsity([0, 0, 0, 5]), 0.5, 1e-15); // one-hot, n = 4: 1/√4
 * assertAlmostEquals(l1l2Sparsity([2, 2, 2]), 1, 1e-15);
 * ```
 */
export function l1l2Sparsity(x: ArrayLike<number>): number {
  _checkVector("l1l2Sparsity", "x", x);
  let s1 = 0, s2 = 0, big = 0;
  for (let i = 0; i < x.length; i++) big = Math.max(big, Math.abs(x[i] as number));
  if (big === 0) rangeError("l1l2Sparsity", "x", "a vector with a non-zero entry", "all zeros");
  for (let i = 0; i < x.length; i++) {
    const v = (x[i] as number) / big; // rescaled: no overflow of x²
    s1 += Math.abs(v);
    s2 += v * v;
  }
  return s1 / Math.sqrt(x.length * s2);
}

/**
 * The ratio $\|x\|_2/\|x\|_1$ that appears in the i.i.d. linear-attention formula (eq. 8). For
 * x ∈ ℝ^d it lies in $[1/\sqrt d, 1]$: 1/√d for a constant vector, 1 for a one-hot vector.
 *
 * @param x a non-empty vector of finite numbers, not all zero
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { l2OverL1 } from "@lib/attention/sparsity.ts";
 * assertAlmostEquals(l2OverL1([1, 1, 1, 1]), 0.5, 1e-15); // 1/√4
 * assertAlmostEquals(l2OverL1([0, 3, 0, 0]), 1, 1e-15);
 * ```
 */
export function l2OverL1(x: ArrayLike<number>): number {
  _checkVector("l2OverL1", "x", x);
  let s1 = 0, s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    s1 += Math.abs(v);
    s2 += v * v;
  }
  if (s1 === 0) rangeError("l2OverL1", "x", "a vector with a non-zero entry", "all zeros");
  return Math.sqrt(s2) / s1;
}

/**
 * Softmax attention (f = exp), eq. 4: a one-dimensional Gaussian integral gives
 * $$S(a) = \frac{\mathbb E\,e^{\beta+\gamma\varepsilon}}{\sqrt{\mathbb E\,e^{2\beta+2\gamma\varepsilon}}}
 *   = \frac{e^{\beta+\gamma^2/2}}{e^{\beta+\gamma^2}} = e^{-\gamma^2/2},$$
 * independent of β and → 0 as γ = σ‖q‖ → ∞.
 *
 * @param gamma γ = σ‖q‖ ≥ 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { sparsityExp } from "@lib/attention/sparsity.ts";
 * assertAlmostEquals(sparsityExp(2), Math.exp(-2), 1e-16);
 * ```
 */
export function sparsityExp(gamma: number): number {
  checkNonNegative("sparsityExp", "gamma", gamma);
  return Math.exp(-0.5 * gamma * gamma);
}

/**
 * The integral $A_k(x) = \int_0^\infty u^k e^{-xu - u^2/2}\,du$ for x ≥ 4 by Gauss–Legendre on
 * [0, min(12, 60/x)] (the neglected tail is below e^{-60} relative). All terms positive: no cancellation.
 */
function _laplaceMoment(k: number, x: number): number {
  const upper = Math.min(12, 60 / x);
  return gaussLegendre((u) => u ** k * Math.exp(-x * u - 0.5 * u * u), 0, upper, 32, 8);
}

/**
 * relu² attention (the original GAU), eq. 5. With $t = \beta/\gamma$, $\Phi$ and $\varphi$ the standard
 * normal distribution and density, the partial moments of $(t+\varepsilon)_+$ are
 * $M_2 = (t^2+1)\Phi(t) + t\varphi(t)$ and $M_4 = (t^4+6t^2+3)\Phi(t) + (t^3+5t)\varphi(t)$, and
 * $S = M_2/\sqrt{M_4}$. This is the article's Mathematica expression
 * $$S=\frac{e^{-\frac{\beta^2}{2\gamma^2}}\Big(\sqrt2\beta\gamma+\sqrt\pi e^{\frac{\beta^2}{2\gamma^2}}(\beta^2+\gamma^2)\big(\mathrm{erf}(\tfrac{\beta}{\sqrt2\gamma})+1\big)\Big)}{\pi^{1/4}\sqrt{2\sqrt2\beta\gamma e^{-\frac{\beta^2}{2\gamma^2}}(\beta^2+5\gamma^2)+2\sqrt\pi(\beta^4+6\beta^2\gamma^2+3\gamma^4)\big(\mathrm{erf}(\frac{\beta}{\sqrt2\gamma})+1\big)}}$$
 * rewritten with $\mathrm{erf}(t/\sqrt2)+1 = 2\Phi(t)$ (an erfc, accurate in the left tail). For t < −4 the
 * two terms cancel, so there $M_k = \varphi(t)\int_0^\infty u^k e^{tu-u^2/2}du$ is integrated directly and
 * $S = \sqrt{\varphi(t)}\,A_2/\sqrt{A_4}$. S → 0 only as β/γ → −∞; for β = 0 it is 1/√6.
 *
 * @param beta β = q·μ (finite)
 * @param gamma γ = σ‖q‖ > 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { sparsityRelu2 } from "@lib/attention/sparsity.ts";
 * assertAlmostEquals(sparsityRelu2(0, 1), 1 / Math.sqrt(6), 1e-14);
 * assertAlmostEquals(sparsityRelu2(-1, 1), 0.205256, 1e-6);
 * ```
 */
export function sparsityRelu2(beta: number, gamma: number): number {
  checkFinite("sparsityRelu2", "beta", beta);
  checkPositive("sparsityRelu2", "gamma", gamma);
  const t = beta / gamma;
  if (t >= -4) {
    const Phi = normalCdf(t), phi = INV_SQRT_2PI * Math.exp(-0.5 * t * t), t2 = t * t;
    const m2 = (t2 + 1) * Phi + t * phi;
    const m4 = (t2 * t2 + 6 * t2 + 3) * Phi + (t2 * t + 5 * t) * phi;
    return m2 / Math.sqrt(m4);
  }
  const x = -t;
  const sqrtPhi = Math.exp(-0.25 * x * x) / Math.sqrt(Math.sqrt(2 * Math.PI)); // √φ(x), no underflow until x ≈ 54
  if (sqrtPhi === 0) return 0;
  return (sqrtPhi * _laplaceMoment(2, x)) / Math.sqrt(_laplaceMoment(4, x));
}

/**
 * The simplest linear attention (f = identity), eq. 6:
 * $$S = \frac{\sqrt{2/\pi}\,\gamma e^{-\frac{\beta^2}{2\gamma^2}} + \beta\,\mathrm{erf}\big(\frac{\beta}{\sqrt2\gamma}\big)}{\sqrt{\beta^2+\gamma^2}},$$
 * i.e. $\mathbb E|\beta+\gamma\varepsilon|/\sqrt{\beta^2+\gamma^2}$. It is even in β (computed from |β|, so
 * exactly even), equals √(2/π) ≈ 0.798 for β = 0 and every γ, and never goes below that value.
 *
 * @param beta β = q·μ (finite)
 * @param gamma γ = σ‖q‖ > 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { sparsityIdentity } from "@lib/attention/sparsity.ts";
 * assertAlmostEquals(sparsityIdentity(0, 3), Math.sqrt(2 / Math.PI), 1e-15);
 * assertAlmostEquals(sparsityIdentity(1, 1), 0.824933, 1e-6);
 * ```
 */
export function sparsityIdentity(beta: number, gamma: number): number {
  checkFinite("sparsityIdentity", "beta", beta);
  checkPositive("sparsityIdentity", "gamma", gamma);
  const t = Math.abs(beta) / gamma;
  return (SQRT_2_OVER_PI * Math.exp(-0.5 * t * t) + t * erf(t / Math.SQRT2)) / Math.sqrt(1 + t * t);
}

/**
 * General non-negative linear attention $a_j\propto\tilde q^\top\tilde k_j$ with key-feature mean $\tilde\mu$
 * and covariance $\tilde\Sigma$ (eq. 7, exact, no approximation):
 * $$S(a) = \frac{\tilde q^\top\tilde\mu}{\sqrt{\tilde q^\top(\tilde\mu\tilde\mu^\top+\tilde\Sigma)\tilde q}}
 *   = \frac{1}{\sqrt{1+\tilde q^\top\tilde\Sigma\tilde q/(\tilde q^\top\tilde\mu)^2}}.$$
 * With the sample mean and the 1/n sample covariance of n keys it equals {@link l1l2Sparsity} of the n
 * weights exactly (the weights are non-negative).
 *
 * @param qt the query features $\tilde q = g(q)$ (length d, entries ≥ 0)
 * @param muT the key-feature mean $\tilde\mu$ (length d, entries ≥ 0, with $\tilde q^\top\tilde\mu > 0$)
 * @param sigmaT the key-feature covariance $\tilde\Sigma$ (d×d, positive semi-definite)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { sparsityGeneralLinear } from "@lib/attention/sparsity.ts";
 * const sigma = matrix(2, 2, [4, 0, 0, 4]); // i.i.d. features, σ̃/μ̃ = 2
 * assertAlmostEquals(sparsityGeneralLinear([1, 0], [1, 1], sigma), 1 / Math.sqrt(5), 1e-15);
 * ```
 */
export function sparsityGeneralLinear(
  qt: ArrayLike<number>,
  muT: ArrayLike<number>,
  sigmaT: Matrix,
): number {
  const where = "sparsityGeneralLinear";
  _checkVector(where, "qt", qt);
  const d = qt.length;
  _checkVector(where, "muT", muT);
  checkLength(where, "muT", muT, d);
  checkMatrix(where, "sigmaT", sigmaT);
  if (sigmaT.rows !== d || sigmaT.cols !== d) {
    rangeError(where, "sigmaT", `a ${d}×${d} matrix`, `${sigmaT.rows}×${sigmaT.cols}`);
  }
  let qmu = 0, quad = 0, qq = 0;
  for (let i = 0; i < d; i++) {
    const qi = qt[i] as number, mi = muT[i] as number;
    if (qi < 0) rangeError(where, `qt[${i}]`, "≥ 0 (non-negative features)", qi);
    if (mi < 0) rangeError(where, `muT[${i}]`, "≥ 0 (non-negative features)", mi);
    qmu += qi * mi;
    qq += qi * qi;
    for (let j = 0; j < d; j++) quad += qi * (sigmaT.data[i * d + j] as number) * (qt[j] as number);
  }
  if (!(qmu > 0)) rangeError(where, "qt·muT", "> 0", qmu);
  let maxSigma = 0;
  for (let i = 0; i < d * d; i++) maxSigma = Math.max(maxSigma, Math.abs(sigmaT.data[i] as number));
  if (quad < -1e-12 * maxSigma * qq) {
    rangeError(where, "sigmaT", "positive semi-definite (qtᵀ·sigmaT·qt ≥ 0)", quad);
  }
  return 1 / Math.sqrt(1 + Math.max(quad, 0) / (qmu * qmu));
}

/**
 * Eq. 7 for i.i.d. key features (mean $\tilde\mu\mathbf 1$, covariance $\tilde\sigma^2 I$), eq. 8:
 * $$S(a) = \frac{1}{\sqrt{1+\big(\frac{\tilde\sigma}{\tilde\mu}\frac{\|\tilde q\|_2}{\|\tilde q\|_1}\big)^2}}.$$
 * Since $\|\tilde q\|_2/\|\tilde q\|_1\in[1/\sqrt d, 1]$ (see {@link l2OverL1}), the smallest value over
 * queries is $1/\sqrt{1+(\tilde\sigma/\tilde\mu)^2}$ (a one-hot $\tilde q$), for every d.
 *
 * @param qt the query features (length d, entries ≥ 0, not all zero)
 * @param muT the common feature mean $\tilde\mu > 0$
 * @param sigmaT the common feature standard deviation $\tilde\sigma \ge 0$
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { sparsityIidLinear } from "@lib/attention/sparsity.ts";
 * assertAlmostEquals(sparsityIidLinear([0, 0, 1], 1, 2), 1 / Math.sqrt(5), 1e-15);
 * ```
 */
export function sparsityIidLinear(qt: ArrayLike<number>, muT: number, sigmaT: number): number {
  _checkVector("sparsityIidLinear", "qt", qt);
  for (let i = 0; i < qt.length; i++) {
    if ((qt[i] as number) < 0) {
      rangeError("sparsityIidLinear", `qt[${i}]`, "≥ 0 (non-negative features)", qt[i]);
    }
  }
  checkPositive("sparsityIidLinear", "muT", muT);
  checkNonNegative("sparsityIidLinear", "sigmaT", sigmaT);
  const r = (sigmaT / muT) * l2OverL1(qt);
  return 1 / Math.sqrt(1 + r * r);
}

/**
 * Mean and standard deviation of a feature $h(z)$, $z\sim\mathcal N(\mu,\sigma^2)$, by Gauss–Legendre
 * quadrature: the $\tilde\mu,\tilde\sigma$ of eq. 8 when every key coordinate is i.i.d. N(μ, σ²) and h acts
 * entry-wise (e.g. h = exp gives the log-normal moments $e^{\mu+\sigma^2/2}$ and
 * $e^{\mu+\sigma^2/2}\sqrt{e^{\sigma^2}-1}$).
 *
 * @param h the entry-wise feature map
 * @param mu the coordinate mean μ
 * @param sigma the coordinate standard deviation σ > 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { gaussianFeatureMoments } from "@lib/attention/sparsity.ts";
 * const m = gaussianFeatureMoments(Math.exp, 0, 1);
 * assertAlmostEquals(m.mean, Math.exp(0.5), 1e-12);
 * assertAlmostEquals(m.std, Math.exp(0.5) * Math.sqrt(Math.E - 1), 1e-11);
 * ```
 */
export function gaussianFeatureMoments(
  h: (x: number) => number,
  mu: number,
  sigma: number,
): { mean: number; std: number } {
  _checkFn("gaussianFeatureMoments", "h", h);
  checkFinite("gaussianFeatureMoments", "mu", mu);
  checkPositive("gaussianFeatureMoments", "sigma", sigma);
  const m1 = _gaussMean((e) => h(mu + sigma * e), 0);
  const m2 = _gaussMean((e) => (h(mu + sigma * e) - m1) ** 2, 0);
  return { mean: m1, std: Math.sqrt(m2) };
}

/** E g(ε), ε ~ N(0, 1), by Gauss–Legendre on [−12, s] and [s, 12] (s a point where g may have a kink). */
function _gaussMean(g: (e: number) => number, s: number): number {
  const w = (e: number) => INV_SQRT_2PI * Math.exp(-0.5 * e * e) * g(e);
  const c = Math.min(Math.max(s, -12), 12);
  let total = 0;
  if (c > -12) total += gaussLegendre(w, -12, c, 32, 24);
  if (c < 12) total += gaussLegendre(w, c, 12, 32, 24);
  return total;
}

/**
 * The n → ∞ measure $S = \mathbb E|f(\beta+\gamma\varepsilon)|/\sqrt{\mathbb E f^2(\beta+\gamma\varepsilon)}$
 * (eq. 3) by Gauss–Legendre quadrature, split at the score x = 0 (where relu², |x| and the like have
 * their kink), 24 panels of 32 nodes on each side of ε ∈ [−12, 12]. A reference for the closed forms.
 *
 * @param f the attention function of the score
 * @param beta β = q·μ
 * @param gamma γ = σ‖q‖ > 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { sparsityQuadrature, sparsityRelu2 } from "@lib/attention/sparsity.ts";
 * const relu2 = (x: number) => (x > 0 ? x * x : 0);
 * assertAlmostEquals(sparsityQuadrature(relu2, 1, 1), sparsityRelu2(1, 1), 1e-12);
 * ```
 */
export function sparsityQuadrature(f: (x: number) => number, beta: number, gamma: number): number {
  _checkFn("sparsityQuadrature", "f", f);
  checkFinite("sparsityQuadrature", "beta", beta);
  checkPositive("sparsityQuadrature", "gamma", gamma);
  const s = -beta / gamma;
  const e1 = _gaussMean((e) => Math.abs(f(beta + gamma * e)), s);
  const e2 = _gaussMean((e) => f(beta + gamma * e) ** 2, s);
  if (!(e2 > 0)) {
    rangeError("sparsityQuadrature", "f", "non-zero with positive probability within 12 std", "E f² = 0");
  }
  return e1 / Math.sqrt(e2);
}

/**
 * Monte Carlo estimate of eq. 3 with `samples` scalar draws $\varepsilon_i\sim\mathcal N(0,1)$:
 * $\hat S = \frac{\frac1N\sum_i|f(\beta+\gamma\varepsilon_i)|}{\sqrt{\frac1N\sum_if^2(\beta+\gamma\varepsilon_i)}}$
 * (the l1/l2 measure of N sampled weights). Heavy-tailed f (exp with large γ) need many samples.
 *
 * @param f the attention function of the score
 * @param beta β = q·μ
 * @param gamma γ = σ‖q‖ ≥ 0
 * @param samples number of draws, an integer ≥ 1
 * @param rng the random stream
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { sparsityIdentity, sparsityMonteCarlo } from "@lib/attention/sparsity.ts";
 * const mc = sparsityMonteCarlo((x) => x, 0.5, 1, 100_000, createRng(1));
 * assert(Math.abs(mc - sparsityIdentity(0.5, 1)) < 0.01);
 * ```
 */
export function sparsityMonteCarlo(
  f: (x: number) => number,
  beta: number,
  gamma: number,
  samples: number,
  rng: Rng,
): number {
  _checkFn("sparsityMonteCarlo", "f", f);
  checkFinite("sparsityMonteCarlo", "beta", beta);
  checkNonNegative("sparsityMonteCarlo", "gamma", gamma);
  checkInt("sparsityMonteCarlo", "samples", samples, 1);
  _checkRng("sparsityMonteCarlo", rng);
  const w = new Float64Array(samples);
  for (let i = 0; i < samples; i++) w[i] = f(beta + gamma * rng.normal());
  return l1l2Sparsity(w);
}

/**
 * The finite-n sparsity of real attention weights: draws n keys $k_j = \mu + \sigma\varepsilon_j$ in d
 * dimensions and returns {@link l1l2Sparsity} of $f(q\cdot k_j)$. As n → ∞ it tends to eq. 3 with
 * β = q·μ and γ = σ‖q‖.
 *
 * @param f the attention function of the score
 * @param q the query (length d)
 * @param mu the key mean μ (length d)
 * @param sigma the key standard deviation σ ≥ 0
 * @param n the number of keys, an integer ≥ 1
 * @param rng the random stream
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { sparsityExp, sparsityOfKeys } from "@lib/attention/sparsity.ts";
 * const q = new Float64Array(16).fill(0.125); // ‖q‖ = 0.5
 * const s = sparsityOfKeys(Math.exp, q, new Float64Array(16), 1, 20_000, createRng(2));
 * assert(Math.abs(s - sparsityExp(0.5)) < 0.01);
 * ```
 */
export function sparsityOfKeys(
  f: (x: number) => number,
  q: ArrayLike<number>,
  mu: ArrayLike<number>,
  sigma: number,
  n: number,
  rng: Rng,
): number {
  const where = "sparsityOfKeys";
  _checkFn(where, "f", f);
  _checkVector(where, "q", q);
  const d = q.length;
  _checkVector(where, "mu", mu);
  checkLength(where, "mu", mu, d);
  checkNonNegative(where, "sigma", sigma);
  checkInt(where, "n", n, 1);
  _checkRng(where, rng);
  let beta = 0;
  for (let i = 0; i < d; i++) beta += (q[i] as number) * (mu[i] as number);
  const w = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = beta;
    for (let i = 0; i < d; i++) s += sigma * (q[i] as number) * rng.normal();
    w[j] = f(s);
  }
  return l1l2Sparsity(w);
}

/**
 * The finite-n sparsity of non-negative linear attention $a_j = \tilde q^\top h(k_j)$ with n keys whose
 * coordinates are i.i.d. N(μ, σ²) and an entry-wise feature map h (≥ 0). Its n → ∞ limit is eq. 8 with
 * the moments of {@link gaussianFeatureMoments}.
 *
 * @param qt the query features (length d, entries ≥ 0)
 * @param h the entry-wise key feature map
 * @param mu the key coordinate mean
 * @param sigma the key coordinate standard deviation ≥ 0
 * @param n the number of keys, an integer ≥ 1
 * @param rng the random stream
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianFeatureMoments, linearSparsityOfKeys, sparsityIidLinear } from "@lib/attention/sparsity.ts";
 * const qt = [1, 2, 0.5, 0], m = gaussianFeatureMoments(Math.exp, 0, 0.5);
 * const s = linearSparsityOfKeys(qt, Math.exp, 0, 0.5, 50_000, createRng(3));
 * assert(Math.abs(s - sparsityIidLinear(qt, m.mean, m.std)) < 0.01);
 * ```
 */
export function linearSparsityOfKeys(
  qt: ArrayLike<number>,
  h: (x: number) => number,
  mu: number,
  sigma: number,
  n: number,
  rng: Rng,
): number {
  const where = "linearSparsityOfKeys";
  _checkVector(where, "qt", qt);
  for (let i = 0; i < qt.length; i++) {
    if ((qt[i] as number) < 0) rangeError(where, `qt[${i}]`, "≥ 0 (non-negative features)", qt[i]);
  }
  _checkFn(where, "h", h);
  checkFinite(where, "mu", mu);
  checkNonNegative(where, "sigma", sigma);
  checkInt(where, "n", n, 1);
  _checkRng(where, rng);
  const d = qt.length, w = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += (qt[i] as number) * h(mu + sigma * rng.normal());
    w[j] = s;
  }
  return l1l2Sparsity(w);
}

/**
 * Linear RNN with an explicit decay, attention $a = (\lambda^{n-1},\dots,\lambda,1)$ (eq. 9):
 * $$S(a) = \sqrt{\frac{1-\lambda^n}{n(1-\lambda)}\,\frac{1+\lambda}{1+\lambda^n}},$$
 * from $\sum_ja_j = \frac{1-\lambda^n}{1-\lambda}$ and $\sum_ja_j^2 = \frac{1-\lambda^{2n}}{1-\lambda^2}$.
 * Computed with expm1/log1p so that λ close to 1 keeps full precision; 1 at λ = 1, 1/√n at λ = 0.
 *
 * @param lambda the decay λ ∈ [0, 1]
 * @param n the sequence length, an integer ≥ 1
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { l1l2Sparsity, sparsityDecay } from "@lib/attention/sparsity.ts";
 * assertAlmostEquals(sparsityDecay(0.5, 3), l1l2Sparsity([0.25, 0.5, 1]), 1e-15);
 * ```
 */
export function sparsityDecay(lambda: number, n: number): number {
  checkRange("sparsityDecay", "lambda", lambda, 0, 1);
  checkInt("sparsityDecay", "n", n, 1);
  if (lambda === 1) return 1;
  if (lambda === 0) return 1 / Math.sqrt(n);
  const logL = Math.log(lambda);
  const geo = -Math.expm1(n * logL) / -Math.expm1(logL); // (1 − λⁿ)/(1 − λ)
  const lamN = Math.exp(n * logL);
  return Math.sqrt((geo / n) * ((1 + lambda) / (1 + lamN)));
}

/**
 * The article's upper bound in eq. 9, dropping the factor $1-\lambda^n < 1$:
 * $$S(a) < \sqrt{\frac1n\,\frac{1+\lambda}{(1-\lambda)(1+\lambda^n)}} = O(n^{-1/2})\quad(\lambda<1).$$
 * +∞ at λ = 1 (no bound); at λ = 0 it equals S = 1/√n, for 0 < λ < 1 it is strict.
 *
 * @param lambda the decay λ ∈ [0, 1]
 * @param n the sequence length, an integer ≥ 1
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { sparsityDecay, sparsityDecayBound } from "@lib/attention/sparsity.ts";
 * assert(sparsityDecay(0.9, 100) < sparsityDecayBound(0.9, 100));
 * ```
 */
export function sparsityDecayBound(lambda: number, n: number): number {
  checkRange("sparsityDecayBound", "lambda", lambda, 0, 1);
  checkInt("sparsityDecayBound", "n", n, 1);
  if (lambda === 1) return Infinity;
  const lamN = lambda === 0 ? 0 : Math.exp(n * Math.log(lambda));
  return Math.sqrt((1 + lambda) / (n * (1 - lambda) * (1 + lamN)));
}

/**
 * Sample mean and (1/n) sample covariance of the rows of x: the $\tilde\mu$ and $\tilde\Sigma$ of eq. 7
 * estimated from n key-feature vectors,
 * $\tilde\mu = \frac1n\sum_j\tilde k_j$, $\tilde\Sigma = \frac1n\sum_j(\tilde k_j-\tilde\mu)(\tilde k_j-\tilde\mu)^\top$.
 *
 * @param x an n×d matrix of finite numbers, one sample per row
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { sampleMoments } from "@lib/attention/sparsity.ts";
 * const { mean, cov } = sampleMoments(matrix(2, 2, [0, 1, 2, 1]));
 * assertEquals(Array.from(mean), [1, 1]);
 * assertEquals(Array.from(cov.data), [1, 0, 0, 0]);
 * ```
 */
export function sampleMoments(x: Matrix): { mean: Float64Array; cov: Matrix } {
  checkMatrix("sampleMoments", "x", x);
  const { rows: n, cols: d, data } = x;
  if (n < 1 || d < 1) rangeError("sampleMoments", "x", "a matrix with ≥ 1 row and column", `${n}×${d}`);
  for (let i = 0; i < n * d; i++) checkFinite("sampleMoments", `x.data[${i}]`, data[i]);
  const mean = new Float64Array(d), cov = new Float64Array(d * d), c = new Float64Array(d);
  for (let j = 0; j < n; j++) for (let a = 0; a < d; a++) mean[a]! += (data[j * d + a] as number) / n;
  for (let j = 0; j < n; j++) {
    for (let a = 0; a < d; a++) c[a] = (data[j * d + a] as number) - (mean[a] as number);
    for (let a = 0; a < d; a++) {
      const ca = (c[a] as number) / n;
      for (let b = a; b < d; b++) cov[a * d + b]! += ca * (c[b] as number);
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a * d + b] = cov[b * d + a] as number;
  return { mean, cov: { rows: d, cols: d, data: cov } };
}
