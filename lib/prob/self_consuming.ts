/**
 * Self-consuming generative models (G01, "MAD"): a Gaussian model refit each generation on samples of the
 * previous generation, the closed forms of its drift and collapse, and the diversity / fidelity distances of the
 * image proxy (whose mixture model is fitted with `fitGmmEm` of `lib/density/gmm_fit.ts`).
 *
 * Generation t is fitted to n samples of generation t − 1 (generation 0 is the real distribution):
 * $$\boldsymbol\mu_t=\frac1n\sum_{i=1}^n\boldsymbol x_{t-1}^{(i)},\qquad
 * \boldsymbol\Sigma_t=\frac1{n-1}\sum_{i=1}^n(\boldsymbol x_{t-1}^{(i)}-\boldsymbol\mu_t)(\boldsymbol x_{t-1}^{(i)}-\boldsymbol\mu_t)^\top,$$
 * and, with truncation λ, generation t ≥ 1 samples from $\mathcal N(\boldsymbol\mu_t,\lambda\boldsymbol\Sigma_t)$.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { digamma } from "../core/special.ts";
import {
  checkFinite,
  checkInt,
  checkLength,
  checkPositive,
  checkRange,
  rangeError,
  typeError,
} from "../core/validate.ts";

/**
 * One Gamma(shape, 1) variate (Marsaglia–Tsang squeeze; shape < 1 via $G_{a}=G_{a+1}U^{1/a}$).
 * $\chi^2_k$ is `2 * gammaSample(k / 2, rng)`.
 *
 * @param shape a > 0
 * @param rng the random stream
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gammaSample } from "@lib/prob/self_consuming.ts";
 * const r = createRng(1);
 * let s = 0;
 * for (let i = 0; i < 20000; i++) s += gammaSample(3, r);
 * assert(Math.abs(s / 20000 - 3) < 0.05); // E G = shape
 * ```
 */
export function gammaSample(shape: number, rng: Rng): number {
  checkPositive("gammaSample", "shape", shape);
  if (shape < 1) {
    let u = rng();
    while (u === 0) u = rng();
    return gammaSample(shape + 1, rng) * Math.pow(u, 1 / shape);
  }
  const dd = shape - 1 / 3, c = 1 / Math.sqrt(9 * dd);
  for (;;) {
    let x: number, v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x) return dd * v;
    if (u > 0 && Math.log(u) < 0.5 * x * x + dd * (1 - v + Math.log(v))) return dd * v;
  }
}

/**
 * Unbiased sample mean and covariance $\frac1{n-1}\sum_i(\boldsymbol x_i-\bar{\boldsymbol x})(\boldsymbol x_i-\bar{\boldsymbol x})^\top$
 * (eq. 1 of the article).
 *
 * @param X n×d points, row-major
 * @param n number of points (≥ 2)
 * @param d dimension (≥ 1)
 * @returns `mean` (d) and `cov` (d×d, row-major)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sampleMeanCov } from "@lib/prob/self_consuming.ts";
 * const { mean, cov } = sampleMeanCov(Float64Array.of(0, 0, 2, 2, 4, 1), 3, 2);
 * assertEquals([...mean, ...cov], [2, 1, 4, 1, 1, 1]);
 * ```
 */
