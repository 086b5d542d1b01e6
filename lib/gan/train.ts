/**
 * Adversarial training loops for the GAN notebooks (G10, https://kexue.fm/archives/6163; G11,
 * https://kexue.fm/archives/8757): a generic loop ({@link trainAdversarial}: `dSteps` critic steps with Adam,
 * then one generator step with Adam or plain SGD), the MLP toy GAN ({@link trainGan}) and the
 * shift-only generator of the vanishing-gradient experiments ({@link ShiftGenerator}, {@link trainShiftGan}).
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { tf } from "../core/tf_setup.ts";
import { checkInt, checkPositive, checkRange, rangeError, typeError } from "../core/validate.ts";
import type { Mlp } from "../nn/mlp.ts";
import { type Critic, mlpCritic } from "./input_grad.ts";
import {
  ganQpCriticLoss,
  ganQpGenLoss,
  gradientPenalty,
  sganCriticLoss,
  sganGenLoss,
  wganGenLoss,
  wganGpCriticLoss,
} from "./losses.ts";
import { dualGap } from "./lipschitz.ts";
import { gnCritic, type GnVariant } from "./gradnorm.ts";

/** Options of {@link trainAdversarial}. */
export interface AdversarialOptions {
  /** Generator: noise batch → samples (must be differentiable in `genVars`). */
  generate: (z: tf.Tensor2D) => tf.Tensor2D;
  /** Trainable generator variables. */
  genVars: tf.Variable[];
  /** Noise width. */
  zDim: number;
  /** Critic variables (updated with Adam). */
  criticVars: tf.Variable[];
  /** Critic loss to minimise on a (real, fake) batch. */
  criticLoss: (xr: tf.Tensor2D, xf: tf.Tensor2D) => tf.Scalar;
  /** Generator loss to minimise on a (real, fake) batch. */
  genLoss: (xr: tf.Tensor2D, xf: tf.Tensor2D) => tf.Scalar;
  /** Real batch of n rows. */
  sampleReal: (n: number) => tf.Tensor2D;
  /** Generator steps ≥ 1. */
  iters: number;
  /** Critic steps per generator step ≥ 1. */
  dSteps: number;
  /** Batch size ≥ 1. */
  batch: number;
  /** Critic Adam learning rate and betas. */
  criticLr: number;
  criticBetas?: [number, number];
  /** Generator optimiser: "adam" (with `genBetas`) or "sgd". */
  genOpt: "adam" | "sgd";
  genLr: number;
  genBetas?: [number, number];
  /** Record every `logEvery` generator steps (and at the last). */
  logEvery: number;
  /** Noise source. */
  rng: Rng;
  /** Called at each log with the generator-step index (e.g. to record extra statistics). */
  onLog?: (it: number) => void;
}

/** Log of {@link trainAdversarial}. */
export interface AdversarialLog {
  it: number[];
  dLoss: number[];
  gLoss: number[];
  /** Norm of the gradient of the generator loss w.r.t. the first generator variable. */
  genGradNorm: number[];
  /** Wall time of the whole loop (ms) and mean ms per critic / generator step. */
  wallMs: number;
  msPerCriticStep: number;
  msPerGenStep: number;
}

function noise(n: number, d: number, rng: Rng): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from({ length: n * d }, () => rng.normal()), [n, d]);
}

/**
 * Alternating GAN training: per generator step, `dSteps` Adam steps on the critic loss (fresh real and fake
 * batches, the fake batch treated as a constant), then one step on the generator loss.
 *
 * @param o see {@link AdversarialOptions}
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { trainAdversarial } from "@lib/gan/train.ts";
 * await initTf();
 * // a 1-parameter "critic" and generator, just to exercise the loop
 * const w = tf.variable(tf.scalar(0)), b = tf.variable(tf.scalar(3));
 * const log = trainAdversarial({
 *   generate: (z) => tf.add(z, b), genVars: [b], zDim: 1, criticVars: [w],
 *   criticLoss: (xr, xf) => tf.add(tf.sub(tf.mean(tf.mul(w, xf)), tf.mean(tf.mul(w, xr))), tf.square(w)),
 *   genLoss: (_xr, xf) => tf.neg(tf.mean(tf.mul(w, xf))),
 *   sampleReal: (n) => tf.zeros([n, 1]), iters: 20, dSteps: 2, batch: 8, criticLr: 0.1,
 *   genOpt: "sgd", genLr: 0.5, logEvery: 10, rng: createRng(0),
 * });
 * assert(b.dataSync()[0]! < 3);
 * assert(log.it.length === 2);
 * ```
 */
