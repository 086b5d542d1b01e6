/**
 * The shared optimizer benchmark (X-opt): train the bow-mlp student on the zipf-bow task with one
 * optimizer, one peak learning rate and one seed ({@link trainRun}), or over a grid of learning rates
 * and seeds ({@link lrSweep}).
 *
 * Protocol ({@link xoptBase}): batch 64, T = 1000 steps, minibatches drawn with replacement from a
 * stream that depends only on the run seed (every optimizer sees the same batches for a seed), the
 * learning rate $\eta_t = \eta_{\text{peak}}\cdot\text{schedule}(t)$ with
 * `piecewiseLinear(t, [[50, 1], [1000, 0.1]])` for t = 1..T, evaluation every 50 steps on the first
 * 2048 training examples, and at the end on the full train and test sets. A run whose training loss
 * becomes non-finite stops and is recorded as diverged (losses +∞, accuracy 0).
 *
 * Results are plain numbers; every tensor a run creates is disposed before it returns.
 *
 * @module
 */
import { createRng, type Rng } from "../core/rng.ts";
import { tf } from "../core/tf_setup.ts";
import { checkInt, checkNonNegative, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { type Batch, sliceBatch, type ZipfTask } from "../data/zipf_task.ts";
import { adamw } from "./adamw.ts";
import {
  bowInput,
  type BowMlp,
  createBowMlp,
  crossEntropyLoss,
  type LogitLoss,
  meanEmbedding,
} from "./bow_mlp.ts";
import { lion } from "./lion.ts";
import type { KexueOptimizer } from "./optimizer.ts";
import { piecewiseLinear } from "./schedule.ts";
import { sgd } from "./sgd.ts";
import { sgdm } from "./sgdm.ts";

/** One training run. */
export interface RunConfig {
  /** a fresh optimizer (called once per run) */
  optimizer: () => KexueOptimizer;
  /** peak learning rate (for Tiger: the relative rate α) */
  peakLr: number;
  steps: number;
  batchSize: number;
  /** multiplier of `peakLr` at step t = 1..steps */
  schedule: (t: number) => number;
  /** run seed: model initialisation and minibatch stream */
  seed: number;
  /** evaluate the curve every this many steps (default 50; 0 = no curve) */
  evalEvery?: number;
  /** size of the fixed train subset of the curve (default 2048) */
  evalSize?: number;
  /** training loss (default mean cross-entropy) */
  loss?: LogitLoss;
  /** step-dependent training loss; overrides `loss` */
  lossAt?: (t: number) => LogitLoss;
  /** initial parameter values (warm start), in `BowMlp.variables` order */
  initFrom?: ArrayLike<number>[];
  /** hidden width (default 64) */
  hidden?: number;
  /** may return replacement gradients (e.g. NaN injection); called inside a `tf.tidy` */
  gradHook?: (t: number, grads: tf.NamedTensorMap, rng: Rng) => tf.NamedTensorMap | void;
  /** record the update RMS ‖u_t‖/√n of every step (see {@link RunResult.updateRms}) */
  trackUpdates?: boolean;
  /** return the initial parameters too */
  keepInit?: boolean;
  /** return the test-set class probabilities */
  keepTestProbs?: boolean;
  /** called after every step with the step's training loss (e.g. memory checks in tests) */
  onStep?: (t: number, loss: number) => void;
}

/** What a run returns (plain numbers). */
export interface RunResult {
  /** mean loss on the full train set (+∞ if diverged) */
  trainLoss: number;
  /** mean loss on the test set (+∞ if diverged) */
  testLoss: number;
  /** test accuracy (0 if diverged) */
  testAcc: number;
  diverged: boolean;
  /** steps actually taken */
  stepsRun: number;
  /** loss on the fixed train subset at step 0 and every `evalEvery` steps */
  curve: Array<{ step: number; evalLoss: number }>;
  /** optimizer state floats (stateMultiplier × parameter count) */
  stateFloats: number;
  /** wall-clock seconds (never print it in an ordinary notebook cell) */
  seconds: number;
  /** final parameters, `BowMlp.variables` order */
  finalParams: Float32Array[];
  initParams?: Float32Array[];
  /**
   * Per step t (index t − 1): RMS of the update direction $\boldsymbol u_t$ over all n parameters,
   * recovered from $\boldsymbol\theta_{t-1} - \boldsymbol\theta_t = \eta_t(\boldsymbol u_t + \lambda\boldsymbol\theta_{t-1})$.
   * For a sign update it is $\sqrt{k/n}$ (k = non-zero coordinates); for AdamW it is below 1.
   */
  updateRms?: Float64Array;
  /** test probabilities, row-major nTest × C */
  testProbs?: Float32Array;
}

/**
 * Mean loss and accuracy of `model` on a batch, in chunks of `chunk` rows.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { makeZipfTask } from "@lib/data/zipf_task.ts";
 * import { createBowMlp } from "@lib/optim/bow_mlp.ts";
 * import { evaluateBow } from "@lib/optim/benchmark.ts";
 * await initTf();
 * const task = makeZipfTask({ nTrain: 100, nTest: 50 });
 * const m = createBowMlp({}, createRng(0));
 * const r = evaluateBow(m, task.test);
 * assert(r.loss > 1.5 && r.loss < 3 && r.acc >= 0 && r.acc <= 1);   // ≈ ln 8 at init
 * m.dispose();
 * ```
 */
export function evaluateBow(
  model: BowMlp,
  b: Batch,
  opts: { chunk?: number; keepProbs?: boolean } = {},
): { loss: number; acc: number; probs?: Float32Array } {
  const chunk = checkInt("evaluateBow", "chunk", opts.chunk ?? 2048, 1);
  const { classes: C, dim } = model.config;
  const E = model.variables[0]!.dataSync();
  const probs = opts.keepProbs ? new Float32Array(b.size * C) : undefined;
  let lossSum = 0, correct = 0;
  for (let s = 0; s < b.size; s += chunk) {
    const idx = Int32Array.from({ length: Math.min(chunk, b.size - s) }, (_, i) => s + i);
    const part = sliceBatch(b, idx);
    tf.tidy(() => {
      const logits = model.head(tf.tensor2d(meanEmbedding(E, dim, part), [idx.length, dim]));
      const labels = tf.tensor1d(part.labels, "int32");
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), "float32"));
      const [l, h] = tf.stack([crossEntropyLoss(logits, labels), hits]).dataSync();
      lossSum += l! * idx.length;
      correct += h!;
      if (probs) probs.set(tf.softmax(logits).dataSync(), s * C);
    });
  }
  return { loss: lossSum / b.size, acc: correct / b.size, ...(probs ? { probs } : {}) };
}

