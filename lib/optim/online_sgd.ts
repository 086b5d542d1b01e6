/**
 * Online convex optimisation: projected SGD on a stream of convex losses and its regret bound
 * (Zinkevich 2003, as presented in "Making alchemy more scientific (1)", https://kexue.fm/archives/9902).
 *
 * With samples $\boldsymbol x_1, \boldsymbol x_2, \dots$ fixed by the stream, SGD visits
 * $\boldsymbol\theta_{t+1} = \Pi_\Theta\big(\boldsymbol\theta_t - \eta_t\boldsymbol g(\boldsymbol x_t, \boldsymbol\theta_t)\big)$
 * and, for convex losses, a convex set Θ of diameter D, gradients bounded by G and a non-increasing
 * $\eta_t$, its average regret against any fixed $\boldsymbol\theta^* \in \Theta$ satisfies
 * $$\frac1T\sum_{t=1}^T L(\boldsymbol x_t,\boldsymbol\theta_t) - \frac1T\sum_{t=1}^T L(\boldsymbol x_t,\boldsymbol\theta^*)
 * \le \frac{D^2}{2T\eta_T} + \frac{G^2}{2T}\sum_{t=1}^T\eta_t.$$
 *
 * Plain TypeScript, Float64. Sample indices are 1-based (`t = 1 … T`) as in the article.
 *
 * @module
 */
import {
  checkFinite,
  checkInt,
  checkLength,
  checkPositive,
  rangeError,
  typeError,
} from "../core/validate.ts";
import { createRng } from "../core/rng.ts";
import { sigmoid, softplus } from "../core/special.ts";

/** A stream of losses $L(\boldsymbol x_t, \cdot)$ on $\mathbb R^{dim}$; sample t (1-based) is fixed by the stream. */
export interface OnlineProblem {
  /** The parameter dimension d. */
  readonly dim: number;
  /** The number of samples in the stream (the largest usable horizon). */
  readonly length: number;
  /** Loss and gradient of sample t (1 ≤ t ≤ length) at θ (a new gradient array). */
  lossGrad(theta: Float64Array, t: number): { loss: number; grad: Float64Array };
}

/** The record of one online SGD run of horizon T (arrays indexed from 0 for t = 1). */
export interface OnlineRun {
  /** $L(\boldsymbol x_t, \boldsymbol\theta_t)$, the loss met at step t (before the update), length T. */
  losses: Float64Array;
  /** $\boldsymbol\theta_1, \dots, \boldsymbol\theta_{T+1}$ (length T + 1). */
  thetas: Float64Array[];
  /** $\Vert\boldsymbol g(\boldsymbol x_t, \boldsymbol\theta_t)\Vert$, length T. */
  gradNorms: Float64Array;
  /** The learning rates $\eta_1, \dots, \eta_T$ used. */
  etas: Float64Array;
}

function _norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

function _checkVector(where: string, name: string, x: unknown, dim?: number): Float64Array {
  if (!(x instanceof Float64Array)) typeError(where, name, "a Float64Array", x);
  checkLength(where, name, x, dim);
  for (let i = 0; i < x.length; i++) checkFinite(where, `${name}[${i}]`, x[i]);
  return x;
}

function _checkProblem(where: string, p: unknown): OnlineProblem {
  const q = p as OnlineProblem;
  if (q === null || typeof q !== "object" || typeof q.lossGrad !== "function") {
    typeError(where, "p", "an OnlineProblem { dim, length, lossGrad }", p);
  }
  checkInt(where, "p.dim", q.dim, 1);
  checkInt(where, "p.length", q.length, 1);
  return q;
}

function _checkHorizon(where: string, p: OnlineProblem, T: unknown): number {
  return checkInt(where, "T", T, 1, p.length);
}

