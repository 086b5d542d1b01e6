/**
 * Rectified-flow / flow-matching construction of an ODE (Su, "构建ODE的一般步骤（下）",
 * https://kexue.fm/archives/9497): pick a path $\boldsymbol x_t=\boldsymbol\varphi_t(\boldsymbol x_0,\boldsymbol x_1)$,
 * regress $\boldsymbol v(\boldsymbol x_t,t)$ onto $\partial_t\boldsymbol\varphi_t$; the minimiser
 * $\mathbb E[\partial_t\boldsymbol\varphi_t|\boldsymbol x_t]$ transports $p_1$ to $p_0$. Exact checks for Gaussian-mixture data.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { type Gmm, gmmSample } from "../prob/gmm.ts";
import { gmmPosteriorSample, gmmVelocity } from "./gmm_path.ts";
import type { GaussianPath } from "./paths.ts";

/** Draws n pairs: data x_0 ~ g, noise ε ~ N(0, I); returns both flat n×d. */
function pairs(g: Gmm, n: number, rng: Rng): { X0: Float64Array; E: Float64Array } {
  const X0 = gmmSample(g, n, rng), E = new Float64Array(n * g.d);
  for (let i = 0; i < E.length; i++) E[i] = rng.normal();
  return { X0, E };
}

function mix(X0: Float64Array, E: Float64Array, a: number, b: number): Float64Array {
  const X = new Float64Array(X0.length);
  for (let i = 0; i < X.length; i++) X[i] = a * X0[i]! + b * E[i]!;
  return X;
}

function checkT(where: string, p: GaussianPath, t: number): void {
  if (!(t > p.tMin && t <= p.tMax)) rangeError(where, "t", `in (${p.tMin}, ${p.tMax}]`, t);
}

/**
 * Monte-Carlo form of Su's result $\boldsymbol v^*(\boldsymbol x,t)=\mathbb E_{\boldsymbol x_0|\boldsymbol x_t}
 * \left[\partial_t\boldsymbol\varphi_t\right]$ at one point: for a Gaussian path the time derivative is
 * $a'\boldsymbol x_0 + b'\boldsymbol\varepsilon$ with $\boldsymbol\varepsilon=(\boldsymbol x-a\boldsymbol x_0)/b$; averages it over
 * m exact posterior samples of $\boldsymbol x_0$ (for rectified flow: $(\boldsymbol x-\boldsymbol x_0)/t$).
 *
 * @param g data GMM (t = 0)
 * @param p Gaussian path
 * @param t time in (tMin, tMax]
 * @param x one point (length d)
 * @param m number of posterior samples, ≥ 2
 * @param rng random source
 * @returns the mean (length d) and its per-coordinate standard error
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { gmmVelocity, posteriorVelocityMc, rectifiedFlowPath } from "@lib/diffusion/mod.ts";
 * const g = makeGmm([1, 1], [[-1], [1]], 0.1), p = rectifiedFlowPath(), x = Float64Array.of(0.3);
 * const mc = posteriorVelocityMc(g, p, 0.5, x, 20000, createRng(3));
 * assertAlmostEquals(mc.mean[0]!, gmmVelocity(g, p, 0.5, x)[0]!, 5 * mc.se[0]!);
 * ```
 */
export function posteriorVelocityMc(
  g: Gmm,
  p: GaussianPath,
  t: number,
  x: Float64Array,
  m: number,
  rng: Rng,
): { mean: Float64Array; se: Float64Array } {
  const where = "posteriorVelocityMc";
  checkT(where, p, t);
  checkInt(where, "m", m, 2);
  const d = g.d, a = p.a(t), b = p.b(t), da = p.da(t), db = p.db(t);
  const S = gmmPosteriorSample(g, p, t, x, m, rng);
  const s1 = new Float64Array(d), s2 = new Float64Array(d);
  for (let s = 0; s < m; s++) {
    for (let i = 0; i < d; i++) {
      const x0 = S[s * d + i]!, v = da * x0 + db * (x[i]! - a * x0) / b;
      s1[i] = s1[i]! + v;
      s2[i] = s2[i]! + v * v;
    }
  }
  const mean = s1.map((v) => v / m);
  const se = s2.map((v, i) => Math.sqrt(Math.max(0, v / m - mean[i]! ** 2) / (m - 1)));
  return { mean, se };
}

/**
 * Irreducible flow-matching loss (eq. 10): the regression target $\boldsymbol u=a'\boldsymbol x_0+b'\boldsymbol\varepsilon$
 * (rectified flow: $\boldsymbol x_1-\boldsymbol x_0$) has conditional mean $\boldsymbol v^*$, so
 * $L_{\min}(t)=\mathbb E\Vert\boldsymbol u-\boldsymbol v^*(\boldsymbol x_t,t)\Vert^2
 * =\mathbb E\Vert\boldsymbol u\Vert^2-\mathbb E\Vert\boldsymbol v^*(\boldsymbol x_t,t)\Vert^2$, estimated with nMc joint samples
 * per time (first form, which is never negative).
 *
 * @param g data GMM
 * @param p Gaussian path
 * @param ts times in (tMin, tMax]
 * @param nMc samples per time, ≥ 2
 * @param rng random source
 * @returns per-time estimates, their standard errors and the mean over ts
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { flowMinLoss, rectifiedFlowPath } from "@lib/diffusion/mod.ts";
 * // a point mass at 0: x_1 - x_0 = x_t / t is known from x_t, so nothing is irreducible
 * const r = flowMinLoss(makeGmm([1], [[0]], 0), rectifiedFlowPath(), Float64Array.of(0.5), 100, createRng(1));
 * assertAlmostEquals(r.mean, 0, 1e-20);
 * ```
 */
