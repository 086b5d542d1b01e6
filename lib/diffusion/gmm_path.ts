/**
 * Exact closed forms for a Gaussian-mixture data distribution pushed along a Gaussian path
 * $\boldsymbol x_t = a\boldsymbol x_0 + b\boldsymbol\varepsilon$ (X-gen §3). With $p_0 = \sum_k\pi_k\mathcal N(\boldsymbol m_k,
 * \operatorname{diag}\boldsymbol v_k)$ and $\boldsymbol S_k = a^2\boldsymbol v_k + b^2$ (elementwise):
 *
 * - marginal $p_t = \sum_k\pi_k\mathcal N(a\boldsymbol m_k, \operatorname{diag}\boldsymbol S_k)$;
 * - responsibilities $r_k(\boldsymbol x)\propto\pi_k\mathcal N(\boldsymbol x; a\boldsymbol m_k, \boldsymbol S_k)$;
 * - per component $\mathbb E[\boldsymbol x_0|\boldsymbol x_t, k] = \boldsymbol m_k + \frac{a\boldsymbol v_k}{\boldsymbol S_k}\odot(\boldsymbol x - a\boldsymbol m_k)$,
 *   $\operatorname{Var}[\boldsymbol x_0|\boldsymbol x_t, k] = \boldsymbol v_k b^2/\boldsymbol S_k$;
 * - score $\nabla\log p_t(\boldsymbol x) = -\sum_k r_k\frac{\boldsymbol x - a\boldsymbol m_k}{\boldsymbol S_k}
 *   = -\frac{\boldsymbol x - a\,\mathbb E[\boldsymbol x_0|\boldsymbol x]}{b^2}$ (Tweedie).
 *
 * All functions need b(t) > 0 unless every component variance is positive. Points are flat n×d `Float64Array`s.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkFinite, checkInt, rangeError, typeError } from "../core/validate.ts";
import { _checkGmm, _checkPoints, type Gmm } from "../prob/gmm.ts";
import type { GaussianPath } from "./paths.ts";

/** Validates (g, p, t) and returns K, a, b (b = 0 only allowed without atoms). @internal */
export function _pathArgs(
  where: string,
  g: Gmm,
  p: GaussianPath,
  t: number,
): { K: number; a: number; b: number } {
  const K = _checkGmm(where, g);
  if (p === null || typeof p !== "object" || typeof p.a !== "function") {
    typeError(where, "p", "a GaussianPath", p);
  }
  checkFinite(where, "t", t);
  const slack = 1e-12 * Math.max(1, p.tMax - p.tMin); // round-off of ODE time grids
  if (t < p.tMin - slack || t > p.tMax + slack) {
    rangeError(where, "t", `in [${p.tMin}, ${p.tMax}] (the path's range)`, t);
  }
  t = Math.min(p.tMax, Math.max(p.tMin, t));
  const a = p.a(t), b = p.b(t);
  if (!(b >= 0)) rangeError(where, "b(t)", "≥ 0", b);
  if (b === 0 && g.vars.some((v) => v === 0)) {
    rangeError(where, "b(t)", "> 0 when g has atoms (zero variances)", b);
  }
  return { K, a, b };
}

/** Per-call constants of the path marginal: $S_{ki}=a^2v_{ki}+b^2$ and $\log S_{ki}$ (K×d each). */
interface Marginal {
  S: Float64Array;
  logS: Float64Array;
}

function marginal(g: Gmm, a: number, b2: number): Marginal {
  const S = g.vars.map((v) => a * a * v + b2);
  return { S, logS: S.map(Math.log) };
}

