/**
 * Factorizations and spectra of small dense Float64 matrices (n ≲ 128): QR, determinant, symmetric
 * eigen-decomposition (cyclic Jacobi), the matrix exponential, the real block-diagonal (Schur) form of
 * skew-symmetric and orthogonal matrices, and random skew-symmetric / orthogonal matrices.
 *
 * Everything works on the {@link Matrix} record of `matrix.ts` and never modifies its inputs.
 *
 * @module
 */
import {
  add,
  checkMatrix,
  frobenius,
  identity,
  matmul,
  type Matrix,
  matrix,
  scale,
  transpose,
} from "./matrix.ts";
import type { Rng } from "./rng.ts";
import { checkInt, rangeError, typeError } from "./validate.ts";

function checkSquare(where: string, name: string, a: unknown): Matrix {
  const m = checkMatrix(where, name, a);
  if (m.rows !== m.cols) rangeError(where, name, "a square matrix", `${m.rows}×${m.cols}`);
  return m;
}

function checkEvenSquare(where: string, name: string, a: unknown): Matrix {
  const m = checkSquare(where, name, a);
  if (m.rows % 2 !== 0 || m.rows === 0) rangeError(where, `${name}.rows`, "an even integer ≥ 2", m.rows);
  return m;
}

function checkRng(where: string, rng: unknown): Rng {
  if (typeof rng !== "function" || typeof (rng as Rng).normal !== "function") {
    typeError(where, "rng", "an Rng (createRng)", rng);
  }
  return rng as Rng;
}

/** Largest |entry| of a − aᵀ relative to the largest |entry| of a (0 for the zero matrix). */
function _asymmetry(a: Matrix, sign: 1 | -1): number {
  const n = a.rows;
  let worst = 0, size = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = a.data[i * n + j] as number;
      size = Math.max(size, Math.abs(x));
      worst = Math.max(worst, Math.abs(x - sign * (a.data[j * n + i] as number)));
    }
  }
  return size === 0 ? 0 : worst / size;
}

/**
 * The commutator (Lie bracket) $[A, B] = AB - BA$, the second-order term of the
 * Baker–Campbell–Hausdorff formula $\exp(A)\exp(B) = \exp\big(A + B + \tfrac12[A, B] + \cdots\big)$.
 *
 * @param a an n×n matrix
 * @param b an n×n matrix
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { commutator } from "@lib/core/linalg.ts";
 * const x = matrix(2, 2, [0, 1, 0, 0]), y = matrix(2, 2, [0, 0, 1, 0]);
 * assertEquals(Array.from(commutator(x, y).data), [1, 0, 0, -1]); // [E12, E21] = diag(1, −1)
 * ```
 */
export function commutator(a: Matrix, b: Matrix): Matrix {
  checkSquare("commutator", "a", a);
  checkSquare("commutator", "b", b);
  if (a.rows !== b.rows) rangeError("commutator", "b", `a ${a.rows}×${a.rows} matrix`, `${b.rows}×${b.cols}`);
  const ab = matmul(a, b), ba = matmul(b, a);
  return { rows: a.rows, cols: a.cols, data: ab.data.map((v, k) => v - (ba.data[k] as number)) };
}

/**
 * The determinant $\det A$, by LU factorization with partial pivoting ($\det A = \pm\prod_i U_{ii}$).
 *
 * @param a a square matrix (the 0×0 matrix has determinant 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { det } from "@lib/core/linalg.ts";
 * assertAlmostEquals(det(matrix(2, 2, [1, 2, 3, 4])), -2, 1e-14);
 * ```
 */
export function det(a: Matrix): number {
  checkSquare("det", "a", a);
  const n = a.rows, u = Float64Array.from(a.data);
  let result = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(u[i * n + k]!) > Math.abs(u[p * n + k]!)) p = i;
    const pivot = u[p * n + k]!;
    if (pivot === 0) return 0;
    if (p !== k) {
      for (let j = 0; j < n; j++) [u[k * n + j], u[p * n + j]] = [u[p * n + j]!, u[k * n + j]!];
      result = -result;
    }
    result *= pivot;
    for (let i = k + 1; i < n; i++) {
      const f = u[i * n + k]! / pivot;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) u[i * n + j] = u[i * n + j]! - f * u[k * n + j]!;
    }
  }
  return result;
}

