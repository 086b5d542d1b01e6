/**
 * A small fully convolutional noise-prediction network for single-channel images, usable at any H×W (G02):
 * $L$ layers of $k\times k$ `tf.conv2d` ('same' zero padding), SiLU in between, and the time entering every hidden
 * layer as a per-channel bias $\boldsymbol h_l \mathrel{+}= \gamma(t)V_l$ with Fourier features
 * $\gamma(t)$ ({@link fourierTimeEmbed}). Trained with the ε-prediction loss
 * $\mathbb E_{t,\boldsymbol x_0,\boldsymbol\varepsilon}\|\boldsymbol\epsilon_\theta(a_t\boldsymbol x_0 + b_t\boldsymbol\varepsilon, t) - \boldsymbol\varepsilon\|^2$.
 *
 * Why `tf.conv2d` and not patch matmuls: with the wasm gap-fills of `lib/core/tf_ops.ts` the filter gradient works,
 * and one Adam step of a 4-layer, 32-channel net on 32 images of 8×8 took ≈ 55 ms against ≈ 160 ms for the same net
 * written as k² slices + concat + matmul (measured under load 3.3 on this 2-core machine).
 *
 * @module
 */
import { createRng, type Rng } from "../core/rng.ts";
import { tf } from "../core/tf_setup.ts";
import { checkInt, checkPositive, checkRange, rangeError, typeError } from "../core/validate.ts";
import { assignFromArrays, variablesToArrays } from "./weights.ts";
import { fourierTimeEmbed } from "./fourier_time_embed.ts";
import { trainSteps } from "./train_loop.ts";

/** Architecture of a {@link ConvDenoiser}. */
export interface ConvDenoiserSpec {
  /** Hidden channels ≥ 1. */
  channels: number;
  /** Number of conv layers ≥ 2 (receptive field 1 + layers·(k − 1)). */
  layers: number;
  /** Odd kernel side ≥ 1. */
  k: number;
  /** Width of the Fourier time features (even ≥ 2). */
  timeDim: number;
  /** Largest time frequency (default 32). */
  maxFreq?: number;
}

let netCount = 0;

/**
 * Fully convolutional ε-network with Fourier time conditioning.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { ConvDenoiser } from "@lib/nn/conv_denoiser.ts";
 * await initTf();
 * const net = new ConvDenoiser({ channels: 4, layers: 3, k: 3, timeDim: 4 }, 0);
 * assertEquals(net.predict(new Float64Array(2 * 36), 6, 6, 0.5).length, 72); // any size
 * assertEquals(net.predict(new Float64Array(16), 4, 4, 0.5).length, 16);
 * net.dispose();
 * ```
 */
export class ConvDenoiser {
  /** The architecture. */
  readonly spec: ConvDenoiserSpec;
  /** Conv filters and biases, then the time projections V_l (timeDim×channels), in a fixed order. */
  readonly variables: tf.Variable[];

  /**
   * @param spec architecture
   * @param seed integer seed of the initialisation (He-normal filters, zero biases, N(0, 1/timeDim) projections)
   */
  constructor(spec: ConvDenoiserSpec, seed: number) {
    const where = "ConvDenoiser";
    if (spec === null || typeof spec !== "object") typeError(where, "spec", "a ConvDenoiserSpec", spec);
    checkInt(where, "spec.channels", spec.channels, 1);
    checkInt(where, "spec.layers", spec.layers, 2);
    checkInt(where, "spec.k", spec.k, 1);
    if (spec.k % 2 !== 1) rangeError(where, "spec.k", "an odd integer ≥ 1", spec.k);
    checkInt(where, "spec.timeDim", spec.timeDim, 2);
    if (spec.timeDim % 2 !== 0) rangeError(where, "spec.timeDim", "an even integer ≥ 2", spec.timeDim);
    checkPositive(where, "spec.maxFreq", spec.maxFreq ?? 32);
    this.spec = { ...spec };
    const rng = createRng(seed), id = netCount++, { channels: C, layers: L, k, timeDim } = spec;
    const ch = [1, ...Array(L - 1).fill(C), 1] as number[];
    const normal = (n: number, std: number) => Float32Array.from({ length: n }, () => std * rng.normal());
    this.variables = [];
    for (let l = 0; l < L; l++) {
      const fanIn = k * k * ch[l]!, gain = l + 1 < L ? Math.sqrt(2) : 0.5;
      const f = tf.tensor4d(normal(fanIn * ch[l + 1]!, gain / Math.sqrt(fanIn)), [k, k, ch[l]!, ch[l + 1]!]);
      this.variables.push(
        tf.variable(f, true, `convden${id}_F${l}`),
        tf.variable(tf.zeros([ch[l + 1]!]), true, `convden${id}_c${l}`),
      );
    }
    for (let l = 0; l + 1 < L; l++) {
      const v = tf.tensor2d(normal(timeDim * C, 1 / Math.sqrt(timeDim)), [timeDim, C]);
      this.variables.push(tf.variable(v, true, `convden${id}_V${l}`));
    }
  }

