/**
 * Fitting Gaussian mixtures to samples, the baselines of the Fourier density notebook (G08,
 * https://kexue.fm/archives/10007): EM for diagonal mixtures in d dimensions, and 1-D maximum likelihood by
 * gradient descent (Adam on the exact gradient), which Su notes is hampered by the fast-decaying Gaussian tails.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkFinite, checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { adamwUpdate } from "../optim/adamw.ts";
import { type Gmm, gmmLogPdf } from "../prob/gmm.ts";

function _data(where: string, X: ArrayLike<number>, d: number): number {
  if (X === null || typeof X !== "object" || typeof X.length !== "number") {
    typeError(where, "X", "an array of numbers", X);
  }
  if (X.length === 0 || X.length % d !== 0) {
    rangeError(where, "X.length", `a positive multiple of d = ${d}`, X.length);
  }
  for (let i = 0; i < X.length; i++) checkFinite(where, `X[${i}]`, X[i]);
  return X.length / d;
}

/**
 * EM for a K-component Gaussian mixture with diagonal covariances. Initialisation: means at K distinct random
 * data points, variances = per-coordinate data variance, equal weights; variances are floored at 1e-6 × the
 * data variance.
 *
 * @param X points, n×d row-major
 * @param d dimension ≥ 1
 * @param K components (1 ≤ K ≤ n)
 * @param iters EM iterations ≥ 0
 * @param rng random stream for the initial means
 * @returns the fitted mixture and the mean log-likelihood before each iteration and after the last (non-decreasing)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { fitGmmEm } from "@lib/density/gmm_fit.ts";
 * const X = Float64Array.from({ length: 400 }, (_, i) => (i % 2 ? 5 : -5) + Math.sin(i));
 * const { gmm, logLik } = fitGmmEm(X, 1, 2, 20, createRng(0));
 * assert(Math.abs(Math.abs(gmm.means[0]! - gmm.means[1]!) - 10) < 0.2 && logLik.at(-1)! >= logLik[0]!);
 * ```
 */
export function fitGmmEm(
  X: ArrayLike<number>,
  d: number,
  K: number,
  iters: number,
  rng: Rng,
): { gmm: Gmm; logLik: Float64Array } {
  const where = "fitGmmEm";
  checkInt(where, "d", d, 1);
  const n = _data(where, X, d);
  checkInt(where, "K", K, 1, n);
  checkInt(where, "iters", iters, 0);
  const mean = new Float64Array(d), vr = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += X[i * d + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) vr[j]! += (X[i * d + j]! - mean[j]!) ** 2 / n;
  const floor = vr.map((v) => Math.max(1e-6 * v, 1e-12));
  const idx = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(idx);
  const g: Gmm = {
    d,
    weights: new Float64Array(K).fill(1 / K),
    means: new Float64Array(K * d),
    vars: new Float64Array(K * d),
  };
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < d; j++) {
      g.means[k * d + j] = X[idx[k]! * d + j]!;
      g.vars[k * d + j] = Math.max(vr[j]!, floor[j]!);
    }
  }
  const logLik = new Float64Array(iters + 1);
  const R = new Float64Array(n * K);
  const estep = (): number => {
    let ll = 0;
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let k = 0; k < K; k++) {
        let l = Math.log(g.weights[k]!);
        for (let j = 0; j < d; j++) {
          const v = g.vars[k * d + j]!, t = X[i * d + j]! - g.means[k * d + j]!;
          l -= 0.5 * (Math.log(2 * Math.PI * v) + (t * t) / v);
        }
        R[i * K + k] = l;
        if (l > mx) mx = l;
      }
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(R[i * K + k]! - mx);
      const lse = mx + Math.log(s);
      ll += lse;
      for (let k = 0; k < K; k++) R[i * K + k] = Math.exp(R[i * K + k]! - lse);
    }
    return ll / n;
  };
  logLik[0] = estep();
  for (let it = 0; it < iters; it++) {
    for (let k = 0; k < K; k++) {
      let nk = 0;
      for (let i = 0; i < n; i++) nk += R[i * K + k]!;
      if (nk < 1e-12) continue; // dead component: leave it
      g.weights[k] = nk / n;
      for (let j = 0; j < d; j++) {
        let m = 0;
        for (let i = 0; i < n; i++) m += R[i * K + k]! * X[i * d + j]!;
        m /= nk;
        let v = 0;
        for (let i = 0; i < n; i++) v += R[i * K + k]! * (X[i * d + j]! - m) ** 2;
        g.means[k * d + j] = m;
        g.vars[k * d + j] = Math.max(v / nk, floor[j]!);
      }
    }
    logLik[it + 1] = estep();
  }
  return { gmm: g, logLik };
}

/**
 * Mean negative log-likelihood of a 1-D mixture with parameters θ = [logits (K), means (K), log stds (K)] and its
 * exact gradient.
 *
 * @param theta packed parameters (length 3K)
 * @param x data
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { gmmNllGrad1d } from "@lib/density/gmm_fit.ts";
 * assertAlmostEquals(gmmNllGrad1d(Float64Array.of(0, 0, 0), [0]).loss, 0.5 * Math.log(2 * Math.PI), 1e-15);
 * ```
 */
