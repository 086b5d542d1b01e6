import { assert, assertEquals, assertGreater, assertLess, assertThrows } from "@std/assert";
import { maxAbsDiff } from "@lib/core/array.ts";
import { gaussianMatrix, type Matrix, matrix } from "@lib/core/matrix.ts";
import { createRng, type Rng } from "@lib/core/rng.ts";
import { ropeInvFreq } from "@lib/position/rope.ts";
import { softmaxAttention } from "@lib/attention/softmax_attention.ts";
import {
  absorbedQuery,
  gqaAsMla,
  gqaForward,
  headGroup,
  type HeadWeights,
  mhaForward,
  mlaDecode,
  mlaDecodeForward,
  mlaTrainForward,
  type MlaWeights,
} from "@lib/attention/multihead.ts";

const d = 32, h = 4, dk = 8, dv = 8, dc = 12, dcq = 16, dr = 4, n = 10;
const list = (k: number, rows: number, cols: number, rng: Rng, std = 0.3) =>
  Array.from({ length: k }, () => gaussianMatrix(rows, cols, rng, std));
const maxDiff = (a: Matrix[], b: Matrix[]) => Math.max(...a.map((m, s) => maxAbsDiff(m.data, b[s]!.data)));

function mlaWeights(seed: number, withQueryLatent = true): MlaWeights {
  const rng = createRng(seed);
  const dq = withQueryLatent ? dcq : d;
  return {
    wc: gaussianMatrix(d, dc, rng, 0.3),
    ...(withQueryLatent ? { wcq: gaussianMatrix(d, dcq, rng, 0.3) } : {}),
    wq: list(h, dq, dk, rng),
    wk: list(h, dc, dk, rng),
    wv: list(h, dc, dv, rng),
    wqr: list(h, dq, dr, rng),
    wkr: gaussianMatrix(d, dr, rng, 0.3),
  };
}

Deno.test("headGroup: the article's ⌈sg/h⌉ (1-based) for h = 8, g = 2; g = h and g = 1", () => {
  const oneBased = [1, 2, 3, 4, 5, 6, 7, 8].map((s) => headGroup(s - 1, 8, 2) + 1);
  assertEquals(oneBased, [1, 1, 1, 1, 2, 2, 2, 2]);
  assertEquals([0, 1, 2, 3].map((s) => headGroup(s, 4, 4)), [0, 1, 2, 3]);
  assertEquals([0, 1, 2, 3].map((s) => headGroup(s, 4, 1)), [0, 0, 0, 0]);
  assertThrows(() => headGroup(0, 8, 3), RangeError, "groups must be a divisor of heads = 8");
  assertThrows(() => headGroup(8, 8, 2), RangeError, "head must be an integer in [0, 7]");
});

Deno.test("mhaForward: per-head softmax attention on the projections, with and without RoPE", () => {
  const rng = createRng(1), x = gaussianMatrix(n, d, rng);
  const w: HeadWeights = { wq: list(h, d, dk, rng), wk: list(h, d, dk, rng), wv: list(h, d, dv, rng) };
  const out = mhaForward(x, w, { scale: 1 });
  const ref = softmaxAttention(mhaMul(x, w.wq[2]!), mhaMul(x, w.wk[2]!), mhaMul(x, w.wv[2]!), {
    scale: 1,
    causal: true,
  });
  assertLess(maxAbsDiff(out[2]!.data, ref.data), 1e-14);
  const rope = mhaForward(x, w, { rope: { invFreq: ropeInvFreq(dk) } });
  assertGreater(maxDiff(rope, mhaForward(x, w)), 1e-3); // RoPE changes the scores
});

function mhaMul(a: Matrix, b: Matrix): Matrix {
  const out = matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k]! * b.data[k * b.cols + j]!;
      out.data[i * b.cols + j] = s;
    }
  }
  return out;
}

Deno.test("gqaForward: g = h equals MHA, g = 1 equals MQA (K/V copied), g = 2 shares by blocks", () => {
  const rng = createRng(2), x = gaussianMatrix(n, d, rng), rope = { invFreq: ropeInvFreq(dk) };
  const wq = list(h, d, dk, rng), wk = list(h, d, dk, rng), wv = list(h, d, dv, rng);
  for (const opts of [{}, { rope }]) {
    assertEquals(maxDiff(gqaForward(x, { wq, wk, wv }, h, opts), mhaForward(x, { wq, wk, wv }, opts)), 0);
    const mqa = gqaForward(x, { wq, wk: [wk[0]!], wv: [wv[0]!] }, 1, opts);
    const copied = mhaForward(x, {
      wq,
      wk: [wk[0]!, wk[0]!, wk[0]!, wk[0]!],
      wv: [wv[0]!, wv[0]!, wv[0]!, wv[0]!],
    }, opts);
    assertLess(maxDiff(mqa, copied), 1e-14);
    const g2 = gqaForward(x, { wq, wk: wk.slice(0, 2), wv: wv.slice(0, 2) }, 2, opts);
    const blocks = mhaForward(x, {
      wq,
      wk: [wk[0]!, wk[0]!, wk[1]!, wk[1]!],
      wv: [wv[0]!, wv[0]!, wv[1]!, wv[1]!],
    }, opts);
    assertLess(maxDiff(g2, blocks), 1e-14);
  }
});

