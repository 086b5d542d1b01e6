/**
 * Flow matching on the rectified-flow path and reflow (G04; Liu, Gong & Liu, arXiv 2209.03003).
 *
 * Path $\boldsymbol x_t=(1-t)\boldsymbol x_0+t\boldsymbol x_1$ (data at t = 0, noise at t = 1); a velocity network is regressed on
 * $$\mathcal L(\boldsymbol\theta)=\mathbb E_{t,(\boldsymbol x_0,\boldsymbol x_1)}\big\Vert\boldsymbol v_{\boldsymbol\theta}(\boldsymbol x_t,t)-(\boldsymbol x_1-\boldsymbol x_0)\big\Vert^2,$$
 * first with independent pairs, then ("reflow") with the deterministic pairs $(\mathrm{ODE}_{\boldsymbol\theta}(\boldsymbol x_1),\boldsymbol x_1)$
 * produced by the trained model, which straightens the trajectories.
 *
 * A velocity field here is `(X, t) => V`: X and V are n×d `Float64Array`s, one time for the whole batch (the
 * `OdeField` of `lib/core/ode_solve.ts`).
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { odeSolve, type OdeSolveMethod, uniformGrid } from "../core/ode_solve.ts";
import { tf } from "../core/tf_setup.ts";
import { checkFinite, checkInt, checkPositive, checkRange, rangeError, typeError } from "../core/validate.ts";
import { fourierTimeEmbed } from "../nn/fourier_time_embed.ts";
import { Mlp } from "../nn/mlp.ts";
import { type Gmm, gmmSample } from "../prob/gmm.ts";

/** A batched velocity field: n×d points at one time t → n×d velocities. */
export type VelocityField = (X: Float64Array, t: number) => Float64Array;

/** A coupling: pair i is (X0[i], X1[i]) — data-side point and noise-side point, both n×d. */
export interface Coupling {
  X0: Float64Array;
  X1: Float64Array;
}

function _checkPair(where: string, X0: unknown, X1: unknown, d: number): number {
  if (!(X0 instanceof Float64Array) || !(X1 instanceof Float64Array)) {
    typeError(where, "X0 and X1", "Float64Arrays", `${X0?.constructor?.name}, ${X1?.constructor?.name}`);
  }
  if (X0.length === 0 || X0.length % d !== 0 || X1.length !== X0.length) {
    rangeError(
      where,
      "X0.length and X1.length",
      `equal non-zero multiples of d = ${d}`,
      `${X0.length}, ${X1.length}`,
    );
  }
  return X0.length / d;
}

/**
 * Monte-Carlo flow-matching loss of a velocity field on fixed pairs, evaluated on a grid of times:
 * $L(t)=\frac1n\sum_i\Vert\boldsymbol v(\boldsymbol x_t^{(i)},t)-(\boldsymbol x_1^{(i)}-\boldsymbol x_0^{(i)})\Vert^2$. With independent pairs and the
 * exact velocity this estimates the irreducible loss `flowMinLoss`; any other field is worse by
 * $\mathbb E\Vert\boldsymbol v-\boldsymbol v^*\Vert^2$.
 *
 * @param v velocity field
 * @param pairs the coupling (n×d each)
 * @param d dimension
 * @param ts times in [0, 1]
 * @returns `perT`, its standard error `se`, and the `mean` over the grid
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { flowMatchingLoss } from "@lib/diffusion/flow_matching.ts";
 * // straight pairs x1 − x0 = 1 everywhere: the constant field 1 has zero loss
 * const pairs = { X0: Float64Array.of(0, 2), X1: Float64Array.of(1, 3) };
 * assertEquals(flowMatchingLoss((X) => X.map(() => 1), pairs, 1, Float64Array.of(0.3, 0.7)).mean, 0);
 * ```
 */