/** Writes the responsibilities of point x (d numbers at offset o of X) into r. */
function responsibilities(g: Gmm, a: number, c: Marginal, X: Float64Array, o: number, r: Float64Array): void {
  const d = g.d, K = r.length;
  let mx = -Infinity;
  for (let k = 0; k < K; k++) {
    let l = Math.log(g.weights[k]!);
    for (let i = 0; i < d; i++) {
      const S = c.S[k * d + i]!, z = X[o + i]! - a * g.means[k * d + i]!;
      l -= 0.5 * (c.logS[k * d + i]! + z * z / S);
    }
    r[k] = l;
    if (l > mx) mx = l;
  }
  let s = 0;
  for (let k = 0; k < K; k++) s += r[k] = Math.exp(r[k]! - mx);
  for (let k = 0; k < K; k++) r[k] = r[k]! / s;
}

/**
 * The marginal $p_t$ of the path: $\sum_k\pi_k\mathcal N(a\boldsymbol m_k, a^2\boldsymbol v_k + b^2)$.
 *
 * @param g data mixture p_0
 * @param p the path
 * @param t the time (b(t) > 0)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { gmmAt } from "@lib/diffusion/gmm_path.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * const gt = gmmAt(makeGmm([1], [[2]], 0.5), vpCosinePath(), 0.5);
 * assertAlmostEquals(gt.means[0]!, 2 * Math.SQRT1_2, 1e-12);
 * assertAlmostEquals(gt.vars[0]!, 0.75, 1e-12);
 * ```
 */
export function gmmAt(g: Gmm, p: GaussianPath, t: number): Gmm {
  const { a, b } = _pathArgs("gmmAt", g, p, t);
  return {
    d: g.d,
    weights: g.weights.slice(),
    means: g.means.map((m) => a * m),
    vars: g.vars.map((v) => a * a * v + b * b),
  };
}

/**
 * Posterior of $\boldsymbol x_0$ given $\boldsymbol x_t$: responsibilities, mean
 * $\mathbb E[\boldsymbol x_0|\boldsymbol x_t] = \sum_k r_k\boldsymbol\mu_k$ and
 * $\operatorname{tr}\operatorname{Cov}(\boldsymbol x_0|\boldsymbol x_t) = \sum_k r_k\big(\Vert\boldsymbol\mu_k\Vert^2 + \sum_i\operatorname{Var}_{k,i}\big) - \big\Vert\sum_k r_k\boldsymbol\mu_k\big\Vert^2$.
 *
 * @param g data mixture p_0
 * @param p the path
 * @param t the time (b(t) > 0)
 * @param X n×d points x_t
 * @returns `resp` (n×K), `meanX0` (n×d), `trCovX0` (n)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { gmmPosterior } from "@lib/diffusion/gmm_path.ts";
 * import { rectifiedFlowPath } from "@lib/diffusion/paths.ts";
 * // one atom at 3: the posterior is that atom whatever x_t is
 * const post = gmmPosterior(makeGmm([1], [[3]], 0), rectifiedFlowPath(), 0.5, Float64Array.of(-7));
 * assertAlmostEquals(post.meanX0[0]!, 3, 1e-12);
 * assertAlmostEquals(post.trCovX0[0]!, 0, 1e-12);
 * ```
 */
export function gmmPosterior(
  g: Gmm,
  p: GaussianPath,
  t: number,
  X: Float64Array,
): { resp: Float64Array; meanX0: Float64Array; trCovX0: Float64Array } {
  const { K, a, b } = _pathArgs("gmmPosterior", g, p, t);
  const d = g.d, n = _checkPoints("gmmPosterior", "X", X, d), b2 = b * b;
  const resp = new Float64Array(n * K), meanX0 = new Float64Array(n * d), trCovX0 = new Float64Array(n);
  const r = new Float64Array(K), mu = new Float64Array(d), c = marginal(g, a, b2);
  for (let j = 0; j < n; j++) {
    responsibilities(g, a, c, X, j * d, r);
    resp.set(r, j * K);
    let second = 0;
    for (let k = 0; k < K; k++) {
      const rk = r[k]!;
      if (rk === 0) continue;
      for (let i = 0; i < d; i++) {
        const v = g.vars[k * d + i]!, m = g.means[k * d + i]!, S = c.S[k * d + i]!;
        mu[i] = m + (a * v / S) * (X[j * d + i]! - a * m);
        meanX0[j * d + i] = meanX0[j * d + i]! + rk * mu[i]!;
        second += rk * (mu[i]! * mu[i]! + v * b2 / S);
      }
    }
    let m2 = 0;
    for (let i = 0; i < d; i++) m2 += meanX0[j * d + i]! ** 2;
    trCovX0[j] = Math.max(0, second - m2);
  }
  return { resp, meanX0, trCovX0 };
}

