/**
 * Training drivers for tfjs models: a generic step loop with a loss log, and an Adam loop over a loss closure that
 * checks for tensor leaks (`tf.memory().numTensors` must be the same after step 1 and after the last step).
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { checkFinite, checkInt, checkPositive, checkRange, typeError } from "../core/validate.ts";

/**
 * Runs `step(i)` for i = 0 … steps − 1 and logs the returned losses; `onLog(i, loss)` is called every `logEvery`
 * steps and at the last one.
 *
 * @param o `steps`, `step` (returns the step's loss), `logEvery` (default 0 = never), `onLog`
 * @returns the losses of every step and the wall time in ms
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { trainLoop } from "@lib/nn/train_loop.ts";
 * const { losses } = trainLoop({ steps: 3, step: (i) => 1 / (i + 1) });
 * assertEquals(losses, [1, 0.5, 1 / 3]);
 * ```
 */
export function trainLoop(o: {
  steps: number;
  step: (i: number) => number;
  logEvery?: number;
  onLog?: (i: number, loss: number) => void;
}): { losses: number[]; wallMs: number } {
  if (o === null || typeof o !== "object") typeError("trainLoop", "o", "{ steps, step }", o);
  checkInt("trainLoop", "o.steps", o.steps, 1);
  if (typeof o.step !== "function") typeError("trainLoop", "o.step", "a function", o.step);
  const every = checkInt("trainLoop", "o.logEvery", o.logEvery ?? 0, 0);
  const t0 = performance.now();
  const losses: number[] = [];
  for (let i = 0; i < o.steps; i++) {
    const loss = o.step(i);
    losses.push(loss);
    if (o.onLog && ((every > 0 && i % every === 0) || i === o.steps - 1)) o.onLog(i, loss);
  }
  return { losses, wallMs: performance.now() - t0 };
}

/** Options of {@link trainSteps}. */
export interface TrainStepsOpts {
  /** Number of Adam steps, ≥ 1. */
  steps: number;
  /** Learning rate, > 0. */
  lr: number;
  /** Adam β1 (default 0.9). */
  beta1?: number;
  /** Adam β2 (default 0.999). */
  beta2?: number;
  /** Adam ε (default 1e-8). */
  eps?: number;
  /** Called after every step with the step index and its loss. */
  onStep?: (step: number, loss: number) => void;
}

/**
 * Minimizes `lossFn()` over `vars` with Adam (tfjs's `tf.train.adam`) for `steps` steps:
 * $$m_t = \beta_1 m_{t-1} + (1-\beta_1)g_t,\ v_t = \beta_2 v_{t-1} + (1-\beta_2)g_t^2,\
 *   \theta_t = \theta_{t-1} - \eta\,\hat m_t/(\sqrt{\hat v_t} + \epsilon).$$
 * `lossFn` may create tensors freely (it runs inside `tf.tidy` via `minimize`). Throws if the number of live
 * tensors after the last step differs from that after step 1 (a leak), or if a loss is not finite.
 *
 * @param lossFn returns the scalar loss; it should draw a new minibatch itself if wanted
 * @param vars the trainable variables
 * @param opts `steps`, `lr`, `beta1`, `beta2`, `eps`, `onStep`
 * @returns the loss of every step (before its update)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { trainSteps } from "@lib/nn/train_loop.ts";
 * await initTf();
 * const w = tf.variable(tf.scalar(3));
 * const losses = trainSteps(() => tf.square(w.sub(1)) as tf.Scalar, [w], { steps: 200, lr: 0.1 });
 * assert(losses[199]! < 1e-3 && losses[0] === 4);
 * w.dispose();
 * ```
 */
export function trainSteps(lossFn: () => tf.Scalar, vars: tf.Variable[], opts: TrainStepsOpts): number[] {
  if (typeof lossFn !== "function") typeError("trainSteps", "lossFn", "a function", lossFn);
  if (!Array.isArray(vars) || vars.length === 0) {
    typeError("trainSteps", "vars", "a non-empty array of tf.Variable", vars);
  }
  if (opts === null || typeof opts !== "object") typeError("trainSteps", "opts", "{ steps, lr }", opts);
  const steps = checkInt("trainSteps", "opts.steps", opts.steps, 1);
  const lr = checkPositive("trainSteps", "opts.lr", opts.lr);
  const beta1 = checkRange("trainSteps", "opts.beta1", opts.beta1 ?? 0.9, 0, 1, "hi");
  const beta2 = checkRange("trainSteps", "opts.beta2", opts.beta2 ?? 0.999, 0, 1, "hi");
  const eps = checkPositive("trainSteps", "opts.eps", opts.eps ?? 1e-8);
  const optimizer = tf.train.adam(lr, beta1, beta2, eps);
  const losses: number[] = [];
  let after1 = -1;
  try {
    for (let s = 0; s < steps; s++) {
      const lossT = optimizer.minimize(lossFn, true, vars) as tf.Scalar;
      const loss = lossT.dataSync()[0] as number;
      lossT.dispose();
      checkFinite("trainSteps", `loss at step ${s}`, loss);
      losses.push(loss);
      if (s === 0) after1 = tf.memory().numTensors;
      opts.onStep?.(s, loss);
    }
    const afterN = tf.memory().numTensors;
    if (afterN !== after1) {
      throw new Error(
        `trainSteps: tensor leak: ${after1} live tensors after step 1, ${afterN} after step ${steps}`,
      );
    }
  } finally {
    optimizer.dispose();
  }
  return losses;
}
