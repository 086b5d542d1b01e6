import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertLess,
  assertThrows,
} from "@std/assert";
import { maxAbsDiff } from "@lib/core/array.ts";
import {
  gaussianMatrix,
  identity,
  matmul,
  type Matrix,
  matrix,
  rowSums,
  transpose,
} from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import { linearAttention } from "@lib/attention/linear_attention.ts";
import { softmaxAttention, softmaxRows } from "@lib/attention/softmax_attention.ts";
import {
  attentionMemoryFloats,
  doubleSoftmaxAttention,
  doubleSoftmaxWeights,
  linformerAttention,
} from "@lib/attention/linear_variants.ts";

function setup(seed: number, n: number, d: number, dv = d, std = 1) {
  const rng = createRng(seed);
  return {
    q: gaussianMatrix(n, d, rng, std),
    k: gaussianMatrix(n, d, rng, std),
    v: gaussianMatrix(n, dv, rng),
  };
}

/** Copy of `m` with row `r` replaced by fresh noise. */
function perturbRow(m: Matrix, r: number, seed: number): Matrix {
  const out = matrix(m.rows, m.cols, m.data), rng = createRng(seed);
  for (let c = 0; c < m.cols; c++) out.data[r * m.cols + c] = rng.normal();
  return out;
}

/** Largest |a − b| over rows [0, r). */
const diffBefore = (a: Matrix, b: Matrix, r: number) =>
  maxAbsDiff(a.data.subarray(0, r * a.cols), b.data.subarray(0, r * b.cols));

Deno.test("doubleSoftmaxWeights: rows ≥ 0 sum to 1, equal softmax₂(Q) softmax₁(K)ᵀ", () => {
  const { q, k } = setup(0, 40, 8);
  const w = doubleSoftmaxWeights(q, k);
  assert(w.data.every((x) => x >= 0));
  for (const s of rowSums(w)) assertAlmostEquals(s, 1, 1e-12);
  const direct = matmul(softmaxRows(q), softmaxRows(transpose(k))); // softmax₁(K)ᵀ is d×n
  assertLess(maxAbsDiff(w.data, direct.data), 1e-15);
  const wc = doubleSoftmaxWeights(q, k, { causal: true });
  for (const s of rowSums(wc)) assertAlmostEquals(s, 1, 1e-12);
  for (let i = 0; i < 40; i++) for (let j = i + 1; j < 40; j++) assertEquals(wc.data[i * 40 + j], 0);
  // The last causal row sees every key: it is the non-causal row.
  assertLess(maxAbsDiff(wc.data.subarray(39 * 40), w.data.subarray(39 * 40)), 1e-15);
});

Deno.test("doubleSoftmaxAttention: O(n) evaluation equals weights·V, causal and not (n = 50, d = 7)", () => {
  const { q, k, v } = setup(1, 50, 7, 5);
  for (const causal of [false, true]) {
    const fast = doubleSoftmaxAttention(q, k, v, { causal });
    const slow = matmul(doubleSoftmaxWeights(q, k, { causal }), v);
    assertLess(maxAbsDiff(fast.data, slow.data), 1e-12);
  }
  // Non-causal: a kernel form with φ = softmax over features and ϕ = softmax over the sequence.
  const viaKernel = linearAttention(softmaxRows(q), transpose(softmaxRows(transpose(k))), v);
  assertLess(maxAbsDiff(doubleSoftmaxAttention(q, k, v).data, viaKernel.data), 1e-12);
});

Deno.test("doubleSoftmaxAttention: V = ones gives ones; stable for logits ±1000", () => {
  const { q, k } = setup(2, 30, 6, 6, 300);
  const ones = matrix(30, 1, new Float64Array(30).fill(1));
  for (const causal of [false, true]) {
    const out = doubleSoftmaxAttention(q, k, ones, { causal });
    assert(out.data.every((x) => Math.abs(x - 1) < 1e-12), `causal = ${causal}`);
    const w = doubleSoftmaxWeights(q, k, { causal });
    assert(w.data.every(Number.isFinite));
    for (const s of rowSums(w)) assertAlmostEquals(s, 1, 1e-12);
  }
});

