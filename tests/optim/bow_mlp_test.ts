import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { makeZipfTask, sliceBatch } from "@lib/data/zipf_task.ts";
import {
  BOW_PARAM_KINDS,
  bowInput,
  createBowMlp,
  crossEntropyLoss,
  meanEmbedding,
} from "@lib/optim/bow_mlp.ts";
import { kindFromName } from "@lib/optim/types.ts";

await initTf();

const task = makeZipfTask({ nTrain: 256, nTest: 64 });

/** A hand-written Float64 forward/backward of the bow-mlp (the test reference). */
function refLossAndGrads(p: Float64Array[], tokens: Int32Array, labels: Int32Array, L: number, lnEps = 1e-5) {
  const [E, W1, b1, g1, be1, W2, b2] = p as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const D = 32, H = 64, C = 8, B = labels.length;
  const gE = new Float64Array(E.length), gW1 = new Float64Array(W1.length), gb1 = new Float64Array(H);
  const gg1 = new Float64Array(H),
    gbe1 = new Float64Array(H),
    gW2 = new Float64Array(W2.length),
    gb2 = new Float64Array(C);
  let loss = 0;
  for (let i = 0; i < B; i++) {
    const e = new Float64Array(D);
    for (let j = 0; j < L; j++) for (let d = 0; d < D; d++) e[d]! += E[tokens[i * L + j]! * D + d]! / L;
    const z = new Float64Array(H);
    for (let h = 0; h < H; h++) {
      z[h] = b1[h]!;
      for (let d = 0; d < D; d++) z[h]! += e[d]! * W1[d * H + h]!;
    }
    const mu = z.reduce((a, b) => a + b, 0) / H;
    const va = z.reduce((a, b) => a + (b - mu) ** 2, 0) / H;
    const r = 1 / Math.sqrt(va + lnEps);
    const n = z.map((x) => (x - mu) * r);
    const a = n.map((x, h) => x * g1[h]! + be1[h]!);
    const hh = a.map((x) => Math.max(0, x));
    const logits = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      logits[c] = b2[c]!;
      for (let h = 0; h < H; h++) logits[c]! += hh[h]! * W2[h * C + c]!;
    }
    const mx = Math.max(...logits);
    const ex = logits.map((x) => Math.exp(x - mx));
    const s = ex.reduce((q, w) => q + w, 0);
    loss += -(logits[labels[i]!]! - mx - Math.log(s)) / B;
    const dl = ex.map((x, c) => (x / s - (c === labels[i] ? 1 : 0)) / B);
    const dh = new Float64Array(H);
    for (let c = 0; c < C; c++) {
      gb2[c]! += dl[c]!;
      for (let h = 0; h < H; h++) {
        gW2[h * C + c]! += hh[h]! * dl[c]!;
        dh[h]! += dl[c]! * W2[h * C + c]!;
      }
    }
    const da = dh.map((x, h) => (a[h]! > 0 ? x : 0));
    const dn = da.map((x, h) => x * g1[h]!);
    const mdn = dn.reduce((q, w) => q + w, 0) / H;
    const mdnn = dn.reduce((q, w, h) => q + w * n[h]!, 0) / H;
    const dz = dn.map((x, h) => r * (x - mdn - n[h]! * mdnn));
    for (let h = 0; h < H; h++) {
      gg1[h]! += da[h]! * n[h]!;
      gbe1[h]! += da[h]!;
      gb1[h]! += dz[h]!;
    }
    const de = new Float64Array(D);
    for (let d = 0; d < D; d++) {
      for (let h = 0; h < H; h++) {
        gW1[d * H + h]! += e[d]! * dz[h]!;
        de[d]! += dz[h]! * W1[d * H + h]!;
      }
    }
    for (let j = 0; j < L; j++) for (let d = 0; d < D; d++) gE[tokens[i * L + j]! * D + d]! += de[d]! / L;
  }
  return { loss, grads: [gE, gW1, gb1, gg1, gbe1, gW2, gb2] };
}

Deno.test("createBowMlp: 7 tensors, 19,144 parameters, X-opt kinds and initialisation", () => {
  const m = createBowMlp({}, createRng(3));
  assertEquals(m.variables.map((v) => v.shape), [[512, 32], [32, 64], [64], [64], [64], [64, 8], [8]]);
  assertEquals(m.variables.reduce((s, v) => s + v.size, 0), 19144);
  assertEquals([...m.kinds.values()], [...BOW_PARAM_KINDS]);
  assertEquals(
    m.variables.map((v) => kindFromName(v.name)),
    [...BOW_PARAM_KINDS],
    "the default kind rule agrees",
  );
  const [E, W1, , g1, , W2] = m.getParams();
  const std = (x: Float32Array) => Math.sqrt(x.reduce((a, b) => a + b * b, 0) / x.length);
  assertAlmostEquals(std(E!), Math.sqrt(1 / 32), 0.01);
  assertAlmostEquals(std(W1!), Math.sqrt(1 / 32), 0.02);
  assertAlmostEquals(std(W2!), Math.sqrt(1 / 64), 0.02);
  assert(g1!.every((x) => x === 1));
  const again = createBowMlp({}, createRng(3));
  assertEquals(again.getParams(), m.getParams(), "same rng seed ⇒ same initialisation");
  m.dispose();
  again.dispose();
});

