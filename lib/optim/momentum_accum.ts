/**
 * Gradient accumulation hidden in the momentum (Su Jianlin 2021, https://kexue.fm/archives/8634).
 *
 * With $\chi_{t/k} = 1$ iff $k \mid t$ (micro-steps $t = 1, 2, \dots$), accumulating $k$ micro-batch
 * gradients into SGDM needs no extra buffer: decay the momentum only at the first micro-step of a
 * window, add every micro-gradient with weight $(1-\beta)/k$, and move θ only at the last one,
 * $$\boldsymbol m_t = \left[(\beta-1)\chi_{(t-1)/k} + 1\right]\boldsymbol m_{t-1} + \tfrac1k(1-\beta)\boldsymbol g_t,\qquad
 * \boldsymbol\theta_t = \boldsymbol\theta_{t-1} - \chi_{t/k}\,\alpha_t\boldsymbol m_t .$$
 * This is *exactly* SGDM on the window-mean gradient ({@link SGDMHiddenAccum}). For Adam the second moment
 * holds the square of the mean, which does not split; the article assumes
 * $\left(\frac1k\sum_i g_i\right)^2 \sim \frac1k\sum_i g_i^2$ and treats $\boldsymbol v$ like $\boldsymbol m$, with
 * bias corrections $1-\beta^{t/k}$ ({@link AdamAccum}, mode `"accumulate"`). Finally the modified recursion
 * is close to a plain EMA with $\tilde\beta = 1 - (1-\beta)/k$ ({@link tildeBeta}), so accumulation ≈
 * (1) every β → β̃ and (2) learning rate × $\chi_{t/k}$ (modes `"tildeEveryK"` and `"everyK"`).
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { tf } from "../core/tf_setup.ts";
import { checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { _checkRef } from "./_reference.ts";
import { chi } from "./accumulate.ts";
import { checkBeta, KexueOptimizer, type StepInfo } from "./optimizer.ts";
import type { DecayOptions } from "./types.ts";

/**
 * The article's equivalent EMA rate $\tilde\beta = 1 - \frac1k(1-\beta)$.
 *
 * @throws RangeError unless β ∈ [0, 1) and k is an integer ≥ 1
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { tildeBeta } from "@lib/optim/momentum_accum.ts";
 * assertAlmostEquals(tildeBeta(0.9, 4), 0.975, 1e-15);
 * assertAlmostEquals(Math.abs(0.975 ** 4 - 0.9), 0.003688, 1e-6);   // β̃^k ≈ β only to first order
 * ```
 */
export function tildeBeta(beta: number, k: number): number {
  checkBeta("tildeBeta", "beta", beta);
  checkInt("tildeBeta", "k", k, 1);
  return 1 - (1 - beta) / k;
}

/**
 * Weights $\tilde\beta^{k-i}(1-\tilde\beta)$, $i = 1..k$, with which the β̃-EMA counts the $k$ micro-gradients
 * of one window (Eq. 10 unrolled), to compare with the uniform $(1-\beta)/k$ of true accumulation.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { tildeBetaWeights } from "@lib/optim/momentum_accum.ts";
 * const w = tildeBetaWeights(0.9, 2);   // β̃ = 0.95
 * assertAlmostEquals(w[0]!, 0.95 * 0.05, 1e-15);   // the older micro-gradient weighs less
 * assertAlmostEquals(w[1]!, 0.05, 1e-15);
 * ```
 */
export function tildeBetaWeights(beta: number, k: number): Float64Array {
  const b = tildeBeta(beta, k);
  return Float64Array.from({ length: k }, (_, i) => b ** (k - 1 - i) * (1 - b));
}

/**
 * One micro-step of SGDM with hidden accumulation (module doc) on a Float64 tensor, in place (θ and m).
 * `t` is the 1-based micro-step; decoupled decay $\lambda\boldsymbol\theta$ joins the update at window ends.
 *
 * @returns whether θ moved (t a multiple of k)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sgdmHiddenAccumUpdate } from "@lib/optim/momentum_accum.ts";
 * const th = Float64Array.from([1]), m = Float64Array.from([0]);
 * const h = { lr: 1, beta: 0.5, k: 2 };
 * assertEquals(sgdmHiddenAccumUpdate(th, [2], m, 1, h), false);   // m = 0.5·0 + 0.25·2
 * assertEquals(sgdmHiddenAccumUpdate(th, [6], m, 2, h), true);    // m = 0.5 + 0.25·6 = 0.5·mean(2, 6)
 * assertEquals([th[0], m[0]], [-1, 2]);
 * ```
 */