function _checkRun(cfg: RunConfig): void {
  const f = "trainRun";
  if (cfg === null || typeof cfg !== "object") typeError(f, "cfg", "a RunConfig object", cfg);
  if (typeof cfg.optimizer !== "function") typeError(f, "cfg.optimizer", "a function", cfg.optimizer);
  if (typeof cfg.schedule !== "function") typeError(f, "cfg.schedule", "a function", cfg.schedule);
  checkNonNegative(f, "cfg.peakLr", cfg.peakLr);
  checkInt(f, "cfg.steps", cfg.steps, 1);
  checkInt(f, "cfg.batchSize", cfg.batchSize, 1);
  checkInt(f, "cfg.seed", cfg.seed, 0, 2 ** 32 - 1);
  checkInt(f, "cfg.evalEvery", cfg.evalEvery ?? 50, 0);
  checkInt(f, "cfg.evalSize", cfg.evalSize ?? 2048, 1);
}

function _updateRms(prev: tf.Tensor[], model: BowMlp, opt: KexueOptimizer, n: number): number {
  const lr = opt.learningRate;
  if (lr === 0) return 0;
  return tf.tidy(() => {
    let sum = tf.scalar(0);
    model.variables.forEach((v, i) => {
      const p = prev[i]!;
      let u = tf.div(tf.sub(p, v), lr);
      if (opt.decays(v.name)) u = tf.sub(u, tf.mul(p, opt.weightDecay));
      sum = tf.add(sum, tf.sum(tf.square(u)));
    });
    return Math.sqrt(sum.dataSync()[0]! / n);
  });
}

/**
 * Trains one bow-mlp on `task` with the X-opt protocol (see the module doc).
 *
 * @throws RangeError/TypeError on an invalid config
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { makeZipfTask } from "@lib/data/zipf_task.ts";
 * import { lion } from "@lib/optim/lion.ts";
 * import { trainRun } from "@lib/optim/benchmark.ts";
 * await initTf();
 * const task = makeZipfTask({ nTrain: 512, nTest: 256 });
 * const r = trainRun(task, { optimizer: () => lion({ weightDecay: 0.1 }), peakLr: 3e-3, steps: 30,
 *   batchSize: 32, schedule: () => 1, seed: 0, evalEvery: 10 });
 * assert(!r.diverged && r.curve.length === 4 && r.curve[3]!.evalLoss < r.curve[0]!.evalLoss);
 * ```
 */