Deno.test("tfjs gradients agree with a hand-written Float64 forward/backward (batch of 8)", () => {
  const m = createBowMlp({}, createRng(4));
  // perturb g1/be1/b1/b2 away from their trivial init so their gradients are exercised
  const rng = createRng(5);
  const p = m.getParams().map((
    x,
    i,
  ) => (i === 0 || i === 1 || i === 5 ? x : x.map((v) => v + 0.3 * rng.normal())));
  m.setParams(p);
  const b = sliceBatch(task.train, Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
  const ref = refLossAndGrads(m.getParams().map((x) => Float64Array.from(x)), b.tokens, b.labels, b.seqLen);
  const x = bowInput(b, 512);
  const { value, grads } = tf.variableGrads(() => m.loss(x), m.variables);
  assertAlmostEquals(value.dataSync()[0]!, ref.loss, 1e-5);
  m.variables.forEach((v, i) => {
    const g = grads[v.name]!.dataSync(), r = ref.grads[i]!;
    let num = 0, den = 0;
    for (let k = 0; k < r.length; k++) {
      num += (g[k]! - r[k]!) ** 2;
      den += r[k]! ** 2;
    }
    assert(den > 0, `tensor ${i} has a non-zero gradient`);
    assert(Math.sqrt(num / den) < 1e-4, `tensor ${i}: relative error ${Math.sqrt(num / den)}`);
  });
  tf.dispose([value, ...Object.values(grads), x.counts, x.labels]);
  m.dispose();
});

Deno.test("the Float64 reference itself matches central finite differences", () => {
  const m = createBowMlp({}, createRng(6));
  const p = m.getParams().map((x) => Float64Array.from(x));
  m.dispose();
  const b = sliceBatch(task.train, Int32Array.from([10, 11, 12, 13]));
  const { grads } = refLossAndGrads(p, b.tokens, b.labels, b.seqLen);
  const h = 1e-6;
  // the rows of E used by example 10, a few W1/W2 entries and every LN parameter index 0
  const probes: Array<[number, number]> = [
    [0, b.tokens[0]! * 32 + 3],
    [1, 5],
    [1, 700],
    [2, 9],
    [3, 0],
    [4, 0],
    [5, 17],
    [6, 2],
  ];
  for (const [t, k] of probes) {
    const orig = p[t]![k]!;
    p[t]![k] = orig + h;
    const lp = refLossAndGrads(p, b.tokens, b.labels, b.seqLen).loss;
    p[t]![k] = orig - h;
    const lm = refLossAndGrads(p, b.tokens, b.labels, b.seqLen).loss;
    p[t]![k] = orig;
    assertAlmostEquals(grads[t]![k]!, (lp - lm) / (2 * h), 1e-7, `tensor ${t} index ${k}`);
  }
});

Deno.test("head(meanEmbedding) equals logits(bowInput); crossEntropyLoss is the mean NLL", () => {
  const m = createBowMlp({}, createRng(7));
  const b = sliceBatch(task.test, Int32Array.from({ length: 16 }, (_, i) => i));
  const x = bowInput(b, 512);
  const a = m.logits(x).dataSync();
  const e = tf.tensor2d(meanEmbedding(m.variables[0]!.dataSync(), 32, b), [16, 32]);
  const c = m.head(e).dataSync();
  for (let i = 0; i < a.length; i++) assertAlmostEquals(a[i]!, c[i]!, 1e-5);
  const logits = tf.tensor2d([[2, 0, 0, 0, 0, 0, 0, 0]]);
  const ce = crossEntropyLoss(logits, tf.tensor1d([0], "int32")).dataSync()[0]!;
  assertAlmostEquals(ce, -(2 - Math.log(Math.exp(2) + 7)), 1e-6);
  tf.dispose([x.counts, x.labels, e, logits]);
  m.dispose();
});

Deno.test("setParams/getParams round trip and bad inputs", () => {
  const m = createBowMlp({ hidden: 16 }, createRng(8));
  const p = m.getParams();
  assertEquals(p[1]!.length, 32 * 16);
  const q = p.map((x) => x.map((v) => v * 2));
  m.setParams(q);
  assertEquals(m.getParams(), q);
  assertThrows(() => m.setParams(p.slice(1)), RangeError, "BowMlp.setParams: values.length must be 7, got 6");
  assertThrows(() => m.setParams([p[1]!, ...p.slice(1)]), RangeError, "values[0].length must be 16384");
  assertThrows(
    () => createBowMlp({ hidden: 0 }, createRng(0)),
    RangeError,
    "createBowMlp: hidden must be an integer ≥ 1, got 0",
  );
  const bad = { tokens: Int32Array.from([512]), labels: Int32Array.from([0]), size: 1, seqLen: 1 };
  assertThrows(() => bowInput(bad, 512), RangeError, "bagOfWords: token id must be in [0, 512), got 512");
  m.dispose();
});
