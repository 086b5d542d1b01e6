import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { fourierFrequencies, fourierTimeEmbed, fourierTimeFeatures } from "@lib/nn/fourier_time_embed.ts";

await initTf();

Deno.test("fourierTimeFeatures: sin²+cos² = 1 per frequency, geometric frequencies, closed form", () => {
  const dim = 10, K = 5, w = fourierFrequencies(dim, 81);
  for (let k = 1; k < K; k++) assertAlmostEquals(w[k]! / w[k - 1]!, 3, 1e-12); // 81^(1/4) = 3
  for (const t of [-0.7, 0, 0.13, 0.5, 1]) {
    const f = fourierTimeFeatures(t, dim, 81);
    for (let k = 0; k < K; k++) {
      assertAlmostEquals(f[k]! ** 2 + f[K + k]! ** 2, 1, 1e-12);
      assertAlmostEquals(f[k]!, Math.sin(Math.pow(3, k) * t), 1e-12);
    }
  }
  assertEquals(Array.from(fourierFrequencies(2, 50)), [1]);
});

Deno.test("fourierTimeEmbed: matches Float64 features, accepts [n,1], gradient equals the derivative", () => {
  const ts = [0, 0.1, 0.37, 0.9];
  const e1 = fourierTimeEmbed(tf.tensor1d(ts), 6, 20);
  const e2 = fourierTimeEmbed(tf.tensor2d(ts, [4, 1]), 6, 20);
  const a = e1.dataSync(), b = e2.dataSync();
  ts.forEach((t, i) => {
    const f = fourierTimeFeatures(t, 6, 20);
    for (let j = 0; j < 6; j++) {
      assertAlmostEquals(a[i * 6 + j]!, f[j]!, 2e-5);
      assertEquals(a[i * 6 + j], b[i * 6 + j]);
    }
  });
  // d/dt Σ_j γ_j(t) = Σ_k ω_k (cos ω_k t − sin ω_k t), compared with tf.grad
  const w = fourierFrequencies(6, 20), t0 = 0.3;
  const g = tf.grad((t: tf.Tensor) => tf.sum(fourierTimeEmbed(t as tf.Tensor1D, 6, 20)))(tf.tensor1d([t0]));
  let ref = 0;
  for (const wk of w) ref += wk * (Math.cos(wk * t0) - Math.sin(wk * t0));
  assertAlmostEquals(g.dataSync()[0]!, ref, 1e-3 * Math.abs(ref) + 1e-4);
  const before = tf.memory().numTensors;
  fourierTimeEmbed(tf.tidy(() => tf.tensor1d([1])), 4).dispose();
  assertEquals(tf.memory().numTensors, before + 1); // only the input tensor created above remains
  [e1, e2, g].forEach((x) => x.dispose());
});

Deno.test("fourierTimeEmbed: validation", () => {
  assertThrows(
    () => fourierTimeFeatures(0, 3),
    RangeError,
    "fourierTimeFeatures: dim must be an even integer ≥ 2, got 3",
  );
  assertThrows(
    () => fourierFrequencies(4, 0),
    RangeError,
    "fourierFrequencies: maxFreq must be a positive number, got 0",
  );
  assertThrows(() => fourierTimeFeatures(NaN, 4), RangeError, "t must be a finite number");
  const t = tf.zeros([2, 2]) as tf.Tensor2D;
  assertThrows(
    () => fourierTimeEmbed(t, 4),
    RangeError,
    'fourierTimeEmbed: t.shape must be [n] or [n, 1], got "2×2"',
  );
  t.dispose();
});
