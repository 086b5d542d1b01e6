import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { maxAbsDiff } from "@lib/core/array.ts";
import { createRng } from "@lib/core/rng.ts";
import {
  add,
  cosine,
  dot,
  frobenius,
  fromRows,
  gaussianMatrix,
  gemmNN,
  gemmNT,
  gemmTN,
  identity,
  matmul,
  matPow,
  matrix,
  matVec,
  norm2,
  row,
  rowSums,
  scale,
  sub,
  subMatrix,
  transpose,
  transposeRaw,
} from "@lib/core/matrix.ts";

Deno.test("matrix copies its data; fromRows stacks rows", () => {
  const src = [1, 2, 3, 4, 5, 6];
  const a = matrix(2, 3, src);
  src[0] = 99;
  assertEquals(a.data[0], 1);
  assertEquals(fromRows([[1, 2, 3], [4, 5, 6]]), a);
  assertEquals(matrix(0, 3).data.length, 0);
});

Deno.test("matmul against a hand computation; identity is neutral; associativity", () => {
  const a = matrix(2, 3, [1, 2, 3, 4, 5, 6]), b = matrix(3, 2, [7, 8, 9, 10, 11, 12]);
  assertEquals(Array.from(matmul(a, b).data), [58, 64, 139, 154]);
  assertEquals(matmul(identity(2), a), a);
  const rng = createRng(0);
  const x = gaussianMatrix(4, 5, rng), y = gaussianMatrix(5, 3, rng), z = gaussianMatrix(3, 2, rng);
  assert(maxAbsDiff(matmul(matmul(x, y), z).data, matmul(x, matmul(y, z)).data) < 1e-12);
});

Deno.test("transpose: (AB)ᵀ = BᵀAᵀ, involution", () => {
  const rng = createRng(1);
  const a = gaussianMatrix(3, 4, rng), b = gaussianMatrix(4, 2, rng);
  assert(maxAbsDiff(transpose(matmul(a, b)).data, matmul(transpose(b), transpose(a)).data) < 1e-12);
  assertEquals(transpose(transpose(a)), a);
});

Deno.test("add, sub, scale, frobenius", () => {
  const rng = createRng(2);
  const a = gaussianMatrix(3, 3, rng), b = gaussianMatrix(3, 3, rng);
  assert(maxAbsDiff(sub(add(a, b), b).data, a.data) < 1e-15);
  assertAlmostEquals(frobenius(scale(a, -2)), 2 * frobenius(a), 1e-12);
  assertEquals(frobenius(identity(4)), 2);
});

Deno.test("matPow: A^0 = I, repeated products, rotation powers", () => {
  const rng = createRng(3);
  const a = scale(gaussianMatrix(4, 4, rng), 0.5);
  assertEquals(matPow(a, 0), identity(4));
  assertEquals(matPow(a, 1), a);
  const a5 = matmul(matmul(matmul(matmul(a, a), a), a), a);
  assert(maxAbsDiff(matPow(a, 5).data, a5.data) < 1e-12);
  const t = 0.1, rot = matrix(2, 2, [Math.cos(t), -Math.sin(t), Math.sin(t), Math.cos(t)]);
  const r = matPow(rot, 30);
  assertAlmostEquals(r.data[0]!, Math.cos(3), 1e-12);
  assertAlmostEquals(r.data[2]!, Math.sin(3), 1e-12);
});

Deno.test("gaussianMatrix: seeded, std scales, moments", () => {
  assertEquals(gaussianMatrix(2, 2, createRng(5)), gaussianMatrix(2, 2, createRng(5)));
  const g = gaussianMatrix(200, 100, createRng(6), 3);
  let s = 0, s2 = 0;
  for (const v of g.data) {
    s += v;
    s2 += v * v;
  }
  const n = g.data.length;
  assert(Math.abs(s / n) < 0.1);
  assertAlmostEquals(Math.sqrt(s2 / n), 3, 0.1);
  assertEquals(gaussianMatrix(2, 3, createRng(0), 0).data, new Float64Array(6));
});

