import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { maxAbsDiff } from "@lib/core/array.ts";
import { matrix, matVec, norm2, subMatrix } from "@lib/core/matrix.ts";
import { inputGradientNorms, linearRnnGradientNorms, spectralNorm } from "@lib/nn/grad_probes.ts";
import { selfAttentionTf } from "@lib/nn/attention_tf.ts";
import { disposeRecurrent, initRnn, rnnForward } from "@lib/nn/recurrent.ts";

await initTf();

const randn = (shape: number[], seed: number, std = 1) => {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => std * rng.normal()), shape);
};
const toMatrix = (t: tf.Tensor) => matrix(t.shape[0]!, t.shape[1]!, t.dataSync());

Deno.test("linear RNN: inputGradientNorms of u·h_n equals ‖W_x W_hh^k u‖ (Float64 matPow), k = 0..10, 1e-4 rel", () => {
  const d = 8, n = 11;
  const p = initRnn(d, d, createRng(1), { gain: 1.2 });
  const u = randn([d], 2) as tf.Tensor1D;
  const g = inputGradientNorms(
    (x) =>
      tf.sum(tf.mul(rnnForward(p, tf.expandDims(x, 0) as tf.Tensor3D, { activation: "linear" }).last, u)),
    randn([n, d], 3) as tf.Tensor2D,
  );
  const exact = linearRnnGradientNorms(toMatrix(p.wh), u.dataSync(), n - 1);
  for (let k = 0; k < n; k++) {
    const rel = Math.abs(g[n - 1 - k]! - exact[k]!) / exact[k]!;
    assert(rel < 1e-4, `k = ${k}: tfjs ${g[n - 1 - k]} vs Float64 ${exact[k]} (rel ${rel})`);
  }
  disposeRecurrent(p);
});

Deno.test("tanh RNN: gradient reach obeys ‖∂f/∂x_{n−k}‖ ≤ ‖W_x‖₂ ‖W_hh‖₂^k ‖u‖ and decays", () => {
  const d = 16, n = 40;
  const p = initRnn(d, d, createRng(4));
  const u = randn([d], 5) as tf.Tensor1D;
  const g = inputGradientNorms(
    (x) => tf.sum(tf.mul(rnnForward(p, tf.expandDims(x, 0) as tf.Tensor3D).last, u)),
    randn([n, d], 6) as tf.Tensor2D,
  );
  const w = toMatrix(p.wh);
  const sx = spectralNorm(subMatrix(w, 0, d, 0, d)), sh = spectralNorm(subMatrix(w, d, 2 * d, 0, d));
  const un = norm2(u.dataSync());
  for (let k = 0; k < n; k++) {
    assert(g[n - 1 - k]! <= sx * sh ** k * un * (1 + 1e-4), `bound fails at k = ${k}`);
  }
  assert(g[n - 31]! / g[n - 2]! < 1e-3, `ratio k=30/k=1 is ${g[n - 31]! / g[n - 2]!}`);
  disposeRecurrent(p);
});

Deno.test("uniform attention (W_Q = W_K = 0): output = mean of XW_V; every position's gradient = ‖W_V u‖/n", () => {
  const n = 7, d = 5;
  const z = tf.zeros([d, d]) as tf.Tensor2D, wv = randn([d, 3], 7) as tf.Tensor2D, u = randn([3], 8);
  const x = randn([n, d], 9) as tf.Tensor2D;
  const { out } = selfAttentionTf(tf.expandDims(x, 0) as tf.Tensor3D, { wq: z, wk: z, wv });
  const mean = tf.mean(tf.matMul(x, wv), 0).dataSync(), o = out.dataSync();
  for (let i = 0; i < n; i++) assert(maxAbsDiff(o.subarray(i * 3, i * 3 + 3), mean) < 1e-6);
  const g = inputGradientNorms((xx) => {
    const y =
      selfAttentionTf(tf.expandDims(xx, 0) as tf.Tensor3D, { wq: z, wk: z, wv }, { queryIndex: n - 1 }).out;
    return tf.sum(tf.mul(y, u));
  }, x);
  const expected = norm2(matVec(toMatrix(wv), u.dataSync())) / n;
  for (let j = 0; j < n; j++) assertAlmostEquals(g[j]!, expected, 1e-5);
});

Deno.test("spectralNorm: diagonal, rank one, and validation", () => {
  assertAlmostEquals(spectralNorm(matrix(3, 3, [1, 0, 0, 0, -5, 0, 0, 0, 2])), 5, 1e-9);
  // u vᵀ has norm ‖u‖‖v‖
  const r1 = matrix(2, 3, [1 * 2, 1 * -1, 1 * 2, 3 * 2, 3 * -1, 3 * 2]);
  assertAlmostEquals(spectralNorm(r1), Math.sqrt(10) * 3, 1e-9);
  assertEquals(spectralNorm(matrix(2, 2)), 0);
  assertThrows(() => spectralNorm(matrix(2, 2), 0), RangeError, "spectralNorm: iters must be an integer ≥ 1");
});

Deno.test("probe validation", () => {
  assertThrows(
    () => inputGradientNorms(3 as never, tf.zeros([2, 2]) as tf.Tensor2D),
    TypeError,
    "inputGradientNorms: f must be a function",
  );
  assertThrows(
    () => inputGradientNorms((x) => tf.sum(x), tf.zeros([2]) as never),
    TypeError,
    "inputGradientNorms: x must be a 2-D",
  );
  assertThrows(
    () => inputGradientNorms((x) => x as never, tf.zeros([2, 2]) as tf.Tensor2D),
    TypeError,
    "inputGradientNorms: f(x) must be a scalar tensor",
  );
  assertThrows(
    () => linearRnnGradientNorms(matrix(2, 2), [1, 1], 3),
    RangeError,
    "linearRnnGradientNorms: w must be of shape",
  );
});