export function sampleMeanCov(
  X: Float64Array,
  n: number,
  d: number,
): { mean: Float64Array; cov: Float64Array } {
  const where = "sampleMeanCov";
  checkInt(where, "n", n, 2);
  checkInt(where, "d", d, 1);
  if (!(X instanceof Float64Array)) typeError(where, "X", "a Float64Array", X);
  checkLength(where, "X", X, n * d);
  const mean = new Float64Array(d), cov = new Float64Array(d * d);
  for (let j = 0; j < n; j++) for (let a = 0; a < d; a++) mean[a]! += X[j * d + a]! / n;
  for (let j = 0; j < n; j++) {
    for (let a = 0; a < d; a++) {
      const da = X[j * d + a]! - mean[a]!;
      for (let b = 0; b <= a; b++) cov[a * d + b]! += da * (X[j * d + b]! - mean[b]!) / (n - 1);
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[b * d + a] = cov[a * d + b]!;
  return { mean, cov };
}

/** Cholesky factor of a small symmetric PSD matrix (row-major d×d); non-positive pivots give zero columns. */
function _chol(S: Float64Array, off: number, d: number, L: Float64Array): void {
  L.fill(0);
  for (let j = 0; j < d; j++) {
    let s = S[off + j * d + j]!;
    for (let k = 0; k < j; k++) s -= L[j * d + k]! ** 2;
    const ljj = s > 0 ? Math.sqrt(s) : 0;
    L[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = S[off + i * d + j]!;
      for (let k = 0; k < j; k++) t -= L[i * d + k]! * L[j * d + k]!;
      L[i * d + j] = ljj > 0 ? t / ljj : 0;
    }
  }
}

/**
 * Draws the sufficient statistics of n i.i.d. samples of $\mathcal N(\boldsymbol\mu, \boldsymbol\Sigma)$ without drawing the
 * samples: the mean $\bar{\boldsymbol x}\sim\mathcal N(\boldsymbol\mu,\boldsymbol\Sigma/n)$ and, independently, the scatter
 * $\sum_i(\boldsymbol x_i-\bar{\boldsymbol x})(\boldsymbol x_i-\bar{\boldsymbol x})^\top=LAA^\top L^\top\sim W_d(\boldsymbol\Sigma,n-1)$
 * (Bartlett: A lower triangular, $A_{ii}^2\sim\chi^2_{n-1-i}$, $A_{ij}\sim\mathcal N(0,1)$ below the diagonal).
 *
 * @param mu mean μ (d)
 * @param L lower Cholesky factor of Σ (d×d, row-major)
 * @param n sample size (≥ d + 1 so the scatter is a.s. full rank)
 * @param rng random stream
 * @returns `mean` (d) and `scatter` (d×d)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianSuffStats } from "@lib/prob/self_consuming.ts";
 * const r = createRng(2);
 * let s = 0;
 * for (let i = 0; i < 4000; i++) s += gaussianSuffStats(Float64Array.of(0), Float64Array.of(2), 5, r).scatter[0]!;
 * assert(Math.abs(s / 4000 / 4 - 4) < 0.2); // E scatter = (n − 1) Σ = 4 · 4
 * ```
 */
export function gaussianSuffStats(
  mu: Float64Array,
  L: Float64Array,
  n: number,
  rng: Rng,
): { mean: Float64Array; scatter: Float64Array } {
  const d = mu.length;
  checkInt("gaussianSuffStats", "n", n, d + 1);
  checkLength("gaussianSuffStats", "L", L, d * d);
  const mean = new Float64Array(d), scatter = new Float64Array(d * d);
  _suffStatsInto(mu, L, n, rng, mean, scatter, new Float64Array(2 * d * d));
  return { mean, scatter };
}

/** Allocation-free core of {@link gaussianSuffStats}; `work` holds 2·d² numbers. */
function _suffStatsInto(
  mu: Float64Array,
  L: Float64Array,
  n: number,
  rng: Rng,
  mean: Float64Array,
  scatter: Float64Array,
  work: Float64Array,
): void {
  const d = mu.length, sq = Math.sqrt(n);
  const A = work.subarray(0, d * d), B = work.subarray(d * d, 2 * d * d);
  for (let i = 0; i < d; i++) {
    A[i * d + i] = Math.sqrt(2 * gammaSample((n - 1 - i) / 2, rng));
    for (let j = 0; j < i; j++) A[i * d + j] = rng.normal();
  }
  // mean: μ + L z / √n (z reuses B's first row as scratch before B is filled)
  for (let a = 0; a < d; a++) B[a] = rng.normal();
  for (let a = d - 1; a >= 0; a--) {
    let s = 0;
    for (let b = 0; b <= a; b++) s += L[a * d + b]! * B[b]!;
    mean[a] = mu[a]! + s / sq;
  }
  for (let i = 0; i < d; i++) { // B = L A (lower triangular)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = j; k <= i; k++) s += L[i * d + k]! * A[k * d + j]!;
      B[i * d + j] = s;
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += B[i * d + k]! * B[j * d + k]!;
      scatter[i * d + j] = s;
      scatter[j * d + i] = s;
    }
  }
}

/** Options of {@link gaussianLoop}. */
export interface GaussianLoopOptions {
  /** True mean μ₀ (length d). */
  mu0: number[];
  /** True covariance Σ₀ (d×d, symmetric positive definite). */
  Sigma0: number[][];
  /** Synthetic samples per generation (≥ d + 1). */
  n: number;
  /** Number of refits T (the result has T + 1 entries, index 0 = the real distribution). */
  generations: number;
  /** Truncation λ ∈ (0, 1]: generation t ≥ 1 samples from N(μ_t, λΣ_t). */
  lambda: number;
  /** Independent chains R. */
  chains: number;
  /** Real data mixed into every refit: `fixed` = one real set per chain reused, `fresh` = new real samples each time. */
  realMix?: { nReal: number; mode: "none" | "fixed" | "fresh" };
  /** `stats` (default) draws exact sufficient statistics (Bartlett); `samples` draws the n points explicitly. */
  method?: "stats" | "samples";
  /** Random stream. */
  rng: Rng;
}

/**
 * Runs R independent self-consuming chains of a Gaussian model (eqs. 1–2 of the article) and returns the
 * fitted parameters of every generation. Both methods sample the same law; `stats` costs O(d³) per refit.
 *
 * @param o see {@link GaussianLoopOptions}
 * @returns `mu[t]` (R×d) and `Sigma[t]` (R×d×d) for t = 0…T; t = 0 holds μ₀, Σ₀
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianLoop } from "@lib/prob/self_consuming.ts";
 * const r = gaussianLoop({ mu0: [0], Sigma0: [[1]], n: 20, generations: 10, lambda: 0.5, chains: 500, rng: createRng(3) });
 * const meanVar = r.Sigma[10]!.reduce((s, v) => s + v, 0) / 500;
 * assert(Math.abs(meanVar / 0.5 ** 9 - 1) < 0.15); // E Σ_t = λ^{t−1} Σ₀
 * ```
 */
export function gaussianLoop(o: GaussianLoopOptions): { mu: Float64Array[]; Sigma: Float64Array[] } {
  const where = "gaussianLoop";
  if (!Array.isArray(o.mu0) || o.mu0.length < 1) typeError(where, "mu0", "a non-empty number array", o.mu0);
  const d = o.mu0.length;
  if (
    !Array.isArray(o.Sigma0) || o.Sigma0.length !== d ||
    o.Sigma0.some((r) => !Array.isArray(r) || r.length !== d)
  ) {
    rangeError(where, "Sigma0", `a ${d}×${d} array`, o.Sigma0);
  }
  const n = checkInt(where, "n", o.n, d + 1);
  const T = checkInt(where, "generations", o.generations, 1);
  const lam = checkRange(where, "lambda", o.lambda, 0, 1, "lo");
  const R = checkInt(where, "chains", o.chains, 1);
  const method = o.method ?? "stats";
  if (method !== "stats" && method !== "samples") rangeError(where, "method", '"stats" or "samples"', method);
  const mode = o.realMix?.mode ?? "none";
  if (!["none", "fixed", "fresh"].includes(mode)) {
    rangeError(where, "realMix.mode", '"none", "fixed" or "fresh"', mode);
  }
  const nR = mode === "none" ? 0 : checkInt(where, "realMix.nReal", o.realMix!.nReal, d + 1);
  if (typeof o.rng !== "function") typeError(where, "rng", "an Rng", o.rng);
  const mu0 = Float64Array.from(o.mu0, (v, i) => checkFinite(where, `mu0[${i}]`, v));
  const S0 = Float64Array.from(o.Sigma0.flat(), (v) => checkFinite(where, "Sigma0 entry", v));
  const L0 = new Float64Array(d * d);
  _chol(S0, 0, d, L0);
  for (let a = 0; a < d; a++) {
    if (!(L0[a * d + a]! > 0)) rangeError(where, "Sigma0", "positive definite", "a singular matrix");
  }

  const work = new Float64Array(2 * d * d);
  const draw = (
    m: Float64Array,
    L: Float64Array,
    k: number,
    mean: Float64Array,
    scatter: Float64Array,
  ): void => {
    if (method === "stats") return _suffStatsInto(m, L, k, o.rng, mean, scatter, work);
    const X = new Float64Array(k * d), z = new Float64Array(d);
    for (let j = 0; j < k; j++) {
      for (let a = 0; a < d; a++) z[a] = o.rng.normal();
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b <= a; b++) s += L[a * d + b]! * z[b]!;
        X[j * d + a] = m[a]! + s;
      }
    }
    const mc = sampleMeanCov(X, k, d);
    mean.set(mc.mean);
    for (let i = 0; i < d * d; i++) scatter[i] = mc.cov[i]! * (k - 1);
  };

  const mu: Float64Array[] = [], Sigma: Float64Array[] = [];
  for (let t = 0; t <= T; t++) {
    mu.push(new Float64Array(R * d));
    Sigma.push(new Float64Array(R * d * d));
  }
  for (let r = 0; r < R; r++) {
    mu[0]!.set(mu0, r * d);
    Sigma[0]!.set(S0, r * d * d);
  }
  const fixedMean = new Float64Array(mode === "fixed" ? R * d : 0);
  const fixedScatter = new Float64Array(mode === "fixed" ? R * d * d : 0);
  for (let r = 0; mode === "fixed" && r < R; r++) {
    draw(
      mu0,
      L0,
      nR,
      fixedMean.subarray(r * d, r * d + d),
      fixedScatter.subarray(r * d * d, (r + 1) * d * d),
    );
  }
  const L = new Float64Array(d * d), m = new Float64Array(d);
  const sMean = new Float64Array(d), sScat = new Float64Array(d * d);
  const rMeanBuf = new Float64Array(d), rScatBuf = new Float64Array(d * d);
  const N = n + nR, c = (n * nR) / N;
  for (let t = 1; t <= T; t++) {
    const scale = t === 1 ? 1 : Math.sqrt(lam); // generation 0 (real data) is not truncated
    const muT = mu[t]!, SigT = Sigma[t]!;
    for (let r = 0; r < R; r++) {
      m.set(mu[t - 1]!.subarray(r * d, r * d + d));
      _chol(Sigma[t - 1]!, r * d * d, d, L);
      for (let i = 0; i < d * d; i++) L[i]! *= scale;
      draw(m, L, n, sMean, sScat);
      if (nR === 0) {
        muT.set(sMean, r * d);
        for (let i = 0; i < d * d; i++) SigT[r * d * d + i] = sScat[i]! / (N - 1);
        continue;
      }
      let rMean = rMeanBuf, rScat = rScatBuf;
      if (mode === "fixed") {
        rMean = fixedMean.subarray(r * d, r * d + d);
        rScat = fixedScatter.subarray(r * d * d, (r + 1) * d * d);
      } else draw(mu0, L0, nR, rMeanBuf, rScatBuf);
      // pooled statistics of the synthetic and the real part
      for (let a = 0; a < d; a++) muT[r * d + a] = (n * sMean[a]! + nR * rMean[a]!) / N;
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          SigT[r * d * d + a * d + b] = (sScat[a * d + b]! + rScat[a * d + b]! +
            c * (sMean[a]! - rMean[a]!) * (sMean[b]! - rMean[b]!)) / (N - 1);
        }
      }
    }
  }
  return { mu, Sigma };
}

