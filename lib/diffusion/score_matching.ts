/**
 * Score matching (SM) versus conditional score matching (CSM) for a Gaussian path
 * $\boldsymbol x_t = a\boldsymbol x_0 + b\boldsymbol\varepsilon$ (Su, "score matching = conditional score matching",
 * https://kexue.fm/archives/9509; Vincent 2011):
 *
 * $$\mathrm{SM} = \mathbb E_{\boldsymbol x_t}\Vert\nabla\log p_t(\boldsymbol x_t) - \boldsymbol s(\boldsymbol x_t)\Vert^2,\qquad
 * \mathrm{CSM} = \mathbb E_{\boldsymbol x_0,\boldsymbol x_t}\Vert\nabla_{\boldsymbol x_t}\log p_t(\boldsymbol x_t|\boldsymbol x_0) - \boldsymbol s(\boldsymbol x_t)\Vert^2 .$$
 *
 * For this kernel the conditional score is $\boldsymbol c = -(\boldsymbol x_t - a\boldsymbol x_0)/b^2 = -\boldsymbol\varepsilon/b$ and,
 * per point, $\mathbb E_{\boldsymbol x_0|\boldsymbol x_t}\Vert\boldsymbol c - \boldsymbol s\Vert^2 = \Vert\nabla\log p_t - \boldsymbol s\Vert^2 +
 * \frac{a^2}{b^4}\operatorname{tr}\operatorname{Cov}(\boldsymbol x_0|\boldsymbol x_t)$, so CSM − SM does not depend on the model.
 *
 * A "model" here is any map from n×d points to n×d vectors. Losses are means over points of squared norms.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkInt, rangeError, typeError } from "../core/validate.ts";
import { _checkPoints, type Gmm } from "../prob/gmm.ts";
import { _pathArgs, gmmPosterior, gmmPosteriorSample, gmmScore } from "./gmm_path.ts";
import type { GaussianPath } from "./paths.ts";

/** A score model on plain numbers: n×d points → n×d vectors. */
export type ScoreModel = (X: Float64Array) => Float64Array;

function pathAB(where: string, p: GaussianPath, t: number): { a: number; b: number } {
  if (p === null || typeof p !== "object" || typeof p.a !== "function") {
    typeError(where, "p", "a GaussianPath", p);
  }
  if (typeof t !== "number" || !Number.isFinite(t)) rangeError(where, "t", "a finite number", t);
  const a = p.a(t), b = p.b(t);
  if (!(b > 0)) rangeError(where, "b(t)", "> 0", b);
  return { a, b };
}

function callModel(where: string, model: ScoreModel, X: Float64Array): Float64Array {
  if (typeof model !== "function") typeError(where, "model", "a function X ↦ scores", model);
  const s = model(X);
  if (!(s instanceof Float64Array) || s.length !== X.length) {
    rangeError(where, "model(X)", `a Float64Array of length ${X.length}`, s);
  }
  return s;
}

/**
 * Conditional score of the Gaussian kernel, $\nabla_{\boldsymbol x_t}\log p_t(\boldsymbol x_t|\boldsymbol x_0) =
 * -(\boldsymbol x_t - a\boldsymbol x_0)/b^2$, elementwise over matching arrays.
 *
 * @param p the path
 * @param t the time (b(t) > 0)
 * @param xt points x_t (any length)
 * @param x0 the matching x_0 (same length)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { conditionalScore } from "@lib/diffusion/score_matching.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * const p = vpCosinePath(), a = p.a(0.3), b = p.b(0.3), eps = 0.7, x0 = 2;
 * const c = conditionalScore(p, 0.3, Float64Array.of(a * x0 + b * eps), Float64Array.of(x0));
 * assertAlmostEquals(c[0]!, -eps / b, 1e-12);
 * ```
 */