export function sgdmHiddenAccumUpdate(
  theta: Float64Array,
  g: ArrayLike<number>,
  m: Float64Array,
  t: number,
  h: { lr: number; beta: number; k: number; weightDecay?: number },
): boolean {
  const f = "sgdmHiddenAccumUpdate", lambda = h.weightDecay ?? 0;
  _checkRef(f, theta, g, { m }, h.lr, lambda);
  checkInt(f, "t", t, 1);
  const beta = checkBeta(f, "beta", h.beta), k = checkInt(f, "k", h.k, 1);
  const b1 = chi(t - 1, k) === 1 ? beta : 1, b2 = (1 - beta) / k;
  for (let i = 0; i < m.length; i++) m[i] = b1 * m[i]! + b2 * g[i]!;
  if (chi(t, k) === 0) return false;
  for (let i = 0; i < theta.length; i++) theta[i] = theta[i]! - h.lr * (m[i]! + lambda * theta[i]!);
  return true;
}

/** Options of {@link SGDMHiddenAccum}. */
export interface SGDMHiddenAccumOptions extends DecayOptions {
  /** momentum EMA factor (default 0.9) */
  beta?: number;
  /** micro-steps per update (default 1) */
  k?: number;
}

/**
 * SGDM (EMA form) with gradient accumulation hidden in its momentum, as a `tf.Optimizer`: one state
 * buffer (m), like plain SGDM, where `withGradAccumulation(sgdm(), k)` needs two. Defaults η = 0.01,
 * β = 0.9, k = 1, λ = 0.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { SGDMHiddenAccum } from "@lib/optim/momentum_accum.ts";
 * await initTf();
 * const w = tf.variable(tf.tensor1d([1]), true, "doc_sgdmha/kernel");
 * const opt = new SGDMHiddenAccum({ learningRate: 1, beta: 0.5, k: 2 });
 * opt.applyGradients({ [w.name]: tf.tensor1d([2]) });   // accumulates only
 * assertEquals(w.dataSync()[0], 1);
 * opt.applyGradients({ [w.name]: tf.tensor1d([6]) });   // m = 0.5·mean(2, 6) = 2
 * assertEquals(w.dataSync()[0], -1);
 * assertEquals(opt.stateMultiplier(), 1);
 * opt.dispose(); w.dispose();
 * ```
 */
export class SGDMHiddenAccum extends KexueOptimizer {
  /** The name tfjs serialization uses. */
  static get className(): string {
    return "Kexue.SGDMHiddenAccum";
  }
  readonly name: string;
  protected readonly slotNames: readonly string[] = ["m"];
  readonly beta: number;
  readonly k: number;

  constructor(o: SGDMHiddenAccumOptions = {}) {
    super("SGDMHiddenAccum", o, 0.01);
    this.beta = checkBeta("SGDMHiddenAccum", "beta", o.beta ?? 0.9);
    this.k = checkInt("SGDMHiddenAccum", "k", o.k ?? 1, 1);
    this.name = `sgdm-hidden${this.k}`;
  }

  protected updateVariable(theta: tf.Variable, g: tf.Tensor, [m]: tf.Variable[], s: StepInfo): void {
    const mv = m!, c = (x: number) => this.scalar(x);
    const g1 = tf.mul(g, c((1 - this.beta) / this.k));
    const m1 = chi(s.t - 1, this.k) === 1 ? tf.add(tf.mul(mv, c(this.beta)), g1) : tf.add(mv, g1);
    mv.assign(m1);
    if (chi(s.t, this.k) === 0) return;
    const step = s.decay > 0 ? tf.add(m1, tf.mul(theta, c(s.decay))) : m1;
    theta.assign(tf.sub(theta, tf.mul(step, c(s.lr))));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), beta: this.beta, k: this.k };
  }
}
tf.serialization.registerClass(SGDMHiddenAccum);

