import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { maxAbsDiff } from "@lib/core/array.ts";
import { matrix } from "@lib/core/matrix.ts";
import {
  disposeRecurrent,
  gruForward,
  gruStepReference,
  gruWeights64,
  initGru,
  initRnn,
  recurrentVariables,
  rnnForward,
  sequenceLayerCost,
} from "@lib/nn/recurrent.ts";

await initTf();

const randn = (shape: number[], seed: number, std = 1) => {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => std * rng.normal()), shape);
};
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

Deno.test("gruStepReference: a 1-in/1-state step computed by hand", () => {
  // W rows: [x, h]. z = σ(0.5·2 − 1·0.4 + 0.1), r = σ(−0.3·2 + 0.8·0.4), h̃ = tanh(1·2 + 2·r·0.4 − 0.5)
  const w = {
    wz: matrix(2, 1, [0.5, -1]),
    wr: matrix(2, 1, [-0.3, 0.8]),
    wh: matrix(2, 1, [1, 2]),
    bz: [0.1],
    br: [0],
    bh: [-0.5],
  };
  const z = sigmoid(0.7), r = sigmoid(-0.28), cand = Math.tanh(1.5 + 0.8 * r);
  const s = gruStepReference(w, [2], [0.4]);
  assertAlmostEquals(s.z[0]!, z, 1e-15);
  assertAlmostEquals(s.r[0]!, r, 1e-15);
  assertAlmostEquals(s.candidate[0]!, cand, 1e-15);
  assertAlmostEquals(s.h[0]!, (1 - z) * 0.4 + z * cand, 1e-15);
  // numbers: z = 0.668188, r = 0.430454, h̃ = tanh(1.844363) = 0.951212 → h = 0.768313
  assertAlmostEquals(s.h[0]!, 0.768313, 1e-6);
});

Deno.test("gruForward agrees with iterated gruStepReference (random weights, biases, h0; 1e-5)", () => {
  const p = initGru(3, 5, createRng(1));
  p.bz.assign(randn([5], 2) as tf.Tensor1D);
  p.br.assign(randn([5], 3) as tf.Tensor1D);
  p.bh.assign(randn([5], 4) as tf.Tensor1D);
  const x = randn([2, 6, 3], 5) as tf.Tensor3D, h0 = randn([2, 5], 6, 0.5) as tf.Tensor2D;
  const { outputs, last } = gruForward(p, x, { h0 });
  const w = gruWeights64(p), xs = x.dataSync(), out = outputs.dataSync(), hInit = h0.dataSync();
  let worst = 0;
  for (let b = 0; b < 2; b++) {
    let h: Float64Array = Float64Array.from(hInit.subarray(b * 5, b * 5 + 5));
    for (let t = 0; t < 6; t++) {
      h = gruStepReference(w, xs.subarray((b * 6 + t) * 3, (b * 6 + t) * 3 + 3), h).h;
      worst = Math.max(worst, maxAbsDiff(out.subarray((b * 6 + t) * 5, (b * 6 + t) * 5 + 5), h));
    }
  }
  assert(worst < 1e-5, `max diff ${worst}`);
  const l = last.dataSync();
  assertEquals(maxAbsDiff(l.subarray(0, 5), out.subarray(25, 30)), 0);
  assertEquals(maxAbsDiff(l.subarray(5, 10), out.subarray(55, 60)), 0);
  disposeRecurrent(p);
});

Deno.test("GRU with z ≡ 1, r ≡ 1 is the tanh RNN with the same W_h, b_h (1e-5)", () => {
  const g = initGru(4, 6, createRng(7)), r = initRnn(4, 6, createRng(8));
  g.wz.assign(tf.zeros([10, 6]));
  g.wr.assign(tf.zeros([10, 6]));
  g.bz.assign(tf.fill([6], 40) as tf.Tensor1D);
  g.br.assign(tf.fill([6], 40) as tf.Tensor1D);
  g.bh.assign(randn([6], 9) as tf.Tensor1D);
  r.wh.assign(g.wh);
  r.bh.assign(g.bh);
  const x = randn([3, 12, 4], 10) as tf.Tensor3D, h0 = randn([3, 6], 11) as tf.Tensor2D;
  const a = gruForward(g, x, { h0 }).outputs.dataSync(), b = rnnForward(r, x, { h0 }).outputs.dataSync();
  assert(maxAbsDiff(a, b) < 1e-5, `max diff ${maxAbsDiff(a, b)}`);
  disposeRecurrent(g);
  disposeRecurrent(r);
});

Deno.test("GRU with z ≡ 0 keeps h0 exactly at every step", () => {
  const g = initGru(4, 6, createRng(12));
  g.wz.assign(tf.zeros([10, 6]));
  g.bz.assign(tf.fill([6], -40) as tf.Tensor1D);
  const x = randn([2, 9, 4], 13) as tf.Tensor3D, h0 = randn([2, 6], 14) as tf.Tensor2D;
  const out = gruForward(g, x, { h0 }).outputs.dataSync(), h = h0.dataSync();
  for (let b = 0; b < 2; b++) {
    for (let t = 0; t < 9; t++) {
      for (let i = 0; i < 6; i++) assertEquals(out[(b * 9 + t) * 6 + i], h[b * 6 + i]);
    }
  }
  disposeRecurrent(g);
});

