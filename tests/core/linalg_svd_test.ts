import { assert, assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { choleskyLower, numericalRank, singularValues, symmetricEig } from "@lib/core/linalg.ts";
import { frobenius, gaussianMatrix, identity, matmul, matrix, transpose } from "@lib/core/matrix.ts";
import { maxAbsDiff } from "@lib/core/array.ts";
import { createRng } from "@lib/core/rng.ts";

Deno.test("singularValues: diagonal, rank one, Frobenius identity, agreement with eig(AᵀA)", () => {
  assertEquals(Array.from(singularValues(matrix(3, 3, [1, 0, 0, 0, 3, 0, 0, 0, -2]))), [3, 2, 1]);
  const u = [1, 2, 2], v = [3, 4];
  const outer = matrix(3, 2, u.flatMap((a) => v.map((b) => a * b)));
  const s1 = singularValues(outer);
  assertAlmostEquals(s1[0]!, 3 * 5, 1e-12);
  assertLess(s1[1]!, 1e-12);
  const a = gaussianMatrix(20, 12, createRng(0));
  const s = singularValues(a);
  assertEquals(s.length, 12);
  assertAlmostEquals(s.reduce((t, x) => t + x * x, 0), frobenius(a) ** 2, 1e-10);
  for (let i = 1; i < s.length; i++) assert(s[i - 1]! >= s[i]!);
  const eig = symmetricEig(matmul(transpose(a), a)).values.map((x) => Math.sqrt(Math.max(x, 0))).reverse();
  assertLess(maxAbsDiff(s, eig), 1e-10);
  // wide matrices: same values as the transpose
  assertLess(maxAbsDiff(singularValues(transpose(a)), s), 1e-12);
  assertThrows(
    () => singularValues(matrix(0, 3)),
    RangeError,
    "singularValues: a must be a non-empty matrix",
  );
});

Deno.test("numericalRank: low-rank products, the exponential raises rank, all-ones has rank 1", () => {
  const rng = createRng(1), q = gaussianMatrix(128, 8, rng), k = gaussianMatrix(128, 8, rng);
  const s = matmul(q, transpose(k));
  assertEquals(numericalRank(s), 8);
  assertEquals(
    numericalRank(matrix(128, 128, s.data.map((x) => Math.exp((2 * x) / Math.sqrt(8))))) > 8,
    true,
  );
  assertEquals(numericalRank(matrix(64, 64, new Float64Array(64 * 64).fill(1))), 1);
  assertEquals(numericalRank(matrix(3, 3)), 0);
  assertEquals(numericalRank(identity(10)), 10);
  const lower = matrix(
    50,
    50,
    Float64Array.from({ length: 2500 }, (_, i) => (i % 50 <= Math.floor(i / 50) ? 1 : 0)),
  );
  assertEquals(numericalRank(lower), 50);
  assertThrows(
    () => numericalRank(identity(2), 0),
    RangeError,
    "numericalRank: relTol must be a number in (0, 1), got 0",
  );
});

Deno.test("choleskyLower: reconstructs SPD matrices; rejects indefinite and asymmetric ones", () => {
  const g = gaussianMatrix(12, 12, createRng(2));
  const a = matmul(g, transpose(g));
  for (let i = 0; i < 12; i++) a.data[i * 12 + i] = a.data[i * 12 + i]! + 0.1;
  const l = choleskyLower(a);
  for (let i = 0; i < 12; i++) {
    assert(l.data[i * 12 + i]! > 0);
    for (let j = i + 1; j < 12; j++) assertEquals(l.data[i * 12 + j], 0);
  }
  assertLess(maxAbsDiff(matmul(l, transpose(l)).data, a.data), 1e-10);
  assertThrows(
    () => choleskyLower(matrix(2, 2, [1, 2, 2, 1])),
    RangeError,
    "choleskyLower: a must be positive definite",
  );
  assertThrows(() => choleskyLower(matrix(2, 2, [2, 1, 0, 2])), RangeError, "a must be a symmetric matrix");
  assertThrows(() => choleskyLower(matrix(2, 3)), RangeError, "a square matrix");
});
