import { assert, assertEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { maxAbsDiff } from "@lib/core/array.ts";
import { type Matrix, matrix } from "@lib/core/matrix.ts";
import { gauForward, type GauParams } from "@lib/attention/gau.ts";
import { gauBlockTf, gauTfVariables, initGauTf, ropeHalfTf, ropeTablesTf } from "@lib/nn/gau_tf.ts";
import { applyRopeRows, interleavedToHalfPermutation, ropeInvFreq } from "@lib/position/rope.ts";
import { markovBatch, markovSource } from "@lib/data/synthetic_lm.ts";
import {
  disposeTinyLM,
  initTinyLM,
  nextTokenLoss,
  tinyLMForward,
  tinyLMParamCount,
  tinyLMVariables,
} from "@lib/nn/gau_lm_tf.ts";
import { trainLoop, trainSteps } from "@lib/nn/train_loop.ts";

await initTf();

const toMatrix = (v: tf.Tensor): Matrix => matrix(v.shape[0]!, v.shape[1]!, v.dataSync());

Deno.test("gauBlockTf agrees with the Float64 gauForward (no RoPE, causal and not, both norms)", () => {
  const p = initGauTf(6, 12, 4, createRng(1));
  const ref: GauParams = {
    wu: toMatrix(p.wu),
    wv: toMatrix(p.wv),
    wz: toMatrix(p.wz),
    wo: toMatrix(p.wo),
    qScale: Float64Array.from(p.qScale.dataSync()),
    qBias: Float64Array.from(p.qBias.dataSync()),
    kScale: Float64Array.from(p.kScale.dataSync()),
    kBias: Float64Array.from(p.kBias.dataSync()),
  };
  const rng = createRng(2);
  const xs = Float32Array.from({ length: 2 * 10 * 6 }, () => rng.normal());
  const x = tf.tensor3d(xs, [2, 10, 6]);
  for (const causal of [false, true]) {
    for (const norm of ["ns", "n2"] as const) {
      const out = gauBlockTf(x, p, { causal, norm }).dataSync();
      for (let b = 0; b < 2; b++) {
        const o = gauForward(matrix(10, 6, xs.slice(b * 60, (b + 1) * 60)), ref, { causal, norm });
        assert(maxAbsDiff(out.slice(b * 60, (b + 1) * 60), o.data) < 1e-5, `${causal} ${norm}`);
      }
    }
  }
  x.dispose();
  gauTfVariables(p).forEach((v) => v.dispose());
});

Deno.test("ropeHalfTf equals applyRopeRows in the half layout; scores are shift invariant", () => {
  const rng = createRng(3), n = 6, s = 8;
  const xs = Float32Array.from({ length: n * s }, () => rng.normal());
  const y = ropeHalfTf(tf.tensor3d(xs, [1, n, s]), ropeTablesTf(n, s)).dataSync();
  const ref = applyRopeRows(matrix(n, s, xs), ropeInvFreq(s), { layout: "half" });
  assert(maxAbsDiff(y, ref.data) < 1e-5);
  assertEquals(interleavedToHalfPermutation(4).length, 4); // the layouts are a permutation apart
});

Deno.test("tiny LMs are causal: changing token t changes no logits at positions < t", () => {
  for (const kind of ["gau", "transformer"] as const) {
    const m = initTinyLM({ kind, vocab: 8, d: 8, layers: 2, seqLen: 12, s: 4 }, createRng(4));
    const a = Int32Array.from({ length: 12 }, (_, i) => i % 8), b = a.slice();
    b[7] = (b[7]! + 3) % 8;
    const la = tinyLMForward(m, tf.tensor2d(a, [1, 12], "int32")).dataSync();
    const lb = tinyLMForward(m, tf.tensor2d(b, [1, 12], "int32")).dataSync();
    assertEquals(maxAbsDiff(la.slice(0, 7 * 8), lb.slice(0, 7 * 8)), 0, kind);
    assert(maxAbsDiff(la.slice(7 * 8), lb.slice(7 * 8)) > 0, kind);
    disposeTinyLM(m);
  }
});

Deno.test("T04 sizes: 4 GAU layers vs 2 Transformer layers at d = 32 differ by < 15% in parameters", () => {
  const a = initTinyLM({ kind: "transformer", vocab: 16, d: 32, layers: 2, seqLen: 65 }, createRng(0));
  const b = initTinyLM({ kind: "gau", vocab: 16, d: 32, layers: 4, seqLen: 65, s: 16 }, createRng(0));
  const pa = tinyLMParamCount(a), pb = tinyLMParamCount(b);
  assertEquals([pa, pb], [25_760, 28_064]);
  assert(Math.abs(pb - pa) / pa < 0.15);
  disposeTinyLM(a);
  disposeTinyLM(b);
});

Deno.test("a short GAU-LM training run lowers the loss below 0.8× the first and leaks no tensors", () => {
  const src = markovSource(16, 2, 0), data = createRng(5);
  const m = initTinyLM({ kind: "gau", vocab: 16, d: 16, layers: 2, seqLen: 33, s: 8 }, createRng(6));
  const before = tf.memory().numTensors;
  const losses = trainSteps(
    () => {
      const ids = tf.tensor2d(markovBatch(src, 8, 33, data), [8, 33], "int32");
      return nextTokenLoss(tinyLMForward(m, ids), ids, 1);
    },
    tinyLMVariables(m),
    { steps: 60, lr: 1e-2 },
  );
  assert(losses[59]! < 0.8 * losses[0]!, `${losses[0]} → ${losses[59]}`);
  assertEquals(tf.memory().numTensors, before); // the optimizer's slots are disposed with it
  disposeTinyLM(m);
});

Deno.test("trainSteps detects a leaking loss function; trainLoop logs", () => {
  const w = tf.variable(tf.scalar(1));
  const kept: tf.Tensor[] = [];
  assertThrows(
    () =>
      trainSteps(
        () => {
          kept.push(tf.keep(tf.scalar(0)));
          return tf.square(w) as tf.Scalar;
        },
        [w],
        { steps: 3, lr: 0.1 },
      ),
    Error,
    "tensor leak",
  );
  kept.forEach((t) => t.dispose());
  w.dispose();
  const logged: number[] = [];
  trainLoop({ steps: 5, step: (i) => i, logEvery: 2, onLog: (i) => logged.push(i) });
  assertEquals(logged, [0, 2, 4]);
  assertThrows(() => trainSteps(() => tf.scalar(0), [], { steps: 1, lr: 1 }), TypeError, "vars");
});
