/**
 * SGD with momentum in the EMA form used by the Tiger/Lion articles:
 * $$\boldsymbol m_t = \beta\boldsymbol m_{t-1} + (1-\beta)\boldsymbol g_t,\qquad
 * \boldsymbol\theta_t = \boldsymbol\theta_{t-1} - \eta_t\big(\boldsymbol m_t + \lambda\boldsymbol\theta_{t-1}\big).$$
 * (The classical form $\boldsymbol m_t = \beta\boldsymbol m_{t-1} + \boldsymbol g_t$ is the same with η
 * scaled by $1/(1-\beta)$.) One state buffer.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { _checkRef } from "./_reference.ts";
import { checkBeta, KexueOptimizer, type StepInfo } from "./optimizer.ts";
import type { DecayOptions } from "./types.ts";

/**
 * One SGDM (EMA form) step on a Float64 tensor, in place (θ and m are updated).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { sgdmUpdate } from "@lib/optim/sgdm.ts";
 * const theta = Float64Array.from([1]), m = Float64Array.from([2]);
 * sgdmUpdate(theta, [4], m, { lr: 0.5, beta: 0.5 });   // m = 3, θ = 1 − 1.5
 * assertAlmostEquals(theta[0]!, -0.5, 1e-15);
 * ```
 */
export function sgdmUpdate(
  theta: Float64Array,
  g: ArrayLike<number>,
  m: Float64Array,
  h: { lr: number; beta: number; weightDecay?: number },
): void {
  const lambda = h.weightDecay ?? 0;
  _checkRef("sgdmUpdate", theta, g, { m }, h.lr, lambda);
  checkBeta("sgdmUpdate", "beta", h.beta);
  for (let i = 0; i < theta.length; i++) {
    m[i] = h.beta * m[i]! + (1 - h.beta) * g[i]!;
    theta[i] = theta[i]! - h.lr * (m[i]! + lambda * theta[i]!);
  }
}

/** Options of {@link SGDM}. */
export interface SGDMOptions extends DecayOptions {
  /** momentum EMA factor (default 0.9) */
  beta?: number;
}

/**
 * SGDM (EMA form) as a `tf.Optimizer`. Defaults: η = 0.01, β = 0.9, λ = 0.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { SGDM } from "@lib/optim/sgdm.ts";
 * await initTf();
 * const w = tf.variable(tf.tensor1d([1]), true, "doc_sgdm/kernel");
 * const opt = new SGDM({ learningRate: 0.5, beta: 0.5 });
 * opt.minimize(() => tf.sum(tf.square(w)));   // g = 2, m = 1
 * assertAlmostEquals(w.dataSync()[0]!, 0.5, 1e-7);
 * opt.dispose(); w.dispose();
 * ```
 */
export class SGDM extends KexueOptimizer {
  /** The name tfjs serialization uses. */
  static get className(): string {
    return "Kexue.SGDM";
  }
  readonly name: string = "sgdm";
  protected readonly slotNames: readonly string[] = ["m"];
  readonly beta: number;

  constructor(o: SGDMOptions = {}) {
    super("SGDM", o, 0.01);
    this.beta = checkBeta("SGDM", "beta", o.beta ?? 0.9);
  }

  protected updateVariable(theta: tf.Variable, g: tf.Tensor, [m]: tf.Variable[], s: StepInfo): void {
    const mv = m!, k = (x: number) => this.scalar(x);
    const m1 = tf.add(tf.mul(mv, k(this.beta)), tf.mul(g, k(1 - this.beta)));
    const step = s.decay > 0 ? tf.add(m1, tf.mul(theta, k(s.decay))) : m1;
    theta.assign(tf.sub(theta, tf.mul(step, k(s.lr))));
    mv.assign(m1);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), beta: this.beta };
  }
}
tf.serialization.registerClass(SGDM);

/**
 * An {@link SGDM} optimizer (factory form).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sgdm } from "@lib/optim/sgdm.ts";
 * assertEquals(sgdm({ beta: 0.9 }).stateMultiplier(), 1);
 * ```
 */
export function sgdm(o: SGDMOptions = {}): SGDM {
  return new SGDM(o);
}