/**
 * n samples of $\mathcal N(\boldsymbol\mu,\lambda\boldsymbol\Sigma)$ (x = μ + √λ·L z with L the Cholesky factor of Σ) — to look at
 * one generation of {@link gaussianLoop}.
 *
 * @param mean μ (d)
 * @param cov Σ (d×d, row-major, symmetric positive semi-definite)
 * @param n number of samples (≥ 1)
 * @param rng random stream
 * @param lambda variance scale λ ≥ 0 (default 1; the truncation of the article)
 * @returns n×d samples
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianSamples } from "@lib/prob/self_consuming.ts";
 * const X = gaussianSamples(Float64Array.of(1, 2), Float64Array.of(1, 0, 0, 1), 3, createRng(0), 0);
 * assertEquals(Array.from(X), [1, 2, 1, 2, 1, 2]);
 * ```
 */
export function gaussianSamples(
  mean: Float64Array,
  cov: Float64Array,
  n: number,
  rng: Rng,
  lambda = 1,
): Float64Array {
  const where = "gaussianSamples";
  const d = mean.length;
  checkLength(where, "mean", mean);
  checkLength(where, "cov", cov, d * d);
  checkInt(where, "n", n, 1);
  const lam = checkFinite(where, "lambda", lambda);
  if (lam < 0) rangeError(where, "lambda", "≥ 0", lam);
  const L = new Float64Array(d * d), z = new Float64Array(d), X = new Float64Array(n * d);
  _chol(cov, 0, d, L);
  for (let j = 0; j < n; j++) {
    for (let a = 0; a < d; a++) z[a] = rng.normal();
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b <= a; b++) s += L[a * d + b]! * z[b]!;
      X[j * d + a] = mean[a]! + Math.sqrt(lam) * s;
    }
  }
  return X;
}