export function trainAdversarial(o: AdversarialOptions): AdversarialLog {
  const where = "trainAdversarial";
  if (o === null || typeof o !== "object") typeError(where, "o", "an options object", o);
  for (const k of ["generate", "criticLoss", "genLoss", "sampleReal"] as const) {
    if (typeof o[k] !== "function") typeError(where, k, "a function", o[k]);
  }
  checkInt(where, "zDim", o.zDim, 1);
  checkInt(where, "iters", o.iters, 1);
  checkInt(where, "dSteps", o.dSteps, 1);
  checkInt(where, "batch", o.batch, 1);
  checkInt(where, "logEvery", o.logEvery, 1);
  checkPositive(where, "criticLr", o.criticLr);
  checkPositive(where, "genLr", o.genLr);
  if (o.genOpt !== "adam" && o.genOpt !== "sgd") rangeError(where, "genOpt", '"adam" | "sgd"', o.genOpt);
  const [cb1, cb2] = o.criticBetas ?? [0.5, 0.999], [gb1, gb2] = o.genBetas ?? [0.5, 0.999];
  [cb1, cb2, gb1, gb2].forEach((b, i) => checkRange(where, `betas[${i}]`, b, 0, 1, "hi"));
  const dOpt = tf.train.adam(o.criticLr, cb1, cb2);
  const gOpt = o.genOpt === "sgd" ? tf.train.sgd(o.genLr) : tf.train.adam(o.genLr, gb1, gb2);
  const log: AdversarialLog = {
    it: [],
    dLoss: [],
    gLoss: [],
    genGradNorm: [],
    wallMs: 0,
    msPerCriticStep: 0,
    msPerGenStep: 0,
  };
  let dMs = 0, gMs = 0;
  const t0 = performance.now();
  for (let it = 1; it <= o.iters; it++) {
    let dLoss = 0;
    const ta = performance.now();
    for (let k = 0; k < o.dSteps; k++) {
      const xr = o.sampleReal(o.batch), z = noise(o.batch, o.zDim, o.rng);
      const xf = tf.tidy(() => o.generate(z));
      const l = dOpt.minimize(() => o.criticLoss(xr, xf), true, o.criticVars)!;
      dLoss = l.dataSync()[0]!;
      tf.dispose([xr, z, xf, l]);
    }
    const tb = performance.now();
    const xr = o.sampleReal(o.batch), z = noise(o.batch, o.zDim, o.rng);
    const { value, grads } = tf.variableGrads(() => o.genLoss(xr, o.generate(z)), o.genVars);
    const g0 = grads[o.genVars[0]!.name]!;
    const sq = tf.tidy(() => tf.sum(tf.square(g0)));
    const gn = Math.sqrt(sq.dataSync()[0]!);
    sq.dispose();
    gOpt.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
    const gLoss = value.dataSync()[0]!;
    tf.dispose([xr, z, value, ...Object.values(grads)]);
    const tc = performance.now();
    dMs += tb - ta;
    gMs += tc - tb;
    if (it % o.logEvery === 0 || it === o.iters) {
      log.it.push(it);
      log.dLoss.push(dLoss);
      log.gLoss.push(gLoss);
      log.genGradNorm.push(gn);
      o.onLog?.(it);
    }
  }
  log.wallMs = performance.now() - t0;
  log.msPerCriticStep = dMs / (o.iters * o.dSteps);
  log.msPerGenStep = gMs / o.iters;
  dOpt.dispose();
  gOpt.dispose();
  return log;
}

/** The losses {@link trainGan} knows. */
export type GanLoss = "sgan-minimax" | "sgan-ns" | "wgan-gp" | "gan-qp" | "wgan-gn";