/**
 * Thin QR factorization $A = QR$ by Householder reflections: Q (rows×cols) has orthonormal columns and
 * R (cols×cols) is upper triangular with a non-negative diagonal (so the factorization is unique for a
 * full-rank A).
 *
 * @param a an m×n matrix with m ≥ n
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matmul, matrix } from "@lib/core/matrix.ts";
 * import { qr } from "@lib/core/linalg.ts";
 * const a = matrix(3, 2, [1, 2, 3, 4, 5, 6]);
 * const { q, r } = qr(a);
 * assertAlmostEquals(r.data[2]!, 0); // R is upper triangular
 * matmul(q, r).data.forEach((v, k) => assertAlmostEquals(v, a.data[k]!, 1e-12));
 * ```
 */
export function qr(a: Matrix): { q: Matrix; r: Matrix } {
  checkMatrix("qr", "a", a);
  const m = a.rows, n = a.cols;
  if (m < n) rangeError("qr", "a", "a matrix with rows ≥ cols", `${m}×${n}`);
  const w = Float64Array.from(a.data); // becomes R in its top n rows
  const vs: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(m);
    let norm = 0;
    for (let i = k; i < m; i++) norm += w[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const x0 = w[k * n + k]!;
    const alpha = x0 > 0 ? -norm : norm; // reflect x onto alpha·e_k, avoiding cancellation
    for (let i = k; i < m; i++) v[i] = w[i * n + k]!;
    v[k] = x0 - alpha;
    let vv = 0;
    for (let i = k; i < m; i++) vv += v[i]! ** 2;
    vs.push(v);
    if (vv === 0) continue;
    for (let j = k; j < n; j++) { // w ← (I − 2vvᵀ/vᵀv) w
      let s = 0;
      for (let i = k; i < m; i++) s += v[i]! * w[i * n + j]!;
      const f = (2 * s) / vv;
      for (let i = k; i < m; i++) w[i * n + j] = w[i * n + j]! - f * v[i]!;
    }
  }
  // Q = H_0 H_1 … H_{n−1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    let vv = 0;
    for (let i = k; i < m; i++) vv += v[i]! ** 2;
    if (vv === 0) continue;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i]! * q[i * n + j]!;
      const f = (2 * s) / vv;
      for (let i = k; i < m; i++) q[i * n + j] = q[i * n + j]! - f * v[i]!;
    }
  }
  const r = matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r.data[i * n + j] = w[i * n + j]!;
  for (let i = 0; i < n; i++) { // make diag(R) ≥ 0: flip row i of R and column i of Q together
    if (r.data[i * n + i]! < 0) {
      for (let j = 0; j < n; j++) r.data[i * n + j] = -r.data[i * n + j]! + 0;
      for (let row = 0; row < m; row++) q[row * n + i] = -q[row * n + i]! + 0;
    }
  }
  return { q: { rows: m, cols: n, data: q }, r };
}

/**
 * Eigen-decomposition of a real symmetric matrix, $A = V\,\mathrm{diag}(\lambda)\,V^\top$, by the cyclic
 * Jacobi method. Eigenvalues ascending; the columns of V are orthonormal eigenvectors.
 *
 * @param a a symmetric n×n matrix (asymmetry above 1e-10 relative throws)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { symmetricEig } from "@lib/core/linalg.ts";
 * const { values } = symmetricEig(matrix(2, 2, [2, 1, 1, 2]));
 * assertAlmostEquals(values[0]!, 1, 1e-14);
 * assertAlmostEquals(values[1]!, 3, 1e-14);
 * ```
 */
