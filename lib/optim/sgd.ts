/**
 * Plain stochastic gradient descent with optional decoupled weight decay:
 * $\boldsymbol\theta_t = \boldsymbol\theta_{t-1} - \eta_t\big(\boldsymbol g_t + \lambda\boldsymbol\theta_{t-1}\big)$
 * (λ only on the decaying kinds). No state.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { _checkRef } from "./_reference.ts";
import { KexueOptimizer, type StepInfo } from "./optimizer.ts";
import type { DecayOptions } from "./types.ts";

/**
 * One SGD step on a Float64 tensor, in place.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sgdUpdate } from "@lib/optim/sgd.ts";
 * const theta = Float64Array.from([1, 2]);
 * sgdUpdate(theta, [0.5, -1], { lr: 0.5 });
 * assertEquals(Array.from(theta), [0.75, 2.5]);
 * ```
 */
export function sgdUpdate(
  theta: Float64Array,
  g: ArrayLike<number>,
  h: { lr: number; weightDecay?: number },
): void {
  const lambda = h.weightDecay ?? 0;
  _checkRef("sgdUpdate", theta, g, {}, h.lr, lambda);
  for (let i = 0; i < theta.length; i++) theta[i] = theta[i]! - h.lr * (g[i]! + lambda * theta[i]!);
}

/**
 * SGD as a `tf.Optimizer` (named `Kexue.SGD` so it does not replace tfjs's own `SGD` in the
 * serialization registry). Defaults: η = 0.01, λ = 0.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { SGD } from "@lib/optim/sgd.ts";
 * await initTf();
 * const w = tf.variable(tf.tensor1d([1]), true, "doc_sgd/kernel");
 * const opt = new SGD({ learningRate: 0.25 });
 * opt.minimize(() => tf.sum(tf.square(w)));   // g = 2w
 * assertAlmostEquals(w.dataSync()[0]!, 0.5, 1e-7);
 * opt.dispose(); w.dispose();
 * ```
 */
export class SGD extends KexueOptimizer {
  /** The name tfjs serialization uses. */
  static get className(): string {
    return "Kexue.SGD";
  }
  readonly name: string = "sgd";
  protected readonly slotNames: readonly string[] = [];

  constructor(o: DecayOptions = {}) {
    super("SGD", o, 0.01);
  }

  protected updateVariable(theta: tf.Variable, g: tf.Tensor, _slots: tf.Variable[], s: StepInfo): void {
    const step = s.decay > 0 ? tf.add(g, tf.mul(theta, this.scalar(s.decay))) : g;
    theta.assign(tf.sub(theta, tf.mul(step, this.scalar(s.lr))));
  }
}
tf.serialization.registerClass(SGD);

/**
 * An {@link SGD} optimizer (factory form).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sgd } from "@lib/optim/sgd.ts";
 * assertEquals(sgd().stateMultiplier(), 0);
 * ```
 */
export function sgd(o: DecayOptions = {}): SGD {
  return new SGD(o);
}
