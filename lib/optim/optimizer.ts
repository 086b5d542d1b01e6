/**
 * The common base of the lib/optim tfjs optimizers: a real `tf.Optimizer` (usable with
 * `opt.minimize(f)` or `opt.applyGradients(grads)` in any tfjs code) that adds
 *
 * - a learning rate that can be changed between steps (`opt.learningRate = η_t` for schedules),
 * - decoupled weight decay by parameter kind:
 *   $\boldsymbol\theta_t = \boldsymbol\theta_{t-1} - \eta_t(\boldsymbol u_t + \lambda\boldsymbol\theta_{t-1})$,
 *   where the $\lambda\boldsymbol\theta_{t-1}$ term is applied only to variables whose kind (looked up
 *   from the variable's name) is in `decayKinds`,
 * - per-variable state slots keyed by variable name (not by position), saved by `getWeights()` as
 *   `<variable name>/<slot>` and restored by `setWeights()`,
 * - `stateMultiplier()`: extra floats of optimizer state per model parameter (memory accounting).
 *
 * Subclasses implement one method, `updateVariable`, the article's per-tensor update.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { checkFinite, checkNonNegative, rangeError, typeError } from "../core/validate.ts";
import {
  type DecayOptions,
  DEFAULT_DECAY_KINDS,
  isParamKind,
  kindFromName,
  type KindLookup,
  type ParamKind,
} from "./types.ts";

/** A named tensor, as tfjs optimizers take and return them (tfjs does not export this type). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** What {@link KexueOptimizer.updateVariable} receives besides the tensors. */
export interface StepInfo {
  /** current learning rate η_t */
  lr: number;
  /** λ if this variable decays, else 0 */
  decay: number;
  /** 1-based step counter (this optimizer's `iterations + 1`) */
  t: number;
}

function _lookupFn(where: string, k: KindLookup | undefined): (name: string) => ParamKind | undefined {
  if (k === undefined) return kindFromName;
  if (typeof k === "function") return k;
  if (k instanceof Map) return (name) => k.get(name);
  if (typeof k === "object" && k !== null) {
    for (const [name, kind] of Object.entries(k)) {
      if (!isParamKind(kind)) rangeError(where, `kindOf["${name}"]`, "a ParamKind", kind);
    }
    const rec = k as Readonly<Record<string, ParamKind>>;
    return (name) => (Object.hasOwn(rec, name) ? rec[name] : undefined);
  }
  return typeError(where, "kindOf", "a function, a Map or a record of kinds", k);
}

/** Requires β in [0, 1). */
export function checkBeta(where: string, name: string, x: unknown): number {
  checkFinite(where, name, x);
  const v = x as number;
  if (!(v >= 0 && v < 1)) rangeError(where, name, "in [0, 1)", v);
  return v;
}

/** Base class of the lib/optim optimizers; see the module documentation. */
export abstract class KexueOptimizer extends tf.Optimizer {
  /** Short display name, e.g. "lion". */
  abstract readonly name: string;
  /** Names of the per-variable state slots, e.g. `["m"]` (their count is the state multiplier). */
  protected abstract readonly slotNames: readonly string[];
  /** Decoupled weight decay rate λ. */
  readonly weightDecay: number;
  /** Kinds that receive the decay. */
  readonly decayKinds: readonly ParamKind[];
  readonly #kindSpec: KindLookup | undefined;
  readonly #kindOf: (name: string) => ParamKind | undefined;
  readonly #where: string;
  #lr: number;
  #slots = new Map<string, tf.Variable[]>();
  /** scalars of the current step, shared by all variables (cleared after each step) */
  #stepScalars = new Map<number, tf.Scalar>();

  protected constructor(where: string, o: DecayOptions, defaultLr: number) {
    super();
    if (o === null || typeof o !== "object") typeError(where, "options", "an object", o);
    this.#where = where;
    this.#lr = checkNonNegative(where, "learningRate", o.learningRate ?? defaultLr);
    this.weightDecay = checkNonNegative(where, "weightDecay", o.weightDecay ?? 0);
    const kinds = o.decayKinds ?? DEFAULT_DECAY_KINDS;
    if (!Array.isArray(kinds)) typeError(where, "decayKinds", "an array of ParamKind", kinds);
    kinds.forEach((k, i) => {
      if (!isParamKind(k)) rangeError(where, `decayKinds[${i}]`, "a ParamKind", k);
    });
    this.decayKinds = [...kinds];
    // `kindOf: null` comes from a deserialized config whose lookup was a function: default rule.
    this.#kindSpec = o.kindOf ?? undefined;
    this.#kindOf = _lookupFn(where, this.#kindSpec);
  }

  /** The current learning rate η_t. Setting it validates (finite, ≥ 0). */
  get learningRate(): number {
    return this.#lr;
  }
  set learningRate(lr: number) {
    this.#lr = checkNonNegative(this.#where, "learningRate", lr);
  }

  /** Sets the learning rate for the next steps and returns `this`. */
  setLearningRate(lr: number): this {
    this.learningRate = lr;
    return this;
  }

