/**
 * Dense Float64 matrices (row-major) and vectors: the library's one small linear-algebra module.
 *
 * A {@link Matrix} is a plain record `{ rows, cols, data }` with entry (i, j) at `data[i * cols + j]`.
 * Every function returns a fresh matrix or array and never modifies its inputs.
 *
 * @module
 */
import type { Rng } from "./rng.ts";
import { checkFinite, checkInt, checkLength, rangeError, typeError } from "./validate.ts";

/** A dense row-major matrix: entry $A_{ij}$ is `data[i * cols + j]`. */
export type Matrix = { rows: number; cols: number; data: Float64Array };

/**
 * Validates a {@link Matrix} at a public boundary: a `Float64Array` of exactly rows·cols entries.
 * Throws a `TypeError`/`RangeError` naming the function and the argument.
 *
 * @param where the calling function's name, for the message
 * @param name the argument's name, for the message
 * @param a the value to check
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { checkMatrix } from "@lib/core/matrix.ts";
 * assertThrows(() => checkMatrix("f", "a", { rows: 2, cols: 2, data: new Float64Array(3) }), RangeError, "f: a.data.length");
 * ```
 */
export function checkMatrix(where: string, name: string, a: unknown): Matrix {
  const m = a as Matrix;
  if (m === null || typeof m !== "object" || !(m.data instanceof Float64Array)) {
    typeError(where, name, "a Matrix { rows, cols, data: Float64Array }", a);
  }
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0) {
    rangeError(where, `${name}.rows/cols`, "non-negative integers", `${m.rows}×${m.cols}`);
  }
  if (m.data.length !== m.rows * m.cols) {
    rangeError(where, `${name}.data.length`, `rows·cols = ${m.rows * m.cols}`, m.data.length);
  }
  return m;
}

function checkSameShape(where: string, a: Matrix, b: Matrix): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    rangeError(where, "b", `a ${a.rows}×${a.cols} matrix (the shape of a)`, `${b.rows}×${b.cols}`);
  }
}

/**
 * Creates a `rows`×`cols` matrix, zero-filled or copied from `data` (row-major).
 *
 * @param rows number of rows, an integer ≥ 0
 * @param cols number of columns, an integer ≥ 0
 * @param data optional row-major entries, exactly rows·cols finite numbers (copied)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * const a = matrix(2, 2, [1, 2, 3, 4]);
 * assertEquals(a.data[2], 3); // row 1, column 0
 * ```
 */
export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  checkInt("matrix", "rows", rows);
  checkInt("matrix", "cols", cols);
  const out = new Float64Array(rows * cols);
  if (data !== undefined) {
    checkLength("matrix", "data", data, rows * cols);
    for (let k = 0; k < out.length; k++) out[k] = checkFinite("matrix", `data[${k}]`, data[k]);
  }
  return { rows, cols, data: out };
}

/**
 * Stacks equal-length vectors as the rows of a matrix.
 *
 * @param rows a non-empty list of vectors of the same length
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { fromRows } from "@lib/core/matrix.ts";
 * const a = fromRows([[1, 2, 3], [4, 5, 6]]);
 * assertEquals([a.rows, a.cols, a.data[5]], [2, 3, 6]);
 * ```
 */
export function fromRows(rows: readonly ArrayLike<number>[]): Matrix {
  if (!Array.isArray(rows)) typeError("fromRows", "rows", "an array of vectors", rows);
  if (rows.length === 0) rangeError("fromRows", "rows.length", "≥ 1", 0);
  const cols = (rows[0] as ArrayLike<number>).length;
  const out = matrix(rows.length, cols);
  rows.forEach((r, i) => {
    checkLength("fromRows", `rows[${i}]`, r, cols);
    for (let j = 0; j < cols; j++) out.data[i * cols + j] = r[j] as number;
  });
  return out;
}

/**
 * The identity matrix $I_n$.
 *
 * @param n size, an integer ≥ 0
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { identity } from "@lib/core/matrix.ts";
 * assertEquals(Array.from(identity(2).data), [1, 0, 0, 1]);
 * ```
 */