export function trainRun(task: ZipfTask, cfg: RunConfig): RunResult {
  _checkRun(cfg);
  const t0 = performance.now();
  const root = createRng(cfg.seed);
  const batchRng = root.fork("batches"), hookRng = root.fork("hook");
  const model = createBowMlp(
    { vocab: task.vocab, classes: task.classes, hidden: cfg.hidden ?? 64 },
    root.fork("init"),
  );
  const opt = cfg.optimizer();
  const n = model.variables.reduce((s, v) => s + v.size, 0);
  const evalEvery = cfg.evalEvery ?? 50;
  const evalBatch = sliceBatch(
    task.train,
    Int32Array.from({ length: Math.min(cfg.evalSize ?? 2048, task.train.size) }, (_, i) => i),
  );
  const curve: RunResult["curve"] = [];
  const updateRms = cfg.trackUpdates ? new Float64Array(cfg.steps) : undefined;
  try {
    if (cfg.initFrom) model.setParams(cfg.initFrom);
    const initParams = cfg.keepInit ? model.getParams() : undefined;
    if (evalEvery > 0) curve.push({ step: 0, evalLoss: evaluateBow(model, evalBatch).loss });
    let diverged = false, t = 0;
    const idx = new Int32Array(cfg.batchSize);
    while (t < cfg.steps && !diverged) {
      t++;
      for (let i = 0; i < idx.length; i++) idx[i] = batchRng.int(task.train.size);
      const batch = sliceBatch(task.train, idx);
      opt.learningRate = cfg.peakLr * cfg.schedule(t);
      const lossFn = cfg.lossAt ? cfg.lossAt(t) : (cfg.loss ?? crossEntropyLoss);
      const prev = updateRms ? model.variables.map((v) => v.clone()) : undefined;
      const loss = tf.tidy(() => {
        const x = bowInput(batch, task.vocab);
        const { value, grads } = tf.variableGrads(() => model.loss(x, lossFn), model.variables);
        const l = value.dataSync()[0]!;
        if (Number.isFinite(l)) opt.applyGradients(cfg.gradHook?.(t, grads, hookRng) ?? grads);
        return l;
      });
      if (prev) {
        updateRms![t - 1] = _updateRms(prev, model, opt, n);
        tf.dispose(prev);
      }
      diverged = !Number.isFinite(loss);
      cfg.onStep?.(t, loss);
      if (!diverged && evalEvery > 0 && t % evalEvery === 0) {
        const l = evaluateBow(model, evalBatch).loss;
        curve.push({ step: t, evalLoss: l });
        diverged = !Number.isFinite(l);
      }
    }
    const tr = diverged ? undefined : evaluateBow(model, task.train);
    const te = diverged ? undefined : evaluateBow(model, task.test, { keepProbs: cfg.keepTestProbs });
    if (tr && !(Number.isFinite(tr.loss) && Number.isFinite(te!.loss))) diverged = true;
    return {
      trainLoss: diverged ? Infinity : tr!.loss,
      testLoss: diverged ? Infinity : te!.loss,
      testAcc: diverged ? 0 : te!.acc,
      diverged,
      stepsRun: t,
      curve,
      stateFloats: opt.stateMultiplier() * n,
      seconds: (performance.now() - t0) / 1000,
      finalParams: model.getParams(),
      ...(initParams ? { initParams } : {}),
      ...(updateRms ? { updateRms } : {}),
      ...(te?.probs ? { testProbs: te.probs } : {}),
    };
  } finally {
    opt.dispose();
    model.dispose();
  }
}

/** One point of an LR sweep: the runs of every seed and their means. */
export interface SweepPoint {
  name: string;
  lr: number;
  runs: RunResult[];
  /** mean over seeds (+∞ if any seed diverged) */
  trainLoss: number;
  testLoss: number;
  testAcc: number;
  /** smallest and largest test loss over seeds (error bars) */
  testLossMin: number;
  testLossMax: number;
  /** number of diverged seeds */
  diverged: number;
  /** mean curve over seeds */
  curve: Array<{ step: number; evalLoss: number }>;
  /** summed wall-clock seconds */
  seconds: number;
}

