/**
 * Fourier features of a scalar time for diffusion / flow networks (X-gen §6): the time $t$ of a noisy
 * input is fed to a network as
 * $\gamma(t) = [\sin(\omega_0 t), \dots, \sin(\omega_{K-1} t), \cos(\omega_0 t), \dots, \cos(\omega_{K-1} t)]$
 * with $K = \text{dim}/2$ frequencies spaced geometrically from 1 to `maxFreq`,
 * $\omega_k = \text{maxFreq}^{k/(K-1)}$ ($\omega_0 = 1$ when $K = 1$). Smooth in $t$, bounded, and rich
 * enough for a small MLP to resolve the fast changes of the optimal denoiser near $t = 0$.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { checkFinite, checkInt, checkPositive, rangeError } from "../core/validate.ts";

function _freqs(where: string, dim: number, maxFreq: number): Float64Array {
  checkInt(where, "dim", dim, 2);
  if (dim % 2 !== 0) rangeError(where, "dim", "an even integer ≥ 2", dim);
  checkPositive(where, "maxFreq", maxFreq);
  const K = dim / 2, w = new Float64Array(K);
  for (let k = 0; k < K; k++) w[k] = K === 1 ? 1 : Math.pow(maxFreq, k / (K - 1));
  return w;
}

/**
 * The angular frequencies $\omega_k = \text{maxFreq}^{k/(K-1)}$, $k = 0,\dots,K-1$, $K = \text{dim}/2$,
 * used by {@link fourierTimeEmbed}.
 *
 * @param dim feature width, an even integer ≥ 2
 * @param maxFreq largest angular frequency, > 0 (default 64)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { fourierFrequencies } from "@lib/nn/fourier_time_embed.ts";
 * const w = fourierFrequencies(6, 100);
 * assertAlmostEquals(w[0]!, 1, 1e-12);
 * assertAlmostEquals(w[1]!, 10, 1e-12);
 * assertAlmostEquals(w[2]!, 100, 1e-12);
 * ```
 */
export function fourierFrequencies(dim: number, maxFreq = 64): Float64Array {
  return _freqs("fourierFrequencies", dim, maxFreq);
}

/**
 * Fourier time features of one time in Float64:
 * $\gamma(t) = [\sin(\omega_k t)]_{k<K} \,\|\, [\cos(\omega_k t)]_{k<K}$.
 *
 * @param t the time (finite)
 * @param dim feature width, an even integer ≥ 2
 * @param maxFreq largest angular frequency, > 0 (default 64)
 * @returns `dim` features, sines first
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { fourierTimeFeatures } from "@lib/nn/fourier_time_embed.ts";
 * assertEquals(Array.from(fourierTimeFeatures(0, 4)), [0, 0, 1, 1]);
 * ```
 */
export function fourierTimeFeatures(t: number, dim: number, maxFreq = 64): Float64Array {
  const w = _freqs("fourierTimeFeatures", dim, maxFreq);
  checkFinite("fourierTimeFeatures", "t", t);
  const K = w.length, out = new Float64Array(dim);
  for (let k = 0; k < K; k++) {
    out[k] = Math.sin(w[k]! * t);
    out[K + k] = Math.cos(w[k]! * t);
  }
  return out;
}

/**
 * Fourier time features of a batch of times (tfjs, differentiable in `t`):
 * row $i$ is $[\sin(\omega_k t_i)]_{k<K} \,\|\, [\cos(\omega_k t_i)]_{k<K}$, $\omega_k = \text{maxFreq}^{k/(K-1)}$.
 *
 * @param t times, shape [n] or [n, 1]
 * @param dim feature width, an even integer ≥ 2
 * @param maxFreq largest angular frequency, > 0 (default 64)
 * @returns n × dim features (sines first); the caller disposes it
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { fourierTimeEmbed, fourierTimeFeatures } from "@lib/nn/fourier_time_embed.ts";
 * await initTf();
 * const e = fourierTimeEmbed(tf.tensor1d([0.25, 0.5]), 8);
 * assertEquals(e.shape, [2, 8]);
 * const row = fourierTimeFeatures(0.5, 8), got = e.dataSync();
 * for (let j = 0; j < 8; j++) assertAlmostEquals(got[8 + j]!, row[j]!, 1e-5);
 * e.dispose();
 * ```
 */
export function fourierTimeEmbed(t: tf.Tensor1D | tf.Tensor2D, dim: number, maxFreq = 64): tf.Tensor2D {
  const where = "fourierTimeEmbed";
  const w = _freqs(where, dim, maxFreq);
  if (!(t instanceof tf.Tensor)) rangeError(where, "t", "a tf.Tensor of shape [n] or [n, 1]", t);
  if (!(t.rank === 1 || (t.rank === 2 && t.shape[1] === 1))) {
    rangeError(where, "t.shape", "[n] or [n, 1]", t.shape.join("×"));
  }
  return tf.tidy(() => {
    const n = t.shape[0];
    const col = tf.reshape(t, [n, 1]);
    const ang = tf.matMul(col, tf.tensor2d(Float32Array.from(w), [1, w.length]));
    return tf.concat([tf.sin(ang), tf.cos(ang)], 1) as tf.Tensor2D;
  });
}