/**
 * Euclidean projection onto the ball $\{\boldsymbol\theta : \Vert\boldsymbol\theta - \boldsymbol c\Vert \le R\}$:
 * $\Pi(\boldsymbol\varphi) = \boldsymbol c + (\boldsymbol\varphi - \boldsymbol c)\min\big(1, R/\Vert\boldsymbol\varphi - \boldsymbol c\Vert\big)$.
 * Returns a new array (x unchanged when it is inside).
 *
 * @param x the point $\boldsymbol\varphi$
 * @param radius R > 0
 * @param center $\boldsymbol c$ (default 0)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { projectBall } from "@lib/optim/online_sgd.ts";
 * assertEquals(Array.from(projectBall(Float64Array.of(6, 8), 5)), [3, 4]); // scaled by 5/10
 * assertEquals(Array.from(projectBall(Float64Array.of(3, 4), 5)), [3, 4]); // inside: unchanged
 * ```
 */
export function projectBall(x: Float64Array, radius: number, center?: Float64Array): Float64Array {
  const where = "projectBall";
  _checkVector(where, "x", x);
  checkPositive(where, "radius", radius);
  if (center !== undefined) _checkVector(where, "center", center, x.length);
  const out = Float64Array.from(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]! - (center?.[i] ?? 0);
    s += v * v;
  }
  const r = Math.sqrt(s);
  if (r <= radius) return out;
  const f = radius / r;
  for (let i = 0; i < x.length; i++) {
    const c = center?.[i] ?? 0;
    out[i] = c + (x[i]! - c) * f;
  }
  return out;
}

/**
 * Euclidean projection onto the box $[lo, hi]^d$: coordinate-wise clipping.
 *
 * @param x the point
 * @param lo lower bound of every coordinate
 * @param hi upper bound, ≥ lo
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { projectBox } from "@lib/optim/online_sgd.ts";
 * assertEquals(Array.from(projectBox(Float64Array.of(-2, 0.5, 3), -1, 1)), [-1, 0.5, 1]);
 * ```
 */
export function projectBox(x: Float64Array, lo: number, hi: number): Float64Array {
  const where = "projectBox";
  _checkVector(where, "x", x);
  checkFinite(where, "lo", lo);
  checkFinite(where, "hi", hi);
  if (hi < lo) rangeError(where, "hi", `≥ lo = ${lo}`, hi);
  return x.map((v) => Math.min(hi, Math.max(lo, v)));
}

/**
 * The two inequalities behind the non-expansiveness of a projection onto a convex set, for one pair
 * ($\boldsymbol\varphi$ anywhere, $\boldsymbol\theta \in \Theta$), written as slacks that must be ≥ 0:
 * `inner` $= (\Pi(\boldsymbol\varphi) - \boldsymbol\theta)\cdot(\boldsymbol\varphi - \Pi(\boldsymbol\varphi))$ and
 * `pythagoras` $= \Vert\boldsymbol\varphi-\boldsymbol\theta\Vert^2 - \Vert\Pi(\boldsymbol\varphi)-\boldsymbol\theta\Vert^2
 * - \Vert\boldsymbol\varphi-\Pi(\boldsymbol\varphi)\Vert^2$ (equal to 2·inner, computed independently).
 *
 * @param phi the point to project
 * @param theta a point of Θ
 * @param project the projection onto Θ
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { projectBall, projectionSlack } from "@lib/optim/online_sgd.ts";
 * const s = projectionSlack(Float64Array.of(2, 0), Float64Array.of(0, 0.5), (x) => projectBall(x, 1));
 * assert(s.inner >= 0 && s.pythagoras >= 0); // inner = 1, pythagoras = 2
 * ```
 */
export function projectionSlack(
  phi: Float64Array,
  theta: Float64Array,
  project: (x: Float64Array) => Float64Array,
): { inner: number; pythagoras: number } {
  const where = "projectionSlack";
  _checkVector(where, "phi", phi);
  _checkVector(where, "theta", theta, phi.length);
  if (typeof project !== "function") typeError(where, "project", "a function", project);
  const p = project(phi);
  _checkVector(where, "project(phi)", p, phi.length);
  let inner = 0, a = 0, b = 0, c = 0;
  for (let i = 0; i < phi.length; i++) {
    const pt = p[i]! - theta[i]!, fp = phi[i]! - p[i]!, ft = phi[i]! - theta[i]!;
    inner += pt * fp;
    a += ft * ft;
    b += pt * pt;
    c += fp * fp;
  }
  return { inner, pythagoras: a - b - c };
}

