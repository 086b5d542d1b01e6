/**
 * Lion (EvoLved Sign Momentum, Chen et al. 2023, arXiv 2302.06675) and SIGNUM (arXiv 1802.04434).
 *
 * Lion, in the order the article writes it (the order matters):
 * $$\begin{aligned}
 * \boldsymbol u_t &= \operatorname{sign}\big(\beta_1\boldsymbol m_{t-1} + (1-\beta_1)\boldsymbol g_t\big)\\
 * \boldsymbol\theta_t &= \boldsymbol\theta_{t-1} - \eta_t\big(\boldsymbol u_t + \lambda\boldsymbol\theta_{t-1}\big)\\
 * \boldsymbol m_t &= \beta_2\boldsymbol m_{t-1} + (1-\beta_2)\boldsymbol g_t
 * \end{aligned}$$
 * with $\operatorname{sign}(0) = 0$ (`tf.sign` is exact on wasm once `initTf()` has installed the fix in `lib/core/tf_ops.ts`; tfjs-wasm's own zeroes |x| ≤ 1.19e-7). One state buffer ($\boldsymbol m$); no ε, division or square root.
 *
 * SIGNUM, $\boldsymbol m_t = \beta\boldsymbol m_{t-1} + (1-\beta)\boldsymbol g_t$,
 * $\boldsymbol\theta_t = \boldsymbol\theta_{t-1} - \eta_t\operatorname{sign}(\boldsymbol m_t)$, is Lion with
 * $\beta_1 = \beta_2 = \beta$ and $\lambda = 0$.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { _checkRef } from "./_reference.ts";
import { checkBeta, KexueOptimizer, type StepInfo } from "./optimizer.ts";
import type { DecayOptions } from "./types.ts";

/** Hyper-parameters of one Lion step. */
export interface LionHyper {
  lr: number;
  beta1: number;
  beta2: number;
  /** λ for this tensor (0 if its kind does not decay); default 0 */
  weightDecay?: number;
}

/**
 * One Lion step on a Float64 tensor, in place (θ and m are updated): the exact reference of the
 * article's equation (see the module doc). `sign(0) = 0`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lionUpdate } from "@lib/optim/lion.ts";
 * const theta = new Float64Array(3), m = Float64Array.from([0.5, -0.5, 0]);
 * lionUpdate(theta, [1, 1, 0], m, { lr: 0.1, beta1: 0.9, beta2: 0.99 });
 * assertEquals(Array.from(theta), [-0.1, 0.1, 0]);   // c = [0.55, -0.35, 0]
 * ```
 */
export function lionUpdate(theta: Float64Array, g: ArrayLike<number>, m: Float64Array, h: LionHyper): void {
  const lambda = h.weightDecay ?? 0;
  _checkRef("lionUpdate", theta, g, { m }, h.lr, lambda);
  checkBeta("lionUpdate", "beta1", h.beta1);
  checkBeta("lionUpdate", "beta2", h.beta2);
  for (let i = 0; i < theta.length; i++) {
    const gi = g[i]!, mi = m[i]!;
    const u = Math.sign(h.beta1 * mi + (1 - h.beta1) * gi);
    theta[i] = theta[i]! - h.lr * (u + lambda * theta[i]!);
    m[i] = h.beta2 * mi + (1 - h.beta2) * gi;
  }
}

/**
 * One SIGNUM step in its own order (momentum first, then the sign of the *new* momentum), in place.
 * Equal to {@link lionUpdate} with β1 = β2 = β and λ = 0.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { signumUpdate } from "@lib/optim/lion.ts";
 * const theta = Float64Array.from([1, 1]), m = Float64Array.from([0.05, -0.05]);
 * signumUpdate(theta, [-1, 1], m, { lr: 0.5, beta: 0.9 });   // new m = [−0.055, 0.055]
 * assertEquals(Array.from(theta), [1.5, 0.5]);
 * ```
 */
export function signumUpdate(
  theta: Float64Array,
  g: ArrayLike<number>,
  m: Float64Array,
  h: { lr: number; beta: number },
): void {
  _checkRef("signumUpdate", theta, g, { m }, h.lr, 0);
  checkBeta("signumUpdate", "beta", h.beta);
  for (let i = 0; i < theta.length; i++) {
    m[i] = h.beta * m[i]! + (1 - h.beta) * g[i]!;
    theta[i] = theta[i]! - h.lr * Math.sign(m[i]!);
  }
}

/** Options of {@link Lion}. */
export interface LionOptions extends DecayOptions {
  /** interpolation factor inside the sign (default 0.9) */
  beta1?: number;
  /** momentum EMA factor, applied after the parameter step (default 0.99) */
  beta2?: number;
}

/**
 * The Lion optimizer as a `tf.Optimizer` (see the module doc for the update). Defaults:
 * η = 1e-4, β1 = 0.9, β2 = 0.99, λ = 0, decay on kernels and embeddings.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { Lion } from "@lib/optim/lion.ts";
 * await initTf();
 * const w = tf.variable(tf.tensor1d([0.3, -0.2]), true, "doc_lion/kernel");
 * const opt = new Lion({ learningRate: 0.01 });
 * opt.minimize(() => tf.sum(tf.square(w)));
 * assertAlmostEquals(w.dataSync()[0]!, 0.29, 1e-6);   // θ − η·sign(g)
 * opt.dispose(); w.dispose();
 * ```
 */
export class Lion extends KexueOptimizer {
  /** The name tfjs serialization uses. */
  static get className(): string {
    return "Kexue.Lion";
  }
  readonly name: string = "lion";
  protected readonly slotNames: readonly string[] = ["m"];
  readonly beta1: number;
  readonly beta2: number;

  constructor(o: LionOptions = {}) {
    super("Lion", o, 1e-4);
    this.beta1 = checkBeta("Lion", "beta1", o.beta1 ?? 0.9);
    this.beta2 = checkBeta("Lion", "beta2", o.beta2 ?? 0.99);
  }

  protected updateVariable(theta: tf.Variable, g: tf.Tensor, [m]: tf.Variable[], s: StepInfo): void {
    const mv = m!, k = (x: number) => this.scalar(x);
    const u = tf.sign(tf.add(tf.mul(mv, k(this.beta1)), tf.mul(g, k(1 - this.beta1))));
    const step = s.decay > 0 ? tf.add(u, tf.mul(theta, k(s.decay))) : u;
    theta.assign(tf.sub(theta, tf.mul(step, k(s.lr))));
    mv.assign(tf.add(tf.mul(mv, k(this.beta2)), tf.mul(g, k(1 - this.beta2))));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2 };
  }
}
tf.serialization.registerClass(Lion);

/**
 * A {@link Lion} optimizer (factory form).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lion } from "@lib/optim/lion.ts";
 * const opt = lion({ beta1: 0.95, beta2: 0.98, weightDecay: 0.1 });
 * assertEquals(opt.stateMultiplier(), 1);
 * ```
 */
export function lion(o: LionOptions = {}): Lion {
  return new Lion(o);
}

/**
 * SIGNUM as a tfjs optimizer: `new Lion({ beta1: β, beta2: β, weightDecay: 0 })`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { signum } from "@lib/optim/lion.ts";
 * const opt = signum({ beta: 0.9 });
 * assertEquals([opt.beta1, opt.beta2, opt.weightDecay], [0.9, 0.9, 0]);
 * ```
 */
export function signum(o: { beta?: number; learningRate?: number } = {}): Lion {
  const beta = o.beta ?? 0.9;
  return new Lion({ learningRate: o.learningRate, beta1: beta, beta2: beta, weightDecay: 0 });
}
