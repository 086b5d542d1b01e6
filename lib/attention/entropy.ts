/**
 * Row-wise information measures of attention matrices (each row a distribution over keys): the Shannon
 * entropy of a row and the Kullback–Leibler divergence between corresponding rows of two matrices. Used to
 * ask how close a linear-attention weight matrix is to the softmax one, and how peaked each is
 * (https://kexue.fm/archives/7546).
 *
 * @module
 */
import { checkMatrix, type Matrix } from "../core/matrix.ts";
import { checkNonNegative, rangeError } from "../core/validate.ts";

function checkDistributions(where: string, name: string, p: Matrix, tol: number): void {
  checkMatrix(where, name, p);
  if (p.cols === 0) rangeError(where, `${name}.cols`, "≥ 1", 0);
  for (let i = 0; i < p.rows; i++) {
    let s = 0;
    for (let j = 0; j < p.cols; j++) {
      const x = p.data[i * p.cols + j] as number;
      if (!(x >= 0) || x === Infinity) rangeError(where, `${name}[${i}][${j}]`, "a finite number ≥ 0", x);
      s += x;
    }
    if (Math.abs(s - 1) > tol) rangeError(where, `the sum of ${name} row ${i}`, `1 (± ${tol})`, s);
  }
}

/**
 * Shannon entropy (nats) of every row, $H_i = -\sum_j p_{ij}\log p_{ij}$ with $0\log 0 = 0$. It is 0 for a
 * one-hot row and $\log m$ for a uniform row over m keys.
 *
 * @param p an n×m matrix whose rows are probability distributions (entries ≥ 0, row sums 1 ± `tol`)
 * @param tol tolerance on the row sums (default 1e-9)
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { rowEntropy } from "@lib/attention/entropy.ts";
 * const h = rowEntropy(matrix(2, 4, [0.25, 0.25, 0.25, 0.25, 1, 0, 0, 0]));
 * assertAlmostEquals(h[0]!, Math.log(4), 1e-15);
 * assertEquals(h[1], 0);
 * ```
 */
export function rowEntropy(p: Matrix, tol = 1e-9): Float64Array {
  checkNonNegative("rowEntropy", "tol", tol);
  checkDistributions("rowEntropy", "p", p, tol);
  const h = new Float64Array(p.rows);
  for (let i = 0; i < p.rows; i++) {
    let s = 0;
    for (let j = 0; j < p.cols; j++) {
      const x = p.data[i * p.cols + j] as number;
      if (x > 0) s -= x * Math.log(x);
    }
    h[i] = s;
  }
  return h;
}

/**
 * Kullback–Leibler divergence (nats) between corresponding rows,
 * $$\mathrm{KL}(p_i\,\|\,q_i) = \sum_j p_{ij}\log\frac{p_{ij}}{q_{ij}},$$
 * with $0\log(0/q) = 0$ and $+\infty$ where $q_{ij} = 0 < p_{ij}$. Non-negative, 0 exactly when the rows agree.
 *
 * @param p n×m row distributions (the reference, e.g. softmax attention)
 * @param q n×m row distributions (the approximation)
 * @param tol tolerance on the row sums (default 1e-9)
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { klRows } from "@lib/attention/entropy.ts";
 * const kl = klRows(matrix(2, 2, [0.5, 0.5, 1, 0]), matrix(2, 2, [0.25, 0.75, 0, 1]));
 * assertAlmostEquals(kl[0]!, 0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 1e-15);
 * assertEquals(kl[1], Infinity);
 * ```
 */
export function klRows(p: Matrix, q: Matrix, tol = 1e-9): Float64Array {
  checkNonNegative("klRows", "tol", tol);
  checkDistributions("klRows", "p", p, tol);
  checkDistributions("klRows", "q", q, tol);
  if (p.rows !== q.rows || p.cols !== q.cols) {
    rangeError("klRows", "q", `a ${p.rows}×${p.cols} matrix (the shape of p)`, `${q.rows}×${q.cols}`);
  }
  const kl = new Float64Array(p.rows);
  for (let i = 0; i < p.rows; i++) {
    let s = 0;
    for (let j = 0; j < p.cols; j++) {
      const a = p.data[i * p.cols + j] as number, b = q.data[i * q.cols + j] as number;
      if (a > 0) s += b > 0 ? a * Math.log(a / b) : Infinity;
    }
    kl[i] = s;
  }
  return kl;
}
