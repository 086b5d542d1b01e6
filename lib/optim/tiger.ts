/**
 * Tiger ("TIGht-fisted optimizER", Su Jianlin 2023, https://kexue.fm/archives/9512): Lion with
 * $\beta_1 = \beta_2 = \beta$, i.e. the sign of an EMA momentum plus decoupled weight decay,
 * $$\boldsymbol m_t = \beta\boldsymbol m_{t-1} + (1-\beta)\boldsymbol g_t,\qquad
 * \boldsymbol\theta_t = \boldsymbol\theta_{t-1} - \eta_t\big[\operatorname{sign}(\boldsymbol m_t) + \lambda_t\boldsymbol\theta_{t-1}\big],$$
 * completed with the article's (and bojone/tiger's) rules:
 *
 * - **learning rate per tensor** from a global *relative* rate $\alpha_t$:
 *   $\eta_t = 0.5\,\alpha_t$ for element-wise tensors (kinds bias, beta, gamma) and
 *   $\eta_t = \alpha_t\operatorname{RMS}(\boldsymbol\theta_{t-1})$ otherwise, with
 *   $\operatorname{RMS}(\boldsymbol\theta) = \sqrt{\tfrac1k\sum_i\theta_i^2}$ over the whole tensor (kernels; also
 *   tensors of unknown kind) or over each row (embeddings, one RMS per row as in the reference code);
 * - **weight decay** $\lambda_t = 0$ for bias/beta/gamma, a constant (default 0.01) otherwise
 *   (`decayKinds`, default kernel + embedding);
 * - **built-in gradient accumulation** over $k$ micro-steps, no extra buffer
 *   ($\chi_{t/k} = 1$ iff $k \mid t$, $t = 1, 2, \dots$ counts micro-steps):
 *   $$\boldsymbol m_t = \big[(\beta-1)\chi_{(t-1)/k} + 1\big]\boldsymbol m_{t-1} + \tfrac1k(1-\beta)\boldsymbol g_t,\qquad
 *   \boldsymbol\theta_t = \boldsymbol\theta_{t-1} - \chi_{t/k}\,\eta_t\big[\operatorname{sign}(\boldsymbol m_t) + \lambda_t\boldsymbol\theta_{t-1}\big];$$
 * - **the NaN rule**: if any entry of a tensor's gradient is NaN, that tensor skips the step and shrinks
 *   towards its initialisation centre $c$ (1 for gamma, 0 otherwise):
 *   $\boldsymbol m_t = \boldsymbol m_{t-1}$, $\boldsymbol\theta_t = (\boldsymbol\theta_{t-1} - c)\,s + c$, $s = 0.99$;
 * - **a piecewise-linear schedule** inside the optimizer (bojone's `lr_schedule`, counted in
 *   micro-steps from 0): $\alpha_t = \texttt{learningRate}\times\texttt{piecewiseLinear}(t-1, \texttt{lrSchedule})$;
 * - optionally the article's untested "future work" (Eq. 9): $\boldsymbol u_t = \operatorname{sign}(\boldsymbol m_t)\,|\boldsymbol m_t|^{1-\gamma_t}$
 *   (γ = 1: Tiger; γ = 0: SGDM).
 *
 * Edge case kept on purpose: a kernel that is exactly zero has RMS 0, so under RMS scaling it never moves
 * (its learning rate is 0) — the reference code behaves the same.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { checkInt, checkLength, checkRange, rangeError, typeError } from "../core/validate.ts";
import { _checkRef } from "./_reference.ts";
import { checkBeta, KexueOptimizer, type StepInfo } from "./optimizer.ts";
import { piecewiseLinear } from "./schedule.ts";
import { type DecayOptions, isParamKind, type ParamKind } from "./types.ts";

/** The kinds Tiger treats as element-wise (learning rate α/2, no decay by default). */
export const TIGER_ELEMENTWISE_KINDS: readonly ParamKind[] = ["bias", "beta", "gamma"];

/**
 * Root mean square $\sqrt{\frac1k\sum_{i=1}^k x_i^2}$.
 *
 * @throws RangeError on an empty input
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rms } from "@lib/optim/tiger.ts";
 * assertEquals(rms([3, -4, 0, 0]), 2.5);
 * ```
 */
export function rms(x: ArrayLike<number>): number {
  checkLength("rms", "x", x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / x.length);
}

/**
 * RMS of each row of a row-major `rows × cols` matrix (Tiger's learning-rate factor for embeddings).
 *
 * @throws RangeError when `x.length ≠ rows·cols`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rowRms } from "@lib/optim/tiger.ts";
 * assertEquals(Array.from(rowRms([3, 4, 0, 0, 1, 1], 3, 2)), [Math.sqrt(12.5), 0, 1]);
 * ```
 */