export function flowMinLoss(
  g: Gmm,
  p: GaussianPath,
  ts: Float64Array,
  nMc: number,
  rng: Rng,
): { perT: Float64Array; se: Float64Array; mean: number } {
  const where = "flowMinLoss";
  if (!(ts instanceof Float64Array) || ts.length < 1) typeError(where, "ts", "a non-empty Float64Array", ts);
  checkInt(where, "nMc", nMc, 2);
  const perT = new Float64Array(ts.length), se = new Float64Array(ts.length), d = g.d;
  ts.forEach((t, j) => {
    checkT(where, p, t);
    const { X0, E } = pairs(g, nMc, rng);
    const a = p.a(t), b = p.b(t), da = p.da(t), db = p.db(t);
    const V = gmmVelocity(g, p, t, mix(X0, E, a, b));
    let s1 = 0, s2 = 0;
    for (let n = 0; n < nMc; n++) {
      let e = 0;
      for (let i = 0; i < d; i++) e += (da * X0[n * d + i]! + db * E[n * d + i]! - V[n * d + i]!) ** 2;
      s1 += e;
      s2 += e * e;
    }
    perT[j] = s1 / nMc;
    se[j] = Math.sqrt(Math.max(0, s2 / nMc - perT[j]! ** 2) / (nMc - 1));
  });
  return { perT, se, mean: perT.reduce((u, v) => u + v, 0) / ts.length };
}

/**
 * Weak form of the continuity equation (eq. 7): $\frac{d}{dt}\mathbb E[\phi(\boldsymbol x_t)] =
 * \mathbb E[\nabla\phi(\boldsymbol x_t)\cdot\boldsymbol v^*(\boldsymbol x_t,t)]$. The left side is a central difference
 * $(\mathbb E\phi(\boldsymbol x_{t+h})-\mathbb E\phi(\boldsymbol x_{t-h}))/2h$ with common random numbers (same
 * $\boldsymbol x_0,\boldsymbol\varepsilon$ at both times); the right side uses the exact GMM velocity. `se` is the standard
 * error of the per-sample difference of the two estimators.
 *
 * @param phi test function of one point (length d)
 * @param gradPhi its gradient
 * @param g data GMM
 * @param p Gaussian path
 * @param t time with t ± h inside (tMin, tMax]
 * @param n number of samples, ≥ 2
 * @param h finite-difference half step, > 0
 * @param rng random source
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { rectifiedFlowPath, weakContinuityCheck } from "@lib/diffusion/mod.ts";
 * const g = makeGmm([1, 1], [[-1, 0], [1, 1]], 0.05);
 * const sq = (x: Float64Array) => x[0]! ** 2 + x[1]! ** 2, grad = (x: Float64Array) => x.map((v) => 2 * v);
 * const r = weakContinuityCheck(sq, grad, g, rectifiedFlowPath(), 0.5, 20000, 1e-3, createRng(2));
 * assert(Math.abs(r.lhsFiniteDiff - r.rhs) < 4 * r.se);
 * ```
 */
export function weakContinuityCheck(
  phi: (x: Float64Array) => number,
  gradPhi: (x: Float64Array) => Float64Array,
  g: Gmm,
  p: GaussianPath,
  t: number,
  n: number,
  h: number,
  rng: Rng,
): { lhsFiniteDiff: number; rhs: number; se: number } {
  const where = "weakContinuityCheck";
  if (typeof phi !== "function" || typeof gradPhi !== "function") {
    typeError(where, "phi/gradPhi", "functions", phi);
  }
  checkPositive(where, "h", h);
  checkT(where, p, t - h);
  checkT(where, p, t + h);
  checkInt(where, "n", n, 2);
  const d = g.d, { X0, E } = pairs(g, n, rng);
  const Xp = mix(X0, E, p.a(t + h), p.b(t + h)), Xm = mix(X0, E, p.a(t - h), p.b(t - h));
  const Xt = mix(X0, E, p.a(t), p.b(t)), V = gmmVelocity(g, p, t, Xt);
  let sl = 0, sr = 0, s1 = 0, s2 = 0;
  for (let k = 0; k < n; k++) {
    const o = k * d;
    const l = (phi(Xp.subarray(o, o + d)) - phi(Xm.subarray(o, o + d))) / (2 * h);
    const gr = gradPhi(Xt.subarray(o, o + d));
    let r = 0;
    for (let i = 0; i < d; i++) r += gr[i]! * V[o + i]!;
    sl += l;
    sr += r;
    s1 += l - r;
    s2 += (l - r) ** 2;
  }
  const md = s1 / n;
  return { lhsFiniteDiff: sl / n, rhs: sr / n, se: Math.sqrt(Math.max(0, s2 / n - md * md) / (n - 1)) };
}