export function conditionalScore(
  p: GaussianPath,
  t: number,
  xt: Float64Array,
  x0: Float64Array,
): Float64Array {
  const { a, b } = pathAB("conditionalScore", p, t);
  if (!(xt instanceof Float64Array) || !(x0 instanceof Float64Array)) {
    typeError("conditionalScore", "xt, x0", "Float64Arrays", !(xt instanceof Float64Array) ? xt : x0);
  }
  if (xt.length !== x0.length) {
    rangeError("conditionalScore", "x0.length", `xt.length = ${xt.length}`, x0.length);
  }
  const b2 = b * b;
  return xt.map((x, i) => -(x - a * x0[i]!) / b2);
}

/**
 * Plug-in estimate of the marginal score from a pool of data points (eq. 3 with sample means, a self-normalised
 * ratio estimator, biased for a finite pool):
 * $$\hat{\boldsymbol s}(\boldsymbol x_t) = \frac{\sum_j\nabla_{\boldsymbol x_t}p_t(\boldsymbol x_t|\boldsymbol x_0^{(j)})}{\sum_j p_t(\boldsymbol x_t|\boldsymbol x_0^{(j)})}
 * = \sum_j w_j\,\boldsymbol c(\boldsymbol x_t, \boldsymbol x_0^{(j)}),\quad w_j\propto e^{-\Vert\boldsymbol x_t - a\boldsymbol x_0^{(j)}\Vert^2/2b^2}.$$
 *
 * @param p the path
 * @param t the time (b(t) > 0)
 * @param xt n×d points x_t
 * @param pool M×d data points x_0^{(j)}
 * @param d the dimension
 * @returns n×d estimates
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { plugInScore } from "@lib/diffusion/score_matching.ts";
 * import { rectifiedFlowPath } from "@lib/diffusion/paths.ts";
 * // a symmetric pool {−1, 1} and x_t = 0: the two pulls cancel
 * assertAlmostEquals(plugInScore(rectifiedFlowPath(), 0.5, Float64Array.of(0), Float64Array.of(-1, 1), 1)[0]!, 0, 1e-12);
 * ```
 */
export function plugInScore(
  p: GaussianPath,
  t: number,
  xt: Float64Array,
  pool: Float64Array,
  d: number,
): Float64Array {
  const where = "plugInScore";
  const { a, b } = pathAB(where, p, t);
  checkInt(where, "d", d, 1);
  const n = _checkPoints(where, "xt", xt, d), M = _checkPoints(where, "pool", pool, d);
  const b2 = b * b, out = new Float64Array(n * d), lw = new Float64Array(M), mean = new Float64Array(d);
  for (let j = 0; j < n; j++) {
    let mx = -Infinity;
    for (let q = 0; q < M; q++) {
      let s = 0;
      for (let i = 0; i < d; i++) {
        const z = xt[j * d + i]! - a * pool[q * d + i]!;
        s += z * z;
      }
      lw[q] = -s / (2 * b2);
      if (lw[q]! > mx) mx = lw[q]!;
    }
    let tot = 0;
    mean.fill(0);
    for (let q = 0; q < M; q++) {
      const w = Math.exp(lw[q]! - mx);
      tot += w;
      for (let i = 0; i < d; i++) mean[i] = mean[i]! + w * pool[q * d + i]!;
    }
    for (let i = 0; i < d; i++) out[j * d + i] = -(xt[j * d + i]! - a * mean[i]! / tot) / b2;
  }
  return out;
}

function meanSqDiff(u: Float64Array, v: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += (u[i]! - v[i]!) ** 2;
  return s / n;
}

/**
 * Exact score-matching loss on given points: $\frac1n\sum_j\Vert\nabla\log p_t(\boldsymbol x_j) - \boldsymbol s(\boldsymbol x_j)\Vert^2$.
 *
 * @param model the score model
 * @param g data mixture p_0
 * @param p the path
 * @param t the time
 * @param Xt n×d points (normally drawn from p_t)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { gmmScore } from "@lib/diffusion/gmm_path.ts";
 * import { smLossExact } from "@lib/diffusion/score_matching.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * const g = makeGmm([1, 1], [[-1], [1]], 0.1), p = vpCosinePath();
 * assertEquals(smLossExact((X) => gmmScore(g, p, 0.5, X), g, p, 0.5, Float64Array.of(0.3, -2)), 0);
 * ```
 */
