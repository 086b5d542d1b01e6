import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertLess,
  assertThrows,
} from "@std/assert";
import { maxAbsDiff } from "@lib/core/array.ts";
import { gaussianMatrix, matmul, type Matrix, matrix, rowSums, scale } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import { ropeInvFreq } from "@lib/position/rope.ts";
import {
  applyFeatureMap,
  cosineFeatures,
  cosineLinearWeights,
  featureMaps,
  linearAttention,
  type LinearImpl,
  linearScores,
  linearWeights,
} from "@lib/attention/linear_attention.ts";

function setup(seed: number, n: number, d: number, dv = d) {
  const rng = createRng(seed);
  const q = gaussianMatrix(n, d, rng), k = gaussianMatrix(n, d, rng), v = gaussianMatrix(n, dv, rng);
  return { q, k, v, pq: applyFeatureMap(q, featureMaps.elu1), pk: applyFeatureMap(k, featureMaps.elu1) };
}

Deno.test("featureMaps: elu1 positive and continuous, relu, exp, softmax normalized and stable", () => {
  const x = new Float64Array([-30, -1, -1e-12, 0, 1e-12, 2]);
  const e = featureMaps.elu1(x);
  assert(e.every((v) => v > 0));
  assertAlmostEquals(e[2]!, 1, 1e-11);
  assertAlmostEquals(e[4]!, 1, 1e-11);
  assertEquals(Array.from(featureMaps.relu(x)), [0, 0, 0, 0, 1e-12, 2]);
  assertAlmostEquals(featureMaps.exp(x)[5]!, Math.exp(2), 1e-12);
  const s = featureMaps.softmax(new Float64Array([1000, 1000, -1000]));
  assertEquals(Array.from(s), [0.5, 0.5, 0]);
});

Deno.test("applyFeatureMap maps each row", () => {
  const x = matrix(2, 2, [1, -1, -2, 3]);
  assertEquals(Array.from(applyFeatureMap(x, featureMaps.relu).data), [1, 0, 0, 3]);
  const widen = applyFeatureMap(x, (r) => new Float64Array([r[0]!, r[1]!, 1]));
  assertEquals([widen.rows, widen.cols], [2, 3]);
});

Deno.test("linearAttention: all implementations agree to 1e-12 (n = 50, d = 7)", () => {
  const { pq, pk, v } = setup(0, 50, 7);
  const quad = linearAttention(pq, pk, v, { impl: "quadratic" });
  assertLess(maxAbsDiff(linearAttention(pq, pk, v, { impl: "associative" }).data, quad.data), 1e-12);
  const impls: LinearImpl[] = ["associative", "cumsum", "rnn"];
  const quadC = linearAttention(pq, pk, v, { impl: "quadratic", causal: true });
  for (const impl of impls) {
    assertLess(maxAbsDiff(linearAttention(pq, pk, v, { impl, causal: true }).data, quadC.data), 1e-12);
  }
  // With RoPE in the numerator (and in both), too.
  const rope = { invFreq: ropeInvFreq(8) };
  const { pq: a, pk: b, v: w } = setup(1, 50, 8, 3);
  for (const ropeDenominator of [false, true]) {
    const ref = linearAttention(a, b, w, { impl: "quadratic", ropeNumerator: rope, ropeDenominator });
    const fast = linearAttention(a, b, w, { ropeNumerator: rope, ropeDenominator });
    assertLess(maxAbsDiff(fast.data, ref.data), 1e-12);
    const refC = linearAttention(a, b, w, {
      impl: "quadratic",
      causal: true,
      ropeNumerator: rope,
      ropeDenominator,
    });
    for (const impl of impls) {
      const o = linearAttention(a, b, w, { impl, causal: true, ropeNumerator: rope, ropeDenominator });
      assertLess(maxAbsDiff(o.data, refC.data), 1e-12);
    }
  }
});