export function rowRms(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  checkInt("rowRms", "rows", rows, 1);
  checkInt("rowRms", "cols", cols, 1);
  checkLength("rowRms", "x", x, rows * cols);
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[r * cols + j]! ** 2;
    out[r] = Math.sqrt(s / cols);
  }
  return out;
}

/** Hyper-parameters of one Tiger micro-step on one tensor ({@link tigerUpdate}). */
export interface TigerHyper {
  /** relative learning rate α_t (schedule already applied), ≥ 0 */
  lr: number;
  /** momentum EMA factor β in [0, 1) */
  beta: number;
  /** λ for decaying kinds (kernel, embedding); bias/beta/gamma never decay here. Default 0 */
  weightDecay?: number;
  /** the tensor's kind (default "kernel") */
  kind?: ParamKind;
  /** row length of an embedding (its last axis); default: the whole tensor is one row */
  cols?: number;
  /** accumulation steps k ≥ 1 (default 1) */
  accumSteps?: number;
  /** zero-based micro-step counter (default 0) */
  tMicro?: number;
  /** shrink ratio s of the NaN rule, in [0, 1] (default 0.99) */
  shrinkRatio?: number;
  /** η = α·RMS for kernels/embeddings (default true); false: η = α */
  rmsScaling?: boolean;
  /** apply the NaN rule (default true); false lets NaN flow into m and θ */
  nanRule?: boolean;
  /** Eq. 9 exponent γ_t in [0, 1] (default 1: pure sign) */
  gamma?: number;
}

/** What a Tiger micro-step did to a tensor. */
export type TigerStepKind = "update" | "accumulate" | "nan-skip";

/**
 * Zero-based indicator of the article's built-in accumulation: with micro-step `tMicro` (0, 1, …) the
 * momentum keeps $\beta$ only at the first micro-step of a window, and θ moves only at the last:
 * `{ b1: tMicro % k === 0 ? β : 1, b2: (1 − β)/k, apply: (tMicro + 1) % k === 0 }`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { tigerAccumCoefficients } from "@lib/optim/tiger.ts";
 * assertEquals([0, 1, 2, 3].map((t) => tigerAccumCoefficients(0.9, 4, t).apply), [false, false, false, true]);
 * assertEquals(tigerAccumCoefficients(0.9, 4, 4).b1, 0.9);
 * ```
 */
export function tigerAccumCoefficients(
  beta: number,
  k: number,
  tMicro: number,
): { b1: number; b2: number; apply: boolean } {
  checkBeta("tigerAccumCoefficients", "beta", beta);
  checkInt("tigerAccumCoefficients", "k", k, 1);
  checkInt("tigerAccumCoefficients", "tMicro", tMicro, 0);
  return { b1: tMicro % k === 0 ? beta : 1, b2: (1 - beta) / k, apply: (tMicro + 1) % k === 0 };
}

/**
 * One Tiger micro-step on a Float64 tensor, in place (θ and m): the exact reference of the rules in the
 * module doc (Eq. 1 with the learning-rate, decay, accumulation and NaN rules). The RMS factor is taken
 * from θ before the update and multiplies the decay term too, as in the reference code.
 *
 * @returns "nan-skip" (NaN rule applied), "accumulate" (only m changed) or "update"
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { tigerUpdate } from "@lib/optim/tiger.ts";
 * const theta = Float64Array.from([1, -1, 1, -1]), m = new Float64Array(4);   // RMS(θ) = 1
 * tigerUpdate(theta, [2, -3, 0, 1], m, { lr: 0.1, beta: 0.9, weightDecay: 0.5 });
 * assertEquals(Array.from(theta), [0.85, -0.85, 0.95, -1.05]);   // θ − 0.1·(sign(m) + 0.5θ)
 * const gamma = Float64Array.from([1.5]), mg = new Float64Array(1);
 * assertEquals(tigerUpdate(gamma, [NaN], mg, { lr: 0.1, beta: 0.9, kind: "gamma" }), "nan-skip");
 * assertEquals(gamma[0], 1.495);   // (θ − 1)·0.99 + 1
 * ```
 */