export function symmetricEig(a: Matrix): { values: Float64Array; vectors: Matrix } {
  checkSquare("symmetricEig", "a", a);
  const asym = _asymmetry(a, 1);
  if (asym > 1e-10) {
    rangeError("symmetricEig", "a", "symmetric (|a − aᵀ| ≤ 1e-10·max|a|)", `asymmetry ${asym}`);
  }
  const n = a.rows, w = Float64Array.from(a.data), v = identity(n).data;
  for (let i = 0; i < n; i++) { // exact symmetrization
    for (let j = i + 1; j < n; j++) w[i * n + j] = w[j * n + i] = (w[i * n + j]! + w[j * n + i]!) / 2;
  }
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        total += w[i * n + j]! ** 2;
        if (i !== j) off += w[i * n + j]! ** 2;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = w[p * n + q]!;
        if (apq === 0) continue;
        const theta = (w[q * n + q]! - w[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) { // columns p, q
          const akp = w[k * n + p]!, akq = w[k * n + q]!;
          w[k * n + p] = c * akp - s * akq;
          w[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) { // rows p, q
          const apk = w[p * n + k]!, aqk = w[q * n + k]!;
          w[p * n + k] = c * apk - s * aqk;
          w[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!, vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => w[x * n + x]! - w[y * n + y]!);
  const values = Float64Array.from(order, (i) => w[i * n + i]!);
  const vectors = matrix(n, n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors.data[k * n + dst] = v[k * n + src]!;
  });
  return { values, vectors };
}

/**
 * The real symmetric 2n×2n matrix $\begin{pmatrix}A & -C\\ C & A\end{pmatrix}$ of a Hermitian matrix
 * $H = A + \mathrm iC$ ($A$ symmetric, $C$ skew-symmetric). It has the eigenvalues of H, each twice, so
 * {@link symmetricEig} gives Hermitian spectra. Example use: the eigenvalues $\pm\mathrm i\theta$ of a
 * real skew-symmetric B are found from the Hermitian $\mathrm iB$ (A = 0, C = B).
 *
 * @param re the real part A (n×n, symmetric)
 * @param im the imaginary part C (n×n, skew-symmetric)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { hermitianToRealSymmetric, symmetricEig } from "@lib/core/linalg.ts";
 * // i·J_2 with J_2 = [[0, −2], [2, 0]] has eigenvalues ±2
 * const { values } = symmetricEig(hermitianToRealSymmetric(matrix(2, 2), matrix(2, 2, [0, -2, 2, 0])));
 * assertAlmostEquals(values[0]!, -2, 1e-14);
 * assertAlmostEquals(values[3]!, 2, 1e-14);
 * ```
 */
export function hermitianToRealSymmetric(re: Matrix, im: Matrix): Matrix {
  checkSquare("hermitianToRealSymmetric", "re", re);
  checkSquare("hermitianToRealSymmetric", "im", im);
  if (re.rows !== im.rows) {
    rangeError("hermitianToRealSymmetric", "im", `a ${re.rows}×${re.rows} matrix`, `${im.rows}×${im.cols}`);
  }
  if (_asymmetry(re, 1) > 1e-10) rangeError("hermitianToRealSymmetric", "re", "symmetric", "asymmetric");
  if (_asymmetry(im, -1) > 1e-10) rangeError("hermitianToRealSymmetric", "im", "skew-symmetric", "not skew");
  const n = re.rows, m = 2 * n, out = matrix(m, m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = re.data[i * n + j]!, c = im.data[i * n + j]!;
      out.data[i * m + j] = a;
      out.data[(i + n) * m + j + n] = a;
      out.data[i * m + j + n] = -c + 0;
      out.data[(i + n) * m + j] = c;
    }
  }
  return out;
}

/**
 * The matrix exponential $\exp A = \sum_{k\ge0} A^k/k!$ (the Taylor series, not an entry-wise exp), by
 * scaling and squaring: $\exp A = \big(\exp(A/2^s)\big)^{2^s}$ with $\|A/2^s\|_1 \le 1/2$ and a degree-18
 * Taylor polynomial (truncation error below $0.5^{19}/19! \approx 2\times10^{-23}$).
 *
 * @param a a square matrix
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { expm } from "@lib/core/linalg.ts";
 * const r = expm(matrix(2, 2, [0, -1, 1, 0])); // exp J_1 = R_1, the rotation by 1 radian
 * assertAlmostEquals(r.data[0]!, Math.cos(1), 1e-14);
 * assertAlmostEquals(r.data[2]!, Math.sin(1), 1e-14);
 * ```
 */
export function expm(a: Matrix): Matrix {
  checkSquare("expm", "a", a);
  const n = a.rows;
  for (let k = 0; k < a.data.length; k++) {
    if (!Number.isFinite(a.data[k])) rangeError("expm", `a.data[${k}]`, "a finite number", a.data[k]);
  }
  let norm1 = 0; // max column sum
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a.data[i * n + j]!);
    norm1 = Math.max(norm1, s);
  }
  const s = norm1 > 0.5 ? Math.ceil(Math.log2(norm1 / 0.5)) : 0;
  const x = scale(a, 2 ** -s);
  const degree = 18;
  let p = identity(n); // Horner: I + X(I + X/2(I + X/3(…)))
  for (let k = degree; k >= 1; k--) p = add(identity(n), scale(matmul(x, p), 1 / k));
  for (let i = 0; i < s; i++) p = matmul(p, p);
  return p;
}