/**
 * A {@link SGDMHiddenAccum} optimizer (factory form).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sgdmHiddenAccum } from "@lib/optim/momentum_accum.ts";
 * assertEquals([sgdmHiddenAccum({ beta: 0.9, k: 4 }).stateMultiplier(), sgdmHiddenAccum({ k: 4 }).name], [1, "sgdm-hidden4"]);
 * ```
 */
export function sgdmHiddenAccum(o: SGDMHiddenAccumOptions = {}): SGDMHiddenAccum {
  return new SGDMHiddenAccum(o);
}

/**
 * How {@link AdamAccum} treats a window of k micro-steps:
 * - `"plain"`: ordinary Adam, θ moves every micro-step (k is ignored);
 * - `"accumulate"`: Eq. 9, m and v decayed only at a window's first micro-step, gradients (and their
 *   squares) added with weight $(1-\beta)/k$, bias corrections $1-\beta^{t/k}$, θ moves at window ends;
 * - `"everyK"`: ordinary m, v recursions and bias corrections, θ moves only when $\chi_{t/k}=1$ (recipe step 2);
 * - `"tildeEveryK"`: as `"everyK"` with $\beta_{1,2} \to \tilde\beta_{1,2}$ (recipe steps 1 + 2).
 */
export type AdamAccumMode = "plain" | "accumulate" | "everyK" | "tildeEveryK";

/** The modes of {@link AdamAccumMode}, in a fixed order. */
export const ADAM_ACCUM_MODES: readonly AdamAccumMode[] = ["plain", "everyK", "accumulate", "tildeEveryK"];

/** Hyper-parameters of {@link adamAccumUpdate}. */
export interface AdamAccumHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  k: number;
  mode: AdamAccumMode;
  /** λ of decoupled decay (default 0) */
  weightDecay?: number;
  /** ε inside the root, $\hat m/\sqrt{\hat v + \epsilon}$, as the article writes it (default false: $\sqrt{\hat v} + \epsilon$) */
  epsInsideSqrt?: boolean;
}

/** Per-micro-step coefficients of a mode: m ← a1·m + c1·g, v ← a2·v + c2·g², bias powers, whether θ moves. */
function _adamCoefs(t: number, h: AdamAccumHyper) {
  const { beta1: b1, beta2: b2, k, mode } = h;
  if (mode === "accumulate") {
    const first = chi(t - 1, k) === 1;
    return {
      a1: first ? b1 : 1,
      c1: (1 - b1) / k,
      a2: first ? b2 : 1,
      c2: (1 - b2) / k,
      bc1: 1 - b1 ** (t / k),
      bc2: 1 - b2 ** (t / k),
      apply: chi(t, k) === 1,
    };
  }
  const e1 = mode === "tildeEveryK" ? tildeBeta(b1, k) : b1;
  const e2 = mode === "tildeEveryK" ? tildeBeta(b2, k) : b2;
  return {
    a1: e1,
    c1: 1 - e1,
    a2: e2,
    c2: 1 - e2,
    bc1: 1 - e1 ** t,
    bc2: 1 - e2 ** t,
    apply: mode === "plain" || chi(t, k) === 1,
  };
}

function _checkAdamHyper(f: string, h: AdamAccumHyper): void {
  if (h === null || typeof h !== "object") typeError(f, "h", "an AdamAccumHyper object", h);
  checkBeta(f, "beta1", h.beta1);
  checkBeta(f, "beta2", h.beta2);
  checkPositive(f, "eps", h.eps);
  checkInt(f, "k", h.k, 1);
  if (!ADAM_ACCUM_MODES.includes(h.mode)) rangeError(f, "mode", ADAM_ACCUM_MODES.join(" | "), h.mode);
}

