import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { attentionLogits, cosaLambda, l2NormalizeRows, qkGeometry } from "@lib/attention/qk_norm.ts";
import { fromRows, gaussianMatrix, matrix, norm2, row } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";

const scaleRow = (m: ReturnType<typeof matrix>, r: number, c: number) => {
  const out = matrix(m.rows, m.cols, m.data);
  for (let j = 0; j < m.cols; j++) out.data[r * m.cols + j] = c * (m.data[r * m.cols + j] as number);
  return out;
};
const maxAbs = (a: Float64Array, b: Float64Array) =>
  Math.max(...a.map((x, i) => Math.abs(x - (b[i] as number))));

Deno.test("l2NormalizeRows: unit rows; a zero row stays finite", () => {
  const x = gaussianMatrix(50, 7, createRng(0), 3);
  const u = l2NormalizeRows(x);
  for (let r = 0; r < 50; r++) assertAlmostEquals(norm2(row(u, r)), 1, 1e-12);
  const z = l2NormalizeRows(fromRows([[0, 0, 0], [1, 2, 2]]), 1e-12);
  assert([...z.data].every(Number.isFinite));
  assertEquals([...z.data.subarray(0, 3)], [0, 0, 0]);
  assertThrows(() => l2NormalizeRows(x, -1), RangeError, "eps");
});

Deno.test("attentionLogits: KNA ignores key norms, CosA all norms, SDPA scales linearly", () => {
  const rng = createRng(1);
  const q = gaussianMatrix(6, 16, rng.fork("q")), k = gaussianMatrix(6, 16, rng.fork("k"));
  const k2 = scaleRow(k, 2, 3.7), q2 = scaleRow(q, 4, 0.3);
  assert(maxAbs(attentionLogits(q, k, "kna").data, attentionLogits(q, k2, "kna").data) < 1e-12);
  assert(maxAbs(attentionLogits(q, k, "cosa").data, attentionLogits(q2, k2, "cosa").data) < 1e-12);
  // QNA ignores query norms but not key norms
  assert(maxAbs(attentionLogits(q, k, "qna").data, attentionLogits(q2, k, "qna").data) < 1e-12);
  assert(maxAbs(attentionLogits(q, k, "qna").data, attentionLogits(q, k2, "qna").data) > 1e-3);
  const a = attentionLogits(q, k, "sdpa"), b = attentionLogits(q, scaleRow(k, 2, 2), "sdpa");
  for (let i = 0; i < 6; i++) {
    assertAlmostEquals(b.data[i * 6 + 2]!, 2 * a.data[i * 6 + 2]!, 1e-12);
    assertAlmostEquals(b.data[i * 6 + 1]!, a.data[i * 6 + 1]!, 1e-15);
  }
  // CosA entries are λ·cos, so bounded by λ; default λ = 4 ln n
  const c = attentionLogits(q, k, "cosa");
  assert([...c.data].every((x) => Math.abs(x) <= cosaLambda(6) + 1e-12));
  const causal = attentionLogits(q, k, "sdpa", { causal: true });
  assertEquals(causal.data[0 * 6 + 1], -Infinity);
  assertEquals(causal.data[1 * 6 + 1], a.data[1 * 6 + 1]);
});

Deno.test("attentionLogits: at init SDPA and KNA logits have the same variance (eq. 2), d = 128", () => {
  const rng = createRng(2);
  const q = gaussianMatrix(150, 128, rng.fork("q")), k = gaussianMatrix(150, 128, rng.fork("k"));
  const v = (m: Float64Array) => {
    const mu = m.reduce((s, x) => s + x, 0) / m.length;
    return m.reduce((s, x) => s + (x - mu) ** 2, 0) / m.length;
  };
  const r = v(attentionLogits(q, k, "kna").data) / v(attentionLogits(q, k, "sdpa").data);
  assert(Math.abs(r - 1) < 0.1, `variance ratio ${r}`);
});

Deno.test("cosaLambda: 4 ln 256 = 22.18; validation", () => {
  assertAlmostEquals(cosaLambda(256), 22.18, 0.01);
  assertAlmostEquals(cosaLambda(32, 3.5), 3.5 * Math.log(32), 1e-12);
  assertThrows(() => cosaLambda(1), RangeError, "n");
  assertThrows(() => cosaLambda(10, 0), RangeError, "coef");
});

Deno.test("attentionLogits / qkGeometry: bad shapes and modes throw", () => {
  const q = fromRows([[1, 2]]), k = fromRows([[1, 2, 3]]);
  assertThrows(() => attentionLogits(q, k, "sdpa"), RangeError, "k.cols");
  assertThrows(() => attentionLogits(q, q, "bogus" as never), RangeError, "mode");
  assertThrows(
    () => qkGeometry(fromRows([[1, 0]]), fromRows([[1, 0], [0, 1]]), { causal: true }),
    RangeError,
    "causal",
  );
});

Deno.test("qkGeometry: closed forms on hand-made rows", () => {
  // keys with norms 1 and 3: mean 2, std 1 → CV 0.5; queries equal norms → CV 0
  const q = fromRows([[1, 0], [0, 1]]), k = fromRows([[1, 0], [0, 3]]);
  const g = qkGeometry(q, k);
  assertAlmostEquals(g.keyNormCV, 0.5, 1e-15);
  assertAlmostEquals(g.queryNormCV, 0, 1e-15);
  // all pairs: cos = 1, 0, 0, 1 → mean 0.5, std 0.5
  assertAlmostEquals(g.cosMean, 0.5, 1e-15);
  assertAlmostEquals(g.cosStd, 0.5, 1e-15);
  assertEquals(g.pairs, 4);
  // random directions in d = 64: cos std ≈ 1/8 (seeded bound)
  const r = qkGeometry(gaussianMatrix(60, 64, createRng(3)), gaussianMatrix(60, 64, createRng(4)));
  assert(Math.abs(r.cosStd * 8 - 1) < 0.05, `cos std ${r.cosStd}`);
  // scaling keys changes no angle statistic
  const r2 = qkGeometry(
    gaussianMatrix(60, 64, createRng(3)),
    scaleRow(gaussianMatrix(60, 64, createRng(4)), 5, 9),
  );
  assertAlmostEquals(r2.cosStd, r.cosStd, 1e-12);
  assert(r2.keyNormCV > r.keyNormCV);
});