export function gmmNllGrad1d(
  theta: Float64Array,
  x: ArrayLike<number>,
): { loss: number; grad: Float64Array } {
  if (!(theta instanceof Float64Array) || theta.length < 3 || theta.length % 3 !== 0) {
    rangeError("gmmNllGrad1d", "theta.length", "a positive multiple of 3", theta?.length);
  }
  const K = theta.length / 3, grad = new Float64Array(3 * K);
  let mx = -Infinity;
  for (let k = 0; k < K; k++) mx = Math.max(mx, theta[k]!);
  let zs = 0;
  for (let k = 0; k < K; k++) zs += Math.exp(theta[k]! - mx);
  const logW = Float64Array.from({ length: K }, (_, k) => theta[k]! - mx - Math.log(zs));
  const l = new Float64Array(K), tk = new Float64Array(K);
  const sd = Float64Array.from({ length: K }, (_, k) => Math.exp(theta[2 * K + k]!));
  const w = logW.map(Math.exp);
  const c = Float64Array.from(
    { length: K },
    (_, k) => logW[k]! - theta[2 * K + k]! - 0.5 * Math.log(2 * Math.PI),
  );
  let loss = 0;
  for (let i = 0; i < x.length; i++) {
    let m = -Infinity;
    for (let k = 0; k < K; k++) {
      const t = (x[i]! - theta[K + k]!) / sd[k]!;
      tk[k] = t;
      l[k] = c[k]! - 0.5 * t * t;
      if (l[k]! > m) m = l[k]!;
    }
    let s = 0;
    for (let k = 0; k < K; k++) {
      l[k] = Math.exp(l[k]! - m);
      s += l[k]!;
    }
    loss -= m + Math.log(s);
    for (let k = 0; k < K; k++) {
      const r = l[k]! / s, t = tk[k]!;
      grad[k]! -= r - w[k]!;
      grad[K + k]! -= (r * t) / sd[k]!;
      grad[2 * K + k]! -= r * (t * t - 1);
    }
  }
  const n = x.length;
  for (let j = 0; j < 3 * K; j++) grad[j] = grad[j]! / n;
  return { loss: loss / n, grad };
}

/**
 * 1-D Gaussian-mixture maximum likelihood by full-batch Adam on the exact gradient ({@link gmmNllGrad1d}).
 * Initialisation: equal weights, means at K random data points, stds = data std / √K.
 *
 * @param x data (≥ K values)
 * @param K components ≥ 1 (3K − 1 free parameters)
 * @param steps Adam steps ≥ 0
 * @param lr learning rate > 0
 * @param rng stream for the initial means
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { fitGmmGradient } from "@lib/density/gmm_fit.ts";
 * const x = Float64Array.from({ length: 300 }, (_, i) => (i % 2 ? 3 : -3) + 0.5 * Math.sin(i));
 * const g = fitGmmGradient(x, 2, 500, 0.05, createRng(1));
 * assert(Math.abs(Math.abs(g.means[0]! - g.means[1]!) - 6) < 0.3);
 * ```
 */
export function fitGmmGradient(x: ArrayLike<number>, K: number, steps: number, lr: number, rng: Rng): Gmm {
  const where = "fitGmmGradient";
  const n = _data(where, x, 1);
  checkInt(where, "K", K, 1, n);
  checkInt(where, "steps", steps, 0);
  checkPositive(where, "lr", lr);
  let m = 0, v = 0;
  for (let i = 0; i < n; i++) m += x[i]! / n;
  for (let i = 0; i < n; i++) v += (x[i]! - m) ** 2 / n;
  const idx = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(idx);
  const theta = new Float64Array(3 * K);
  for (let k = 0; k < K; k++) {
    theta[K + k] = x[idx[k]!]!;
    theta[2 * K + k] = 0.5 * Math.log(v / K);
  }
  const state = { m: new Float64Array(3 * K), v: new Float64Array(3 * K) };
  const xx = Float64Array.from(x);
  for (let t = 0; t < steps; t++) {
    adamwUpdate(theta, gmmNllGrad1d(theta, xx).grad, state, t + 1, {
      lr,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
    });
  }
  let mx = -Infinity;
  for (let k = 0; k < K; k++) mx = Math.max(mx, theta[k]!);
  const w = Float64Array.from({ length: K }, (_, k) => Math.exp(theta[k]! - mx));
  const ws = w.reduce((a, b) => a + b, 0);
  return {
    d: 1,
    weights: w.map((a) => a / ws),
    means: theta.slice(K, 2 * K),
    vars: Float64Array.from({ length: K }, (_, k) => Math.exp(2 * theta[2 * K + k]!)),
  };
}

/**
 * Mean log-likelihood of data under a mixture (convenience wrapper of `gmmLogPdf`).
 *
 * @param g mixture
 * @param X points, n×d
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { meanLogLik } from "@lib/density/gmm_fit.ts";
 * assertAlmostEquals(meanLogLik(makeGmm([1], [[0]], 1), Float64Array.of(0)), -0.5 * Math.log(2 * Math.PI), 1e-12);
 * ```
 */
export function meanLogLik(g: Gmm, X: Float64Array): number {
  const l = gmmLogPdf(g, X);
  return l.reduce((a, b) => a + b, 0) / l.length;
}