Deno.test("acceptance: associative linear attention (with RoPE) equals linearWeights · V", () => {
  const { pq, pk, v } = setup(2, 40, 16, 5);
  const rope = { invFreq: ropeInvFreq(16) };
  for (const causal of [false, true]) {
    for (const opts of [{}, { ropeNumerator: rope }, { ropeNumerator: rope, ropeDenominator: true }]) {
      const o = linearAttention(pq, pk, v, { causal, ...opts });
      const ref = matmul(linearWeights(pq, pk, { causal, ...opts }), v);
      assertLess(maxAbsDiff(o.data, ref.data), 1e-12);
    }
  }
});

Deno.test("linearWeights without RoPE: ≥ 0 and rows sum to 1 for elu1 and exp", () => {
  const { q, k } = setup(3, 30, 6);
  for (const f of [featureMaps.elu1, featureMaps.exp]) {
    for (const causal of [false, true]) {
      const w = linearWeights(applyFeatureMap(q, f), applyFeatureMap(k, f), { causal });
      assert(w.data.every((x) => x >= 0));
      for (const s of rowSums(w)) assertAlmostEquals(s, 1, 1e-12);
      if (causal) assertEquals(w.data[1], 0); // row 0 sees only key 0
    }
  }
});

Deno.test("acceptance: numerator-only RoPE weights have negative entries (seed 0, n = 64, d = 16)", () => {
  const { pq, pk } = setup(0, 64, 16);
  const rope = { invFreq: ropeInvFreq(16) };
  const w = linearWeights(pq, pk, { ropeNumerator: rope });
  const negatives = w.data.filter((x) => x < 0).length;
  assertGreater(negatives, 0);
  // Normalized by the unrotated denominator: w = rotated scores / rowSums(unrotated scores).
  const num = linearScores(pq, pk, { rope }), den = rowSums(linearScores(pq, pk));
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 64; j++) {
      assertAlmostEquals(w.data[i * 64 + j]!, num.data[i * 64 + j]! / den[i]!, 1e-15);
    }
  }
  // With RoPE in the denominator too, rows sum to 1 but the negatives remain.
  const both = linearWeights(pq, pk, { ropeNumerator: rope, ropeDenominator: true });
  for (const s of rowSums(both)) assertAlmostEquals(s, 1, 1e-12);
  assertGreater(both.data.filter((x) => x < 0).length, 0);
});

Deno.test("acceptance: cosineLinearWeights with RoPE are ≥ 0 and rows sum to 1 (±1e-12)", () => {
  const rope = { invFreq: ropeInvFreq(16) };
  for (const seed of [0, 1, 2]) {
    const { q, k } = setup(seed, 64, 16);
    for (const causal of [false, true]) {
      const w = cosineLinearWeights(q, k, { rope, causal });
      assert(w.data.every((x) => x >= 0));
      for (const s of rowSums(w)) assertAlmostEquals(s, 1, 1e-12);
    }
  }
});

Deno.test("cosineLinearWeights: min ≥ 0 over 10⁴ random pairs; invariant to rescaling rows of q or k", () => {
  const rng = createRng(9), rope = { invFreq: ropeInvFreq(8) };
  const q = gaussianMatrix(100, 8, rng), k = gaussianMatrix(100, 8, rng);
  const w = cosineLinearWeights(q, k, { rope });
  assertGreater(Math.min(...w.data), -1e-18);
  const s = (m: Matrix) => ({ ...m, data: m.data.map((x, idx) => x * (1 + Math.floor(idx / m.cols))) });
  assertLess(maxAbsDiff(cosineLinearWeights(s(q), scale(k, 7), { rope }).data, w.data), 1e-14);
  // ψ(q)·ψ(k) = 1 + cos(R_i q_i, R_j k_j): the rotated features are unit vectors after the leading 1.
  const f = cosineFeatures(q, { rope });
  for (let i = 0; i < 100; i++) {
    let n2 = 0;
    for (let c = 1; c < 9; c++) n2 += f.data[i * 9 + c]! ** 2;
    assertAlmostEquals(n2, 1, 1e-14);
  }
});

