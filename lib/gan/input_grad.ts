/**
 * Input gradients of critics, $\nabla_{\boldsymbol x} D(\boldsymbol x)$, as tensors that stay differentiable in the
 * critic's parameters — the ingredient of gradient penalties (WGAN-GP) and gradient normalization (G11,
 * https://kexue.fm/archives/8757).
 *
 * Two routes: {@link mlpInputGrad} back-propagates by hand through an {@link Mlp}, with the activation
 * derivatives written as ordinary tensors (ReLU masks via `tf.step`, whose gradient is 0), so it needs only
 * first-order autodiff when a loss containing it is differentiated in the weights; {@link inputGrad} uses
 * nested `tf.grad` for any critic function (second-order autodiff).
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { rangeError, typeError } from "../core/validate.ts";
import { type Mlp, mlpActivation } from "../nn/mlp.ts";

/** A critic: a batch n×d → n scores. It may carry an explicit input gradient (see {@link mlpCritic}). */
export type Critic = ((x: tf.Tensor2D) => tf.Tensor1D) & { inputGrad?: (x: tf.Tensor2D) => tf.Tensor2D };

function derivative(act: Mlp["spec"]["act"], pre: tf.Tensor2D): tf.Tensor2D {
  switch (act) {
    case "relu":
      return tf.step(pre);
    case "leaky02":
      return tf.add(0.2, tf.mul(0.8, tf.step(pre)));
    case "tanh":
      return tf.sub(1, tf.square(tf.tanh(pre)));
    case "silu": {
      const s = tf.sigmoid(pre);
      return tf.mul(s, tf.add(1, tf.mul(pre, tf.sub(1, s))));
    }
  }
}

/**
 * $\nabla_{\boldsymbol x}\sum_j m_j(\boldsymbol x)$ of an MLP, row by row, by explicit back-propagation:
 * $\boldsymbol g=\boldsymbol 1 W_L^\top$, then $\boldsymbol g\leftarrow(\boldsymbol g\odot\phi'(\boldsymbol a_l))W_l^\top$ down the layers. For ReLU and
 * leaky ReLU $\phi'$ is a 0/1 (0.2/1) mask that is treated as a constant, which is exact almost everywhere
 * (the network is piecewise linear). The result is differentiable in the weights with first-order autodiff.
 *
 * @param m the network (any activation)
 * @param x batch n × inDim
 * @returns n × inDim
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { Mlp } from "@lib/nn/mlp.ts";
 * import { mlpInputGrad } from "@lib/gan/input_grad.ts";
 * await initTf();
 * const m = new Mlp({ inDim: 2, hidden: [], outDim: 1, act: "relu" }, 3); // linear: gradient = W
 * const g = mlpInputGrad(m, tf.tensor2d([[1, 2]])).dataSync();
 * const w = m.variables[0]!.dataSync();
 * assertAlmostEquals(g[0]!, w[0]!, 1e-7);
 * assertAlmostEquals(g[1]!, w[1]!, 1e-7);
 * m.dispose();
 * ```
 */
export function mlpInputGrad(m: Mlp, x: tf.Tensor2D): tf.Tensor2D {
  if (x.rank !== 2 || x.shape[1] !== m.spec.inDim) {
    rangeError("mlpInputGrad", "x.shape", `[n, ${m.spec.inDim}]`, x.shape.join("×"));
  }
  return tf.tidy(() => {
    const L = m.variables.length / 2;
    const pres: tf.Tensor2D[] = [];
    let h: tf.Tensor2D = x;
    for (let l = 0; l + 1 < L; l++) {
      const a = tf.add(
        tf.matMul(h, m.variables[2 * l] as tf.Tensor2D),
        m.variables[2 * l + 1]!,
      ) as tf.Tensor2D;
      pres.push(a);
      h = mlpActivation(m.spec.act, a);
    }
    let g: tf.Tensor2D = tf.ones([x.shape[0], m.spec.outDim]);
    for (let l = L - 1; l >= 0; l--) {
      g = tf.matMul(g, m.variables[2 * l] as tf.Tensor2D, false, true);
      if (l > 0) g = tf.mul(g, derivative(m.spec.act, pres[l - 1]!));
    }
    return g;
  });
}

/**
 * Wraps a one-output {@link Mlp} as a {@link Critic} that carries {@link mlpInputGrad} as its input gradient.
 *
 * @param m network with outDim = 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { Mlp } from "@lib/nn/mlp.ts";
 * import { mlpCritic } from "@lib/gan/input_grad.ts";
 * await initTf();
 * const m = new Mlp({ inDim: 2, hidden: [4], outDim: 1, act: "relu" }, 0);
 * assertEquals(mlpCritic(m)(tf.zeros([3, 2])).shape, [3]);
 * m.dispose();
 * ```
 */
export function mlpCritic(m: Mlp): Critic {
  if (m === null || typeof m !== "object" || typeof m.apply !== "function") {
    typeError("mlpCritic", "m", "an Mlp", m);
  }
  if (m.spec.outDim !== 1) rangeError("mlpCritic", "m.spec.outDim", "1", m.spec.outDim);
  const f = ((x: tf.Tensor2D) => tf.tidy(() => tf.reshape(m.apply(x), [-1]) as tf.Tensor1D)) as Critic;
  f.inputGrad = (x: tf.Tensor2D) => mlpInputGrad(m, x);
  return f;
}

/**
 * $\nabla_{\boldsymbol x}T(\boldsymbol x)$ for each row of `x`: the critic's own `inputGrad` when it has one, else nested
 * `tf.grad` of $\sum_i T(\boldsymbol x_i)$ (differentiable again in the parameters: tfjs supports higher-order
 * gradients for ReLU, tanh and the relu-composed leaky ReLU).
 *
 * @param T critic
 * @param x batch n × d
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { inputGrad } from "@lib/gan/input_grad.ts";
 * await initTf();
 * const T = (x: tf.Tensor2D) => tf.sum(tf.square(x), 1) as tf.Tensor1D; // ∇ = 2x
 * assertAlmostEquals(inputGrad(T, tf.tensor2d([[1, -3]])).dataSync()[1]!, -6, 1e-6);
 * ```
 */
export function inputGrad(T: Critic, x: tf.Tensor2D): tf.Tensor2D {
  if (typeof T !== "function") typeError("inputGrad", "T", "a critic function", T);
  if (x.rank !== 2) rangeError("inputGrad", "x.rank", "2", x.rank);
  if (T.inputGrad) return T.inputGrad(x);
  return tf.grad((v: tf.Tensor) => tf.sum(T(v as tf.Tensor2D)))(x) as tf.Tensor2D;
}