  /** Extra state floats per model parameter: SGD 0, SGDM 1, Lion 1, AdamW 2. */
  stateMultiplier(): number {
    return this.slotNames.length;
  }

  /** The kind this optimizer assigns to a variable name (undefined = unknown, never decayed). */
  kindOf(variableName: string): ParamKind | undefined {
    return this.#kindOf(variableName);
  }

  /** Whether the variable named `variableName` receives decoupled weight decay. */
  decays(variableName: string): boolean {
    const k = this.#kindOf(variableName);
    return this.weightDecay > 0 && k !== undefined && this.decayKinds.includes(k);
  }

  /** The per-tensor update rule: must assign the new value of `theta` and of every slot. */
  protected abstract updateVariable(
    theta: tf.Variable,
    g: tf.Tensor,
    slots: tf.Variable[],
    s: StepInfo,
  ): void;

  /** Applies one step to every variable named in `variableGradients` (null gradients are skipped). */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs: Array<[string, tf.Tensor | null | undefined]> = Array.isArray(variableGradients)
      ? variableGradients.map((x) => [x.name, x.tensor])
      : Object.entries(variableGradients);
    const t = this.iterations + 1;
    this.#stepScalars.clear();
    tf.tidy(() => {
      for (const [name, g] of pairs) {
        if (g == null) continue;
        const theta = tf.engine().registeredVariables[name];
        if (theta === undefined) rangeError(this.#where, "variable name", "a registered tf.Variable", name);
        if (!tf.util.arraysEqual(theta.shape, g.shape)) {
          rangeError(this.#where, `gradient shape of "${name}"`, `[${theta.shape}]`, g.shape);
        }
        const decay = this.decays(name) ? this.weightDecay : 0;
        this.updateVariable(theta, g, this.#slotsFor(name, theta), { lr: this.#lr, decay, t });
      }
    });
    this.#stepScalars.clear();
    this.incrementIterations();
  }

  /**
   * A scalar tensor for `x`, created once per step and shared by all variables of the step (tfjs
   * would otherwise upload a new scalar for every `tf.mul(x, number)`; ≈ 6 µs each on wasm).
   * Only valid inside {@link updateVariable}.
   */
  protected scalar(x: number): tf.Scalar {
    let s = this.#stepScalars.get(x);
    if (s === undefined) {
      s = tf.scalar(x);
      this.#stepScalars.set(x, s);
    }
    return s;
  }

  #slotsFor(name: string, theta: tf.Variable): tf.Variable[] {
    let s = this.#slots.get(name);
    if (s === undefined) {
      s = this.slotNames.map(() => tf.tidy(() => tf.variable(tf.zerosLike(theta), false)));
      this.#slots.set(name, s);
    }
    return s;
  }

  /** `[iterations, ...slots]`, slots named `<variable name>/<slot name>`. */
  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    for (const [name, vars] of this.#slots) {
      vars.forEach((v, i) => out.push({ name: `${name}/${this.slotNames[i]}`, tensor: v }));
    }
    return out;
  }

  /** Restores what {@link getWeights} returned (the caller keeps ownership of the given tensors). */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const grouped = new Map<string, (tf.Tensor | undefined)[]>();
    for (const { name, tensor } of rest) {
      const cut = name.lastIndexOf("/");
      const slot = this.slotNames.indexOf(name.slice(cut + 1));
      if (cut < 0 || slot < 0) {
        rangeError(this.#where, "weight name", `<variable>/${this.slotNames.join("|")}`, name);
      }
      const arr = grouped.get(name.slice(0, cut)) ?? this.slotNames.map(() => undefined);
      arr[slot] = tensor;
      grouped.set(name.slice(0, cut), arr);
    }
    this.#disposeSlots();
    for (const [name, arr] of grouped) {
      this.#slots.set(
        name,
        arr.map((x, i) => {
          if (x === undefined) {
            return rangeError(this.#where, "weights", `a "${this.slotNames[i]}" slot`, name);
          }
          return tf.variable(x, false); // shares x's data until the first assign; x stays the caller's
        }),
      );
    }
  }

  #disposeSlots(): void {
    for (const vars of this.#slots.values()) for (const v of vars) v.dispose();
    this.#slots.clear();
  }

  /** Forgets all state (slots and step counter), as a fresh optimizer. */
  reset(): void {
    this.#disposeSlots();
    this.iterations_ = 0;
  }

  /** Disposes the state variables. */
  override dispose(): void {
    this.#disposeSlots();
  }

  /** Serializable hyper-parameters; a `kindOf` function is not serializable and becomes `null`. */
  override getConfig(): tf.serialization.ConfigDict {
    const k = this.#kindSpec;
    let kindOf: tf.serialization.ConfigDict | null = null;
    if (k instanceof Map) kindOf = Object.fromEntries(k);
    else if (k !== undefined && typeof k === "object") {
      kindOf = { ...(k as Readonly<Record<string, ParamKind>>) };
    }
    return {
      learningRate: this.#lr,
      weightDecay: this.weightDecay,
      decayKinds: [...this.decayKinds],
      kindOf,
    };
  }
}