export function smLossExact(model: ScoreModel, g: Gmm, p: GaussianPath, t: number, Xt: Float64Array): number {
  const n = _checkPoints("smLossExact", "Xt", Xt, g.d);
  return meanSqDiff(gmmScore(g, p, t, Xt), callModel("smLossExact", model, Xt), n);
}

/**
 * CSM loss with the inner expectation over $\boldsymbol x_0|\boldsymbol x_t$ done in closed form (eq. 8):
 * $\frac1n\sum_j\big[\Vert\nabla\log p_t(\boldsymbol x_j) - \boldsymbol s(\boldsymbol x_j)\Vert^2 + \frac{a^2}{b^4}\operatorname{tr}\operatorname{Cov}(\boldsymbol x_0|\boldsymbol x_j)\big]$.
 *
 * @param model the score model
 * @param g data mixture p_0
 * @param p the path
 * @param t the time
 * @param Xt n×d points (normally drawn from p_t)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { csmLossClosedForm } from "@lib/diffusion/score_matching.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * // one atom: the posterior is certain, so CSM = SM; the zero model scores ‖x_t − a m‖²/b⁴
 * const p = vpCosinePath(), a = p.a(0.5), b = p.b(0.5);
 * const v = csmLossClosedForm((X) => new Float64Array(X.length), makeGmm([1], [[1]], 0), p, 0.5, Float64Array.of(2));
 * assertAlmostEquals(v, (2 - a) ** 2 / b ** 4, 1e-12);
 * ```
 */
export function csmLossClosedForm(
  model: ScoreModel,
  g: Gmm,
  p: GaussianPath,
  t: number,
  Xt: Float64Array,
): number {
  const where = "csmLossClosedForm";
  const { a, b } = _pathArgs(where, g, p, t);
  const n = _checkPoints(where, "Xt", Xt, g.d);
  const { meanX0, trCovX0 } = gmmPosterior(g, p, t, Xt);
  const s = callModel(where, model, Xt), b2 = b * b, c = a * a / (b2 * b2);
  let tot = 0;
  for (let j = 0; j < Xt.length; j++) {
    const score = -(Xt[j]! - a * meanX0[j]!) / b2;
    tot += (score - s[j]!) ** 2;
  }
  for (let j = 0; j < n; j++) tot += c * trCovX0[j]!;
  return tot / n;
}

/**
 * Plain Monte-Carlo CSM: one $\boldsymbol\varepsilon$ per data point, $\boldsymbol x_t = a\boldsymbol x_0 + b\boldsymbol\varepsilon$,
 * loss $\frac1n\sum_j\Vert-\boldsymbol\varepsilon_j/b - \boldsymbol s(\boldsymbol x_{t,j})\Vert^2$ (unbiased for CSM).
 *
 * @param model the score model
 * @param X0 n×d data points
 * @param p the path
 * @param t the time
 * @param rng random stream for ε
 * @param d the dimension (an addition to the planned signature: the loss is a mean over points)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { csmLossMonteCarlo } from "@lib/diffusion/score_matching.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * // zero model: E‖ε/b‖² = d/b² = 2 at t = 0.5 in 1-D
 * const v = csmLossMonteCarlo((X) => new Float64Array(X.length), new Float64Array(20000), vpCosinePath(), 0.5, createRng(3), 1);
 * assertAlmostEquals(v, 2, 0.06);
 * ```
 */