  /**
   * Forward pass.
   *
   * @param x images B×H×W×1
   * @param t times, shape [B]
   * @returns predicted noise B×H×W×1
   */
  apply(x: tf.Tensor4D, t: tf.Tensor1D): tf.Tensor4D {
    if (x.rank !== 4 || x.shape[3] !== 1) {
      rangeError("ConvDenoiser.apply", "x.shape", "[B, H, W, 1]", x.shape.join("×"));
    }
    if (t.rank !== 1 || t.shape[0] !== x.shape[0]) {
      rangeError("ConvDenoiser.apply", "t.shape", `[${x.shape[0]}]`, t.shape.join("×"));
    }
    const { layers: L, channels: C, timeDim, maxFreq } = this.spec;
    return tf.tidy(() => {
      const B = x.shape[0], emb = fourierTimeEmbed(t, timeDim, maxFreq ?? 32);
      let h: tf.Tensor4D = x;
      for (let l = 0; l < L; l++) {
        h = tf.add(tf.conv2d(h, this.variables[2 * l] as tf.Tensor4D, 1, "same"), this.variables[2 * l + 1]!);
        if (l + 1 < L) {
          const tb = tf.reshape(tf.matMul(emb, this.variables[2 * L + l] as tf.Tensor2D), [B, 1, 1, C]);
          h = tf.add(h, tb);
          h = tf.mul(h, tf.sigmoid(h));
        }
      }
      return h;
    });
  }

  /**
   * Forward pass on plain numbers: n images (n·H·W values), one time for all; the signature of an `EpsFn`.
   *
   * @param X n·H·W values
   * @param H height
   * @param W width
   * @param t the time
   * @returns n·H·W predicted noise values (Float64)
   */
  predict(X: Float64Array, H: number, W: number, t: number): Float64Array {
    checkInt("ConvDenoiser.predict", "H", H, 1);
    checkInt("ConvDenoiser.predict", "W", W, 1);
    if (!(X instanceof Float64Array) || X.length === 0 || X.length % (H * W) !== 0) {
      rangeError("ConvDenoiser.predict", "X.length", `a positive multiple of H·W = ${H * W}`, X?.length);
    }
    const n = X.length / (H * W);
    const y = tf.tidy(() =>
      this.apply(tf.tensor4d(Float32Array.from(X), [n, H, W, 1]), tf.fill([n], t) as tf.Tensor1D).dataSync()
    );
    return Float64Array.from(y);
  }

  /** Spec and weights as plain arrays (for a weight cache). */
  toJSON(): { spec: ConvDenoiserSpec; weights: number[][] } {
    return { spec: this.spec, weights: variablesToArrays(this.variables) };
  }

  /**
   * Rebuilds a network saved with {@link ConvDenoiser.toJSON}.
   *
   * @param o `{ spec, weights }`
   */
  static fromJSON(o: { spec: ConvDenoiserSpec; weights: number[][] }): ConvDenoiser {
    if (o === null || typeof o !== "object" || !Array.isArray(o.weights)) {
      typeError("ConvDenoiser.fromJSON", "o", "{ spec, weights }", o);
    }
    const m = new ConvDenoiser(o.spec, 0);
    assignFromArrays("ConvDenoiser.fromJSON", m.variables, o.weights);
    return m;
  }

  /** Frees the variables. */
  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}

