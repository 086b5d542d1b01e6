/**
 * Micro-benchmark of one optimizer update on a large tensor (the speed half of the article's
 * "faster and leaner than AdamW" claim): wall-clock time of `applyGradients` on one `kernel`
 * variable of `size` values with a fixed random gradient.
 *
 * Timings depend on the machine and its load: show them only in cells tagged `timing`, and compare
 * optimizers only through ratios measured in the same run.
 *
 * @module
 */
import { timeIt, type Timing } from "../core/timing.ts";
import { tf } from "../core/tf_setup.ts";
import { checkInt } from "../core/validate.ts";
import type { KexueOptimizer } from "./optimizer.ts";

let _count = 0;

/**
 * Times `repeats` update steps (after `warmup` untimed ones) of a fresh optimizer on a variable of
 * `size` values; everything it creates is disposed.
 *
 * @param make a fresh optimizer (its learning rate is kept as given)
 * @param size number of values of the variable (e.g. 1,000,000)
 * @param opts repeats (default 20), warmup (default 3), seed of the gradient (default 0)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { lion } from "@lib/optim/lion.ts";
 * import { timeOptimizerStep } from "@lib/optim/step_timing.ts";
 * await initTf();
 * const before = tf.memory().numTensors;
 * const t = timeOptimizerStep(() => lion({ learningRate: 1e-4 }), 1000, { repeats: 3 });
 * assert(t.runsMs.length === 3 && tf.memory().numTensors === before);
 * ```
 */
export function timeOptimizerStep(
  make: () => KexueOptimizer,
  size: number,
  opts: { repeats?: number; warmup?: number; seed?: number } = {},
): Timing {
  checkInt("timeOptimizerStep", "size", size, 1);
  const seed = checkInt("timeOptimizerStep", "opts.seed", opts.seed ?? 0, 0);
  const w = tf.tidy(() =>
    tf.variable(tf.randomNormal([size], 0, 1, "float32", seed), true, `step_timing_${_count++}/kernel`)
  );
  const g = tf.randomNormal([size], 0, 0.01, "float32", seed + 1);
  const opt = make();
  try {
    return timeIt(() => opt.applyGradients({ [w.name]: g }), { repeats: opts.repeats, warmup: opts.warmup });
  } finally {
    opt.dispose();
    tf.dispose([w, g]);
  }
}