/**
 * A seeded online logistic-regression stream: $\boldsymbol x_t$ uniform on the unit sphere of
 * $\mathbb R^{dim}$ (so $\Vert\boldsymbol g\Vert \le 1 = G$), a fixed unit vector $\boldsymbol w$, labels
 * $y_t \sim \text{Bernoulli}(\sigma(\text{scale}\cdot\boldsymbol w\cdot\boldsymbol x_t))$, and the convex loss
 * $$L(\boldsymbol x, y, \boldsymbol\theta) = \log(1 + e^{\boldsymbol\theta\cdot\boldsymbol x}) - y\,\boldsymbol\theta\cdot\boldsymbol x,
 * \qquad \boldsymbol g = (\sigma(\boldsymbol\theta\cdot\boldsymbol x) - y)\,\boldsymbol x.$$
 * The data (`xs`, flat T×dim; `ys`; `w`) are exposed for inspection.
 *
 * @param cfg `dim` ≥ 1, `T` samples ≥ 1, `scale` ≥ 0 (label sharpness), `seed` for {@link createRng}
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { logisticStream } from "@lib/optim/online_sgd.ts";
 * const p = logisticStream({ dim: 3, T: 10, scale: 3, seed: 0 });
 * const { loss, grad } = p.lossGrad(new Float64Array(3), 1);
 * assertAlmostEquals(loss, Math.log(2), 1e-15); // θ = 0: log 2 whatever the label
 * assertAlmostEquals(Math.hypot(...grad), 0.5, 1e-12); // |σ(0) − y|·‖x‖ = 1/2
 * ```
 */
export function logisticStream(
  cfg: { dim: number; T: number; scale: number; seed: number },
): OnlineProblem & { xs: Float64Array; ys: Uint8Array; w: Float64Array } {
  const where = "logisticStream";
  if (cfg === null || typeof cfg !== "object") typeError(where, "cfg", "an object", cfg);
  const dim = checkInt(where, "cfg.dim", cfg.dim, 1);
  const T = checkInt(where, "cfg.T", cfg.T, 1);
  const scale = checkFinite(where, "cfg.scale", cfg.scale);
  if (scale < 0) rangeError(where, "cfg.scale", "≥ 0", scale);
  const rng = createRng(checkInt(where, "cfg.seed", cfg.seed, 0));
  const unit = (r: typeof rng) => {
    const v = Float64Array.from({ length: dim }, () => r.normal());
    const n = _norm(v);
    return v.map((z) => z / n);
  };
  const w = unit(rng.fork("w"));
  const data = rng.fork("data");
  const xs = new Float64Array(T * dim), ys = new Uint8Array(T);
  for (let t = 0; t < T; t++) {
    const x = unit(data);
    xs.set(x, t * dim);
    let z = 0;
    for (let i = 0; i < dim; i++) z += w[i]! * x[i]!;
    ys[t] = data() < sigmoid(scale * z) ? 1 : 0;
  }
  return {
    dim,
    length: T,
    xs,
    ys,
    w,
    lossGrad(theta: Float64Array, t: number) {
      checkInt("logisticStream.lossGrad", "t", t, 1, T);
      const o = (t - 1) * dim, y = ys[t - 1]!;
      let z = 0;
      for (let i = 0; i < dim; i++) z += theta[i]! * xs[o + i]!;
      const r = sigmoid(z) - y, grad = new Float64Array(dim);
      for (let i = 0; i < dim; i++) grad[i] = r * xs[o + i]!;
      return { loss: softplus(z) - y * z, grad };
    },
  };
}

/**
 * A deliberately non-convex stream for contrast: scalar inputs $x_t$ uniform on $[-x_{max}, x_{max}]$,
 * targets $y_t = b\tanh(a x_t)$, and the one-hidden-unit loss on $\boldsymbol\theta = (\theta_1, \theta_2)$
 * $$L(x, y, \boldsymbol\theta) = \big(\theta_2\tanh(\theta_1 x) - y\big)^2,$$
 * for which $\boldsymbol\theta = 0$ is a stationary point of every sample's loss.
 *
 * @param cfg `T` samples, `a`, `b` the teacher, `xMax` > 0, `seed`
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { tanhUnitStream } from "@lib/optim/online_sgd.ts";
 * const p = tanhUnitStream({ T: 5, a: 1.5, b: 1, xMax: 2, seed: 0 });
 * assert(p.lossGrad(new Float64Array(2), 3).grad.every((g) => g === 0)); // stuck at the saddle
 * ```
 */