Deno.test("rnnForward linear: h_T = Σ_t x_t W_x W_hh^(T−t) (scalar closed form), and tanh bounds |h| < 1", () => {
  const p = initRnn(1, 1, createRng(0));
  p.wh.assign(tf.tensor2d([[0.7], [0.9]]));
  const xs = [1, -2, 0.5, 3];
  const last = rnnForward(p, tf.tensor3d([xs.map((v) => [v])]), { activation: "linear" }).last.dataSync()[0]!;
  const expected = xs.reduce((s, v, t) => s + 0.7 * v * 0.9 ** (xs.length - 1 - t), 0);
  assertAlmostEquals(last, expected, 1e-5);
  const q = initRnn(5, 7, createRng(1), { gain: 3 });
  const out = rnnForward(q, randn([2, 20, 5], 2, 5) as tf.Tensor3D).outputs.dataSync();
  assert(out.every((v) => Math.abs(v) <= 1));
  disposeRecurrent(p);
  disposeRecurrent(q);
});

Deno.test("init: weights N(0, gain²/(dIn+dH)) (seeded statistical bound), deterministic, biases 0", () => {
  const p = initGru(40, 60, createRng(3));
  const w = Array.from(p.wh.dataSync());
  const var_ = w.reduce((s, v) => s + v * v, 0) / w.length; // 6000 samples: sd of the estimate ≈ 1.8%
  assertAlmostEquals(var_ * 100, 1, 0.06);
  assertEquals(Array.from(p.bz.dataSync()).every((v) => v === 0), true);
  const q = initGru(40, 60, createRng(3));
  assertEquals(maxAbsDiff(q.wr.dataSync(), p.wr.dataSync()), 0);
  assertEquals(recurrentVariables(p).length, 6);
  disposeRecurrent(p);
  disposeRecurrent(q);
});

Deno.test("forward passes are differentiable and do not leak tensors", () => {
  const g = initGru(3, 4, createRng(4)), r = initRnn(3, 4, createRng(5));
  const x = randn([2, 5, 3], 6) as tf.Tensor3D;
  const before = tf.memory().numTensors;
  const loss = () => tf.add(tf.sum(gruForward(g, x).last), tf.sum(rnnForward(r, x).outputs)) as tf.Scalar;
  const { grads, value } = tf.variableGrads(loss);
  for (const gr of Object.values(grads)) assert(gr.dataSync().every(Number.isFinite));
  assertEquals(Object.keys(grads).length, 8);
  tf.dispose([value, ...Object.values(grads)]);
  assertEquals(tf.memory().numTensors, before);
  disposeRecurrent(g);
  disposeRecurrent(r);
});

Deno.test("validation names the argument", () => {
  const g = initGru(3, 4, createRng(0));
  assertThrows(
    () => gruForward(g, tf.zeros([1, 2, 5]) as tf.Tensor3D),
    RangeError,
    "gruForward: x must be of width dIn = 3",
  );
  assertThrows(
    () => gruForward(g, tf.zeros([2, 3]) as unknown as tf.Tensor3D),
    TypeError,
    "gruForward: x must be a rank-3",
  );
  assertThrows(
    () => gruForward(g, tf.zeros([1, 2, 3]) as tf.Tensor3D, { h0: tf.zeros([2, 4]) as tf.Tensor2D }),
    RangeError,
    "gruForward: opts.h0 must be a tensor of shape [1, 4]",
  );
  assertThrows(() => initRnn(0, 3, createRng(0)), RangeError, "initRnn: dIn must be an integer ≥ 1, got 0");
  assertThrows(() => initGru(2, 3, {} as never), TypeError, "initGru: rng must be an Rng");
  const r = initRnn(3, 4, createRng(0));
  assertThrows(
    () => rnnForward(r, tf.zeros([1, 2, 3]) as tf.Tensor3D, { activation: "relu" as never }),
    RangeError,
    'rnnForward: opts.activation must be "tanh" or "linear"',
  );
  assertThrows(
    () => gruStepReference(gruWeights64(g), [1, 2], [0, 0, 0, 0]),
    RangeError,
    "gruStepReference: x.length must be 3, got 2",
  );
  disposeRecurrent(g);
  disposeRecurrent(r);
});

Deno.test("sequenceLayerCost: Table 1 of Vaswani et al. with constants", () => {
  assertEquals(sequenceLayerCost("rnn", 2, 8, 4), {
    flops: 4 * 2 * 8 * 16,
    sequentialSteps: 8,
    maxPathLength: 8,
  });
  const gru = sequenceLayerCost("gru", 8, 512, 64), att = sequenceLayerCost("attention", 8, 512, 64);
  assertEquals(gru.flops, 12 * 8 * 512 * 64 * 64);
  assertEquals([att.sequentialSteps, att.maxPathLength], [1, 1]);
  // attention costs more than the GRU when 6nd² + 4n²d > 12nd², i.e. n > 1.5 d
  assert(sequenceLayerCost("attention", 1, 97, 64).flops > sequenceLayerCost("gru", 1, 97, 64).flops);
  assert(sequenceLayerCost("attention", 1, 95, 64).flops < sequenceLayerCost("gru", 1, 95, 64).flops);
  assertThrows(
    () => sequenceLayerCost("lstm" as never, 1, 1, 1),
    RangeError,
    "sequenceLayerCost: kind must be",
  );
});