Deno.test("causal linear attention: future keys and values change nothing (exactly)", () => {
  const { pq, pk, v } = setup(4, 50, 7);
  const rope = { invFreq: ropeInvFreq(8) };
  const { pq: a, pk: b, v: w } = setup(5, 50, 8);
  for (const impl of ["associative", "cumsum", "rnn", "quadratic"] as const) {
    const before = linearAttention(pq, pk, v, { impl, causal: true });
    const pk2 = { ...pk, data: pk.data.slice() }, v2 = { ...v, data: v.data.slice() };
    for (let c = 0; c < 7; c++) {
      pk2.data[40 * 7 + c] = 5;
      v2.data[40 * 7 + c] = -9;
    }
    const after = linearAttention(pq, pk2, v2, { impl, causal: true });
    assertEquals(after.data.slice(0, 40 * 7), before.data.slice(0, 40 * 7));
    const r1 = linearAttention(a, b, w, { impl, causal: true, ropeNumerator: rope });
    const r2 = linearAttention(a, b, { ...w, data: w.data.map((x, idx) => (idx >= 45 * 8 ? 0 : x)) }, {
      impl,
      causal: true,
      ropeNumerator: rope,
    });
    assertEquals(r2.data.slice(0, 45 * 8), r1.data.slice(0, 45 * 8));
  }
});

Deno.test("bad inputs throw clear errors", () => {
  const { pq, pk, v } = setup(6, 5, 4);
  const rope = { invFreq: ropeInvFreq(4) };
  assertThrows(
    () => linearAttention(pq, matrix(5, 3), v),
    RangeError,
    "linearAttention: phiK.cols must be phiQ.cols = 4, got 3",
  );
  assertThrows(
    () => linearAttention(pq, pk, matrix(4, 4)),
    RangeError,
    "linearAttention: v.rows must be phiK.rows = 5, got 4",
  );
  assertThrows(
    () => linearAttention(pq, pk, v, { impl: "rnn" }),
    RangeError,
    'linearAttention: opts.causal must be true for impl "rnn", got false',
  );
  assertThrows(
    () => linearAttention(pq, pk, v, { impl: "fft" as never }),
    RangeError,
    "linearAttention: opts.impl must be",
  );
  assertThrows(
    () => linearAttention(pq, matrix(4, 4), matrix(4, 4), { causal: true }),
    RangeError,
    "linearAttention: phiK.rows must be phiQ.rows = 5 (causal attention), got 4",
  );
  assertThrows(
    () => linearWeights(pq, pk, { ropeDenominator: true }),
    RangeError,
    "linearWeights: opts.ropeDenominator must be used together with opts.ropeNumerator",
  );
  assertThrows(
    () => linearWeights(pq, matrix(0, 4)),
    RangeError,
    "linearWeights: phiK.rows must be ≥ 1, got 0",
  );
  assertThrows(
    () => linearScores(matrix(5, 6), matrix(5, 6), { rope }),
    RangeError,
    "applyRopeRows: x.cols must be 2·invFreq.length = 4, got 6",
  );
  assertThrows(
    () => cosineLinearWeights(matrix(2, 4), pk),
    RangeError,
    "cosineFeatures: x row 0 must be a non-zero vector",
  );
  assertThrows(
    () => cosineLinearWeights(pq, matrix(5, 3)),
    RangeError,
    "cosineLinearWeights: k.cols must be q.cols = 4, got 3",
  );
  assertThrows(
    () => applyFeatureMap(pq, "elu" as never),
    TypeError,
    "applyFeatureMap: f must be a FeatureMap function",
  );
  let calls = 0;
  const ragged = (x: Float64Array) => (calls++ === 0 ? x : x.slice(1));
  assertThrows(
    () => applyFeatureMap(pq, ragged),
    RangeError,
    "applyFeatureMap: f(row 1).length must be 4, got 3",
  );
});