/**
 * Critic and generator losses by name, for a critic `T`. `lambda` is λ_gp for WGAN-GP and λ for GAN-QP
 * (distance `l2`, or `l2rms` when `rms` is set); `wgan-gn` is the unconstrained WGAN loss for a
 * gradient-normalized critic.
 *
 * @param loss loss name
 * @param T critic
 * @param lambda λ > 0 (unused by SGAN and WGAN-GN)
 * @param rng interpolation weights of the gradient penalty
 * @param rms GAN-QP distance: per-coordinate RMS (official code) instead of Euclidean
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { ganLosses } from "@lib/gan/train.ts";
 * assertThrows(() => ganLosses("gan-qp", (x) => x.sum(1), -1, createRng(0)), RangeError, "lambda must be");
 * ```
 */
export function ganLosses(
  loss: GanLoss,
  T: Critic,
  lambda: number,
  rng: Rng,
  rms = false,
): { criticLoss: AdversarialOptions["criticLoss"]; genLoss: AdversarialOptions["genLoss"] } {
  switch (loss) {
    case "sgan-minimax":
    case "sgan-ns":
      return {
        criticLoss: (xr, xf) => sganCriticLoss(T, xr, xf),
        genLoss: (_xr, xf) => sganGenLoss(T, xf, loss === "sgan-ns" ? "nonsaturating" : "minimax"),
      };
    case "wgan-gp":
      checkPositive("ganLosses", "lambda", lambda);
      return {
        criticLoss: (xr, xf) => wganGpCriticLoss(T, xr, xf, lambda, rng),
        genLoss: (_xr, xf) => wganGenLoss(T, xf),
      };
    case "wgan-gn":
      return {
        criticLoss: (xr, xf) => tf.tidy(() => tf.sub(tf.mean(T(xf)), tf.mean(T(xr))) as tf.Scalar),
        genLoss: (_xr, xf) => wganGenLoss(T, xf),
      };
    case "gan-qp":
      checkPositive("ganLosses", "lambda", lambda);
      return {
        criticLoss: (xr, xf) => ganQpCriticLoss(T, xr, xf, lambda, rms ? "l2rms" : "l2"),
        genLoss: (xr, xf) => ganQpGenLoss(T, xr, xf),
      };
    default:
      return rangeError("ganLosses", "loss", "sgan-minimax | sgan-ns | wgan-gp | gan-qp | wgan-gn", loss);
  }
}

/** Options of {@link trainGan}. */
export interface TrainGanOptions {
  G: Mlp;
  D: Mlp;
  sampleReal: (n: number) => tf.Tensor2D;
  loss: GanLoss;
  /** λ_gp (WGAN-GP) or λ (GAN-QP); default 10. */
  lambda?: number;
  /** GAN-QP distance per-coordinate RMS (official code) instead of Euclidean. */
  rms?: boolean;
  /** Critic transform (G11): "plain" (default) or a gradient-normalization variant. */
  critic?: "plain" | GnVariant;
  /** ε of the normalized critic. */
  eps?: number;
  /** Generator output squashed by tanh (images in [−1, 1]). */
  tanhOut?: boolean;
  steps: number;
  dSteps: number;
  batch: number;
  lr: number;
  betas?: [number, number];
  logEvery?: number;
  /** Called at each log step with the step index and a sampler of the current generator. */
  onLog?: (it: number, sample: (n: number) => Float64Array) => void;
  /** Random source (noise, penalty interpolation and sampling use forks of it). */
  rng: Rng;
}

/**
 * Trains an MLP generator `G` (noise width `G.spec.inDim`) against an MLP critic `D` with one of the
 * {@link GanLoss}es, both with Adam(lr, betas).
 *
 * @param o see {@link TrainGanOptions}
 * @returns the training log and a sampler for the trained generator
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { Mlp } from "@lib/nn/mlp.ts";
 * import { trainGan } from "@lib/gan/train.ts";
 * await initTf();
 * const G = new Mlp({ inDim: 2, hidden: [8], outDim: 2, act: "relu" }, 1);
 * const D = new Mlp({ inDim: 2, hidden: [8], outDim: 1, act: "relu" }, 2);
 * const r = trainGan({ G, D, sampleReal: (n) => tf.ones([n, 2]), loss: "gan-qp", steps: 5, dSteps: 1, batch: 16, lr: 1e-3, rng: createRng(0) });
 * assertEquals(r.sample(10).length, 20);
 * ```
 */