export function csmLossMonteCarlo(
  model: ScoreModel,
  X0: Float64Array,
  p: GaussianPath,
  t: number,
  rng: Rng,
  d: number,
): number {
  const where = "csmLossMonteCarlo";
  const { a, b } = pathAB(where, p, t);
  checkInt(where, "d", d, 1);
  const n = _checkPoints(where, "X0", X0, d);
  if (typeof rng !== "function") typeError(where, "rng", "an Rng", rng);
  const eps = Float64Array.from({ length: X0.length }, () => rng.normal());
  const Xt = X0.map((x, i) => a * x + b * eps[i]!);
  return meanSqDiff(eps.map((e) => -e / b), callModel(where, model, Xt), n);
}

/**
 * The model-free gap CSM − SM estimated on points $\boldsymbol x_j\sim p_t$, two ways:
 * `viaScoreNorm` $= d/b^2 - \frac1n\sum_j\Vert\nabla\log p_t(\boldsymbol x_j)\Vert^2$ (uses $\mathbb E\Vert\boldsymbol\varepsilon/b\Vert^2 = d/b^2$, so
 * it equals the gap only in expectation over $\boldsymbol x_t$) and `viaPosteriorCov` $= \frac1n\sum_j\frac{a^2}{b^4}\operatorname{tr}\operatorname{Cov}(\boldsymbol x_0|\boldsymbol x_j)$
 * (the per-point gap, averaged), each with its standard error over the points.
 *
 * @param g data mixture
 * @param p the path
 * @param t the time
 * @param Xt n×d points from p_t (n ≥ 2)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { smCsmGap } from "@lib/diffusion/score_matching.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * // K = 1, N(0, v): tr Cov(x0|xt) = v b²/(a² v + b²) at every point
 * const p = vpCosinePath(), a = p.a(0.5), b = p.b(0.5), v = 0.3;
 * const gap = smCsmGap(makeGmm([1], [[0]], v), p, 0.5, Float64Array.of(0.1, -0.4));
 * assertAlmostEquals(gap.viaPosteriorCov, a * a * v / (b * b * (a * a * v + b * b)), 1e-12);
 * ```
 */
export function smCsmGap(
  g: Gmm,
  p: GaussianPath,
  t: number,
  Xt: Float64Array,
): { viaScoreNorm: number; viaPosteriorCov: number; seScoreNorm: number; sePosteriorCov: number } {
  const where = "smCsmGap";
  const { a, b } = _pathArgs(where, g, p, t);
  const d = g.d, n = _checkPoints(where, "Xt", Xt, d);
  if (n < 2) rangeError(where, "number of points", "≥ 2", n);
  const s = gmmScore(g, p, t, Xt), { trCovX0 } = gmmPosterior(g, p, t, Xt);
  const b2 = b * b, c = a * a / (b2 * b2);
  const u = new Float64Array(n), w = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let q = 0;
    for (let i = 0; i < d; i++) q += s[j * d + i]! ** 2;
    u[j] = d / b2 - q;
    w[j] = c * trCovX0[j]!;
  }
  const stats = (x: Float64Array) => {
    let m = 0, v = 0;
    for (const y of x) m += y;
    m /= n;
    for (const y of x) v += (y - m) ** 2;
    return [m, Math.sqrt(v / (n - 1) / n)] as const;
  };
  const [m1, s1] = stats(u), [m2, s2] = stats(w);
  return { viaScoreNorm: m1, viaPosteriorCov: m2, seScoreNorm: s1, sePosteriorCov: s2 };
}

/**
 * Bias and RMSE of the plug-in score ({@link plugInScore}) at one point $\boldsymbol x_t$ as a function of the pool
 * size M: for each M, `reps` independent pools of M draws from $p_0$; bias $= \Vert\overline{\hat{\boldsymbol s}_M} - \nabla\log p_t\Vert$,
 * RMSE $= \sqrt{\overline{\Vert\hat{\boldsymbol s}_M - \nabla\log p_t\Vert^2}}$.
 *
 * @param g data mixture p_0
 * @param p the path
 * @param t the time
 * @param x one point x_t (d numbers)
 * @param Ms pool sizes (integers ≥ 1)
 * @param reps repetitions per size ≥ 2
 * @param rng random stream
 * @param sample draws n points from p_0 (the caller passes e.g. `(n, r) => gmmSample(g, n, r)`)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gmmSample, makeGmm } from "@lib/prob/gmm.ts";
 * import { plugInBias } from "@lib/diffusion/score_matching.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * const g = makeGmm([1, 1], [[-1], [1]], 0.01);
 * const rows = plugInBias(g, vpCosinePath(), 0.3, Float64Array.of(0.5), [1, 256], 200, createRng(0), (n, r) => gmmSample(g, n, r));
 * assert(rows[1]!.bias < rows[0]!.bias);
 * ```
 */