/**
 * One micro-step of Adam in one of the {@link AdamAccumMode}s on a Float64 tensor, in place (θ, m, v);
 * `t` is the 1-based micro-step.
 *
 * @returns whether θ moved
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { adamAccumUpdate } from "@lib/optim/momentum_accum.ts";
 * const th = new Float64Array(1), m = new Float64Array(1), v = new Float64Array(1);
 * const h = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-12, k: 2, mode: "accumulate" as const };
 * assertEquals(adamAccumUpdate(th, [3], { m, v }, 1, h), false);
 * assertEquals(adamAccumUpdate(th, [1], { m, v }, 2, h), true);
 * // first real step: m̂ = mean g = 2, v̂ = mean g² = 5, so θ = −0.1·2/√5 (not −0.1·sign)
 * assertAlmostEquals(th[0]!, -0.2 / Math.sqrt(5), 1e-9);
 * ```
 */
export function adamAccumUpdate(
  theta: Float64Array,
  g: ArrayLike<number>,
  state: { m: Float64Array; v: Float64Array },
  t: number,
  h: AdamAccumHyper,
): boolean {
  const f = "adamAccumUpdate";
  _checkAdamHyper(f, h);
  const lambda = h.weightDecay ?? 0, { m, v } = state;
  _checkRef(f, theta, g, { m, v }, h.lr, lambda);
  checkInt(f, "t", t, 1);
  const c = _adamCoefs(t, h);
  for (let i = 0; i < m.length; i++) {
    const gi = g[i]!;
    m[i] = c.a1 * m[i]! + c.c1 * gi;
    v[i] = c.a2 * v[i]! + c.c2 * gi * gi;
  }
  if (!c.apply) return false;
  for (let i = 0; i < theta.length; i++) {
    const vh = v[i]! / c.bc2;
    const den = h.epsInsideSqrt ? Math.sqrt(vh + h.eps) : Math.sqrt(vh) + h.eps;
    theta[i] = theta[i]! - h.lr * ((m[i]! / c.bc1) / den + lambda * theta[i]!);
  }
  return true;
}

/** Options of {@link AdamAccum}. */
export interface AdamAccumOptions extends DecayOptions {
  /** default 0.9 */
  beta1?: number;
  /** default 0.999 */
  beta2?: number;
  /** default 1e-8 */
  eps?: number;
  /** micro-steps per update (default 1) */
  k?: number;
  /** default "accumulate" */
  mode?: AdamAccumMode;
  /** ε inside the square root as in the article (default false) */
  epsInsideSqrt?: boolean;
}

/**
 * Adam with the article's accumulation variants ({@link AdamAccumMode}) as a `tf.Optimizer`: two state
 * buffers (m, v) in every mode. Defaults η = 1e-3, β = (0.9, 0.999), ε = 1e-8 (outside the root), k = 1,
 * mode `"accumulate"`, λ = 0. With k = 1 every mode is ordinary Adam(W).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { AdamAccum } from "@lib/optim/momentum_accum.ts";
 * await initTf();
 * const w = tf.variable(tf.tensor1d([0]), true, "doc_adamacc/kernel");
 * const opt = new AdamAccum({ learningRate: 0.1, k: 2, mode: "everyK", eps: 1e-12 });
 * opt.applyGradients({ [w.name]: tf.tensor1d([1]) });
 * assertEquals(w.dataSync()[0], 0);
 * opt.applyGradients({ [w.name]: tf.tensor1d([1]) });   // same gradient twice: m̂/√v̂ = 1
 * assertAlmostEquals(w.dataSync()[0]!, -0.1, 1e-6);
 * opt.dispose(); w.dispose();
 * ```
 */
export class AdamAccum extends KexueOptimizer {
  /** The name tfjs serialization uses. */
  static get className(): string {
    return "Kexue.AdamAccum";
  }
  readonly name: string;
  protected readonly slotNames: readonly string[] = ["m", "v"];
  readonly hyper: Readonly<Omit<AdamAccumHyper, "lr" | "weightDecay">>;

  constructor(o: AdamAccumOptions = {}) {
    super("AdamAccum", o, 1e-3);
    const h = {
      beta1: o.beta1 ?? 0.9,
      beta2: o.beta2 ?? 0.999,
      eps: o.eps ?? 1e-8,
      k: o.k ?? 1,
      mode: o.mode ?? "accumulate",
      epsInsideSqrt: o.epsInsideSqrt ?? false,
    };
    _checkAdamHyper("AdamAccum", { ...h, lr: 0 });
    this.hyper = h;
    this.name = h.mode === "plain" ? "adam" : `adam-${h.mode}${h.k}`;
  }