/**
 * Exact mean squared drift of the refitted mean, $\mathbb E\Vert\boldsymbol\mu_t-\boldsymbol\mu_0\Vert^2
 * =\frac{\operatorname{tr}\boldsymbol\Sigma_0}{n}\frac{1-\lambda^t}{1-\lambda}$ (= $t\operatorname{tr}\boldsymbol\Sigma_0/n$ at λ = 1,
 * the article's eq. 3), for the fully synthetic loop of {@link gaussianLoop}.
 *
 * @param t generation (≥ 0)
 * @param n samples per generation (≥ 1)
 * @param trSigma0 trace of Σ₀ (≥ 0)
 * @param lambda truncation λ ∈ (0, 1]
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { expectedMeanDrift } from "@lib/prob/self_consuming.ts";
 * assertAlmostEquals(expectedMeanDrift(50, 50, 1, 1), 1, 1e-12);
 * assertAlmostEquals(expectedMeanDrift(2, 10, 2, 0.5), 0.2 * 1.5, 1e-12);
 * ```
 */
export function expectedMeanDrift(t: number, n: number, trSigma0: number, lambda: number): number {
  const where = "expectedMeanDrift";
  checkInt(where, "t", t, 0);
  checkInt(where, "n", n, 1);
  if (checkFinite(where, "trSigma0", trSigma0) < 0) rangeError(where, "trSigma0", "≥ 0", trSigma0);
  const lam = checkRange(where, "lambda", lambda, 0, 1, "lo");
  const geo = lam === 1 ? t : (1 - lam ** t) / (1 - lam);
  return (trSigma0 / n) * geo;
}