export function tigerUpdate(
  theta: Float64Array,
  g: ArrayLike<number>,
  m: Float64Array,
  h: TigerHyper,
): TigerStepKind {
  const f = "tigerUpdate";
  if (h === null || typeof h !== "object") typeError(f, "h", "a TigerHyper object", h);
  const kind = h.kind ?? "kernel";
  if (!isParamKind(kind)) rangeError(f, "kind", "a ParamKind", kind);
  const elementwise = TIGER_ELEMENTWISE_KINDS.includes(kind);
  const lambda = elementwise ? 0 : (h.weightDecay ?? 0);
  _checkRef(f, theta, g, { m }, h.lr, lambda);
  const k = checkInt(f, "accumSteps", h.accumSteps ?? 1, 1);
  const { b1, b2, apply } = tigerAccumCoefficients(checkBeta(f, "beta", h.beta), k, h.tMicro ?? 0);
  const s = checkRange(f, "shrinkRatio", h.shrinkRatio ?? 0.99, 0, 1);
  const gamma = checkRange(f, "gamma", h.gamma ?? 1, 0, 1);
  if (h.nanRule ?? true) {
    let nan = false;
    for (let i = 0; i < g.length && !nan; i++) nan = Number.isNaN(g[i]);
    if (nan) {
      const c = kind === "gamma" ? 1 : 0;
      for (let i = 0; i < theta.length; i++) theta[i] = (theta[i]! - c) * s + c;
      return "nan-skip";
    }
  }
  for (let i = 0; i < m.length; i++) m[i] = b1 * m[i]! + b2 * g[i]!;
  if (!apply) return "accumulate";
  const n = theta.length;
  let cols = n;
  if (kind === "embedding" && h.cols !== undefined) {
    cols = checkInt(f, "cols", h.cols, 1);
    if (n % cols !== 0) rangeError(f, "cols", `a divisor of theta.length (${n})`, cols);
  }
  const scale = elementwise
    ? Float64Array.of(0.5)
    : !(h.rmsScaling ?? true)
    ? Float64Array.of(1)
    : cols === n
    ? Float64Array.of(rms(theta))
    : rowRms(theta, n / cols, cols);
  for (let i = 0; i < n; i++) {
    const eta = h.lr * scale[scale.length === 1 ? 0 : Math.floor(i / cols)]!;
    const mi = m[i]!;
    const u = gamma === 1 ? Math.sign(mi) : Math.sign(mi) * Math.abs(mi) ** (1 - gamma);
    theta[i] = theta[i]! - eta * (u + lambda * theta[i]!);
  }
  return "update";
}

/** Options of {@link Tiger}. */
export interface TigerOptions extends DecayOptions {
  /** momentum EMA factor β (default 0.965, the article's NLP choice; CV: 0.945) */
  beta?: number;
  /** gradient-accumulation steps k, built into the momentum (default 1) */
  accumSteps?: number;
  /** shrink ratio s of the NaN rule (default 0.99) */
  shrinkRatio?: number;
  /** learning rate × RMS(θ) for kernels/embeddings (default true); false: the plain learning rate */
  rmsScaling?: boolean;
  /** skip-and-shrink on a NaN gradient (default true) */
  nanRule?: boolean;
  /** piecewise-linear multiplier of the learning rate over micro-steps t − 1 = 0, 1, … (default [[0, 1]]: none) */
  lrSchedule?: ReadonlyArray<readonly [number, number]>;
  /** Eq. 9: γ_t as a function of the zero-based micro-step (absent: pure sign); not serialized */
  power?: (tMicro: number) => number;
}

/**
 * Tiger as a `tf.Optimizer` (see the module doc). `learningRate` is the relative rate α (default 1e-3; the
 * author uses a peak of 1e-3…2e-3); defaults β = 0.965, λ = 0.01 on kernels and embeddings, k = 1, s = 0.99.
 * One state buffer (m) for any k. Call `applyGradients` once per micro-batch.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { Tiger } from "@lib/optim/tiger.ts";
 * await initTf();
 * const w = tf.variable(tf.tensor1d([0.3, -0.4]), true, "doc_tiger/kernel");   // RMS = 0.3536
 * const b = tf.variable(tf.tensor1d([0.1]), true, "doc_tiger/bias");
 * const opt = new Tiger({ learningRate: 0.01, weightDecay: 0 });
 * opt.minimize(() => tf.add(tf.sum(tf.square(w)), tf.sum(b)));
 * assertAlmostEquals(w.dataSync()[0]!, 0.3 - 0.01 * Math.sqrt(0.125), 1e-7);
 * assertAlmostEquals(b.dataSync()[0]!, 0.1 - 0.005, 1e-7);   // bias: α/2
 * assertEquals(opt.stateMultiplier(), 1);
 * opt.dispose(); w.dispose(); b.dispose();
 * ```
 */
export class Tiger extends KexueOptimizer {
  /** The name tfjs serialization uses. */
  static get className(): string {
    return "Kexue.Tiger";
  }
  readonly name: string = "tiger";
  protected readonly slotNames: readonly string[] = ["m"];
  readonly beta: number;
  readonly accumSteps: number;
  readonly shrinkRatio: number;
  readonly rmsScaling: boolean;
  readonly nanRule: boolean;
  readonly lrSchedule: ReadonlyArray<readonly [number, number]>;
  readonly power: ((tMicro: number) => number) | undefined;