export function tanhUnitStream(
  cfg: { T: number; a: number; b: number; xMax: number; seed: number },
): OnlineProblem & { xs: Float64Array; ys: Float64Array } {
  const where = "tanhUnitStream";
  if (cfg === null || typeof cfg !== "object") typeError(where, "cfg", "an object", cfg);
  const T = checkInt(where, "cfg.T", cfg.T, 1);
  const a = checkFinite(where, "cfg.a", cfg.a), b = checkFinite(where, "cfg.b", cfg.b);
  const xMax = checkPositive(where, "cfg.xMax", cfg.xMax);
  const rng = createRng(checkInt(where, "cfg.seed", cfg.seed, 0));
  const xs = Float64Array.from({ length: T }, () => xMax * (2 * rng() - 1));
  const ys = xs.map((x) => b * Math.tanh(a * x));
  return {
    dim: 2,
    length: T,
    xs,
    ys,
    lossGrad(theta: Float64Array, t: number) {
      checkInt("tanhUnitStream.lossGrad", "t", t, 1, T);
      const x = xs[t - 1]!, th = Math.tanh(theta[0]! * x), r = theta[1]! * th - ys[t - 1]!;
      return { loss: r * r, grad: Float64Array.of(2 * r * theta[1]! * (1 - th * th) * x, 2 * r * th) };
    },
  };
}

/**
 * Runs (projected) online SGD on the first T samples:
 * $\boldsymbol\theta_{t+1} = \Pi\big(\boldsymbol\theta_t - \eta_t\boldsymbol g(\boldsymbol x_t, \boldsymbol\theta_t)\big)$,
 * recording the loss met at each step. Without `project` it is plain SGD (the article's first proof).
 *
 * @param p the stream
 * @param cfg `T` (1 ≤ T ≤ p.length); `eta(t)` the learning rate of step t (positive, finite); optional
 *   `project` onto Θ; `theta0` = $\boldsymbol\theta_1$ (default 0)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { logisticStream, projectBall, runOnlineSgd } from "@lib/optim/online_sgd.ts";
 * const p = logisticStream({ dim: 2, T: 100, scale: 3, seed: 1 });
 * const run = runOnlineSgd(p, { T: 100, eta: (t) => 1 / Math.sqrt(t), project: (x) => projectBall(x, 2) });
 * assertEquals(run.thetas.length, 101);
 * ```
 */
export function runOnlineSgd(
  p: OnlineProblem,
  cfg: {
    T: number;
    eta: (t: number) => number;
    project?: (x: Float64Array) => Float64Array;
    theta0?: Float64Array;
  },
): OnlineRun {
  const where = "runOnlineSgd";
  _checkProblem(where, p);
  if (cfg === null || typeof cfg !== "object") typeError(where, "cfg", "an object", cfg);
  const T = _checkHorizon(where, p, cfg.T);
  if (typeof cfg.eta !== "function") typeError(where, "cfg.eta", "a function t => η_t", cfg.eta);
  if (cfg.project !== undefined && typeof cfg.project !== "function") {
    typeError(where, "cfg.project", "a function", cfg.project);
  }
  let theta: Float64Array = cfg.theta0 === undefined
    ? new Float64Array(p.dim)
    : Float64Array.from(_checkVector(where, "cfg.theta0", cfg.theta0, p.dim));
  const losses = new Float64Array(T), gradNorms = new Float64Array(T), etas = new Float64Array(T);
  const thetas: Float64Array[] = [theta];
  for (let t = 1; t <= T; t++) {
    const eta = cfg.eta(t);
    checkPositive(where, `cfg.eta(${t})`, eta);
    const { loss, grad } = p.lossGrad(theta, t);
    losses[t - 1] = loss;
    gradNorms[t - 1] = _norm(grad);
    etas[t - 1] = eta;
    let next: Float64Array = theta.map((v, i) => v - eta * grad[i]!);
    if (cfg.project) next = cfg.project(next);
    for (let i = 0; i < p.dim; i++) checkFinite(where, `θ_${t + 1}[${i}]`, next[i]);
    theta = next;
    thetas.push(theta);
  }
  return { losses, thetas, gradNorms, etas };
}