/** The part of a Gaussian path $x_t = a(t)x_0 + b(t)\varepsilon$ that training needs (a `GaussianPath` fits). */
export interface NoisePath {
  /** Signal coefficient. */
  a(t: number): number;
  /** Noise coefficient. */
  b(t: number): number;
  /** Smallest time. */
  tMin: number;
  /** Largest time. */
  tMax: number;
}

/** Options of {@link trainConvDenoiser}. */
export interface TrainConvDenoiserOptions {
  /** Adam steps ≥ 1. */
  steps: number;
  /** Images per minibatch ≥ 1. */
  batch: number;
  /** Adam learning rate > 0. */
  lr: number;
  /** The noising path $x_t = a(t)x_0 + b(t)\varepsilon$. */
  path: NoisePath;
  /** Source of minibatch indices, times and noise. */
  rng: Rng;
  /** Times are drawn uniformly from [tLo, tHi] (default [0.001, 0.999]·path range). */
  tRange?: [number, number];
  /** Called after every step. */
  onStep?: (step: number, loss: number) => void;
}

/**
 * Trains a {@link ConvDenoiser} with the ε-prediction loss
 * $\frac1{BHW}\sum\|\boldsymbol\epsilon_\theta(a_t\boldsymbol x_0 + b_t\boldsymbol\varepsilon, t) - \boldsymbol\varepsilon\|^2$,
 * $t\sim\mathcal U[t_{lo}, t_{hi}]$, minibatches drawn with replacement; Adam via `trainSteps` (leak-checked).
 *
 * @param net the network
 * @param data n·H·W training images
 * @param H height
 * @param W width
 * @param o see {@link TrainConvDenoiserOptions}
 * @returns the loss of every step
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * import { ConvDenoiser, trainConvDenoiser } from "@lib/nn/conv_denoiser.ts";
 * await initTf();
 * const net = new ConvDenoiser({ channels: 4, layers: 2, k: 3, timeDim: 4 }, 1);
 * const losses = trainConvDenoiser(net, new Float32Array(3 * 16), 4, 4, { steps: 5, batch: 2, lr: 1e-3, path: vpCosinePath(), rng: createRng(0) });
 * assert(losses.length === 5 && losses.every(Number.isFinite));
 * net.dispose();
 * ```
 */
export function trainConvDenoiser(
  net: ConvDenoiser,
  data: Float32Array | Float64Array,
  H: number,
  W: number,
  o: TrainConvDenoiserOptions,
): number[] {
  const where = "trainConvDenoiser";
  if (!(net instanceof ConvDenoiser)) typeError(where, "net", "a ConvDenoiser", net);
  checkInt(where, "H", H, 1);
  checkInt(where, "W", W, 1);
  const m = H * W;
  if (
    !(data instanceof Float32Array || data instanceof Float64Array) || data.length === 0 || data.length % m
  ) {
    rangeError(where, "data.length", `a positive multiple of H·W = ${m}`, data?.length);
  }
  if (o === null || typeof o !== "object") typeError(where, "o", "TrainConvDenoiserOptions", o);
  const B = checkInt(where, "o.batch", o.batch, 1), n = data.length / m, p = o.path, rng = o.rng;
  const span = p.tMax - p.tMin;
  const [lo, hi] = o.tRange ?? [p.tMin + 0.001 * span, p.tMax - 0.001 * span];
  checkRange(where, "o.tRange[0]", lo, p.tMin, p.tMax);
  checkRange(where, "o.tRange[1]", hi, lo, p.tMax);
  const lossFn = () => {
    const x = new Float32Array(B * m), e = new Float32Array(B * m), ts = new Float32Array(B);
    for (let i = 0; i < B; i++) {
      const j = rng.int(n), t = lo + (hi - lo) * rng.uniform(), a = p.a(t), b = p.b(t);
      ts[i] = t;
      for (let q = 0; q < m; q++) {
        const z = rng.normal();
        e[i * m + q] = z;
        x[i * m + q] = a * data[j * m + q]! + b * z;
      }
    }
    const pred = net.apply(tf.tensor4d(x, [B, H, W, 1]), tf.tensor1d(ts));
    return tf.mean(tf.square(tf.sub(pred, tf.tensor4d(e, [B, H, W, 1])))) as tf.Scalar;
  };
  return trainSteps(lossFn, net.variables, { steps: o.steps, lr: o.lr, onStep: o.onStep });
}