  constructor(o: TigerOptions = {}) {
    if (o === null || typeof o !== "object") typeError("Tiger", "options", "an object", o);
    super("Tiger", { ...o, weightDecay: o.weightDecay ?? 0.01 }, 1e-3);
    this.beta = checkBeta("Tiger", "beta", o.beta ?? 0.965);
    this.accumSteps = checkInt("Tiger", "accumSteps", o.accumSteps ?? 1, 1);
    this.shrinkRatio = checkRange("Tiger", "shrinkRatio", o.shrinkRatio ?? 0.99, 0, 1);
    this.rmsScaling = _bool("rmsScaling", o.rmsScaling ?? true);
    this.nanRule = _bool("nanRule", o.nanRule ?? true);
    this.lrSchedule = (o.lrSchedule ?? [[0, 1]]).map(([t, v]) => [t, v] as const);
    piecewiseLinear(0, this.lrSchedule); // validates the points
    if (o.power !== undefined && typeof o.power !== "function") {
      typeError("Tiger", "power", "a function of the micro-step", o.power);
    }
    this.power = o.power;
  }

  /** Effective α of zero-based micro-step `tMicro`: learningRate × schedule. */
  alphaAt(tMicro: number): number {
    return this.learningRate * piecewiseLinear(tMicro, this.lrSchedule);
  }

  protected updateVariable(theta: tf.Variable, g: tf.Tensor, [m]: tf.Variable[], s: StepInfo): void {
    const mv = m!, k = (x: number) => this.scalar(x);
    const tMicro = s.t - 1;
    const { b1, b2, apply } = tigerAccumCoefficients(this.beta, this.accumSteps, tMicro);
    const kind = this.kindOf(theta.name);
    const elementwise = kind !== undefined && TIGER_ELEMENTWISE_KINDS.includes(kind);
    // NaN rule, branch-free: nan = 1 if any g_i is NaN (then b1 := 1, g := 0, θ shrinks), else 0
    const nan = this.nanRule ? tf.cast(tf.any(tf.isNaN(g)), "float32") : undefined;
    let m1: tf.Tensor;
    if (nan) {
      const g0 = tf.where(tf.isNaN(g), tf.zerosLike(g), g);
      const keep = tf.sub(k(1), nan);
      m1 = tf.add(tf.mul(mv, tf.add(k(b1), tf.mul(nan, k(1 - b1)))), tf.mul(g0, tf.mul(keep, k(b2))));
    } else {
      m1 = tf.add(tf.mul(mv, k(b1)), tf.mul(g, k(b2)));
    }
    mv.assign(m1);
    let next: tf.Tensor = theta;
    if (apply) {
      const alpha = this.alphaAt(tMicro);
      const eta = elementwise
        ? k(alpha * 0.5)
        : !this.rmsScaling
        ? k(alpha)
        : kind === "embedding" && theta.rank >= 2
        ? tf.mul(tf.sqrt(tf.mean(tf.square(theta), -1, true)), k(alpha))
        : tf.mul(tf.sqrt(tf.mean(tf.square(theta))), k(alpha));
      const gamma = this.power?.(tMicro) ?? 1;
      const u = gamma === 1 ? tf.sign(m1) : tf.mul(tf.sign(m1), tf.pow(tf.abs(m1), k(1 - gamma)));
      const step = s.decay > 0 ? tf.add(u, tf.mul(theta, k(s.decay))) : u;
      next = tf.sub(theta, tf.mul(step, eta));
    }
    if (nan) {
      const c = kind === "gamma" ? 1 : 0;
      const shrunk = tf.add(tf.mul(tf.sub(theta, k(c)), k(this.shrinkRatio)), k(c));
      next = tf.add(tf.mul(next, tf.sub(k(1), nan)), tf.mul(shrunk, nan));
    }
    if (next !== theta) theta.assign(next);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      beta: this.beta,
      accumSteps: this.accumSteps,
      shrinkRatio: this.shrinkRatio,
      rmsScaling: this.rmsScaling,
      nanRule: this.nanRule,
      lrSchedule: this.lrSchedule.map(([t, v]) => [t, v]),
    };
  }
}
tf.serialization.registerClass(Tiger);

function _bool(name: string, x: unknown): boolean {
  if (typeof x !== "boolean") typeError("Tiger", name, "a boolean", x);
  return x;
}

/**
 * A {@link Tiger} optimizer (factory form).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { tiger } from "@lib/optim/tiger.ts";
 * const opt = tiger({ beta: 0.945, weightDecay: 0.01, accumSteps: 4 });
 * assertEquals([opt.stateMultiplier(), opt.accumSteps], [1, 4]);   // one buffer, whatever k
 * ```
 */
export function tiger(o: TigerOptions = {}): Tiger {
  return new Tiger(o);
}