/**
 * The average loss of a fixed parameter on the first T samples, $\frac1T\sum_{t=1}^T L(\boldsymbol x_t, \boldsymbol\theta)$.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { averageLossAt, logisticStream } from "@lib/optim/online_sgd.ts";
 * const p = logisticStream({ dim: 4, T: 50, scale: 3, seed: 2 });
 * assertAlmostEquals(averageLossAt(p, new Float64Array(4), 50), Math.log(2), 1e-12);
 * ```
 */
export function averageLossAt(p: OnlineProblem, theta: Float64Array, T: number): number {
  const where = "averageLossAt";
  _checkProblem(where, p);
  _checkVector(where, "theta", theta, p.dim);
  _checkHorizon(where, p, T);
  let s = 0;
  for (let t = 1; t <= T; t++) s += p.lossGrad(theta, t).loss;
  return s / T;
}

function _checkHorizons(where: string, Ts: unknown, max: number): number[] {
  if (!Array.isArray(Ts) || Ts.length === 0) typeError(where, "Ts", "a non-empty array of horizons", Ts);
  Ts.forEach((T, i) => {
    checkInt(where, `Ts[${i}]`, T, i === 0 ? 1 : (Ts[i - 1] as number) + 1, max);
  });
  return Ts as number[];
}

/**
 * The average loss of a fixed parameter at several horizons in one pass over the stream:
 * entry i is $\frac1{T_i}\sum_{t\le T_i} L(\boldsymbol x_t, \boldsymbol\theta)$.
 *
 * @param p the stream
 * @param theta the fixed parameter
 * @param Ts strictly increasing horizons in [1, p.length]
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { averageLossAt, averageLossCurve, logisticStream } from "@lib/optim/online_sgd.ts";
 * const p = logisticStream({ dim: 3, T: 100, scale: 3, seed: 4 });
 * const theta = Float64Array.of(1, -1, 0.5);
 * assertAlmostEquals(averageLossCurve(p, theta, [10, 100])[0]!, averageLossAt(p, theta, 10), 1e-14);
 * ```
 */
export function averageLossCurve(p: OnlineProblem, theta: Float64Array, Ts: number[]): Float64Array {
  const where = "averageLossCurve";
  _checkProblem(where, p);
  _checkVector(where, "theta", theta, p.dim);
  _checkHorizons(where, Ts, p.length);
  const out = new Float64Array(Ts.length);
  let s = 0, k = 0;
  for (let t = 1; t <= Ts[Ts.length - 1]!; t++) {
    s += p.lossGrad(theta, t).loss;
    if (t === Ts[k]) out[k++] = s / t;
  }
  return out;
}

/**
 * The run's own average loss $\frac1{T_i}\sum_{t\le T_i} L(\boldsymbol x_t, \boldsymbol\theta_t)$ at several horizons
 * (the first term of the regret; subtract {@link averageLossCurve} of a comparator to get the regret curve).
 *
 * @param run a run of horizon ≥ max Ts
 * @param Ts strictly increasing horizons
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { runAverageLossCurve } from "@lib/optim/online_sgd.ts";
 * const run = { losses: Float64Array.of(3, 1, 2), thetas: [], gradNorms: new Float64Array(3), etas: new Float64Array(3) };
 * assertEquals(Array.from(runAverageLossCurve(run, [1, 3])), [3, 2]);
 * ```
 */