Deno.test("doubleSoftmaxAttention: causal form ignores the future; the full-sequence form does not", () => {
  const { q, k, v } = setup(3, 64, 16);
  const k2 = perturbRow(k, 40, 9), v2 = perturbRow(v, 40, 10);
  const causal = [
    doubleSoftmaxAttention(q, k, v, { causal: true }),
    doubleSoftmaxAttention(q, k2, v2, { causal: true }),
  ];
  assertEquals(diffBefore(causal[0]!, causal[1]!, 40), 0);
  assertGreater(diffBefore(causal[0]!, causal[1]!, 41), 1e-6); // position 40 itself does change
  const full = [doubleSoftmaxAttention(q, k, v), doubleSoftmaxAttention(q, k2, v2)];
  assertGreater(diffBefore(full[0]!, full[1]!, 40), 1e-6);
});

Deno.test("linformerAttention: E = F = I is softmax attention; random E, F leak the future", () => {
  const { q, k, v } = setup(4, 64, 16);
  const id = identity(64);
  assertLess(maxAbsDiff(linformerAttention(q, k, v, id, id).data, softmaxAttention(q, k, v).data), 1e-14);
  assertLess(
    maxAbsDiff(
      linformerAttention(q, k, v, id, id, { scale: 1 }).data,
      softmaxAttention(q, k, v, { scale: 1 }).data,
    ),
    1e-14,
  );
  const rng = createRng(5), e = gaussianMatrix(8, 64, rng, 1 / 8), f = gaussianMatrix(8, 64, rng, 1 / 8);
  const out = linformerAttention(q, k, v, e, f);
  assertEquals([out.rows, out.cols], [64, 16]);
  const k2 = perturbRow(k, 40, 11), v2 = perturbRow(v, 40, 12);
  assertGreater(diffBefore(out, linformerAttention(q, k2, v2, e, f), 40), 1e-6);
  // Causal linear attention on the same perturbation: exactly nothing before position 40 moves.
  const pos = (m: Matrix) => matrix(m.rows, m.cols, m.data.map(Math.exp));
  const a = linearAttention(pos(q), pos(k), v, { causal: true });
  const b = linearAttention(pos(q), pos(k2), v2, { causal: true });
  assertEquals(diffBefore(a, b, 40), 0);
});

Deno.test("validation: shapes, causality and options are checked with clear messages", () => {
  const { q, k, v } = setup(6, 5, 3);
  assertThrows(
    () => doubleSoftmaxAttention(q, matrix(5, 2), v),
    RangeError,
    "k.cols must be q.cols = 3, got 2",
  );
  assertThrows(
    () => doubleSoftmaxAttention(q, k, matrix(4, 3)),
    RangeError,
    "v.rows must be k.rows = 5, got 4",
  );
  assertThrows(
    () => doubleSoftmaxWeights(q, matrix(4, 3), { causal: true }),
    RangeError,
    "k.rows must be q.rows = 5 (causal), got 4",
  );
  const bad = matrix(5, 3, q.data);
  bad.data[4] = NaN;
  assertThrows(() => doubleSoftmaxWeights(bad, k), RangeError, "q[1][1] must be finite, got NaN");
  assertThrows(
    () => linformerAttention(q, k, v, matrix(2, 4), matrix(2, 5)),
    RangeError,
    "e.cols must be k.rows = 5",
  );
  assertThrows(
    () => linformerAttention(q, k, v, matrix(2, 5), matrix(3, 5)),
    RangeError,
    "f.rows must be e.rows = 2",
  );
  assertThrows(
    () => attentionMemoryFloats(0, 4),
    RangeError,
    "attentionMemoryFloats: n must be an integer ≥ 1",
  );
});

Deno.test("attentionMemoryFloats: cumsum exceeds softmax exactly when d·dv > n", () => {
  assertEquals(attentionMemoryFloats(10, 2, 3), { softmax: 100, linear: 8, cumsum: 60 });
  for (const n of [64, 4095, 4096, 4097, 10000]) {
    const m = attentionMemoryFloats(n, 64);
    assertEquals(m.cumsum > m.softmax, 64 * 64 > n, `n = ${n}`);
  }
});