export function flowMatchingLoss(
  v: VelocityField,
  pairs: Coupling,
  d: number,
  ts: Float64Array,
): { perT: Float64Array; se: Float64Array; mean: number } {
  const where = "flowMatchingLoss";
  if (typeof v !== "function") typeError(where, "v", "a function (X, t) => V", v);
  checkInt(where, "d", d, 1);
  const n = _checkPair(where, pairs?.X0, pairs?.X1, d);
  if (!(ts instanceof Float64Array) || ts.length < 1) typeError(where, "ts", "a non-empty Float64Array", ts);
  const perT = new Float64Array(ts.length), se = new Float64Array(ts.length);
  ts.forEach((t, j) => {
    checkRange(where, `ts[${j}]`, t, 0, 1);
    const Xt = pairs.X0.map((x0, i) => (1 - t) * x0 + t * pairs.X1[i]!);
    const V = v(Xt, t);
    if (!(V instanceof Float64Array) || V.length !== Xt.length) {
      rangeError(where, "v(X, t).length", String(Xt.length), V?.length);
    }
    let s1 = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let a = 0; a < d; a++) e += (V[i * d + a]! - (pairs.X1[i * d + a]! - pairs.X0[i * d + a]!)) ** 2;
      s1 += e;
      s2 += e * e;
    }
    perT[j] = s1 / n;
    se[j] = n > 1 ? Math.sqrt(Math.max(0, s2 / n - perT[j]! ** 2) / (n - 1)) : 0;
  });
  return { perT, se, mean: perT.reduce((s, x) => s + x, 0) / ts.length };
}