/**
 * Exact $\mathbb E[\log s_t^2]-\log s_0^2 = t\big[\psi(\tfrac{n-1}2)+\log\tfrac2{n-1}\big]+(t-1)^+\log\lambda$ for the 1-D loop:
 * $s_t^2=\lambda s_{t-1}^2\chi^2_{n-1}/(n-1)$ (no λ on the first refit). Negative even at λ = 1, so the typical
 * variance collapses although $\mathbb E s_t^2$ stays constant.
 *
 * @param t generation (≥ 0)
 * @param n samples per generation (≥ 2)
 * @param lambda truncation λ ∈ (0, 1] (default 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { expectedLogVarDrift } from "@lib/prob/self_consuming.ts";
 * assertAlmostEquals(expectedLogVarDrift(50, 10), -5.76032, 1e-4);
 * ```
 */
export function expectedLogVarDrift(t: number, n: number, lambda = 1): number {
  const where = "expectedLogVarDrift";
  checkInt(where, "t", t, 0);
  checkInt(where, "n", n, 2);
  const lam = checkRange(where, "lambda", lambda, 0, 1, "lo");
  const k = n - 1;
  return t * (digamma(k / 2) + Math.log(2 / k)) + Math.max(t - 1, 0) * Math.log(lam);
}

/**
 * Exact $\mathbb E[\log\det\boldsymbol\Sigma_t]-\log\det\boldsymbol\Sigma_0=t\sum_{i=0}^{d-1}\big[\psi(\tfrac{n-1-i}2)+\log\tfrac2{n-1}\big]
 * +d\,(t-1)^+\log\lambda$ for the fully synthetic loop in d dimensions (Bartlett: $\det$ of a Wishart$(I, n-1)$ is a product
 * of independent $\chi^2_{n-1-i}$). For d = 1 this is {@link expectedLogVarDrift}.
 *
 * @param t generation (≥ 0)
 * @param n samples per generation (≥ d + 1)
 * @param d dimension (≥ 1)
 * @param lambda truncation λ ∈ (0, 1] (default 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { expectedLogDetDrift, expectedLogVarDrift } from "@lib/prob/self_consuming.ts";
 * assertAlmostEquals(expectedLogDetDrift(7, 10, 1, 0.8), expectedLogVarDrift(7, 10, 0.8), 1e-12);
 * ```
 */