export function trainGan(o: TrainGanOptions): { log: AdversarialLog; sample: (n: number) => Float64Array } {
  const where = "trainGan";
  if (o === null || typeof o !== "object") typeError(where, "o", "an options object", o);
  const rng = o.rng;
  if (typeof rng !== "function") typeError(where, "rng", "an Rng", rng);
  const kind = o.critic ?? "plain";
  const T = kind === "plain" ? mlpCritic(o.D) : gnCritic(o.D, kind, o.eps);
  const { criticLoss, genLoss } = ganLosses(o.loss, T, o.lambda ?? 10, rng.fork("gp"), o.rms);
  const zDim = o.G.spec.inDim, zRng = rng.fork("z");
  const generate = (z: tf.Tensor2D) => tf.tidy(() => (o.tanhOut ? tf.tanh(o.G.apply(z)) : o.G.apply(z)));
  const sRng = rng.fork("sample");
  const sample = (n: number) => {
    checkInt("trainGan.sample", "n", n, 1);
    const z = noise(n, zDim, sRng), y = generate(z), out = Float64Array.from(y.dataSync());
    tf.dispose([z, y]);
    return out;
  };
  const log = trainAdversarial({
    generate,
    genVars: o.G.variables,
    zDim,
    criticVars: o.D.variables,
    criticLoss,
    genLoss,
    sampleReal: o.sampleReal,
    iters: o.steps,
    dSteps: o.dSteps,
    batch: o.batch,
    criticLr: o.lr,
    criticBetas: o.betas,
    genOpt: "adam",
    genLr: o.lr,
    genBetas: o.betas,
    logEvery: o.logEvery ?? Math.max(1, Math.floor(o.steps / 20)),
    rng: zRng,
    onLog: o.onLog ? (it) => o.onLog!(it, sample) : undefined,
  });
  return { log, sample };
}

/**
 * The shift-only generator of G10/G11's vanishing-gradient experiments: $x_f=\boldsymbol b+e^{\boldsymbol s}\odot z$,
 * $z\sim\mathcal N(0,I)$, with trainable shift $\boldsymbol b$ (first variable) and log-scale $\boldsymbol s$.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { ShiftGenerator } from "@lib/gan/train.ts";
 * await initTf();
 * const g = new ShiftGenerator([4, 4]);
 * assertEquals(Array.from(g.apply(tf.zeros([1, 2])).dataSync()), [4, 4]);
 * assertEquals(g.shiftNorm(), Math.hypot(4, 4));
 * g.dispose();
 * ```
 */
export class ShiftGenerator {
  /** [b, s]. */
  readonly variables: tf.Variable[];
  /**
   * @param start initial shift b
   * @param logStd initial log-scale s (default zeros)
   */
  constructor(start: number[], logStd?: number[]) {
    if (!Array.isArray(start) || start.length < 1 || !start.every(Number.isFinite)) {
      typeError("ShiftGenerator", "start", "a non-empty array of finite numbers", start);
    }
    const s = logStd ?? start.map(() => 0);
    if (!Array.isArray(s) || s.length !== start.length || !s.every(Number.isFinite)) {
      rangeError("ShiftGenerator", "logStd", `${start.length} finite numbers`, s);
    }
    this.variables = [tf.variable(tf.tensor1d(start)), tf.variable(tf.tensor1d(s))];
  }
  /** b + e^s ⊙ z. */
  apply(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(this.variables[0]!, tf.mul(tf.exp(this.variables[1]!), z)) as tf.Tensor2D);
  }
  /** ‖b‖. */
  shiftNorm(): number {
    return Math.hypot(...this.variables[0]!.dataSync());
  }
  /** mean of e^s. */
  meanStd(): number {
    const s = Array.from(this.variables[1]!.dataSync());
    return s.reduce((a, v) => a + Math.exp(v), 0) / s.length;
  }
  /** Frees the variables. */
  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}