export function identity(n: number): Matrix {
  checkInt("identity", "n", n);
  const out = matrix(n, n);
  for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
  return out;
}

/**
 * A matrix of independent draws $A_{ij} \sim \mathcal N(0, \mathrm{std}^2)$, filled row by row from `rng`.
 *
 * @param rows number of rows
 * @param cols number of columns
 * @param rng the seeded random stream
 * @param std standard deviation, ≥ 0 (default 1)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianMatrix } from "@lib/core/matrix.ts";
 * const a = gaussianMatrix(3, 4, createRng(0)), b = gaussianMatrix(3, 4, createRng(0));
 * assertEquals(a, b); // same seed, same matrix
 * ```
 */
export function gaussianMatrix(rows: number, cols: number, rng: Rng, std = 1): Matrix {
  if (typeof rng !== "function" || typeof rng.normal !== "function") {
    typeError("gaussianMatrix", "rng", "an Rng (createRng)", rng);
  }
  checkFinite("gaussianMatrix", "std", std);
  if (std < 0) rangeError("gaussianMatrix", "std", "≥ 0", std);
  const out = matrix(rows, cols);
  for (let k = 0; k < out.data.length; k++) out.data[k] = std * rng.normal() + 0; // + 0: no −0 entries
  return out;
}

/**
 * Matrix product $(AB)_{ij} = \sum_k A_{ik} B_{kj}$.
 *
 * @param a an n×m matrix
 * @param b an m×p matrix
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matmul, matrix } from "@lib/core/matrix.ts";
 * const c = matmul(matrix(1, 2, [1, 2]), matrix(2, 1, [3, 4]));
 * assertEquals(c.data[0], 11);
 * ```
 */
export function matmul(a: Matrix, b: Matrix): Matrix {
  checkMatrix("matmul", "a", a);
  checkMatrix("matmul", "b", b);
  if (a.cols !== b.rows) rangeError("matmul", "b.rows", `a.cols = ${a.cols}`, b.rows);
  return { rows: a.rows, cols: b.cols, data: gemmNN(a.data, a.rows, a.cols, b.data, b.cols) };
}

// Raw kernels on row-major Float64Arrays, for inner loops that cannot afford a Matrix per product (the
// LoRA trainer, for one). They check sizes in O(1) and nothing else. Each output entry is the sum over
// the inner index in increasing order, so the results do not depend on which kernel computed them.

function checkGemm(
  where: string,
  a: Float64Array,
  na: number,
  b: Float64Array,
  nb: number,
  o?: Float64Array,
  no = 0,
) {
  if (a.length !== na) rangeError(where, "a.length", `${na}`, a.length);
  if (b.length !== nb) rangeError(where, "b.length", `${nb}`, b.length);
  if (o !== undefined && o.length !== no) rangeError(where, "out.length", `${no}`, o.length);
}

/**
 * `out (p×q) = a (p×k) · b (k×q)` on raw row-major arrays (skipping zero entries of `a`).
 *
 * @param a p·k entries
 * @param p rows of a
 * @param k columns of a = rows of b
 * @param b k·q entries
 * @param q columns of b
 * @param out optional p·q buffer, overwritten
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gemmNN } from "@lib/core/matrix.ts";
 * assertEquals(Array.from(gemmNN(Float64Array.of(1, 2), 1, 2, Float64Array.of(3, 4), 1)), [11]);
 * ```
 */
export function gemmNN(
  a: Float64Array,
  p: number,
  k: number,
  b: Float64Array,
  q: number,
  out?: Float64Array,
): Float64Array {
  checkGemm("gemmNN", a, p * k, b, k * q, out, p * q);
  return gemmRows(a, k, 1, p, k, b, q, out);
}

/**
 * out (rows×q) = A·b where A(i, t) = a[i·rs + t·cs] (rows×inner) and b is inner×q: for each output row,
 * the rows of b are added in increasing t, skipping zero A(i, t).
 */