export function expectedLogDetDrift(t: number, n: number, d: number, lambda = 1): number {
  const where = "expectedLogDetDrift";
  checkInt(where, "t", t, 0);
  checkInt(where, "d", d, 1);
  checkInt(where, "n", n, d + 1);
  const lam = checkRange(where, "lambda", lambda, 0, 1, "lo");
  let per = 0;
  for (let i = 0; i < d; i++) per += digamma((n - 1 - i) / 2) + Math.log(2 / (n - 1));
  return t * per + d * Math.max(t - 1, 0) * Math.log(lam);
}

/**
 * Mean Euclidean distance over all pairs of points (a diversity measure).
 *
 * @param X n×d points
 * @param n number of points (≥ 2)
 * @param d dimension
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { meanPairwiseDist } from "@lib/prob/self_consuming.ts";
 * assertAlmostEquals(meanPairwiseDist(Float64Array.of(0, 0, 3, 4, 0, 4), 3, 2), (5 + 4 + 3) / 3, 1e-12);
 * ```
 */
export function meanPairwiseDist(X: ArrayLike<number>, n: number, d: number): number {
  checkInt("meanPairwiseDist", "n", n, 2);
  checkInt("meanPairwiseDist", "d", d, 1);
  checkLength("meanPairwiseDist", "X", X, n * d);
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let q = 0;
      for (let a = 0; a < d; a++) q += (X[i * d + a]! - X[j * d + a]!) ** 2;
      s += Math.sqrt(q);
    }
  }
  return s / (n * (n - 1) / 2);
}

/**
 * For each point of X, the Euclidean distance to its nearest point in Y (`excludeSelf` skips index i of Y
 * for point i, for X = Y).
 *
 * @param X nx×d query points
 * @param Y ny×d reference points
 * @param d dimension
 * @param excludeSelf skip the same index (default false)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { nnDistances } from "@lib/prob/self_consuming.ts";
 * assertEquals(Array.from(nnDistances(Float64Array.of(0, 3), Float64Array.of(1, 10), 1)), [1, 2]);
 * ```
 */
export function nnDistances(
  X: ArrayLike<number>,
  Y: ArrayLike<number>,
  d: number,
  excludeSelf = false,
): Float64Array {
  checkInt("nnDistances", "d", d, 1);
  if (X.length % d !== 0 || Y.length % d !== 0 || Y.length === 0) {
    rangeError(
      "nnDistances",
      "X.length and Y.length",
      `non-zero multiples of d = ${d}`,
      `${X.length}, ${Y.length}`,
    );
  }
  const nx = X.length / d, ny = Y.length / d, out = new Float64Array(nx);
  for (let i = 0; i < nx; i++) {
    let best = Infinity;
    for (let j = 0; j < ny; j++) {
      if (excludeSelf && i === j) continue;
      let q = 0;
      for (let a = 0; a < d && q < best; a++) q += (X[i * d + a]! - Y[j * d + a]!) ** 2;
      if (q < best) best = q;
    }
    out[i] = Math.sqrt(best);
  }
  return out;
}