export function runAverageLossCurve(run: OnlineRun, Ts: number[]): Float64Array {
  const where = "runAverageLossCurve";
  if (run === null || typeof run !== "object" || !(run.losses instanceof Float64Array)) {
    typeError(where, "run", "an OnlineRun", run);
  }
  _checkHorizons(where, Ts, run.losses.length);
  const out = new Float64Array(Ts.length);
  let s = 0, k = 0;
  for (let t = 1; t <= Ts[Ts.length - 1]!; t++) {
    s += run.losses[t - 1]!;
    if (t === Ts[k]) out[k++] = s / t;
  }
  return out;
}

function _avgLossGrad(
  p: OnlineProblem,
  theta: Float64Array,
  T: number,
): { loss: number; grad: Float64Array } {
  const grad = new Float64Array(p.dim);
  let loss = 0;
  for (let t = 1; t <= T; t++) {
    const r = p.lossGrad(theta, t);
    loss += r.loss;
    for (let i = 0; i < p.dim; i++) grad[i] = grad[i]! + r.grad[i]!;
  }
  return { loss: loss / T, grad: grad.map((g) => g / T) };
}

/**
 * The best fixed parameter in hindsight within the ball $\Vert\boldsymbol\theta\Vert \le R$:
 * $\boldsymbol\theta^*_T = \mathop{\text{argmin}}_{\Vert\boldsymbol\theta\Vert\le R}\frac1T\sum_{t=1}^T L(\boldsymbol x_t,\boldsymbol\theta)$,
 * by projected gradient descent from 0 (stops early once a step moves θ by less than 1e-13).
 * For an L-smooth average loss, any `step` ≤ 1/L converges (logistic with ‖x‖ = 1: L ≤ 1/4).
 * Certify the result with {@link ballOptimalityGap}.
 *
 * @param p the stream (convex losses)
 * @param T horizon
 * @param radius R > 0
 * @param iters maximum iterations (default 3000)
 * @param step gradient step (default 2)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { ballOptimalityGap, bestFixedInBall, logisticStream } from "@lib/optim/online_sgd.ts";
 * const p = logisticStream({ dim: 3, T: 200, scale: 3, seed: 3 });
 * const best = bestFixedInBall(p, 200, 2);
 * assert(ballOptimalityGap(p, best, 200, 2) < 1e-9);
 * ```
 */
export function bestFixedInBall(
  p: OnlineProblem,
  T: number,
  radius: number,
  iters = 3000,
  step = 2,
): Float64Array {
  const where = "bestFixedInBall";
  _checkProblem(where, p);
  _checkHorizon(where, p, T);
  checkPositive(where, "radius", radius);
  checkInt(where, "iters", iters, 1);
  checkPositive(where, "step", step);
  let theta: Float64Array = new Float64Array(p.dim);
  for (let k = 0; k < iters; k++) {
    const { grad } = _avgLossGrad(p, theta, T);
    const next = projectBall(theta.map((v, i) => v - step * grad[i]!), radius);
    let moved = 0;
    for (let i = 0; i < p.dim; i++) moved = Math.max(moved, Math.abs(next[i]! - theta[i]!));
    theta = next;
    if (moved < 1e-13) break;
  }
  return theta;
}

/**
 * A certificate of near-optimality in the ball (the Frank–Wolfe gap): for a convex average loss f,
 * $$f(\hat{\boldsymbol\theta}) - \min_{\Vert\boldsymbol\theta\Vert\le R} f(\boldsymbol\theta) \le
 * \max_{\Vert\boldsymbol\theta\Vert\le R}\nabla f(\hat{\boldsymbol\theta})\cdot(\hat{\boldsymbol\theta}-\boldsymbol\theta)
 * = \nabla f(\hat{\boldsymbol\theta})\cdot\hat{\boldsymbol\theta} + R\,\Vert\nabla f(\hat{\boldsymbol\theta})\Vert,$$
 * by the convexity inequality. So `averageLossAt(θ̂) − gap` is a guaranteed lower bound on the best loss.
 *
 * @param p the stream (convex losses)
 * @param theta $\hat{\boldsymbol\theta}$ inside the ball
 * @param T horizon
 * @param radius R
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { ballOptimalityGap, logisticStream } from "@lib/optim/online_sgd.ts";
 * const p = logisticStream({ dim: 2, T: 1, scale: 0, seed: 0 });
 * // θ̂ = 0: ∇f = (σ(0) − y) x has norm 1/2, so the gap is R/2
 * assertAlmostEquals(ballOptimalityGap(p, new Float64Array(2), 1, 2), 1, 1e-12);
 * ```
 */