function gemmRows(
  a: Float64Array,
  rs: number,
  cs: number,
  rows: number,
  inner: number,
  b: Float64Array,
  q: number,
  out?: Float64Array,
): Float64Array {
  const o = out === undefined ? new Float64Array(rows * q) : out.fill(0);
  for (let i = 0; i < rows; i++) {
    const oo = i * q;
    for (let t = 0; t < inner; t++) {
      const x = a[i * rs + t * cs]!;
      if (x === 0) continue;
      const bo = t * q;
      for (let j = 0; j < q; j++) o[oo + j] = o[oo + j]! + x * b[bo + j]!;
    }
  }
  return o;
}

/**
 * `out (k×q) = aᵀ · b` with `a` (p×k) and `b` (p×q), on raw row-major arrays.
 *
 * @param a p·k entries
 * @param p rows of a and b (the summed index)
 * @param k columns of a
 * @param b p·q entries
 * @param q columns of b
 * @param out optional k·q buffer, overwritten
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gemmTN } from "@lib/core/matrix.ts";
 * assertEquals(Array.from(gemmTN(Float64Array.of(1, 2), 2, 1, Float64Array.of(3, 4), 1)), [11]);
 * ```
 */
export function gemmTN(
  a: Float64Array,
  p: number,
  k: number,
  b: Float64Array,
  q: number,
  out?: Float64Array,
): Float64Array {
  checkGemm("gemmTN", a, p * k, b, p * q, out, k * q);
  return gemmRows(a, 1, k, k, p, b, q, out);
}

/**
 * `out (p×k) = a · bᵀ` with `a` (p×q) and `b` (k×q), on raw row-major arrays (dot products of rows).
 *
 * @param a p·q entries
 * @param p rows of a
 * @param q columns of a and b (the summed index)
 * @param b k·q entries
 * @param k rows of b
 * @param out optional p·k buffer, overwritten
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gemmNT } from "@lib/core/matrix.ts";
 * assertEquals(Array.from(gemmNT(Float64Array.of(1, 2), 1, 2, Float64Array.of(3, 4), 1)), [11]);
 * ```
 */
export function gemmNT(
  a: Float64Array,
  p: number,
  q: number,
  b: Float64Array,
  k: number,
  out?: Float64Array,
): Float64Array {
  checkGemm("gemmNT", a, p * q, b, k * q, out, p * k);
  const o = out ?? new Float64Array(p * k);
  for (let i = 0; i < p; i++) {
    const ao = i * q;
    for (let j = 0; j < k; j++) {
      const bo = j * q;
      let s = 0;
      for (let t = 0; t < q; t++) s += a[ao + t]! * b[bo + t]!;
      o[i * k + j] = s;
    }
  }
  return o;
}

/**
 * The transpose of a raw row-major p×q array (q×p).
 *
 * @param a p·q entries
 * @param p rows
 * @param q columns
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { transposeRaw } from "@lib/core/matrix.ts";
 * assertEquals(Array.from(transposeRaw(Float64Array.of(1, 2, 3, 4, 5, 6), 2, 3)), [1, 4, 2, 5, 3, 6]);
 * ```
 */
export function transposeRaw(a: Float64Array, p: number, q: number): Float64Array {
  if (a.length !== p * q) rangeError("transposeRaw", "a.length", `p·q = ${p * q}`, a.length);
  const out = new Float64Array(p * q);
  for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) out[j * p + i] = a[i * q + j]!;
  return out;
}

/**
 * Matrix–vector product $(Ax)_i = \sum_j A_{ij} x_j$.
 *
 * @param a an n×m matrix
 * @param x a vector of length m
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix, matVec } from "@lib/core/matrix.ts";
 * assertEquals(Array.from(matVec(matrix(2, 2, [0, -1, 1, 0]), [1, 0])), [0, 1]); // a quarter turn
 * ```
 */
export function matVec(a: Matrix, x: ArrayLike<number>): Float64Array {
  checkMatrix("matVec", "a", a);
  checkLength("matVec", "x", x, a.cols);
  const out = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = 0; j < a.cols; j++) s += (a.data[i * a.cols + j] as number) * (x[j] as number);
    out[i] = s;
  }
  return out;
}

