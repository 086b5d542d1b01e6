/**
 * Training a score network at one fixed noise level with three regression targets (G03's batch-size experiment):
 *
 * - `dsm`: the conditional score $-\boldsymbol\varepsilon/b$ (CSM / denoising score matching, unbiased per pair);
 * - `plugin`: the plug-in marginal score of eq. 3 estimated from the *other* data points of the same minibatch
 *   (a biased ratio estimator whose quality depends on the batch size);
 * - `oracle`: the exact marginal score $\nabla\log p_t$ (only possible for a known mixture).
 *
 * The model is an {@link Mlp} (no time input) trained with Adam on the mean over the batch of
 * $\Vert\boldsymbol s_\theta(\boldsymbol x_t) - \text{target}\Vert^2$.
 *
 * @module
 */
import { createRng } from "../core/rng.ts";
import { checkInt, checkPositive, rangeError } from "../core/validate.ts";
import { tf } from "../core/tf_setup.ts";
import { Mlp } from "../nn/mlp.ts";
import { type Gmm, gmmSample } from "../prob/gmm.ts";
import { _pathArgs, gmmScore } from "./gmm_path.ts";
import type { GaussianPath } from "./paths.ts";
import { plugInScore } from "./score_matching.ts";

/** Regression target of {@link trainScoreAtT}. */
export type ScoreTarget = "dsm" | "plugin" | "oracle";

/**
 * The regression targets for one minibatch of pairs $(\boldsymbol x_0, \boldsymbol\varepsilon)$.
 *
 * @param target which target
 * @param g data mixture (used by `oracle`)
 * @param p the path
 * @param t the time
 * @param X0 B×d data points
 * @param eps B×d noise
 * @returns `{ Xt, Y }` (both B×d)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { scoreTargets } from "@lib/diffusion/sm_training.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * const p = vpCosinePath();
 * const { Y } = scoreTargets("dsm", makeGmm([1], [[0]], 1), p, 0.5, Float64Array.of(1), Float64Array.of(0.5));
 * assertAlmostEquals(Y[0]!, -0.5 / p.b(0.5), 1e-12);
 * ```
 */
export function scoreTargets(
  target: ScoreTarget,
  g: Gmm,
  p: GaussianPath,
  t: number,
  X0: Float64Array,
  eps: Float64Array,
): { Xt: Float64Array; Y: Float64Array } {
  const { a, b } = _pathArgs("scoreTargets", g, p, t);
  const d = g.d, B = X0.length / d;
  if (eps.length !== X0.length) {
    rangeError("scoreTargets", "eps.length", `X0.length = ${X0.length}`, eps.length);
  }
  const Xt = X0.map((x, i) => a * x + b * eps[i]!);
  if (target === "dsm") return { Xt, Y: eps.map((e) => -e / b) };
  if (target === "oracle") return { Xt, Y: gmmScore(g, p, t, Xt) };
  if (target !== "plugin") rangeError("scoreTargets", "target", '"dsm" | "plugin" | "oracle"', target);
  if (B < 2) {
    rangeError("scoreTargets", "batch size", "≥ 2 for the plug-in target (the pool excludes its own x_0)", B);
  }
  const Y = new Float64Array(X0.length), pool = new Float64Array((B - 1) * d);
  for (let j = 0; j < B; j++) {
    pool.set(X0.subarray(0, j * d), 0);
    pool.set(X0.subarray((j + 1) * d), j * d);
    Y.set(plugInScore(p, t, Xt.subarray(j * d, (j + 1) * d), pool, d), j * d);
  }
  return { Xt, Y };
}

/**
 * Trains an MLP score model $\boldsymbol s_\theta(\boldsymbol x_t)$ at a fixed t. Minibatches come from
 * `createRng(seed).fork("data")`, the initialisation from `seed`, so different targets with the same seed see the
 * same $(\boldsymbol x_0, \boldsymbol\varepsilon)$ pairs and start from the same weights.
 *
 * @param o `g`, `p`, `t`, `target`, `batch` B, `steps`, `lr` (default 1e-3), `lrDecay` ("none" (default) or
 *   "linear": $\eta_s = \eta(1 - s/\text{steps})$), `hidden` (default [64, 64]), `act` (default "silu"), `seed`
 * @returns the trained model (dispose it) and the per-step losses
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { trainScoreAtT } from "@lib/diffusion/sm_training.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * await initTf();
 * const { model, losses } = trainScoreAtT({ g: makeGmm([1], [[1, 0]], 0.1), p: vpCosinePath(), t: 0.5, target: "oracle", batch: 32, steps: 100, lr: 1e-2, seed: 0 });
 * assert(losses[99]! < losses[0]!);
 * model.dispose();
 * ```
 */
export function trainScoreAtT(o: {
  g: Gmm;
  p: GaussianPath;
  t: number;
  target: ScoreTarget;
  batch: number;
  steps: number;
  lr?: number;
  lrDecay?: "none" | "linear";
  hidden?: number[];
  act?: "relu" | "silu" | "tanh" | "leaky02";
  seed: number;
}): { model: Mlp; losses: number[] } {
  const where = "trainScoreAtT";
  _pathArgs(where, o.g, o.p, o.t);
  const B = checkInt(where, "o.batch", o.batch, 1), steps = checkInt(where, "o.steps", o.steps, 1);
  const lr = checkPositive(where, "o.lr", o.lr ?? 1e-3), d = o.g.d;
  const model = new Mlp({ inDim: d, hidden: o.hidden ?? [64, 64], outDim: d, act: o.act ?? "silu" }, o.seed);
  const data = createRng(o.seed).fork("data");
  const lossFn = () => {
    const X0 = gmmSample(o.g, B, data), eps = Float64Array.from({ length: B * d }, () => data.normal());
    const { Xt, Y } = scoreTargets(o.target, o.g, o.p, o.t, X0, eps);
    const pred = model.apply(tf.tensor2d(Float32Array.from(Xt), [B, d]));
    return tf.mul(
      tf.sum(tf.square(tf.sub(pred, tf.tensor2d(Float32Array.from(Y), [B, d])))),
      1 / B,
    ) as tf.Scalar;
  };
  const decay = o.lrDecay ?? "none";
  if (decay !== "none" && decay !== "linear") rangeError(where, "o.lrDecay", '"none" | "linear"', decay);
  const opt = tf.train.adam(lr);
  const losses: number[] = [];
  let after1 = -1;
  for (let s = 0; s < steps; s++) {
    // tfjs's Adam reads its learningRate field at every update
    (opt as unknown as { learningRate: number }).learningRate = decay === "linear"
      ? lr * (1 - s / steps)
      : lr;
    const l = opt.minimize(lossFn, true, model.variables) as tf.Scalar;
    losses.push(l.dataSync()[0] as number);
    l.dispose();
    if (s === 0) after1 = tf.memory().numTensors;
  }
  const leaked = tf.memory().numTensors - after1;
  opt.dispose();
  if (leaked !== 0) {
    throw new Error(`trainScoreAtT: ${leaked} tensors leaked between step 1 and step ${steps}`);
  }
  return { model, losses };
}