Deno.test("row, rowSums, subMatrix, matVec", () => {
  const a = matrix(3, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const r = row(a, 2);
  r[0] = 100; // a copy
  assertEquals(a.data[6], 7);
  assertEquals(Array.from(rowSums(a)), [6, 15, 24]);
  assertEquals(subMatrix(a, 0, 2, 1, 3), matrix(2, 2, [2, 3, 5, 6]));
  assertEquals(subMatrix(a, 1, 1, 0, 3).rows, 0);
  assertEquals(Array.from(matVec(a, [1, 0, -1])), [-2, -2, -2]);
  const rng = createRng(7);
  const b = gaussianMatrix(4, 3, rng), x = gaussianMatrix(3, 1, rng);
  assert(maxAbsDiff(matVec(b, x.data), matmul(b, x).data) < 1e-14);
});

Deno.test("dot, norm2, cosine", () => {
  assertEquals(dot([1, 2], [3, 4]), 11);
  assertEquals(norm2([]), 0);
  assertEquals(norm2([1e200, 1e200]), Math.SQRT2 * 1e200); // no overflow
  assertAlmostEquals(cosine([1, 2, 3], [-2, -4, -6]), -1, 1e-15);
  assertAlmostEquals(cosine([1, 0], [0, 5]), 0, 1e-15);
});

Deno.test("bad inputs throw clear errors", () => {
  assertThrows(() => matrix(2, 2, [1, 2, 3]), RangeError, "matrix: data.length must be 4, got 3");
  assertThrows(() => matrix(-1, 2), RangeError, "matrix: rows must be an integer ≥ 0, got -1");
  assertThrows(() => matrix(1, 1, [NaN]), RangeError, "matrix: data[0] must be a finite number, got NaN");
  assertThrows(
    () => matmul(matrix(2, 3), matrix(2, 3)),
    RangeError,
    "matmul: b.rows must be a.cols = 3, got 2",
  );
  assertThrows(() => add(matrix(2, 3), matrix(3, 2)), RangeError, "add: b must be a 2×3 matrix");
  assertThrows(() => matPow(matrix(2, 3), 2), RangeError, 'matPow: a must be a square matrix, got "2×3"');
  assertThrows(() => matPow(identity(2), 1.5), RangeError, "matPow: k must be an integer ≥ 0, got 1.5");
  assertThrows(() => row(identity(2), 2), RangeError, "row: i must be an integer in [0, 1], got 2");
  assertThrows(() => dot([1, 2], [1]), RangeError, "dot: b.length must be 2, got 1");
  assertThrows(() => cosine([0, 0], [1, 1]), RangeError, "cosine: a must be a non-zero vector");
  assertThrows(() => matVec(identity(2), [1, 2, 3]), RangeError, "matVec: x.length must be 2, got 3");
  assertThrows(() => fromRows([[1, 2], [3]]), RangeError, "fromRows: rows[1].length must be 2, got 1");
  assertThrows(
    () => subMatrix(identity(3), 2, 1, 0, 1),
    RangeError,
    "subMatrix: r1 must be an integer in [2, 3]",
  );
  assertThrows(
    () => transpose({ rows: 1, cols: 1, data: [1] } as never),
    TypeError,
    "transpose: a must be a Matrix",
  );
  assertThrows(
    () => gaussianMatrix(2, 2, Math.random as never),
    TypeError,
    "gaussianMatrix: rng must be an Rng",
  );
  assertThrows(
    () => gaussianMatrix(2, 2, createRng(0), -1),
    RangeError,
    "gaussianMatrix: std must be ≥ 0, got -1",
  );
});

Deno.test("gemmNN/TN/NT and transposeRaw agree bit for bit with matmul/transpose; buffers; size errors", () => {
  const rng = createRng(7);
  const A = gaussianMatrix(5, 3, rng), B = gaussianMatrix(3, 4, rng), C = gaussianMatrix(5, 4, rng);
  const D = gaussianMatrix(6, 3, rng);
  A.data[4] = 0; // the zero-skip path
  assertEquals(gemmNN(A.data, 5, 3, B.data, 4), matmul(A, B).data);
  assertEquals(gemmTN(A.data, 5, 3, C.data, 4), matmul(transpose(A), C).data);
  assertEquals(gemmNT(A.data, 5, 3, D.data, 6), matmul(A, transpose(D)).data);
  assertEquals(transposeRaw(A.data, 5, 3), transpose(A).data);
  const buf = new Float64Array(20).fill(99); // overwritten, not accumulated into
  assertEquals(gemmNN(A.data, 5, 3, B.data, 4, buf), matmul(A, B).data);
  assertEquals(gemmTN(A.data, 5, 3, C.data, 4, new Float64Array(12).fill(-1)), matmul(transpose(A), C).data);
  assertThrows(() => gemmNN(A.data, 5, 3, B.data, 5), RangeError, "gemmNN: b.length must be 15, got 12");
  assertThrows(() => gemmTN(A.data, 5, 3, C.data, 4, new Float64Array(3)), RangeError, "gemmTN: out.length");
  assertThrows(() => gemmNT(A.data, 4, 3, D.data, 6), RangeError, "gemmNT: a.length");
  assertThrows(() => transposeRaw(A.data, 4, 4), RangeError, "transposeRaw: a.length");
});