export function plugInBias(
  g: Gmm,
  p: GaussianPath,
  t: number,
  x: Float64Array,
  Ms: number[],
  reps: number,
  rng: Rng,
  sample: (n: number, rng: Rng) => Float64Array,
): { M: number; bias: number; rmse: number }[] {
  const where = "plugInBias";
  _pathArgs(where, g, p, t);
  const d = g.d;
  if (!(x instanceof Float64Array) || x.length !== d) rangeError(where, "x.length", `d = ${d}`, x?.length);
  checkInt(where, "reps", reps, 2);
  if (!Array.isArray(Ms) || Ms.length === 0) typeError(where, "Ms", "a non-empty array of pool sizes", Ms);
  const exact = gmmScore(g, p, t, x);
  return Ms.map((M, mi) => {
    checkInt(where, `Ms[${mi}]`, M, 1);
    const mean = new Float64Array(d);
    let sq = 0;
    for (let r = 0; r < reps; r++) {
      const s = plugInScore(p, t, x, sample(M, rng), d);
      for (let i = 0; i < d; i++) {
        mean[i] = mean[i]! + s[i]! / reps;
        sq += (s[i]! - exact[i]!) ** 2 / reps;
      }
    }
    let b2 = 0;
    for (let i = 0; i < d; i++) b2 += (mean[i]! - exact[i]!) ** 2;
    return { M, bias: Math.sqrt(b2), rmse: Math.sqrt(sq) };
  });
}

/**
 * Error of the posterior-average identity (eq. 5) estimated with M exact posterior draws: the norm of
 * $\frac1M\sum_m\boldsymbol c(\boldsymbol x_t,\boldsymbol x_0^{(m)}) - \nabla\log p_t(\boldsymbol x_t)$, $\boldsymbol x_0^{(m)}\sim p(\boldsymbol x_0|\boldsymbol x_t)$.
 *
 * @param g data mixture
 * @param p the path
 * @param t the time
 * @param x one point x_t (d numbers)
 * @param M number of posterior draws ≥ 1
 * @param rng random stream
 * @returns `{ error, estimate }` (estimate: d numbers)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { posteriorAverageError } from "@lib/diffusion/score_matching.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * const g = makeGmm([1, 1], [[-1, 0], [1, 0]], 0.05);
 * assert(posteriorAverageError(g, vpCosinePath(), 0.5, Float64Array.of(0.2, 0.1), 100000, createRng(0)).error < 0.02);
 * ```
 */
export function posteriorAverageError(
  g: Gmm,
  p: GaussianPath,
  t: number,
  x: Float64Array,
  M: number,
  rng: Rng,
): { error: number; estimate: Float64Array } {
  const { a, b } = _pathArgs("posteriorAverageError", g, p, t);
  const d = g.d, X0 = gmmPosteriorSample(g, p, t, x, M, rng), est = new Float64Array(d), b2 = b * b;
  for (let m = 0; m < M; m++) {
    for (let i = 0; i < d; i++) est[i] = est[i]! - (x[i]! - a * X0[m * d + i]!) / b2 / M;
  }
  const exact = gmmScore(g, p, t, x);
  let e = 0;
  for (let i = 0; i < d; i++) e += (est[i]! - exact[i]!) ** 2;
  return { error: Math.sqrt(e), estimate: est };
}