/**
 * A random skew-symmetric matrix, $B = (G - G^\top)/\sqrt2$ with $G_{ij} \sim \mathcal N(0, 1)$, so every
 * off-diagonal entry is $\mathcal N(0, 1)$ and $B^\top = -B$ exactly.
 *
 * @param d the size, an integer ≥ 1
 * @param rng the seeded random stream
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { randomSkew } from "@lib/core/linalg.ts";
 * const b = randomSkew(4, createRng(0));
 * assertEquals(b.data[1], -b.data[4]!); // B_01 = −B_10
 * ```
 */
export function randomSkew(d: number, rng: Rng): Matrix {
  checkInt("randomSkew", "d", d, 1);
  checkRng("randomSkew", rng);
  const out = matrix(d, d);
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const g = rng.normal();
      out.data[i * d + j] = g;
      out.data[j * d + i] = -g + 0;
    }
  }
  return out;
}

/**
 * A Haar-random orthogonal matrix with a chosen determinant: the Q factor of a Gaussian matrix (QR with
 * diag R > 0 makes Q Haar-distributed); if det Q has the wrong sign, its last column is negated.
 *
 * @param d the size, an integer ≥ 1
 * @param rng the seeded random stream
 * @param sign the determinant, +1 (default) or −1
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { det, randomOrthogonal } from "@lib/core/linalg.ts";
 * assertAlmostEquals(det(randomOrthogonal(5, createRng(1), -1)), -1, 1e-12);
 * ```
 */
export function randomOrthogonal(d: number, rng: Rng, sign: 1 | -1 = 1): Matrix {
  checkInt("randomOrthogonal", "d", d, 1);
  checkRng("randomOrthogonal", rng);
  if (sign !== 1 && sign !== -1) rangeError("randomOrthogonal", "det", "1 or -1", sign);
  const g = matrix(d, d);
  for (let k = 0; k < g.data.length; k++) g.data[k] = rng.normal();
  const { q } = qr(g);
  if (Math.sign(det(q)) !== sign) {
    for (let i = 0; i < d; i++) q.data[i * d + d - 1] = -q.data[i * d + d - 1]! + 0;
  }
  return q;
}

function _column(m: Matrix, j: number): Float64Array {
  return Float64Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]!);
}

function _mulVec(a: Matrix, x: Float64Array): Float64Array {
  const n = a.rows, out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a.data[i * n + j]! * x[j]!;
    out[i] = s;
  }
  return out;
}

/** x minus its projections on the accepted orthonormal vectors (twice, for stability). */
function _orthogonalize(x: Float64Array, basis: Float64Array[]): Float64Array {
  const r = Float64Array.from(x);
  for (let pass = 0; pass < 2; pass++) {
    for (const b of basis) {
      let s = 0;
      for (let i = 0; i < r.length; i++) s += r[i]! * b[i]!;
      for (let i = 0; i < r.length; i++) r[i] = r[i]! - s * b[i]!;
    }
  }
  return r;
}

const _norm = (x: Float64Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0));

/**
 * Shared core of the two real block-diagonalizations. `sym` is a symmetric matrix whose eigenspaces are
 * invariant planes of the operator; `partner(u)` returns the image of u with its u-component removed
 * (length = sin or θ) and the block angle. Eigenvectors are taken in order of decreasing eigenvalue,
 * within a (near-)degenerate cluster by largest residual; each unit u is completed by the unit partner
 * v, or (when the partner vanishes) by the next vector of the same cluster.
 */