/**
 * Exact score $\nabla_{\boldsymbol x}\log p_t(\boldsymbol x) = -\sum_k r_k(\boldsymbol x)\,(\boldsymbol x - a\boldsymbol m_k)/\boldsymbol S_k$.
 *
 * @param g data mixture p_0
 * @param p the path
 * @param t the time (b(t) > 0)
 * @param X n×d points
 * @returns n×d scores
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { gmmScore } from "@lib/diffusion/gmm_path.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * // single Gaussian N(1, 0.5): score −(x − a)/(a²·0.5 + b²)
 * const p = vpCosinePath(), a = p.a(0.4), b = p.b(0.4);
 * const s = gmmScore(makeGmm([1], [[1]], 0.5), p, 0.4, Float64Array.of(2));
 * assertAlmostEquals(s[0]!, -(2 - a) / (0.5 * a * a + b * b), 1e-12);
 * ```
 */
export function gmmScore(g: Gmm, p: GaussianPath, t: number, X: Float64Array): Float64Array {
  const { K, a, b } = _pathArgs("gmmScore", g, p, t);
  const d = g.d, n = _checkPoints("gmmScore", "X", X, d), b2 = b * b;
  const out = new Float64Array(n * d), r = new Float64Array(K), c = marginal(g, a, b2);
  for (let j = 0; j < n; j++) {
    responsibilities(g, a, c, X, j * d, r);
    for (let k = 0; k < K; k++) {
      if (r[k] === 0) continue;
      for (let i = 0; i < d; i++) {
        const S = c.S[k * d + i]!;
        out[j * d + i] = out[j * d + i]! - r[k]! * (X[j * d + i]! - a * g.means[k * d + i]!) / S;
      }
    }
  }
  return out;
}

/**
 * Exact noise prediction $\mathbb E[\boldsymbol\varepsilon|\boldsymbol x_t] = -b\,\nabla\log p_t(\boldsymbol x_t)$.
 *
 * @param g data mixture
 * @param p the path
 * @param t the time (b(t) > 0)
 * @param X n×d points
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { gmmEps } from "@lib/diffusion/gmm_path.ts";
 * import { vePath } from "@lib/diffusion/paths.ts";
 * // atom at 0, x = σε: E[ε|x] = x/σ
 * assertAlmostEquals(gmmEps(makeGmm([1], [[0]], 0), vePath(), 2, Float64Array.of(3))[0]!, 1.5, 1e-12);
 * ```
 */
export function gmmEps(g: Gmm, p: GaussianPath, t: number, X: Float64Array): Float64Array {
  const s = gmmScore(g, p, t, X), b = p.b(t);
  return s.map((v) => -b * v);
}

/**
 * Probability-flow velocity of the path, $\boldsymbol v(\boldsymbol x, t) = a'(t)\,\mathbb E[\boldsymbol x_0|\boldsymbol x] +
 * b'(t)\,\mathbb E[\boldsymbol\varepsilon|\boldsymbol x]$ (rectified flow: $\mathbb E[\boldsymbol x_1 - \boldsymbol x_0|\boldsymbol x]$).
 *
 * @param g data mixture
 * @param p the path
 * @param t the time (b(t) > 0)
 * @param X n×d points
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { gmmVelocity } from "@lib/diffusion/gmm_path.ts";
 * import { rectifiedFlowPath } from "@lib/diffusion/paths.ts";
 * // atom at 1 on the RF path: v = (x − 1)/t
 * assertAlmostEquals(gmmVelocity(makeGmm([1], [[1]], 0), rectifiedFlowPath(), 0.5, Float64Array.of(2))[0]!, 2, 1e-12);
 * ```
 */
