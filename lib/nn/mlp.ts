/**
 * Small fully connected networks in tfjs for the 2-D generative toys (X-gen §6): dense layers
 * $\boldsymbol h_{l+1} = \phi(\boldsymbol h_l W_l + \boldsymbol b_l)$, linear output layer. Weights are drawn from a seeded
 * `Rng` (LeCun normal, std $1/\sqrt{\text{fan-in}}$; biases 0), so a given seed gives the same network everywhere.
 *
 * @module
 */
import { createRng } from "../core/rng.ts";
import { tf } from "../core/tf_setup.ts";
import { checkInt, rangeError, typeError } from "../core/validate.ts";
import { assignFromArrays, variablesToArrays } from "./weights.ts";

/** Layer sizes and activation of an {@link Mlp}. */
export interface MlpSpec {
  /** Input width ≥ 1. */
  inDim: number;
  /** Hidden widths (may be empty: a linear map). */
  hidden: number[];
  /** Output width ≥ 1. */
  outDim: number;
  /** Hidden activation; `leaky02` is $\mathrm{relu}(x) - 0.2\,\mathrm{relu}(-x)$ (twice differentiable in tfjs). */
  act: "relu" | "silu" | "tanh" | "leaky02";
}

const ACTS = ["relu", "silu", "tanh", "leaky02"];

/**
 * The hidden activation of an {@link Mlp}, applied elementwise (shared by code that re-derives an Mlp's forward pass,
 * e.g. its input gradient in `lib/gan/input_grad.ts`).
 *
 * @param act the activation name
 * @param x pre-activations
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { mlpActivation } from "@lib/nn/mlp.ts";
 * await initTf();
 * assertEquals(Array.from(mlpActivation("leaky02", tf.tensor2d([[-1, 2]])).dataSync()), [Math.fround(-0.2), 2]);
 * ```
 */
export function mlpActivation(act: MlpSpec["act"], x: tf.Tensor2D): tf.Tensor2D {
  switch (act) {
    case "relu":
      return tf.relu(x);
    case "tanh":
      return tf.tanh(x);
    case "silu":
      return tf.mul(x, tf.sigmoid(x));
    case "leaky02":
      return tf.sub(tf.relu(x), tf.mul(0.2, tf.relu(tf.neg(x))));
  }
}

let mlpCount = 0;

/**
 * A multilayer perceptron with tfjs variables.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { Mlp } from "@lib/nn/mlp.ts";
 * await initTf();
 * const m = new Mlp({ inDim: 2, hidden: [8], outDim: 3, act: "silu" }, 0);
 * assertEquals(m.predict(Float64Array.of(1, 2, 3, 4)).length, 6);
 * assertEquals(Array.from(Mlp.fromJSON(m.toJSON()).predict(Float64Array.of(1, 2))), Array.from(m.predict(Float64Array.of(1, 2))));
 * m.dispose();
 * ```
 */
export class Mlp {
  /** The layer sizes and activation. */
  readonly spec: MlpSpec;
  /** Weights and biases in order W_0, b_0, W_1, b_1, … (W_l is fanIn×fanOut). */
  readonly variables: tf.Variable[];

  /**
   * @param spec layer sizes and activation
   * @param seed integer seed of the initialisation
   */
  constructor(spec: MlpSpec, seed: number) {
    const where = "Mlp";
    if (spec === null || typeof spec !== "object") typeError(where, "spec", "an MlpSpec", spec);
    checkInt(where, "spec.inDim", spec.inDim, 1);
    checkInt(where, "spec.outDim", spec.outDim, 1);
    if (!Array.isArray(spec.hidden)) typeError(where, "spec.hidden", "an array of widths", spec.hidden);
    spec.hidden.forEach((h, i) => checkInt(where, `spec.hidden[${i}]`, h, 1));
    if (!ACTS.includes(spec.act)) rangeError(where, "spec.act", ACTS.join(" | "), spec.act);
    this.spec = { ...spec, hidden: [...spec.hidden] };
    const rng = createRng(seed);
    const sizes = [spec.inDim, ...spec.hidden, spec.outDim], id = mlpCount++;
    this.variables = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const fi = sizes[l]!, fo = sizes[l + 1]!, std = 1 / Math.sqrt(fi);
      const w = Float32Array.from({ length: fi * fo }, () => std * rng.normal());
      // tf.variable copies its initial value; dispose the temporaries so construction leaks nothing
      const w0 = tf.tensor2d(w, [fi, fo]), b0 = tf.zeros([fo]);
      this.variables.push(tf.variable(w0, true, `mlp${id}_W${l}`));
      this.variables.push(tf.variable(b0, true, `mlp${id}_b${l}`));
      w0.dispose();
      b0.dispose();
    }
  }

  /**
   * Forward pass on a batch.
   *
   * @param x batch × inDim
   * @returns batch × outDim
   */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    if (x.rank !== 2 || x.shape[1] !== this.spec.inDim) {
      rangeError("Mlp.apply", "x.shape", `[n, ${this.spec.inDim}]`, x.shape.join("×"));
    }
    return tf.tidy(() => {
      let h = x;
      const L = this.variables.length / 2;
      for (let l = 0; l < L; l++) {
        h = tf.add(
          tf.matMul(h, this.variables[2 * l] as tf.Tensor2D),
          this.variables[2 * l + 1]!,
        ) as tf.Tensor2D;
        if (l + 1 < L) h = mlpActivation(this.spec.act, h);
      }
      return h;
    });
  }

  /**
   * Forward pass on plain numbers (n×inDim row-major), returning n×outDim as Float64.
   *
   * @param X n×inDim values
   */
  predict(X: Float64Array): Float64Array {
    if (!(X instanceof Float64Array) || X.length === 0 || X.length % this.spec.inDim !== 0) {
      rangeError("Mlp.predict", "X.length", `a positive multiple of inDim = ${this.spec.inDim}`, X?.length);
    }
    const n = X.length / this.spec.inDim;
    const y = tf.tidy(() => this.apply(tf.tensor2d(Float32Array.from(X), [n, this.spec.inDim])).dataSync());
    return Float64Array.from(y);
  }

  /** Spec and weights as plain arrays. */
  toJSON(): { spec: MlpSpec; weights: number[][] } {
    return { spec: this.spec, weights: variablesToArrays(this.variables) };
  }

  /**
   * Rebuilds a network saved with {@link Mlp.toJSON}.
   *
   * @param o `{ spec, weights }`
   */
  static fromJSON(o: { spec: MlpSpec; weights: number[][] }): Mlp {
    if (o === null || typeof o !== "object" || !Array.isArray(o.weights)) {
      typeError("Mlp.fromJSON", "o", "{ spec, weights }", o);
    }
    const m = new Mlp(o.spec, 0);
    assignFromArrays("Mlp.fromJSON", m.variables, o.weights);
    return m;
  }

  /** Frees the variables. */
  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}