function _planes(
  sym: Matrix,
  partner: (u: Float64Array) => { w: Float64Array; angle: number },
  zeroTol: number,
): { p: Matrix; thetas: Float64Array } {
  const n = sym.rows, { values, vectors } = symmetricEig(sym);
  const scaleV = Math.max(1, ...Array.from(values, Math.abs));
  const alive = Array.from({ length: n }, (_, i) => n - 1 - i); // decreasing eigenvalue
  const basis: Float64Array[] = [], thetas: number[] = [];
  const pick = (): Float64Array | null => {
    let best = -1, bestRes = 0, top = -Infinity;
    const residuals = new Map<number, Float64Array>();
    for (const i of alive) {
      const r = _orthogonalize(_column(vectors, i), basis);
      if (_norm(r) < 1e-3) continue; // already spanned
      residuals.set(i, r);
      top = Math.max(top, values[i]!);
    }
    for (const [i, r] of residuals) {
      if (values[i]! < top - 1e-7 * scaleV) continue;
      if (_norm(r) > bestRes) [best, bestRes] = [i, _norm(r)];
    }
    if (best < 0) return null;
    alive.splice(alive.indexOf(best), 1);
    const r = residuals.get(best)!;
    return r.map((x) => x / bestRes);
  };
  while (basis.length < n) {
    const u = pick();
    if (u === null) break;
    basis.push(u);
    const { w, angle } = partner(u);
    const wr = _orthogonalize(w, basis);
    let v: Float64Array | null;
    if (_norm(wr) > zeroTol) v = wr.map((x) => x / _norm(wr));
    else v = pick();
    if (v === null) break;
    basis.push(v);
    thetas.push(angle);
  }
  if (basis.length !== n) {
    throw new Error(`block diagonalization found ${basis.length} of ${n} basis vectors`);
  }
  const p = matrix(n, n);
  basis.forEach((b, j) => b.forEach((x, i) => (p.data[i * n + j] = x)));
  return { p, thetas: Float64Array.from(thetas) };
}

/**
 * Real block diagonalization of an even-dimensional skew-symmetric matrix (its real Schur form):
 * $B = P\Lambda P^\top$ with P orthogonal and
 * $\Lambda = \mathrm{diag}(J_{\theta_0}, \dots, J_{\theta_{d/2-1}})$,
 * $J_\theta = \begin{pmatrix}0 & -\theta\\ \theta & 0\end{pmatrix}$, $\theta_i \ge 0$ in decreasing order
 * (the eigenvalues of B are $\pm\mathrm i\theta_i$). Route: the eigenvectors u of the symmetric
 * $-B^2 = B^\top B$ (eigenvalues $\theta^2$), each paired with $v = Bu/\theta$.
 *
 * @param b a skew-symmetric d×d matrix, d even (asymmetry of b + bᵀ above 1e-10 relative throws)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matmul, transpose } from "@lib/core/matrix.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { randomSkew, skewBlockDiagonalize } from "@lib/core/linalg.ts";
 * const b = randomSkew(4, createRng(0));
 * const { p, thetas } = skewBlockDiagonalize(b);
 * const lam = matmul(matmul(transpose(p), b), p); // [[J_θ0, 0], [0, J_θ1]]
 * assertAlmostEquals(lam.data[1 * 4 + 0]!, thetas[0]!, 1e-12);
 * assertAlmostEquals(lam.data[0 * 4 + 1]!, -thetas[0]!, 1e-12);
 * assertAlmostEquals(lam.data[2 * 4 + 0]!, 0, 1e-12);
 * ```
 */
export function skewBlockDiagonalize(b: Matrix): { p: Matrix; thetas: Float64Array } {
  checkEvenSquare("skewBlockDiagonalize", "b", b);
  const asym = _asymmetry(b, -1);
  if (asym > 1e-10) {
    rangeError("skewBlockDiagonalize", "b", "skew-symmetric (|b + bᵀ| ≤ 1e-10·max|b|)", `asymmetry ${asym}`);
  }
  const bt = transpose(b), b2 = matmul(bt, b);
  const n = b2.rows; // exact symmetrization of BᵀB
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      b2.data[i * n + j] = b2.data[j * n + i] = (b2.data[i * n + j]! + b2.data[j * n + i]!) / 2;
    }
  }
  const size = Math.max(frobenius(b), Number.MIN_VALUE);
  return _planes(b2, (u) => {
    const w = _mulVec(b, u);
    return { w, angle: _norm(w) > 1e-9 * size ? _norm(w) : 0 };
  }, 1e-9 * size);
}