/** A velocity MLP $\boldsymbol v_{\boldsymbol\theta}([\boldsymbol x,\ \mathrm{fourier}(t)])$ and its plain-number field. */
export interface VelocityNet {
  /** Data dimension d. */
  readonly d: number;
  /** The network: input d + embedDim, output d. */
  readonly mlp: Mlp;
  /** Width of the [sin, cos] time features. */
  readonly embedDim: number;
  /** Largest angular frequency of the time features. */
  readonly maxFreq: number;
  /** Batched forward pass (x: n×d, t: n). */
  apply(x: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor2D;
  /** The learned field for `odeSolve` (one t for the batch). */
  field: VelocityField;
  /** An independent copy with the same weights (e.g. to start reflow from the trained model). */
  clone(): VelocityNet;
  /** Frees the weights. */
  dispose(): void;
}

/**
 * Builds a velocity network: an {@link Mlp} on the concatenation of x and Fourier time features
 * (`fourierTimeEmbed` of `lib/nn/fourier_time_embed.ts`).
 *
 * @param o `d` data dimension, `hidden` widths, `embedDim` (even, default 16), `maxFreq` (default 30),
 *   `act` (default silu), `seed` of the initialisation
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { velocityMlp } from "@lib/diffusion/flow_matching.ts";
 * await initTf();
 * const net = velocityMlp({ d: 2, hidden: [16], seed: 1 });
 * assertEquals(net.field(Float64Array.of(0, 1, 2, 3), 0.5).length, 4);
 * net.dispose();
 * ```
 */
export function velocityMlp(o: {
  d: number;
  hidden: number[];
  embedDim?: number;
  maxFreq?: number;
  act?: "relu" | "silu" | "tanh" | "leaky02";
  seed: number;
}): VelocityNet {
  const where = "velocityMlp";
  const d = checkInt(where, "d", o.d, 1), embedDim = o.embedDim ?? 16, maxFreq = o.maxFreq ?? 30;
  checkInt(where, "embedDim", embedDim, 2);
  checkPositive(where, "maxFreq", maxFreq);
  const mlp = new Mlp({ inDim: d + embedDim, hidden: o.hidden, outDim: d, act: o.act ?? "silu" }, o.seed);
  return _wrap(d, mlp, embedDim, maxFreq);
}

function _wrap(d: number, mlp: Mlp, embedDim: number, maxFreq: number): VelocityNet {
  const apply = (x: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor2D =>
    tf.tidy(() => mlp.apply(tf.concat([x, fourierTimeEmbed(t, embedDim, maxFreq)], 1) as tf.Tensor2D));
  const field: VelocityField = (X, t) => {
    const n = X.length / d;
    const out = tf.tidy(() =>
      apply(tf.tensor2d(Float32Array.from(X), [n, d]), tf.fill([n], t) as tf.Tensor1D).dataSync()
    );
    return Float64Array.from(out);
  };
  return {
    d,
    mlp,
    embedDim,
    maxFreq,
    apply,
    field,
    clone: () => _wrap(d, Mlp.fromJSON(mlp.toJSON()), embedDim, maxFreq),
    dispose: () => mlp.dispose(),
  };
}

/**
 * Trains a {@link VelocityNet} by flow matching with Adam. Each step draws a batch of pairs — fresh independent
 * pairs $\boldsymbol x_0\sim$ `data.gmm`, $\boldsymbol x_1\sim\mathcal N(0,I)$, or a random batch of a fixed `data.pairs`
 * coupling (reflow) — and times $t\sim U(0,1)$, and minimises the batch mean of
 * $\Vert\boldsymbol v_{\boldsymbol\theta}(\boldsymbol x_t,t)-(\boldsymbol x_1-\boldsymbol x_0)\Vert^2$.
 *
 * @param net the network (trained in place)
 * @param o `data`, `steps`, `batch`, `lr`, optional `lrEnd` (linear decay from `lr` to `lrEnd` over the run; default
 *   constant), `rng`, optional `onStep(step, loss)` (e.g. a progress bar)
 * @returns the per-step training losses
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { trainFlowMatching, velocityMlp } from "@lib/diffusion/flow_matching.ts";
 * await initTf();
 * const net = velocityMlp({ d: 1, hidden: [16], seed: 0 });
 * const { losses } = trainFlowMatching(net, { data: { gmm: makeGmm([1], [[3]], 0.01) }, steps: 150, batch: 64, lr: 0.01, rng: createRng(1) });
 * assert(losses.slice(-20).reduce((s, l) => s + l, 0) / 20 < losses[0]!);
 * net.dispose();
 * ```
 */
export function trainFlowMatching(
  net: VelocityNet,
  o: {
    data: { gmm: Gmm } | { pairs: Coupling };
    steps: number;
    batch: number;
    lr: number;
    lrEnd?: number;
    rng: Rng;
    onStep?: (step: number, loss: number) => void;
  },
): { losses: Float64Array } {
  const where = "trainFlowMatching";
  const steps = checkInt(where, "steps", o.steps, 1), B = checkInt(where, "batch", o.batch, 1);
  checkPositive(where, "lr", o.lr);
  const lrEnd = o.lrEnd === undefined ? o.lr : checkPositive(where, "lrEnd", o.lrEnd);
  const d = net.d;
  let nPairs = 0;
  if ("pairs" in o.data) nPairs = _checkPair(where, o.data.pairs.X0, o.data.pairs.X1, d);
  else if (o.data?.gmm?.d !== d) rangeError(where, "data.gmm.d", `d = ${d}`, o.data?.gmm?.d);
  const opt = tf.train.adam(o.lr);
  const lrOf = opt as unknown as { learningRate: number }; // Adam reads this field at every update
  const losses = new Float64Array(steps);
  const xt = new Float32Array(B * d), tgt = new Float32Array(B * d), tt = new Float32Array(B);
  for (let s = 0; s < steps; s++) {
    lrOf.learningRate = o.lr + (lrEnd - o.lr) * (steps > 1 ? s / (steps - 1) : 0);
    let X0: Float64Array, X1: Float64Array;
    if ("pairs" in o.data) {
      X0 = new Float64Array(B * d);
      X1 = new Float64Array(B * d);
      for (let b = 0; b < B; b++) {
        const i = o.rng.int(nPairs);
        X0.set(o.data.pairs.X0.subarray(i * d, i * d + d), b * d);
        X1.set(o.data.pairs.X1.subarray(i * d, i * d + d), b * d);
      }
    } else {
      X0 = gmmSample(o.data.gmm, B, o.rng);
      X1 = Float64Array.from({ length: B * d }, () => o.rng.normal());
    }
    for (let b = 0; b < B; b++) {
      const t = o.rng();
      tt[b] = t;
      for (let a = 0; a < d; a++) {
        const k = b * d + a;
        xt[k] = (1 - t) * X0[k]! + t * X1[k]!;
        tgt[k] = X1[k]! - X0[k]!;
      }
    }
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(xt, [B, d]), t = tf.tensor1d(tt), y = tf.tensor2d(tgt, [B, d]);
      const l = opt.minimize(
        () => tf.mean(tf.sum(tf.square(tf.sub(net.apply(x, t), y)), 1)) as tf.Scalar,
        true,
        net.mlp.variables,
      );
      return l!.dataSync()[0]!;
    });
    losses[s] = loss;
    o.onStep?.(s + 1, loss);
  }
  opt.dispose();
  return { losses };
}

