import { assertAlmostEquals, assertGreaterOrEqual, assertLess, assertThrows } from "@std/assert";
import { maxAbsDiff } from "@lib/core/array.ts";
import { randomSkew, skewBlockDiagonalize } from "@lib/core/linalg.ts";
import { add, dot, gaussianMatrix, matmul, matrix, matVec, scale, sub, transpose } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import { generalRope, relativityDefect } from "@lib/position/general_rope.ts";
import { ropeMatrix, ropeScore } from "@lib/position/rope.ts";

Deno.test("acceptance: skew B (d = 8) — R_mᵀR_n = R_{n−m} to 1e-10 for m, n ∈ 0..10", () => {
  const b = randomSkew(8, createRng(0));
  const family = (p: number) => generalRope(b, p);
  for (let m = 0; m <= 10; m++) {
    for (let n = 0; n <= 10; n++) assertLess(relativityDefect(family, m, n), 1e-10, `(${m}, ${n})`);
  }
});

Deno.test("acceptance: non-skew B with ‖B − Bᵀ‖ ≥ 1 has defect ≥ 1e-3 at (m, n) = (1, 2)", () => {
  const rng = createRng(1);
  for (let t = 0; t < 10; t++) {
    const b = scale(gaussianMatrix(8, 8, rng), 0.3);
    if (Math.hypot(...sub(b, transpose(b)).data) < 1) continue;
    assertGreaterOrEqual(relativityDefect((p) => generalRope(b, p), 1, 2), 1e-3);
  }
  // a skew part plus a small symmetric perturbation: the defect grows with ε
  const s = randomSkew(6, rng), g = gaussianMatrix(6, 6, rng), sym = scale(add(g, transpose(g)), 0.5);
  const defect = (eps: number) => relativityDefect((p) => generalRope(add(s, scale(sym, eps)), p), 1, 2);
  assertLess(defect(0), 1e-12);
  assertLess(defect(1e-4), defect(1e-2));
  assertLess(defect(1e-2), defect(1));
});

Deno.test("generalRope of diag(J_θ) is the standard block-diagonal RoPE matrix", () => {
  const thetas = new Float64Array([1, 0.1, 0.01]), b = matrix(6, 6);
  thetas.forEach((t, i) => {
    b.data[2 * i * 6 + 2 * i + 1] = -t;
    b.data[(2 * i + 1) * 6 + 2 * i] = t;
  });
  for (const pos of [0, 1, 7, -3, 100]) {
    assertLess(maxAbsDiff(generalRope(b, pos).data, ropeMatrix(pos, thetas).data), 1e-12);
  }
});

Deno.test("acceptance: eq. (8) — q·exp((n−m)B)k = standard RoPE score of Pᵀq, Pᵀk with θ from Λ", () => {
  const rng = createRng(2), d = 8;
  const b = randomSkew(d, rng);
  const { p, thetas } = skewBlockDiagonalize(b);
  const pt = transpose(p);
  for (let t = 0; t < 20; t++) {
    const q = gaussianMatrix(1, d, rng).data, k = gaussianMatrix(1, d, rng).data;
    const m = rng.int(50), n = rng.int(50);
    const general = dot(q, matVec(generalRope(b, n - m), k));
    const absolute = dot(matVec(generalRope(b, m), q), matVec(generalRope(b, n), k));
    assertAlmostEquals(absolute, general, 1e-10);
    assertAlmostEquals(ropeScore(matVec(pt, q), matVec(pt, k), m, n, thetas), general, 1e-10);
  }
  // and the similarity itself: exp(nB) = P exp(nΛ) Pᵀ
  assertLess(maxAbsDiff(generalRope(b, 5).data, matmul(matmul(p, ropeMatrix(5, thetas)), pt).data), 1e-10);
});

Deno.test("generalRope / relativityDefect validate their inputs", () => {
  assertThrows(() => generalRope(matrix(2, 3), 1), RangeError, "generalRope: b must be a square matrix");
  assertThrows(() => generalRope(matrix(2, 2), NaN), RangeError, "generalRope: pos");
  assertThrows(() => relativityDefect(null as never, 1, 2), TypeError, "relativityDefect: family");
});