/**
 * Transpose $(A^\top)_{ij} = A_{ji}$.
 *
 * @param a any matrix
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix, transpose } from "@lib/core/matrix.ts";
 * assertEquals(Array.from(transpose(matrix(2, 3, [1, 2, 3, 4, 5, 6])).data), [1, 4, 2, 5, 3, 6]);
 * ```
 */
export function transpose(a: Matrix): Matrix {
  checkMatrix("transpose", "a", a);
  return { rows: a.cols, cols: a.rows, data: transposeRaw(a.data, a.rows, a.cols) };
}

/**
 * Entry-wise sum $A + B$.
 *
 * @param a first matrix
 * @param b second matrix, same shape
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { add, identity } from "@lib/core/matrix.ts";
 * assertEquals(Array.from(add(identity(2), identity(2)).data), [2, 0, 0, 2]);
 * ```
 */
export function add(a: Matrix, b: Matrix): Matrix {
  checkMatrix("add", "a", a);
  checkMatrix("add", "b", b);
  checkSameShape("add", a, b);
  return { rows: a.rows, cols: a.cols, data: a.data.map((v, k) => v + (b.data[k] as number)) };
}

/**
 * Entry-wise difference $A - B$.
 *
 * @param a first matrix
 * @param b second matrix, same shape
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { identity, sub } from "@lib/core/matrix.ts";
 * assertEquals(Array.from(sub(identity(2), identity(2)).data), [0, 0, 0, 0]);
 * ```
 */
export function sub(a: Matrix, b: Matrix): Matrix {
  checkMatrix("sub", "a", a);
  checkMatrix("sub", "b", b);
  checkSameShape("sub", a, b);
  return { rows: a.rows, cols: a.cols, data: a.data.map((v, k) => v - (b.data[k] as number)) };
}

/**
 * Scalar multiple $cA$.
 *
 * @param a the matrix
 * @param c a finite scalar
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { identity, scale } from "@lib/core/matrix.ts";
 * assertEquals(Array.from(scale(identity(2), 3).data), [3, 0, 0, 3]);
 * ```
 */
export function scale(a: Matrix, c: number): Matrix {
  checkMatrix("scale", "a", a);
  checkFinite("scale", "c", c);
  return { rows: a.rows, cols: a.cols, data: a.data.map((v) => c * v) };
}

/**
 * Integer matrix power $A^k$ by repeated squaring ($A^0 = I$).
 *
 * @param a a square matrix
 * @param k an integer ≥ 0
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matPow, matrix } from "@lib/core/matrix.ts";
 * const fib = matPow(matrix(2, 2, [1, 1, 1, 0]), 10);
 * assertEquals(fib.data[1], 55); // Fibonacci F_10
 * ```
 */
export function matPow(a: Matrix, k: number): Matrix {
  checkMatrix("matPow", "a", a);
  if (a.rows !== a.cols) rangeError("matPow", "a", "a square matrix", `${a.rows}×${a.cols}`);
  checkInt("matPow", "k", k);
  let result = identity(a.rows);
  let base = a;
  let e = k;
  while (e > 0) {
    if (e & 1) result = matmul(result, base);
    e = Math.floor(e / 2);
    if (e > 0) base = matmul(base, base);
  }
  return result;
}

/**
 * Frobenius norm $\|A\|_F = \sqrt{\sum_{ij} A_{ij}^2}$.
 *
 * @param a the matrix
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { frobenius, matrix } from "@lib/core/matrix.ts";
 * assertEquals(frobenius(matrix(1, 2, [3, 4])), 5);
 * ```
 */
export function frobenius(a: Matrix): number {
  checkMatrix("frobenius", "a", a);
  return norm2(a.data);
}

