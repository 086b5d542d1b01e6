/**
 * Gradient accumulation for any lib/optim optimizer, the standard way: an extra buffer $\boldsymbol a$
 * per parameter collects $k$ micro-batch gradients and the wrapped optimizer steps once with their mean,
 * $$\boldsymbol a \leftarrow \boldsymbol a + \boldsymbol g_t,\qquad
 * \text{if } \chi_{t/k} = 1:\ \text{inner step with } \tfrac1k\boldsymbol a,\ \boldsymbol a \leftarrow 0,$$
 * where $\chi_{t/k} = 1$ iff $k$ divides the micro-step $t = 1, 2, \dots$ The buffer costs one more
 * parameter-sized state: AdamW 2 → 3, Lion 1 → 2, SGDM 1 → 2 — the accounting behind the Tiger article's
 * "Adam 3, Lion 2, Tiger 1" (Tiger folds the accumulation into its momentum, see `tiger.ts`).
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { checkInt, rangeError, typeError } from "../core/validate.ts";
import { KexueOptimizer, type NamedTensor, type StepInfo } from "./optimizer.ts";

/**
 * The accumulation indicator $\chi_{t/k}$: 1 if $t \equiv 0 \pmod k$, else 0.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { chi } from "@lib/optim/accumulate.ts";
 * assertEquals([1, 2, 3, 4, 5, 8].map((t) => chi(t, 4)), [0, 0, 0, 1, 0, 1]);
 * ```
 */
export function chi(t: number, k: number): 0 | 1 {
  checkInt("chi", "t", t, 0);
  checkInt("chi", "k", k, 1);
  return t % k === 0 ? 1 : 0;
}

const _INNER = "inner:";

/**
 * An optimizer wrapped with explicit gradient accumulation over `k` micro-steps (see the module doc).
 * Its `learningRate` is handed to the inner optimizer at each real step; weight decay and kinds are the
 * inner optimizer's. `getWeights()` holds the accumulation buffers and, prefixed `inner:`, the inner state.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { GradAccumulation } from "@lib/optim/accumulate.ts";
 * import { sgd } from "@lib/optim/sgd.ts";
 * await initTf();
 * const w = tf.variable(tf.tensor1d([1]), true, "doc_accum/kernel");
 * const opt = new GradAccumulation(sgd({ learningRate: 0.5 }), 2);
 * opt.applyGradients({ [w.name]: tf.tensor1d([1]) });   // accumulates only
 * assertEquals(w.dataSync()[0], 1);
 * opt.applyGradients({ [w.name]: tf.tensor1d([3]) });   // steps with the mean 2
 * assertEquals(w.dataSync()[0], 0);
 * assertEquals(opt.stateMultiplier(), 1);   // SGD 0 + the buffer
 * opt.dispose(); w.dispose();
 * ```
 */
export class GradAccumulation extends KexueOptimizer {
  /** The name tfjs serialization uses. */
  static get className(): string {
    return "Kexue.GradAccumulation";
  }
  readonly name: string;
  protected readonly slotNames: readonly string[] = ["acc"];
  /** the wrapped optimizer (owned: disposed with this one) */
  readonly inner: KexueOptimizer;
  /** micro-steps per real step */
  readonly k: number;
  #pending = new Map<string, tf.Variable>();

  constructor(inner: KexueOptimizer, k: number) {
    if (!(inner instanceof KexueOptimizer)) {
      typeError("withGradAccumulation", "inner", "a KexueOptimizer", inner);
    }
    super("withGradAccumulation", {
      learningRate: inner.learningRate,
      weightDecay: inner.weightDecay,
      decayKinds: inner.decayKinds,
      kindOf: (n) => inner.kindOf(n),
    }, inner.learningRate);
    this.inner = inner;
    this.k = checkInt("withGradAccumulation", "k", k, 1);
    this.name = `${inner.name}+accum${this.k}`;
  }

  /** The inner optimizer's state plus one buffer. */
  override stateMultiplier(): number {
    return this.inner.stateMultiplier() + 1;
  }

  protected updateVariable(theta: tf.Variable, g: tf.Tensor, [acc]: tf.Variable[], _s: StepInfo): void {
    acc!.assign(tf.add(acc!, g));
    this.#pending.set(theta.name, acc!);
  }

  /** Adds the gradients to the buffers; every k-th call steps the inner optimizer with their mean. */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    super.applyGradients(variableGradients);
    if (this.iterations % this.k !== 0) return;
    this.inner.learningRate = this.learningRate;
    tf.tidy(() => {
      const mean: tf.NamedTensorMap = {};
      const inv = tf.scalar(1 / this.k);
      for (const [name, acc] of this.#pending) mean[name] = tf.mul(acc, inv);
      this.inner.applyGradients(mean);
      for (const acc of this.#pending.values()) acc.assign(tf.zerosLike(acc));
    });
    this.#pending.clear();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const own = await super.getWeights();
    const inner = await this.inner.getWeights();
    return [...own, ...inner.map((w) => ({ name: _INNER + w.name, tensor: w.tensor }))];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const own = weightValues.filter((w) => !w.name.startsWith(_INNER));
    const inner = weightValues.filter((w) => w.name.startsWith(_INNER))
      .map((w) => ({ name: w.name.slice(_INNER.length), tensor: w.tensor }));
    await super.setWeights(own);
    if (inner.length > 0) await this.inner.setWeights(inner);
    this.#pending.clear();
  }

  override reset(): void {
    super.reset();
    this.inner.reset();
    this.#pending.clear();
  }

  override dispose(): void {
    super.dispose();
    this.inner.dispose();
    this.#pending.clear();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      k: this.k,
      learningRate: this.learningRate,
      inner: { className: this.inner.getClassName(), config: this.inner.getConfig() },
    };
  }

  /** Rebuilds the wrapper and its (registered) inner optimizer from {@link getConfig}. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    _cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const spec = config.inner as { className: string; config: tf.serialization.ConfigDict } | undefined;
    const entry = spec && tf.serialization.SerializationMap.getMap().classNameMap[spec.className];
    if (!entry) {
      rangeError("GradAccumulation.fromConfig", "config.inner.className", "a registered class", spec);
    }
    const [cls, from] = entry;
    const inner = from(cls, spec!.config) as unknown as KexueOptimizer;
    const out = new GradAccumulation(inner, config.k as number);
    out.learningRate = config.learningRate as number;
    return out as unknown as T;
  }
}
tf.serialization.registerClass(GradAccumulation);

/**
 * `inner` with explicit gradient accumulation over `k` micro-steps ({@link GradAccumulation}).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { withGradAccumulation } from "@lib/optim/accumulate.ts";
 * import { adamw } from "@lib/optim/adamw.ts";
 * import { lion } from "@lib/optim/lion.ts";
 * assertEquals(withGradAccumulation(adamw(), 4).stateMultiplier(), 3);
 * assertEquals(withGradAccumulation(lion(), 4).stateMultiplier(), 2);
 * ```
 */
export function withGradAccumulation(inner: KexueOptimizer, k: number): GradAccumulation {
  return new GradAccumulation(inner, k);
}