export function ballOptimalityGap(p: OnlineProblem, theta: Float64Array, T: number, radius: number): number {
  const where = "ballOptimalityGap";
  _checkProblem(where, p);
  _checkVector(where, "theta", theta, p.dim);
  _checkHorizon(where, p, T);
  checkPositive(where, "radius", radius);
  if (_norm(theta) > radius * (1 + 1e-12)) rangeError(where, "‖theta‖", `≤ radius = ${radius}`, _norm(theta));
  const { grad } = _avgLossGrad(p, theta, T);
  let gt = 0;
  for (let i = 0; i < p.dim; i++) gt += grad[i]! * theta[i]!;
  return Math.max(0, gt + radius * _norm(grad));
}

/**
 * The right side of the regret bound for learning rates $\eta_1 \ge \dots \ge \eta_T > 0$:
 * $$\frac{D^2}{2T\eta_T} + \frac{G^2}{2T}\sum_{t=1}^T\eta_t.$$
 * With a constant $\eta = D/(G\sqrt T)$ it equals $DG/\sqrt T$.
 *
 * @param D the diameter (or $\max_t\Vert\boldsymbol\theta_t-\boldsymbol\theta^*\Vert$), ≥ 0
 * @param G the gradient-norm bound, ≥ 0
 * @param etas the learning rates, positive and non-increasing (the assumption of the proof)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { regretBound } from "@lib/optim/online_sgd.ts";
 * const T = 100, eta = 4 / (1 * Math.sqrt(T));
 * assertAlmostEquals(regretBound(4, 1, new Float64Array(T).fill(eta)), 4 / Math.sqrt(T), 1e-12);
 * ```
 */
export function regretBound(D: number, G: number, etas: ArrayLike<number>): number {
  const where = "regretBound";
  checkFinite(where, "D", D);
  checkFinite(where, "G", G);
  if (D < 0) rangeError(where, "D", "≥ 0", D);
  if (G < 0) rangeError(where, "G", "≥ 0", G);
  checkLength(where, "etas", etas);
  let sum = 0;
  for (let t = 0; t < etas.length; t++) {
    checkPositive(where, `etas[${t}]`, etas[t]);
    if (t > 0 && etas[t]! > etas[t - 1]!) {
      rangeError(where, `etas[${t}]`, `≤ etas[${t - 1}] = ${etas[t - 1]} (non-increasing)`, etas[t]);
    }
    sum += etas[t]!;
  }
  const T = etas.length;
  return (D * D) / (2 * T * etas[T - 1]!) + (G * G * sum) / (2 * T);
}

/**
 * $\sum_{t=1}^T 1/\sqrt t$, which the article bounds by $2\sqrt T - 1 < 2\sqrt T$ (summed from the small terms up).
 *
 * @param T ≥ 1
 * @example
 * ```ts
 * import { assert, assertAlmostEquals } from "@std/assert";
 * import { sumInvSqrt } from "@lib/optim/online_sgd.ts";
 * assertAlmostEquals(sumInvSqrt(100), 18.5896, 1e-4);
 * assert(sumInvSqrt(100) <= 2 * Math.sqrt(100) - 1);
 * ```
 */
export function sumInvSqrt(T: number): number {
  checkInt("sumInvSqrt", "T", T, 1);
  let s = 0;
  for (let t = T; t >= 1; t--) s += 1 / Math.sqrt(t);
  return s;
}