function _mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Runs every (lr, seed) pair with the same base config and averages over seeds.
 *
 * @param onRun called after each run with (runs done, total runs), e.g. for a progress bar
 * @throws RangeError on empty `lrs` or `seeds`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { makeZipfTask } from "@lib/data/zipf_task.ts";
 * import { sgd } from "@lib/optim/sgd.ts";
 * import { lrSweep } from "@lib/optim/benchmark.ts";
 * await initTf();
 * const task = makeZipfTask({ nTrain: 256, nTest: 128 });
 * const pts = lrSweep(task, "sgd", () => sgd(), [0.1, 1], [0, 1],
 *   { steps: 5, batchSize: 16, schedule: () => 1, evalEvery: 0 });
 * assertEquals(pts.map((p) => [p.lr, p.runs.length]), [[0.1, 2], [1, 2]]);
 * ```
 */
export function lrSweep(
  task: ZipfTask,
  name: string,
  mk: () => KexueOptimizer,
  lrs: readonly number[],
  seeds: readonly number[],
  base: Omit<RunConfig, "optimizer" | "peakLr" | "seed">,
  onRun?: (done: number, total: number) => void,
): SweepPoint[] {
  if (lrs.length === 0) rangeError("lrSweep", "lrs.length", "≥ 1", 0);
  if (seeds.length === 0) rangeError("lrSweep", "seeds.length", "≥ 1", 0);
  lrs.forEach((lr, i) => checkPositive("lrSweep", `lrs[${i}]`, lr));
  let done = 0;
  return lrs.map((lr) => {
    const runs = seeds.map((seed) => {
      const r = trainRun(task, { ...base, optimizer: mk, peakLr: lr, seed });
      onRun?.(++done, lrs.length * seeds.length);
      return r;
    });
    const test = runs.map((r) => r.testLoss);
    const curve = runs[0]!.curve.map((p, i) => ({
      step: p.step,
      evalLoss: _mean(runs.map((r) => r.curve[i]?.evalLoss ?? Infinity)),
    }));
    return {
      name,
      lr,
      runs,
      trainLoss: _mean(runs.map((r) => r.trainLoss)),
      testLoss: _mean(test),
      testAcc: _mean(runs.map((r) => r.testAcc)),
      testLossMin: Math.min(...test),
      testLossMax: Math.max(...test),
      diverged: runs.filter((r) => r.diverged).length,
      curve,
      seconds: runs.reduce((s, r) => s + r.seconds, 0),
    };
  });
}

/**
 * The sweep point with the lowest mean test loss (the first on ties).
 *
 * @throws RangeError on an empty list
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bestPoint, type SweepPoint } from "@lib/optim/benchmark.ts";
 * const p = (lr: number, testLoss: number) => ({ lr, testLoss }) as SweepPoint;
 * assertEquals(bestPoint([p(1, 0.5), p(2, 0.4), p(3, Infinity)]).lr, 2);
 * ```
 */
export function bestPoint(points: readonly SweepPoint[]): SweepPoint {
  if (points.length === 0) rangeError("bestPoint", "points.length", "≥ 1", 0);
  return points.reduce((best, p) => (p.testLoss < best.testLoss ? p : best));
}

/**
 * The X-opt base protocol for `steps` steps: batch 64, warm-up over `steps/20` steps to the peak,
 * then linear decay to 0.1 of it at `steps` (`piecewiseLinear(t, [[steps/20, 1], [steps, 0.1]])`),
 * curve every `steps/20` steps (50 at T = 1000).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { xoptBase } from "@lib/optim/benchmark.ts";
 * const b = xoptBase();
 * assertEquals([b.steps, b.batchSize, b.evalEvery, b.schedule(25), b.schedule(50), b.schedule(1000)], [1000, 64, 50, 0.5, 1, 0.1]);
 * ```
 */
export function xoptBase(steps = 1000): Omit<RunConfig, "optimizer" | "peakLr" | "seed"> {
  checkInt("xoptBase", "steps", steps, 20);
  const warm = Math.round(steps / 20);
  return {
    steps,
    batchSize: 64,
    evalEvery: warm,
    schedule: (t: number) => piecewiseLinear(t, [[warm, 1], [steps, 0.1]]),
  };
}

/** X-opt optimizer settings: factories and peak-LR grids (3 half-decade points each). */
export const XOPT_OPTIMIZERS: Readonly<
  Record<"sgd" | "sgdm" | "adamw" | "lion", { make: () => KexueOptimizer; lrs: readonly number[] }>
> = {
  sgd: { make: () => sgd(), lrs: [0.3, 1, 3] },
  sgdm: { make: () => sgdm({ beta: 0.9 }), lrs: [0.3, 1, 3] },
  adamw: {
    make: () => adamw({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 }),
    lrs: [3e-3, 1e-2, 3e-2],
  },
  lion: { make: () => lion({ beta1: 0.9, beta2: 0.99, weightDecay: 0.1 }), lrs: [3e-4, 1e-3, 3e-3] },
};