Deno.test("causality: perturbing x_j changes no head output at t < j (MHA, MLA train and decode)", () => {
  const rng = createRng(3), x = gaussianMatrix(n, d, rng), j = 6;
  const x2 = matrix(n, d, x.data.map((v, i) => (Math.floor(i / d) === j ? v + 5 : v)));
  const w = mlaWeights(4), rope = { invFreq: ropeInvFreq(dr) };
  const hw: HeadWeights = { wq: list(h, d, dk, rng), wk: list(h, d, dk, rng), wv: list(h, d, dv, rng) };
  const runs: [Matrix[], Matrix[]][] = [
    [mhaForward(x, hw), mhaForward(x2, hw)],
    [mlaTrainForward(x, w, { decoupledRope: rope }), mlaTrainForward(x2, w, { decoupledRope: rope })],
    [mlaDecodeForward(x, w, { decoupledRope: rope }), mlaDecodeForward(x2, w, { decoupledRope: rope })],
  ];
  for (const [a, b] of runs) {
    for (let s = 0; s < h; s++) {
      assertEquals(maxAbsDiff(a[s]!.data.subarray(0, j * dv), b[s]!.data.subarray(0, j * dv)), 0);
      assertGreater(maxAbsDiff(a[s]!.data.subarray(j * dv), b[s]!.data.subarray(j * dv)), 1e-6);
    }
  }
});

Deno.test("GQA is MLA with selection matrices: gqaAsMla reproduces gqaForward", () => {
  const rng = createRng(5), x = gaussianMatrix(n, d, rng);
  const w = { wq: list(h, d, dk, rng), wk: list(2, d, dk, rng), wv: list(2, d, dv, rng) };
  const m = gqaAsMla(w, 2);
  assertEquals([m.wc.rows, m.wc.cols], [d, 2 * (dk + dv)]);
  assertEquals(maxDiff(mlaTrainForward(x, m), gqaForward(x, w, 2)), 0);
  assertLess(maxDiff(mlaDecodeForward(x, m), gqaForward(x, w, 2)), 1e-12);
});

Deno.test("MLA: the decode (MQA) form equals the training (MHA) form to 1e-12, with and without RoPE", () => {
  const x = gaussianMatrix(n, d, createRng(6)), rope = { invFreq: ropeInvFreq(dr) };
  for (const latentQuery of [false, true]) {
    const w = mlaWeights(7, latentQuery);
    const { wqr: _a, wkr: _b, ...part1 } = w;
    for (const order of ["merged", "sequential"] as const) {
      assertLess(
        maxDiff(mlaDecodeForward(x, part1, { mergeOrder: order }), mlaTrainForward(x, part1)),
        1e-12,
      );
      const dec = mlaDecodeForward(x, w, { decoupledRope: rope, mergeOrder: order });
      assertLess(maxDiff(dec, mlaTrainForward(x, w, { decoupledRope: rope })), 1e-12);
    }
  }
  const { cache } = mlaDecode(x, mlaWeights(7), { decoupledRope: rope });
  assertEquals([cache.rows, cache.cols], [n, dc + dr]); // only [c_i, x_i W_kr R_i] per token
});

Deno.test("MLA: absorbing W_q W_kᵀ while RoPE rotates the compressed dims does not match (error > 1e-3)", () => {
  const x = gaussianMatrix(n, d, createRng(8));
  const { wqr: _a, wkr: _b, ...w } = mlaWeights(9, false);
  const scale = 1 / Math.sqrt(dk);
  const truth = mlaTrainForward(x, w, { fullRope: { invFreq: ropeInvFreq(dk) }, scale });
  const naive = mlaDecodeForward(x, w, { scale });
  assertGreater(maxDiff(truth, naive), 1e-3);
});

Deno.test("MLA float32 emulation: both orders err (> 0) yet stay close (< 1e-3)", () => {
  const x = gaussianMatrix(n, d, createRng(10)), rope = { invFreq: ropeInvFreq(dr) }, w = mlaWeights(11);
  const ref = mlaTrainForward(x, w, { decoupledRope: rope });
  for (const order of ["merged", "sequential"] as const) {
    const e = maxDiff(mlaDecodeForward(x, w, { decoupledRope: rope, mergeOrder: order, float32: true }), ref);
    assertGreater(e, 0);
    assertLess(e, 1e-3);
  }
});