/**
 * A copy of row i, $(A_{i0}, \dots, A_{i,\mathrm{cols}-1})$.
 *
 * @param a the matrix
 * @param i row index in [0, rows)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix, row } from "@lib/core/matrix.ts";
 * assertEquals(Array.from(row(matrix(2, 2, [1, 2, 3, 4]), 1)), [3, 4]);
 * ```
 */
export function row(a: Matrix, i: number): Float64Array {
  checkMatrix("row", "a", a);
  checkInt("row", "i", i, 0, a.rows - 1);
  return a.data.slice(i * a.cols, (i + 1) * a.cols);
}

/**
 * Row sums $s_i = \sum_j A_{ij}$ (e.g. the normalizers of attention weights).
 *
 * @param a the matrix
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix, rowSums } from "@lib/core/matrix.ts";
 * assertEquals(Array.from(rowSums(matrix(2, 2, [1, 2, 3, 4]))), [3, 7]);
 * ```
 */
export function rowSums(a: Matrix): Float64Array {
  checkMatrix("rowSums", "a", a);
  const out = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = 0; j < a.cols; j++) s += a.data[i * a.cols + j] as number;
    out[i] = s;
  }
  return out;
}

/**
 * The block of rows [r0, r1) and columns [c0, c1), as a new matrix.
 *
 * @param a the matrix
 * @param r0 first row (inclusive)
 * @param r1 end row (exclusive), r0 ≤ r1 ≤ rows
 * @param c0 first column (inclusive)
 * @param c1 end column (exclusive), c0 ≤ c1 ≤ cols
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix, subMatrix } from "@lib/core/matrix.ts";
 * const a = matrix(3, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * assertEquals(Array.from(subMatrix(a, 1, 3, 0, 2).data), [4, 5, 7, 8]);
 * ```
 */
export function subMatrix(a: Matrix, r0: number, r1: number, c0: number, c1: number): Matrix {
  checkMatrix("subMatrix", "a", a);
  checkInt("subMatrix", "r0", r0, 0, a.rows);
  checkInt("subMatrix", "r1", r1, r0, a.rows);
  checkInt("subMatrix", "c0", c0, 0, a.cols);
  checkInt("subMatrix", "c1", c1, c0, a.cols);
  const out = matrix(r1 - r0, c1 - c0);
  for (let i = r0; i < r1; i++) {
    out.data.set(a.data.subarray(i * a.cols + c0, i * a.cols + c1), (i - r0) * out.cols);
  }
  return out;
}

/**
 * Inner product $a^\top b = \sum_k a_k b_k$.
 *
 * @param a first vector
 * @param b second vector, same length
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { dot } from "@lib/core/matrix.ts";
 * assertEquals(dot([1, 2, 3], [4, 5, 6]), 32);
 * ```
 */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkLength("dot", "a", a);
  checkLength("dot", "b", b, a.length);
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] as number) * (b[k] as number);
  return s;
}

/**
 * Euclidean norm $\|a\|_2 = \sqrt{\sum_k a_k^2}$ (scaled internally, so no overflow for large entries).
 *
 * @param a the vector (may be empty: norm 0)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { norm2 } from "@lib/core/matrix.ts";
 * assertEquals(norm2([3, 4]), 5);
 * ```
 */
export function norm2(a: ArrayLike<number>): number {
  checkLength("norm2", "a", a, a?.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] as number));
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const v = (a[k] as number) / m;
    s += v * v;
  }
  return m * Math.sqrt(s);
}

/**
 * Cosine similarity $\cos(a, b) = \dfrac{a^\top b}{\|a\|\,\|b\|}$.
 *
 * @param a first vector, non-zero
 * @param b second vector, non-zero, same length
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { cosine } from "@lib/core/matrix.ts";
 * assertAlmostEquals(cosine([1, 0], [1, 1]), Math.SQRT1_2, 1e-15);
 * ```
 */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ab = dot(a, b);
  const na = norm2(a), nb = norm2(b);
  if (na === 0) rangeError("cosine", "a", "a non-zero vector", "the zero vector");
  if (nb === 0) rangeError("cosine", "b", "a non-zero vector", "the zero vector");
  return ab / (na * nb);
}