/**
 * The real logarithm of a rotation: for an orthogonal O with $\det O = +1$, a skew-symmetric B with
 * $\exp B = O$, all angles in $[0, \pi]$. Route (real Schur form of O): eigenvectors u of the symmetric
 * part $(O + O^\top)/2$ (eigenvalues $\cos\theta$), each paired with the unit v along $Ou - (u^\top Ou)u$,
 * so that O acts on span(u, v) as $R_\theta$ and $B = P\,\mathrm{diag}(J_{\theta_i})\,P^\top$.
 * An orthogonal matrix with det −1 has no real logarithm (det exp B = e^{tr B} > 0) and throws.
 *
 * @param o an orthogonal d×d matrix, d even, det +1 (|OᵀO − I| > 1e-8 throws)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { expm, logOrthogonal, randomOrthogonal } from "@lib/core/linalg.ts";
 * const o = randomOrthogonal(4, createRng(3));
 * const b = logOrthogonal(o);
 * assertAlmostEquals(b.data[1]!, -b.data[4]!, 1e-12); // skew-symmetric
 * expm(b).data.forEach((x, k) => assertAlmostEquals(x, o.data[k]!, 1e-10));
 * ```
 */
export function logOrthogonal(o: Matrix): Matrix {
  checkEvenSquare("logOrthogonal", "o", o);
  const n = o.rows, ot = transpose(o);
  const gram = matmul(ot, o);
  let err = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) err = Math.max(err, Math.abs(gram.data[i * n + j]! - (i === j ? 1 : 0)));
  }
  if (err > 1e-8) rangeError("logOrthogonal", "o", "orthogonal (|OᵀO − I| ≤ 1e-8)", `error ${err}`);
  const dt = det(o);
  if (dt < 0) rangeError("logOrthogonal", "det(o)", "+1 (a det −1 matrix has no real logarithm)", dt);
  const negSym = scale(add(o, ot), -0.5); // decreasing −cos θ: largest angles first
  const { p, thetas } = _planes(negSym, (u) => {
    const ou = _mulVec(o, u);
    const c = ou.reduce((s, x, i) => s + x * u[i]!, 0);
    const w = ou.map((x, i) => x - c * u[i]!);
    return { w, angle: Math.atan2(_norm(w), c) };
  }, 1e-7);
  const lam = matrix(n, n);
  thetas.forEach((t, i) => {
    lam.data[2 * i * n + 2 * i + 1] = -t + 0;
    lam.data[(2 * i + 1) * n + 2 * i] = t;
  });
  return matmul(matmul(p, lam), transpose(p));
}

/**
 * Splits an orthogonal matrix with $\det O = -1$ into a rotation and a commuting reflection,
 * $O = O_+H = HO_+$, with $H = I - 2uu^\top$ for a unit u with $Ou = -u$ (one exists: the real eigenvalues
 * of O are ±1, complex ones pair up with product 1, so det −1 forces an eigenvalue −1). Because the
 * factors commute, $O^n = H^n O_+^n$, and $O_+ = \exp B$ for a skew-symmetric B ({@link logOrthogonal}).
 *
 * @param o an orthogonal d×d matrix with det −1
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { det, randomOrthogonal, splitReflection } from "@lib/core/linalg.ts";
 * const { rotation } = splitReflection(randomOrthogonal(4, createRng(2), -1));
 * assertAlmostEquals(det(rotation), 1, 1e-12);
 * ```
 */
export function splitReflection(o: Matrix): { rotation: Matrix; reflection: Matrix; u: Float64Array } {
  checkSquare("splitReflection", "o", o);
  const dt = det(o);
  if (!(Math.abs(dt + 1) < 1e-8)) rangeError("splitReflection", "det(o)", "−1", dt);
  const n = o.rows;
  const { vectors } = symmetricEig(scale(add(o, transpose(o)), 0.5)); // smallest eigenvalue cos π = −1
  const u = _column(vectors, 0);
  const h = identity(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) h.data[i * n + j] = h.data[i * n + j]! - 2 * u[i]! * u[j]!;
  }
  return { rotation: matmul(o, h), reflection: h, u };
}