/** Options of {@link trainShiftGan}. */
export interface ShiftGanOptions {
  D: Mlp;
  gen: ShiftGenerator;
  loss: GanLoss;
  lambda?: number;
  /** Critic transform: "plain" (default) or a gradient-normalization variant (G11). */
  critic?: "plain" | GnVariant;
  eps?: number;
  sampleReal: (n: number) => tf.Tensor2D;
  iters: number;
  dSteps: number;
  batch: number;
  criticLr: number;
  criticBetas?: [number, number];
  /** Generator learning rate of plain SGD (Adam would normalise a vanishing gradient away). */
  genLr: number;
  logEvery: number;
  rng: Rng;
}

/**
 * Shift-generator GAN: the critic is an MLP trained with Adam, the generator is {@link ShiftGenerator}
 * trained with plain SGD, so the distance travelled measures the size of the generator's gradient.
 *
 * @param o see {@link ShiftGanOptions}
 * @returns log with ‖b‖ and mean e^s at each log step, and the generator-gradient norm ‖∂L_G/∂b‖
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { Mlp } from "@lib/nn/mlp.ts";
 * import { ShiftGenerator, trainShiftGan } from "@lib/gan/train.ts";
 * await initTf();
 * const D = new Mlp({ inDim: 2, hidden: [16], outDim: 1, act: "leaky02" }, 1), gen = new ShiftGenerator([2, 2]);
 * const r = trainShiftGan({ D, gen, loss: "gan-qp", sampleReal: (n) => tf.zeros([n, 2]), iters: 10, dSteps: 1, batch: 32,
 *   criticLr: 1e-3, genLr: 0.01, logEvery: 5, rng: createRng(2) });
 * assert(r.dist.length === 2 && r.genGradNorm.every((g) => g > 0));
 * ```
 */
export function trainShiftGan(o: ShiftGanOptions): AdversarialLog & { dist: number[]; std: number[] } {
  const where = "trainShiftGan";
  if (o === null || typeof o !== "object") typeError(where, "o", "an options object", o);
  if (!(o.gen instanceof ShiftGenerator)) typeError(where, "gen", "a ShiftGenerator", o.gen);
  const kind = o.critic ?? "plain";
  const T = kind === "plain" ? mlpCritic(o.D) : gnCritic(o.D, kind, o.eps);
  const { criticLoss, genLoss } = ganLosses(o.loss, T, o.lambda ?? 10, o.rng.fork("gp"));
  const dist: number[] = [], std: number[] = [];
  const log = trainAdversarial({
    generate: (z) => o.gen.apply(z),
    genVars: o.gen.variables,
    zDim: o.gen.variables[0]!.size,
    criticVars: o.D.variables,
    criticLoss,
    genLoss,
    sampleReal: o.sampleReal,
    iters: o.iters,
    dSteps: o.dSteps,
    batch: o.batch,
    criticLr: o.criticLr,
    criticBetas: o.criticBetas,
    genOpt: "sgd",
    genLr: o.genLr,
    logEvery: o.logEvery,
    rng: o.rng,
    onLog: () => {
      dist.push(o.gen.shiftNorm());
      std.push(o.gen.meanStd());
    },
  });
  return { ...log, dist, std };
}

/** Options of {@link trainDualCritic}. */
export interface DualCriticOptions {
  /** Network (outDim 1). */
  D: Mlp;
  /** "gp": plain critic with gradient penalty; otherwise the gradient-normalized critic of that variant. */
  critic: "gp" | GnVariant;
  /** λ_gp of "gp" (default 10). */
  lambdaGp?: number;
  /** ε of the normalized critic. */
  eps?: number;
  /** Batches of p and q. */
  sampleP: (n: number) => tf.Tensor2D;
  sampleQ: (n: number) => tf.Tensor2D;
  steps: number;
  batch: number;
  lr: number;
  betas?: [number, number];
  /** Evaluate the dual value on (evalP, evalQ) every this many steps (and at the end). */
  evalEvery: number;
  evalP: Float64Array;
  evalQ: Float64Array;
  rng: Rng;
}