/**
 * Reflow coupling: integrates the ODE $d\boldsymbol x/dt=\boldsymbol v(\boldsymbol x,t)$ from the noise points at t = 1 down to
 * `tEnd` and pairs each noise point with where it lands. The result is a deterministic map of `X1`.
 *
 * @param v velocity field
 * @param X1 n×d noise points
 * @param steps ODE steps (≥ 1)
 * @param opts `method` (default "rk4"), `tEnd` in [0, 1) (default 0; use a small positive value for fields singular at 0)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { reflowPairs } from "@lib/diffusion/flow_matching.ts";
 * // constant field 2: x_0 = x_1 − 2
 * const { X0 } = reflowPairs((X) => X.map(() => 2), Float64Array.of(5), 4);
 * assertAlmostEquals(X0[0]!, 3, 1e-12);
 * ```
 */
export function reflowPairs(
  v: VelocityField,
  X1: Float64Array,
  steps: number,
  opts: { method?: OdeSolveMethod; tEnd?: number } = {},
): Coupling {
  const where = "reflowPairs";
  if (!(X1 instanceof Float64Array) || X1.length === 0) {
    typeError(where, "X1", "a non-empty Float64Array", X1);
  }
  checkInt(where, "steps", steps, 1);
  const tEnd = checkRange(where, "opts.tEnd", opts.tEnd ?? 0, 0, 1, "hi");
  const X0 = odeSolve(v, X1, uniformGrid(1, tEnd, steps), opts.method ?? "rk4").y;
  return { X0, X1: Float64Array.from(X1) };
}

/**
 * Straightness of the ODE trajectories of v started at the noise points (Liu et al.):
 * $S=\int_{t_\text{end}}^1\mathbb E\big\Vert\dot{\boldsymbol x}_t-\bar{\boldsymbol u}\big\Vert^2\,\frac{dt}{1-t_\text{end}}$ with $\bar{\boldsymbol u}$ the
 * average velocity of the whole trajectory (its displacement over its duration). S = 0 iff every trajectory is a
 * straight line run at constant speed — then one Euler step is exact. Computed from an RK4 trajectory with the
 * per-step average velocities.
 *
 * @param v velocity field
 * @param X1 n×d starting points at t = 1
 * @param d dimension
 * @param steps RK4 steps (≥ 1)
 * @param tEnd final time in [0, 1) (default 0)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { straightness } from "@lib/diffusion/flow_matching.ts";
 * assertAlmostEquals(straightness((X) => X.map(() => 1.5), Float64Array.of(0, 1, 2), 1, 8), 0, 1e-20);
 * ```
 */
export function straightness(v: VelocityField, X1: Float64Array, d: number, steps: number, tEnd = 0): number {
  const where = "straightness";
  checkInt(where, "d", d, 1);
  if (!(X1 instanceof Float64Array) || X1.length === 0 || X1.length % d !== 0) {
    rangeError(where, "X1.length", `a non-zero multiple of d = ${d}`, X1?.length);
  }
  checkInt(where, "steps", steps, 1);
  checkFinite(where, "tEnd", tEnd);
  const ts = uniformGrid(1, checkRange(where, "tEnd", tEnd, 0, 1, "hi"), steps);
  const traj = odeSolve(v, X1, ts, "rk4", { keepTrajectory: true }).traj!;
  const n = X1.length / d, T = ts[0]! - ts[steps]!, last = traj[steps]!;
  let S = 0;
  for (let k = 0; k < steps; k++) {
    const dt = ts[k]! - ts[k + 1]!, A = traj[k]!, Bk = traj[k + 1]!;
    let e = 0;
    for (let i = 0; i < n * d; i++) e += ((A[i]! - Bk[i]!) / dt - (X1[i]! - last[i]!) / T) ** 2;
    S += (e / n) * (dt / T);
  }
  return S;
}
