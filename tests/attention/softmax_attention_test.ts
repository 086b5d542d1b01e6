import { assert, assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { maxAbsDiff } from "@lib/core/array.ts";
import { gaussianMatrix, type Matrix, matrix, rowSums } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import { attentionWeights, softmaxAttention, softmaxRows } from "@lib/attention/softmax_attention.ts";

const raw = (rows: number, cols: number, data: number[]): Matrix => ({
  rows,
  cols,
  data: Float64Array.from(data),
});

Deno.test("softmaxRows: closed form, stability at ±1000, shift invariance", () => {
  const p = softmaxRows(matrix(1, 3, [0, Math.log(2), Math.log(5)]));
  assertEquals(Array.from(p.data).map((v) => Math.round(v * 8)), [1, 2, 5]);
  assertAlmostEquals(p.data[2]!, 5 / 8, 1e-15);
  const big = softmaxRows(matrix(2, 3, [1000, 999, 998, -1000, -1001, -1002]));
  assert(big.data.every(Number.isFinite));
  assertLess(maxAbsDiff(big.data.subarray(0, 3), big.data.subarray(3)), 1e-15);
  assertAlmostEquals(big.data[0]!, 1 / (1 + Math.exp(-1) + Math.exp(-2)), 1e-15);
  const x = gaussianMatrix(4, 7, createRng(0));
  const shifted = matrix(4, 7, x.data.map((v, i) => v + 300 * Math.floor(i / 7)));
  assertLess(maxAbsDiff(softmaxRows(x).data, softmaxRows(shifted).data), 1e-13); // x + 300 rounds at ~6e-14
  assertLess(maxAbsDiff(rowSums(softmaxRows(x)), [1, 1, 1, 1]), 1e-15);
});

Deno.test("softmaxRows: −∞ masks; bad input throws", () => {
  assertEquals(Array.from(softmaxRows(raw(1, 3, [0, -Infinity, 0])).data), [0.5, 0, 0.5]);
  assertThrows(() => softmaxRows(raw(1, 2, [-Infinity, -Infinity])), RangeError, "at least one finite");
  assertThrows(() => softmaxRows(raw(1, 2, [0, NaN])), RangeError, "m[0][1] must be finite or −∞");
  assertThrows(() => softmaxRows(raw(1, 2, [0, Infinity])), RangeError, "finite or −∞");
  assertThrows(() => softmaxRows(matrix(2, 0)), RangeError, "m.cols must be ≥ 1");
});

Deno.test("attentionWeights: brute-force reference, default scale 1/√d, causal and bias", () => {
  const rng = createRng(1), q = gaussianMatrix(5, 4, rng), k = gaussianMatrix(5, 4, rng);
  const p = attentionWeights(q, k, { causal: true });
  for (let i = 0; i < 5; i++) {
    const e = Array.from({ length: i + 1 }, (_, j) => {
      let s = 0;
      for (let c = 0; c < 4; c++) s += q.data[i * 4 + c]! * k.data[j * 4 + c]!;
      return Math.exp(s / 2);
    });
    const z = e.reduce((a, b) => a + b, 0);
    for (let j = 0; j < 5; j++) assertAlmostEquals(p.data[i * 5 + j]!, j <= i ? e[j]! / z : 0, 1e-14);
  }
  // A bias of −∞ above the diagonal is the same as causal.
  const mask = raw(5, 5, Array.from({ length: 25 }, (_, t) => (t % 5 > Math.floor(t / 5) ? -Infinity : 0)));
  assertLess(maxAbsDiff(attentionWeights(q, k, { bias: mask }).data, p.data), 1e-15);
  // Decoding: the last query alone against all keys equals the last row.
  const last = attentionWeights(matrix(1, 4, q.data.slice(16)), k, { causal: true });
  assertLess(maxAbsDiff(last.data, p.data.slice(20)), 1e-15);
  const mid = attentionWeights(matrix(1, 4, q.data.slice(8, 12)), k, { causal: true, queryOffset: 2 });
  assertLess(maxAbsDiff(mid.data, p.data.slice(10, 15)), 1e-15);
});

Deno.test("softmaxAttention: constant values pass through, one dominant key is selected", () => {
  const rng = createRng(2), q = gaussianMatrix(3, 2, rng), k = gaussianMatrix(4, 2, rng);
  const v = matrix(4, 2, [1, -2, 1, -2, 1, -2, 1, -2]);
  const o = softmaxAttention(q, k, v);
  assertLess(maxAbsDiff(o.data, [1, -2, 1, -2, 1, -2]), 1e-15);
  const sharp = softmaxAttention(matrix(1, 1, [1]), matrix(3, 1, [0, 1000, -5]), matrix(3, 1, [7, 8, 9]), {
    scale: 1,
  });
  assertEquals(sharp.data[0], 8);
});

Deno.test("attention: shape and option errors name the argument", () => {
  const a = matrix(2, 3), b = matrix(2, 4);
  assertThrows(
    () => attentionWeights(a, b),
    RangeError,
    "attentionWeights: k.cols must be q.cols = 3, got 4",
  );
  assertThrows(
    () => softmaxAttention(a, a, matrix(3, 2)),
    RangeError,
    "softmaxAttention: v.rows must be k.rows = 2",
  );
  assertThrows(
    () => attentionWeights(matrix(3, 3), a, { causal: true }),
    RangeError,
    "k.rows must be ≥ q.rows",
  );
  assertThrows(
    () => attentionWeights(a, a, { bias: matrix(2, 3) }),
    RangeError,
    "opts.bias must be a 2×2 matrix",
  );
  assertThrows(() => attentionWeights(a, a, { scale: NaN }), RangeError, "opts.scale");
  assertThrows(
    () => attentionWeights(a, a, { queryOffset: 0 }),
    RangeError,
    "used together with opts.causal",
  );
  assertThrows(() => attentionWeights(a, matrix(0, 3)), RangeError, "k.rows must be ≥ 1");
});