/**
 * Singular values of an m×n matrix by one-sided Jacobi (Hestenes): plane rotations of pairs of columns
 * until all columns are mutually orthogonal; then $A V = U\Sigma$ and the column norms are the σ_i. Wide
 * matrices are transposed first. Returned in descending order, min(m, n) values, each ≥ 0;
 * $\sum_i\sigma_i^2 = \|A\|_F^2$.
 *
 * @param a any m×n matrix (m, n ≥ 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { singularValues } from "@lib/core/linalg.ts";
 * const s = singularValues(matrix(2, 2, [3, 0, 4, 5])); // σ = 3√5, √5
 * assertAlmostEquals(s[0]!, 3 * Math.sqrt(5), 1e-12);
 * assertAlmostEquals(s[1]!, Math.sqrt(5), 1e-12);
 * ```
 */
export function singularValues(a: Matrix): Float64Array {
  checkMatrix("singularValues", "a", a);
  if (a.rows === 0 || a.cols === 0) {
    rangeError("singularValues", "a", "a non-empty matrix", `${a.rows}×${a.cols}`);
  }
  const t = a.rows < a.cols ? transpose(a) : a; // rows ≥ cols
  const m = t.rows, n = t.cols;
  // Column-major copy: column j is w[j*m .. j*m+m).
  const w = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = t.data[i * n + j]!;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = w[p * m + i]!, y = w[q * m + i]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const tan = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + tan * tan), s = c * tan;
        for (let i = 0; i < m; i++) {
          const x = w[p * m + i]!, y = w[q * m + i]!;
          w[p * m + i] = c * x - s * y;
          w[q * m + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += w[j * m + i]! ** 2;
    out[j] = Math.sqrt(s);
  }
  return out.sort((x, y) => y - x);
}

/**
 * Numerical rank: the number of singular values above `relTol`·σ_1 (0 for the zero matrix).
 *
 * @param a any non-empty matrix
 * @param relTol relative threshold in (0, 1), default 1e-8
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { numericalRank } from "@lib/core/linalg.ts";
 * assertEquals(numericalRank(matrix(2, 3, [1, 2, 3, 2, 4, 6])), 1);
 * ```
 */
export function numericalRank(a: Matrix, relTol = 1e-8): number {
  if (typeof relTol !== "number" || !(relTol > 0 && relTol < 1)) {
    rangeError("numericalRank", "relTol", "a number in (0, 1)", relTol);
  }
  const s = singularValues(a);
  if (s[0] === 0) return 0;
  return s.filter((v) => v > relTol * s[0]!).length;
}

/**
 * Cholesky factor of a symmetric positive-definite matrix: the lower-triangular L with positive diagonal
 * and $A = LL^\top$, by $L_{jj} = \sqrt{A_{jj} - \sum_{k<j}L_{jk}^2}$, $L_{ij} = (A_{ij} - \sum_{k<j}L_{ik}L_{jk})/L_{jj}$.
 *
 * @param a a symmetric positive-definite n×n matrix (asymmetry above 1e-10 relative, or a non-positive
 *   pivot, throws)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { choleskyLower } from "@lib/core/linalg.ts";
 * assertEquals(Array.from(choleskyLower(matrix(2, 2, [4, 2, 2, 5])).data), [2, 0, 1, 2]);
 * ```
 */
export function choleskyLower(a: Matrix): Matrix {
  checkSquare("choleskyLower", "a", a);
  if (_asymmetry(a, 1) > 1e-10) {
    rangeError("choleskyLower", "a", "a symmetric matrix", "an asymmetric matrix");
  }
  const n = a.rows, l = matrix(n, n);
  for (let j = 0; j < n; j++) {
    let s = a.data[j * n + j]!;
    for (let k = 0; k < j; k++) s -= l.data[j * n + k]! ** 2;
    if (!(s > 0)) rangeError("choleskyLower", "a", "positive definite", `pivot ${s} at row ${j}`);
    const ljj = Math.sqrt(s);
    l.data[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = a.data[i * n + j]!;
      for (let k = 0; k < j; k++) t -= l.data[i * n + k]! * l.data[j * n + k]!;
      l.data[i * n + j] = t / ljj;
    }
  }
  return l;
}