  protected updateVariable(theta: tf.Variable, g: tf.Tensor, [m, v]: tf.Variable[], s: StepInfo): void {
    const h = this.hyper, c = _adamCoefs(s.t, { ...h, lr: s.lr }), sc = (x: number) => this.scalar(x);
    const mul = (x: tf.Tensor, a: number) => (a === 1 ? x : tf.mul(x, sc(a)));
    const m1 = tf.add(mul(m!, c.a1), tf.mul(g, sc(c.c1)));
    const v1 = tf.add(mul(v!, c.a2), tf.mul(tf.square(g), sc(c.c2)));
    m!.assign(m1);
    v!.assign(v1);
    if (!c.apply) return;
    const vh = tf.mul(v1, sc(1 / c.bc2));
    const den = h.epsInsideSqrt ? tf.sqrt(tf.add(vh, sc(h.eps))) : tf.add(tf.sqrt(vh), sc(h.eps));
    const u = tf.div(tf.mul(m1, sc(1 / c.bc1)), den);
    const step = s.decay > 0 ? tf.add(u, tf.mul(theta, sc(s.decay))) : u;
    theta.assign(tf.sub(theta, tf.mul(step, sc(s.lr))));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.hyper };
  }
}
tf.serialization.registerClass(AdamAccum);

/**
 * An {@link AdamAccum} optimizer (factory form).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { adamAccum } from "@lib/optim/momentum_accum.ts";
 * const o = adamAccum({ k: 4, mode: "tildeEveryK" });
 * assertEquals([o.name, o.stateMultiplier()], ["adam-tildeEveryK4", 2]);
 * ```
 */
export function adamAccum(o: AdamAccumOptions = {}): AdamAccum {
  return new AdamAccum(o);
}

/**
 * How far the β̃-EMA is from hidden accumulation on a random gradient stream: both recursions run on
 * `steps` i.i.d. N(0, 1) scalars per coordinate (`dim` coordinates), and at every window end $kt$ after the
 * first `skipWindows` windows the relative gap $\|\boldsymbol m^{\text{acc}}_{kt} - \boldsymbol m^{\tilde\beta}_{kt}\|/\|\boldsymbol m^{\text{acc}}_{kt}\|$ is averaged.
 *
 * @throws RangeError unless steps ≥ k·(skipWindows + 1)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { tildeBetaGap } from "@lib/optim/momentum_accum.ts";
 * assert(tildeBetaGap(0.9, 4, createRng(0), { steps: 4000 }) < 0.1);
 * assert(tildeBetaGap(0.9, 1, createRng(0), { steps: 400 }) === 0);   // k = 1: the same recursion
 * ```
 */
export function tildeBetaGap(
  beta: number,
  k: number,
  rng: Rng,
  o: { steps?: number; dim?: number; skipWindows?: number } = {},
): number {
  const f = "tildeBetaGap", bt = tildeBeta(beta, k);
  const steps = checkInt(f, "steps", o.steps ?? 4000, 1), dim = checkInt(f, "dim", o.dim ?? 16, 1);
  const skip = checkInt(f, "skipWindows", o.skipWindows ?? 10, 0);
  if (steps < k * (skip + 1)) rangeError(f, "steps", `≥ k·(skipWindows + 1) = ${k * (skip + 1)}`, steps);
  const ma = new Float64Array(dim), mb = new Float64Array(dim);
  let sum = 0, count = 0;
  for (let t = 1; t <= steps; t++) {
    const a1 = chi(t - 1, k) === 1 ? beta : 1;
    for (let i = 0; i < dim; i++) {
      const g = rng.normal();
      ma[i] = a1 * ma[i]! + ((1 - beta) / k) * g;
      mb[i] = bt * mb[i]! + (1 - bt) * g;
    }
    if (chi(t, k) === 1 && t / k > skip) {
      let num = 0, den = 0;
      for (let i = 0; i < dim; i++) {
        num += (ma[i]! - mb[i]!) ** 2;
        den += ma[i]! ** 2;
      }
      sum += den > 0 ? Math.sqrt(num / den) : 0;
      count++;
    }
  }
  return sum / count;
}
