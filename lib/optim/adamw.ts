/**
 * AdamW (Loshchilov & Hutter, arXiv 1711.05101): Adam with *decoupled* weight decay, ε outside the
 * square root, as the article writes it:
 * $$\begin{aligned}
 * \boldsymbol m_t &= \beta_1\boldsymbol m_{t-1} + (1-\beta_1)\boldsymbol g_t, &
 * \boldsymbol v_t &= \beta_2\boldsymbol v_{t-1} + (1-\beta_2)\boldsymbol g_t^2,\\
 * \hat{\boldsymbol m}_t &= \boldsymbol m_t/(1-\beta_1^t), &
 * \hat{\boldsymbol v}_t &= \boldsymbol v_t/(1-\beta_2^t),\\
 * \boldsymbol u_t &= \hat{\boldsymbol m}_t/\big(\sqrt{\hat{\boldsymbol v}_t} + \epsilon\big), &
 * \boldsymbol\theta_t &= \boldsymbol\theta_{t-1} - \eta_t\big(\boldsymbol u_t + \lambda\boldsymbol\theta_{t-1}\big).
 * \end{aligned}$$
 * Two state buffers (m, v). At t = 1, $\hat{\boldsymbol m}_1/\sqrt{\hat{\boldsymbol v}_1} = \operatorname{sign}(\boldsymbol g_1)$:
 * Adam's first step is a sign step (ε → 0).
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { checkInt, checkPositive } from "../core/validate.ts";
import { _checkRef } from "./_reference.ts";
import { checkBeta, KexueOptimizer, type StepInfo } from "./optimizer.ts";
import type { DecayOptions } from "./types.ts";

/** Hyper-parameters of one AdamW step. */
export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** λ for this tensor (0 if its kind does not decay); default 0 */
  weightDecay?: number;
}

/**
 * One AdamW step on a Float64 tensor, in place (θ, m and v are updated); `t` is the 1-based step
 * number used in the bias corrections.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { adamwUpdate } from "@lib/optim/adamw.ts";
 * const theta = new Float64Array(2), m = new Float64Array(2), v = new Float64Array(2);
 * adamwUpdate(theta, [0.3, -2], { m, v }, 1, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-12 });
 * assertAlmostEquals(theta[0]!, -0.1, 1e-9);   // first step = −η·sign(g)
 * assertAlmostEquals(theta[1]!, 0.1, 1e-9);
 * ```
 */
export function adamwUpdate(
  theta: Float64Array,
  g: ArrayLike<number>,
  state: { m: Float64Array; v: Float64Array },
  t: number,
  h: AdamWHyper,
): void {
  const lambda = h.weightDecay ?? 0;
  const { m, v } = state;
  _checkRef("adamwUpdate", theta, g, { m, v }, h.lr, lambda);
  checkInt("adamwUpdate", "t", t, 1);
  checkBeta("adamwUpdate", "beta1", h.beta1);
  checkBeta("adamwUpdate", "beta2", h.beta2);
  checkPositive("adamwUpdate", "eps", h.eps);
  const c1 = 1 - Math.pow(h.beta1, t), c2 = 1 - Math.pow(h.beta2, t);
  for (let i = 0; i < theta.length; i++) {
    const gi = g[i]!;
    m[i] = h.beta1 * m[i]! + (1 - h.beta1) * gi;
    v[i] = h.beta2 * v[i]! + (1 - h.beta2) * gi * gi;
    const u = (m[i]! / c1) / (Math.sqrt(v[i]! / c2) + h.eps);
    theta[i] = theta[i]! - h.lr * (u + lambda * theta[i]!);
  }
}

/** Options of {@link AdamW}. */
export interface AdamWOptions extends DecayOptions {
  /** first-moment EMA factor (default 0.9) */
  beta1?: number;
  /** second-moment EMA factor (default 0.999) */
  beta2?: number;
  /** ε added to √v̂ (default 1e-8) */
  eps?: number;
}

/**
 * AdamW as a `tf.Optimizer` (update in the module doc). Defaults: η = 1e-3, β1 = 0.9, β2 = 0.999,
 * ε = 1e-8, λ = 0, decay on kernels and embeddings. The bias corrections use this optimizer's step
 * count (`iterations + 1`).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { AdamW } from "@lib/optim/adamw.ts";
 * await initTf();
 * const w = tf.variable(tf.tensor1d([0.5]), true, "doc_adamw/kernel");
 * const opt = new AdamW({ learningRate: 0.125, weightDecay: 0 });
 * opt.minimize(() => tf.sum(tf.square(w)));
 * assertAlmostEquals(w.dataSync()[0]!, 0.375, 1e-6);
 * opt.dispose(); w.dispose();
 * ```
 */
export class AdamW extends KexueOptimizer {
  /** The name tfjs serialization uses. */
  static get className(): string {
    return "Kexue.AdamW";
  }
  readonly name: string = "adamw";
  protected readonly slotNames: readonly string[] = ["m", "v"];
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;

  constructor(o: AdamWOptions = {}) {
    super("AdamW", o, 1e-3);
    this.beta1 = checkBeta("AdamW", "beta1", o.beta1 ?? 0.9);
    this.beta2 = checkBeta("AdamW", "beta2", o.beta2 ?? 0.999);
    this.eps = checkPositive("AdamW", "eps", o.eps ?? 1e-8);
  }

  protected updateVariable(theta: tf.Variable, g: tf.Tensor, [m, v]: tf.Variable[], s: StepInfo): void {
    const mv = m!, vv = v!, k = (x: number) => this.scalar(x);
    const m1 = tf.add(tf.mul(mv, k(this.beta1)), tf.mul(g, k(1 - this.beta1)));
    const v1 = tf.add(tf.mul(vv, k(this.beta2)), tf.mul(tf.square(g), k(1 - this.beta2)));
    const c1 = 1 / (1 - Math.pow(this.beta1, s.t)), c2 = 1 / (1 - Math.pow(this.beta2, s.t));
    const u = tf.div(tf.mul(m1, k(c1)), tf.add(tf.sqrt(tf.mul(v1, k(c2))), k(this.eps)));
    const step = s.decay > 0 ? tf.add(u, tf.mul(theta, k(s.decay))) : u;
    theta.assign(tf.sub(theta, tf.mul(step, k(s.lr))));
    mv.assign(m1);
    vv.assign(v1);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, eps: this.eps };
  }
}
tf.serialization.registerClass(AdamW);

/**
 * An {@link AdamW} optimizer (factory form).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { adamw } from "@lib/optim/adamw.ts";
 * assertEquals(adamw({ weightDecay: 0.01 }).stateMultiplier(), 2);
 * ```
 */
export function adamw(o: AdamWOptions = {}): AdamW {
  return new AdamW(o);
}