export function gmmVelocity(g: Gmm, p: GaussianPath, t: number, X: Float64Array): Float64Array {
  const { K, a, b } = _pathArgs("gmmVelocity", g, p, t);
  const d = g.d, n = _checkPoints("gmmVelocity", "X", X, d), c = marginal(g, a, b * b);
  const da = p.da(t), db = p.db(t), out = new Float64Array(n * d), r = new Float64Array(K);
  const meanX0 = new Float64Array(d), score = new Float64Array(d);
  // one pass: E[x0|x] and ∇log p accumulate over the components in the same order as gmmPosterior and gmmScore
  for (let j = 0; j < n; j++) {
    responsibilities(g, a, c, X, j * d, r);
    meanX0.fill(0);
    score.fill(0);
    for (let k = 0; k < K; k++) {
      const rk = r[k]!;
      if (rk === 0) continue;
      for (let i = 0; i < d; i++) {
        const v = g.vars[k * d + i]!, m = g.means[k * d + i]!, S = c.S[k * d + i]!, x = X[j * d + i]!;
        meanX0[i] = meanX0[i]! + rk * (m + (a * v / S) * (x - a * m));
        score[i] = score[i]! - rk * (x - a * m) / S;
      }
    }
    for (let i = 0; i < d; i++) out[j * d + i] = da * meanX0[i]! + db * (-b * score[i]!);
  }
  return out;
}

/**
 * Exact samples of $\boldsymbol x_0\sim p(\boldsymbol x_0|\boldsymbol x_t)$ for one point $\boldsymbol x_t$: a component k with
 * probability $r_k(\boldsymbol x_t)$, then $\mathcal N\big(\mathbb E[\boldsymbol x_0|\boldsymbol x_t,k], \boldsymbol v_k b^2/\boldsymbol S_k\big)$.
 *
 * @param g data mixture
 * @param p the path
 * @param t the time (b(t) > 0)
 * @param x one point x_t (d numbers)
 * @param m number of samples ≥ 1
 * @param rng random stream
 * @returns m×d samples
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { gmmPosteriorSample } from "@lib/diffusion/gmm_path.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * const S = gmmPosteriorSample(makeGmm([1, 1], [[-1], [1]], 0), vpCosinePath(), 0.1, Float64Array.of(0.9), 1000, createRng(1));
 * assertAlmostEquals(S.reduce((a, b) => a + b, 0) / 1000, 1, 1e-12); // atoms; x_t near +1 picks +1
 * ```
 */
export function gmmPosteriorSample(
  g: Gmm,
  p: GaussianPath,
  t: number,
  x: Float64Array,
  m: number,
  rng: Rng,
): Float64Array {
  const where = "gmmPosteriorSample";
  const { K, a, b } = _pathArgs(where, g, p, t);
  const d = g.d;
  if (!(x instanceof Float64Array) || x.length !== d) rangeError(where, "x.length", `d = ${d}`, x?.length);
  checkInt(where, "m", m, 1);
  if (typeof rng !== "function") typeError(where, "rng", "an Rng", rng);
  const b2 = b * b, r = new Float64Array(K), out = new Float64Array(m * d);
  responsibilities(g, a, marginal(g, a, b2), x, 0, r);
  for (let s = 0; s < m; s++) {
    let u = rng(), k = 0;
    for (; k < K - 1; k++) {
      u -= r[k]!;
      if (u < 0) break;
    }
    for (let i = 0; i < d; i++) {
      const v = g.vars[k * d + i]!, mk = g.means[k * d + i]!, S = a * a * v + b2;
      out[s * d + i] = mk + (a * v / S) * (x[i]! - a * mk) + Math.sqrt(v * b2 / S) * rng.normal();
    }
  }
  return out;
}