/**
 * The article's closed-form bounds on the average regret: the constant rate $\eta = D/(G\sqrt T)$ gives
 * $DG/\sqrt T$ (`constant`, with that `eta`), and $\eta_t = \alpha/\sqrt t$ gives
 * $D^2/(2\alpha\sqrt T) + G^2\alpha/\sqrt T$ (`invSqrt`, a strict upper bound of {@link regretBound}).
 *
 * @param D diameter > 0
 * @param G gradient bound > 0
 * @param T horizon ≥ 1
 * @param alpha the α of $\eta_t = \alpha/\sqrt t$ (> 0; default 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { regretBoundClosedForms } from "@lib/optim/online_sgd.ts";
 * const b = regretBoundClosedForms(4, 1, 100, 1);
 * assertAlmostEquals(b.constant, 0.4, 1e-15);
 * assertAlmostEquals(b.eta, 0.4, 1e-15);
 * assertAlmostEquals(b.invSqrt, 0.9, 1e-15);
 * ```
 */
export function regretBoundClosedForms(
  D: number,
  G: number,
  T: number,
  alpha = 1,
): { eta: number; constant: number; invSqrt: number } {
  const where = "regretBoundClosedForms";
  checkPositive(where, "D", D);
  checkPositive(where, "G", G);
  checkInt(where, "T", T, 1);
  checkPositive(where, "alpha", alpha);
  const s = Math.sqrt(T);
  return {
    eta: D / (G * s),
    constant: (D * G) / s,
    invSqrt: (D * D) / (2 * alpha * s) + (G * G * alpha) / s,
  };
}

/**
 * Average regret of a run on its first T steps against a comparator:
 * $\frac1T\sum_{t\le T} L(\boldsymbol x_t,\boldsymbol\theta_t) - \frac1T\sum_{t\le T} L(\boldsymbol x_t,\boldsymbol\theta^*)$.
 *
 * @param run a run of horizon ≥ T
 * @param p the stream it ran on
 * @param comparator $\boldsymbol\theta^*$
 * @param T prefix length
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { averageRegret, logisticStream, runOnlineSgd } from "@lib/optim/online_sgd.ts";
 * const p = logisticStream({ dim: 2, T: 10, scale: 3, seed: 0 });
 * const run = runOnlineSgd(p, { T: 10, eta: () => 1e-300 }); // θ never moves from 0
 * assertAlmostEquals(averageRegret(run, p, new Float64Array(2), 10), 0, 1e-15);
 * ```
 */
export function averageRegret(run: OnlineRun, p: OnlineProblem, comparator: Float64Array, T: number): number {
  const where = "averageRegret";
  if (run === null || typeof run !== "object" || !(run.losses instanceof Float64Array)) {
    typeError(where, "run", "an OnlineRun", run);
  }
  checkInt(where, "T", T, 1, run.losses.length);
  let s = 0;
  for (let t = 0; t < T; t++) s += run.losses[t]!;
  return s / T - averageLossAt(p, comparator, T);
}

/**
 * The run-dependent constants of the article's first proof, over the first T steps:
 * $D = \max_{t\le T}\Vert\boldsymbol\theta_t - \boldsymbol\theta^*\Vert$ and $G = \max_{t\le T}\Vert\boldsymbol g_t\Vert$.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { runConstants } from "@lib/optim/online_sgd.ts";
 * const run = { losses: Float64Array.of(0, 0), thetas: [Float64Array.of(0), Float64Array.of(3), Float64Array.of(9)],
 *   gradNorms: Float64Array.of(1, 2), etas: Float64Array.of(1, 1) };
 * assertEquals(runConstants(run, Float64Array.of(1), 2), { D: 2, G: 2 }); // θ_3 is not used
 * ```
 */
export function runConstants(run: OnlineRun, comparator: Float64Array, T: number): { D: number; G: number } {
  const where = "runConstants";
  if (run === null || typeof run !== "object" || !Array.isArray(run.thetas)) {
    typeError(where, "run", "an OnlineRun", run);
  }
  checkInt(where, "T", T, 1, run.gradNorms.length);
  _checkVector(where, "comparator", comparator, run.thetas[0]!.length);
  let D = 0, G = 0;
  for (let t = 0; t < T; t++) {
    const th = run.thetas[t]!;
    let s = 0;
    for (let i = 0; i < th.length; i++) s += (th[i]! - comparator[i]!) ** 2;
    D = Math.max(D, Math.sqrt(s));
    G = Math.max(G, run.gradNorms[t]!);
  }
  return { D, G };
}