/**
 * Trains a critic alone to maximise the WGAN dual value $\mathbb E_pf-\mathbb E_qf$ (G11's W₁ falsification test):
 * with a gradient penalty (`gp`) or through a gradient-normalized critic. If $f$ were 1-Lipschitz the value could not
 * exceed $W_1(p,q)$ (Kantorovich–Rubinstein), so a measured value above it (by more than its standard error) proves
 * the critic is not 1-Lipschitz.
 *
 * @param o see {@link DualCriticOptions}
 * @returns evaluation steps, dual values with standard errors ({@link dualGap} of the critic as used), wall time
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { Mlp } from "@lib/nn/mlp.ts";
 * import { trainDualCritic } from "@lib/gan/train.ts";
 * await initTf();
 * // p = δ(1), q = δ(0): W₁ = 1. (In 1-D the penalty also has a spurious optimum with slope −1; this
 * // network starts with a positive slope.)
 * const D = new Mlp({ inDim: 1, hidden: [8], outDim: 1, act: "leaky02" }, 4);
 * const r = trainDualCritic({ D, critic: "gp", sampleP: (n) => tf.ones([n, 1]), sampleQ: (n) => tf.zeros([n, 1]),
 *   steps: 50, batch: 16, lr: 1e-2, evalEvery: 25, evalP: Float64Array.of(1, 1), evalQ: Float64Array.of(0, 0), rng: createRng(0) });
 * assert(r.value.length === 2 && Math.abs(r.value[1]! - 1) < 0.1);
 * D.dispose();
 * ```
 */
export function trainDualCritic(
  o: DualCriticOptions,
): { step: number[]; value: number[]; se: number[]; wallMs: number; msPerStep: number } {
  const where = "trainDualCritic";
  if (o === null || typeof o !== "object") typeError(where, "o", "an options object", o);
  checkInt(where, "steps", o.steps, 1);
  checkInt(where, "batch", o.batch, 1);
  checkInt(where, "evalEvery", o.evalEvery, 1);
  checkPositive(where, "lr", o.lr);
  const [b1, b2] = o.betas ?? [0.5, 0.9];
  const d = o.D.spec.inDim;
  const T = o.critic === "gp" ? mlpCritic(o.D) : gnCritic(o.D, o.critic, o.eps);
  const lambdaGp = o.critic === "gp" ? checkPositive(where, "lambdaGp", o.lambdaGp ?? 10) : 0;
  const gpRng = o.rng.fork("gp");
  const f = (X: Float64Array) => {
    const x = tf.tensor2d(Float32Array.from(X), [X.length / d, d]),
      v = T(x),
      out = Float64Array.from(v.dataSync());
    tf.dispose([x, v]);
    return out;
  };
  const opt = tf.train.adam(o.lr, b1, b2);
  const res = { step: [] as number[], value: [] as number[], se: [] as number[], wallMs: 0, msPerStep: 0 };
  let trainMs = 0;
  const t0 = performance.now();
  for (let s = 1; s <= o.steps; s++) {
    const ta = performance.now();
    const xp = o.sampleP(o.batch), xq = o.sampleQ(o.batch);
    const l = opt.minimize(
      () =>
        tf.tidy(() => {
          const base = tf.sub(tf.mean(T(xq)), tf.mean(T(xp))) as tf.Scalar;
          return lambdaGp > 0 ? tf.add(base, gradientPenalty(T, xp, xq, lambdaGp, gpRng)) as tf.Scalar : base;
        }),
      true,
      o.D.variables,
    )!;
    tf.dispose([xp, xq, l]);
    trainMs += performance.now() - ta;
    if (s % o.evalEvery === 0 || s === o.steps) {
      const g = dualGap(f, o.evalP, o.evalQ);
      res.step.push(s);
      res.value.push(g.value);
      res.se.push(g.se);
    }
  }
  opt.dispose();
  res.wallMs = performance.now() - t0;
  res.msPerStep = trainMs / o.steps;
  return res;
}