Deno.test("multihead: bad input throws with the argument named", () => {
  const rng = createRng(12), x = gaussianMatrix(4, d, rng);
  const wq = list(4, d, dk, rng), wk = list(4, d, dk, rng), wv = list(4, d, dv, rng);
  assertThrows(
    () => gqaForward(x, { wq, wk: wk.slice(0, 3), wv: wv.slice(0, 3) }, 3),
    RangeError,
    "groups must be a divisor of h = 4",
  );
  assertThrows(
    () => gqaForward(x, { wq, wk: wk.slice(0, 2), wv }, 2),
    RangeError,
    "w.wv.length must be 2, got 4",
  );
  assertThrows(
    () => mhaForward(x, { wq, wk: wk.slice(0, 2), wv }),
    RangeError,
    "w.wk.length must be 4, got 2",
  );
  assertThrows(
    () => mhaForward(gaussianMatrix(4, 5, rng), { wq, wk, wv }),
    RangeError,
    "w.wq[0] shape must be 5×8, got 32×8",
  );
  const badK = [...wk.slice(0, 3), gaussianMatrix(d, 6, rng)];
  assertThrows(() => mhaForward(x, { wq, wk: badK, wv }), RangeError, "w.wk[3] shape must be 32×8, got 32×6");
  assertThrows(
    () => mhaForward(x, { wq, wk, wv }, { rope: { invFreq: ropeInvFreq(4) } }),
    RangeError,
    "opts.rope.invFreq.length",
  );
  assertThrows(() => mhaForward(matrix(0, d), { wq, wk, wv }), RangeError, "x.rows must be ≥ 1");
  assertThrows(() => mhaForward(x, { wq: [], wk, wv }), RangeError, "w.wq.length must be ≥ 1");
  const w = mlaWeights(13), rope = { invFreq: ropeInvFreq(dr) };
  assertThrows(() => mlaTrainForward(x, w), RangeError, "opts.decoupledRope must be given");
  const { wkr: _k, ...noKr } = w;
  assertThrows(
    () => mlaDecodeForward(x, noKr, { decoupledRope: rope }),
    RangeError,
    "w.wqr and w.wkr must be given",
  );
  assertThrows(
    () => mlaTrainForward(x, { ...w, wk: list(4, dc + 1, dk, rng) }, { decoupledRope: rope }),
    RangeError,
    "w.wk[0] shape must be 12×8, got 13×8",
  );
  assertThrows(
    () => mlaDecodeForward(x, w, { decoupledRope: { invFreq: ropeInvFreq(8) } }),
    RangeError,
    "opts.decoupledRope.invFreq.length",
  );
  assertThrows(
    () => mlaDecodeForward(x, w, { decoupledRope: rope, mergeOrder: "fused" as "merged" }),
    RangeError,
    "opts.mergeOrder",
  );
  assertThrows(
    () => mlaTrainForward(x, w, { decoupledRope: rope, fullRope: rope }),
    RangeError,
    "opts.fullRope",
  );
  assert(gqaAsMla({ wq, wk: wk.slice(0, 1), wv: wv.slice(0, 1) }, 1).wk.length === 4);
  assertThrows(() => gqaAsMla({ wq, wk, wv }, 3), RangeError, "groups must be a divisor of h = 4");
});

Deno.test("absorbedQuery: both orders equal c'W_qW_kᵀ in float64; float32 rounds both; shapes checked", () => {
  const rng = createRng(14),
    c = gaussianMatrix(5, dcq, rng),
    wq = gaussianMatrix(dcq, dk, rng),
    wk = gaussianMatrix(dc, dk, rng);
  const seq = absorbedQuery(c, wq, wk), merged = absorbedQuery(c, wq, wk, { order: "merged" });
  assertEquals([seq.rows, seq.cols], [5, dc]);
  assertLess(maxAbsDiff(seq.data, merged.data), 1e-12);
  let brute = 0; // entry (1, 2) by the triple sum
  for (let a = 0; a < dcq; a++) {
    for (let b = 0; b < dk; b++) brute += c.data[dcq + a]! * wq.data[a * dk + b]! * wk.data[2 * dk + b]!;
  }
  assertLess(Math.abs(seq.data[dc + 2]! - brute), 1e-12);
  for (const order of ["merged", "sequential"] as const) {
    const e = maxAbsDiff(absorbedQuery(c, wq, wk, { order, float32: true }).data, seq.data);
    assertGreater(e, 0);
    assertLess(e, 1e-4);
  }
  assertThrows(() => absorbedQuery(c, wk, wk), RangeError, "absorbedQuery: wq shape must be 16×8, got 12×8");
  assertThrows(
    () => absorbedQuery(c, wq, gaussianMatrix(dc, 3, rng)),
    RangeError,
    "wk shape must be 12×8, got 12×3",
  );
});
