/**
 * LoRA and LoRA+ (kexue.fm/archives/10001; Hayou, Ghosh & Yu, arXiv 2402.12354) in plain Float64.
 *
 * A dense layer $XW$ with a frozen $W_0\in\mathbb R^{n\times m}$ is adapted as $W = W_0 + AB$,
 * $A\in\mathbb R^{n\times r}$, $B\in\mathbb R^{r\times m}$, $r\ll\min(n,m)$; only $A$ and $B$ train.
 * As in the article, $W_0 = 0$ here (it does not change the gradients of $A$ and $B$), so the layer is
 * $Y = XAB$ with $X\in\mathbb R^{b\times n}$. LoRA+ gives $B$ a larger learning rate than $A$:
 * the article's estimate is $\eta_B/\eta_A \approx (n/m)\sqrt{n/r}$ ({@link loraPlusHeuristic}).
 *
 * Everything here works on the row-major {@link Matrix} of `lib/core/matrix.ts` and never forms an
 * n×m matrix: every product is evaluated through the rank-r factors, cost $O(b(n+m)r)$.
 *
 * - the layer and its gradients: {@link loraForward}, {@link loraGrads}, {@link loraMse},
 *   {@link loraFiniteDiff};
 * - the article's scaling argument: {@link signStepLossChange} (SignSGD's first-order loss change),
 *   {@link l1GradExpectation} (the exact conditional mean of the two L1 norms), {@link l1GradRatio}
 *   (Monte Carlo), {@link l1RatioPrediction} and {@link loraPlusHeuristic} (closed forms);
 * - the LoRA+ toy: {@link trainLoraToy} (a rank-r student fitting a low-rank linear teacher with Adam and
 *   separate learning rates for A and B) and its exact error {@link lowRankRelErr}.
 *
 * @module
 */
import {
  checkMatrix,
  gaussianMatrix,
  gemmNN,
  gemmNT,
  gemmTN,
  type Matrix,
  matrix,
  transposeRaw,
} from "../core/matrix.ts";
import { createRng, type Rng } from "../core/rng.ts";
import { checkInt, checkNonNegative, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { adamwUpdate } from "./adamw.ts";

// ---------------------------------------------------------------------------------------------------
// private helpers on raw row-major arrays (products: gemmNN/TN/NT of lib/core/matrix.ts)

function _l1(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i]!);
  return s;
}

function _rms(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / x.length);
}

/** Σ_ij (PᵀP)_ij (QQᵀ)_ij = ‖PQ‖²_F for P (p×k), Q (k×q), without forming PQ. */
function _frob2Product(p: Float64Array, pr: number, k: number, q: Float64Array, qc: number): number {
  const g = gemmTN(p, pr, k, p, k), h = gemmNT(q, k, qc, q, k);
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i]! * h[i]!;
  return s;
}

function _checkLayer(where: string, X: unknown, A: unknown, B: unknown): [Matrix, Matrix, Matrix] {
  const x = checkMatrix(where, "X", X), a = checkMatrix(where, "A", A), b = checkMatrix(where, "B", B);
  if (a.rows !== x.cols) rangeError(where, "A.rows", `X.cols = ${x.cols} (the input width n)`, a.rows);
  if (b.rows !== a.cols) rangeError(where, "B.rows", `A.cols = ${a.cols} (the rank r)`, b.rows);
  if (x.rows < 1 || a.cols < 1 || b.cols < 1 || x.cols < 1) {
    rangeError(where, "shapes b×n, n×r, r×m", "all sizes ≥ 1", `${x.rows}×${x.cols}, ${a.cols}, ${b.cols}`);
  }
  return [x, a, b];
}

function _checkOut(where: string, name: string, d: unknown, b: number, m: number): Matrix {
  const y = checkMatrix(where, name, d);
  if (y.rows !== b || y.cols !== m) {
    rangeError(where, `${name} shape`, `b×m = ${b}×${m}`, `${y.rows}×${y.cols}`);
  }
  return y;
}

// ---------------------------------------------------------------------------------------------------
// the layer and its gradients

/**
 * The LoRA layer with $W_0 = 0$: $Y = XAB$, evaluated as $(XA)B$ (cost $O(b(n+m)r)$, no n×m matrix).
 *
 * @param X the input, b×n
 * @param A the left factor, n×r
 * @param B the right factor, r×m
 * @returns Y, b×m
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { loraForward } from "@lib/optim/lora.ts";
 * const y = loraForward(matrix(1, 2, [1, 2]), matrix(2, 1, [3, 4]), matrix(1, 2, [1, -1]));
 * assertEquals(Array.from(y.data), [11, -11]); // XA = 11
 * ```
 */
export function loraForward(X: Matrix, A: Matrix, B: Matrix): Matrix {
  const [x, a, b] = _checkLayer("loraForward", X, A, B);
  const z = gemmNT(x.data, x.rows, x.cols, transposeRaw(a.data, a.rows, a.cols), a.cols);
  return { rows: x.rows, cols: b.cols, data: gemmNN(z, x.rows, a.cols, b.data, b.cols) };
}

/**
 * The gradients of a loss $\mathcal L(Y)$ of $Y = XAB$ with respect to the two LoRA factors, given
 * $\partial\mathcal L/\partial Y$ (the article's formulas):
 * $$\frac{\partial\mathcal L}{\partial A} = X^\top\frac{\partial\mathcal L}{\partial Y}B^\top,\qquad
 * \frac{\partial\mathcal L}{\partial B} = A^\top X^\top\frac{\partial\mathcal L}{\partial Y}.$$
 * Evaluated as $X^\top(\mathrm dY\,B^\top)$ and $(XA)^\top\mathrm dY$: cost $O(b(n+m)r)$, never an n×m matrix.
 *
 * @param X the input, b×n
 * @param A n×r
 * @param B r×m
 * @param dY $\partial\mathcal L/\partial Y$, b×m
 * @returns `gA` (n×r) and `gB` (r×m)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { loraGrads } from "@lib/optim/lora.ts";
 * // b = n = r = m = 1: L = Y = x·a·b, so ∂L/∂a = x·b and ∂L/∂b = a·x
 * const { gA, gB } = loraGrads(matrix(1, 1, [2]), matrix(1, 1, [3]), matrix(1, 1, [5]), matrix(1, 1, [1]));
 * assertEquals([gA.data[0], gB.data[0]], [10, 6]);
 * ```
 */
export function loraGrads(X: Matrix, A: Matrix, B: Matrix, dY: Matrix): { gA: Matrix; gB: Matrix } {
  const [x, a, b] = _checkLayer("loraGrads", X, A, B);
  const d = _checkOut("loraGrads", "dY", dY, x.rows, b.cols);
  const bs = x.rows, n = x.cols, r = a.cols, m = b.cols;
  const z = gemmNT(x.data, bs, n, transposeRaw(a.data, n, r), r); // XA, b×r
  const h = gemmNT(d.data, bs, m, b.data, r); // dY Bᵀ, b×r
  return {
    gA: { rows: n, cols: r, data: transposeRaw(gemmTN(h, bs, r, x.data, n), r, n) }, // (hᵀX)ᵀ: long inner loops
    gB: { rows: r, cols: m, data: gemmTN(z, bs, r, d.data, m) },
  };
}

/**
 * The mean squared error of the LoRA layer against a target and its output gradient:
 * $$\mathcal L = \frac{1}{bm}\Vert XAB - T\Vert_F^2,\qquad \frac{\partial\mathcal L}{\partial Y} = \frac{2}{bm}(XAB - T).$$
 *
 * @param X b×n
 * @param A n×r
 * @param B r×m
 * @param T the target, b×m
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { loraMse } from "@lib/optim/lora.ts";
 * const { loss, dY } = loraMse(matrix(1, 1, [1]), matrix(1, 1, [1]), matrix(1, 2, [1, 2]), matrix(1, 2, [0, 0]));
 * assertEquals([loss, ...dY.data], [2.5, 1, 2]); // (1 + 4)/2; 2·(1, 2)/2
 * ```
 */
export function loraMse(X: Matrix, A: Matrix, B: Matrix, T: Matrix): { loss: number; dY: Matrix } {
  const y = loraForward(X, A, B);
  const t = _checkOut("loraMse", "T", T, y.rows, y.cols);
  const dY = matrix(y.rows, y.cols), c = 2 / y.data.length;
  let s = 0;
  for (let i = 0; i < y.data.length; i++) {
    const e = y.data[i]! - t.data[i]!;
    s += e * e;
    dY.data[i] = c * e;
  }
  return { loss: s / y.data.length, dY };
}

/**
 * Central finite differences of the mean squared error {@link loraMse} with respect to every entry of
 * A and B, $\partial\mathcal L/\partial\theta \approx (\mathcal L(\theta + h) - \mathcal L(\theta - h))/(2h)$:
 * the reference against which {@link loraGrads} is checked. Cost: 2(n + m)r forward passes.
 *
 * @param X b×n
 * @param A n×r
 * @param B r×m
 * @param T the target, b×m
 * @param h the step (default 1e-6)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { loraFiniteDiff } from "@lib/optim/lora.ts";
 * // L = (a·b − 1)² at a = 2, b = 3: ∂L/∂a = 2·5·3 = 30, ∂L/∂b = 2·5·2 = 20
 * const g = loraFiniteDiff(matrix(1, 1, [1]), matrix(1, 1, [2]), matrix(1, 1, [3]), matrix(1, 1, [1]));
 * assertAlmostEquals(g.gA.data[0]!, 30, 1e-6);
 * assertAlmostEquals(g.gB.data[0]!, 20, 1e-6);
 * ```
 */
export function loraFiniteDiff(
  X: Matrix,
  A: Matrix,
  B: Matrix,
  T: Matrix,
  h = 1e-6,
): { gA: Matrix; gB: Matrix } {
  checkPositive("loraFiniteDiff", "h", h);
  const [x, a, b] = _checkLayer("loraFiniteDiff", X, A, B);
  const a1 = { ...a, data: a.data.slice() }, b1 = { ...b, data: b.data.slice() };
  const diff = (p: Matrix): Matrix => {
    const out = matrix(p.rows, p.cols);
    for (let i = 0; i < p.data.length; i++) {
      const v = p.data[i]!;
      p.data[i] = v + h;
      const up = loraMse(x, a1, b1, T).loss;
      p.data[i] = v - h;
      const down = loraMse(x, a1, b1, T).loss;
      p.data[i] = v;
      out.data[i] = (up - down) / (2 * h);
    }
    return out;
  };
  return { gA: diff(a1), gB: diff(b1) };
}

// ---------------------------------------------------------------------------------------------------
// the article's scaling argument

/**
 * One SignSGD step (Adam with β1 = β2 = 0) on the mean squared error, and the article's first-order
 * prediction of the loss change it causes:
 * $$\Delta A = -\eta_A\operatorname{sign}\frac{\partial\mathcal L}{\partial A},\ \
 * \Delta B = -\eta_B\operatorname{sign}\frac{\partial\mathcal L}{\partial B}\ \Rightarrow\
 * \Delta\mathcal L \approx \underbrace{-\eta_A\Big\Vert\frac{\partial\mathcal L}{\partial A}\Big\Vert_1}_{\Delta\mathcal L_A}
 * \underbrace{-\eta_B\Big\Vert\frac{\partial\mathcal L}{\partial B}\Big\Vert_1}_{\Delta\mathcal L_B}.$$
 *
 * @param X b×n
 * @param A n×r
 * @param B r×m
 * @param T the target, b×m
 * @param etaA the learning rate of A, ≥ 0
 * @param etaB the learning rate of B, ≥ 0
 * @returns the actual change `actual`, the prediction `predicted` = `predA` + `predB` (ΔL_A, ΔL_B)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianMatrix } from "@lib/core/matrix.ts";
 * import { signStepLossChange } from "@lib/optim/lora.ts";
 * const rng = createRng(1);
 * const [X, A, B, T] = [[4, 6], [6, 2], [2, 5], [4, 5]].map(([p, q]) => gaussianMatrix(p!, q!, rng));
 * const s = signStepLossChange(X!, A!, B!, T!, 1e-6, 1e-6);
 * assert(Math.abs(s.actual / s.predicted - 1) < 1e-3); // first order is exact as η → 0
 * ```
 */
export function signStepLossChange(
  X: Matrix,
  A: Matrix,
  B: Matrix,
  T: Matrix,
  etaA: number,
  etaB: number,
): { actual: number; predicted: number; predA: number; predB: number } {
  const where = "signStepLossChange";
  const [x, a, b] = _checkLayer(where, X, A, B);
  const ea = checkNonNegative(where, "etaA", etaA), eb = checkNonNegative(where, "etaB", etaB);
  const { loss, dY } = loraMse(x, a, b, T);
  const { gA, gB } = loraGrads(x, a, b, dY);
  const step = (p: Matrix, g: Matrix, eta: number): Matrix => ({
    ...p,
    data: p.data.map((v, i) => v - eta * Math.sign(g.data[i]!)),
  });
  const after = loraMse(x, step(a, gA, ea), step(b, gB, eb), T).loss;
  const predA = -ea * _l1(gA.data), predB = -eb * _l1(gB.data);
  return { actual: after - loss, predicted: predA + predB, predA, predB };
}

/**
 * The exact expected L1 norms of the two gradients when $\partial\mathcal L/\partial Y$ has independent
 * $\mathcal N(0,1)$ entries and X, A, B are fixed. Each entry of a gradient is then a centred Gaussian,
 * and $\mathbb E|z| = \sqrt{2/\pi}\,\sigma$ gives
 * $$\mathbb E\Big\Vert\frac{\partial\mathcal L}{\partial A}\Big\Vert_1 = \sqrt{\tfrac2\pi}\sum_{i=1}^n\Vert X_{:,i}\Vert\sum_{j=1}^r\Vert B_{j,:}\Vert,\qquad
 * \mathbb E\Big\Vert\frac{\partial\mathcal L}{\partial B}\Big\Vert_1 = \sqrt{\tfrac2\pi}\,m\sum_{j=1}^r\Vert (XA)_{:,j}\Vert .$$
 * With $X_{ij}\sim\mathcal N(0,1)$, $A_{ij}\sim\mathcal N(0,1/n)$, $B_{ij}\sim\mathcal N(0,1/r)$ the sums are
 * ≈ $n\sqrt b$, $\sqrt{rm}$ and $r\sqrt b$, so the ratio is ≈ $n/\sqrt{rm}$ ({@link l1RatioPrediction}).
 *
 * @param X b×n
 * @param A n×r
 * @param B r×m
 * @returns `a` = E‖∂L/∂A‖₁, `b` = E‖∂L/∂B‖₁
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { l1GradExpectation } from "@lib/optim/lora.ts";
 * const e = l1GradExpectation(matrix(1, 1, [1]), matrix(1, 1, [2]), matrix(1, 1, [3]));
 * assertAlmostEquals(e.a, 3 * Math.sqrt(2 / Math.PI), 1e-12); // ∂L/∂A = 3·dY
 * assertAlmostEquals(e.b, 2 * Math.sqrt(2 / Math.PI), 1e-12); // ∂L/∂B = 2·dY
 * ```
 */
export function l1GradExpectation(X: Matrix, A: Matrix, B: Matrix): { a: number; b: number } {
  const [x, a, b] = _checkLayer("l1GradExpectation", X, A, B);
  const bs = x.rows, n = x.cols, r = a.cols, m = b.cols, c = Math.sqrt(2 / Math.PI);
  const colNorms = (d: Float64Array, rows: number, cols: number) => {
    let s = 0;
    for (let j = 0; j < cols; j++) {
      let q = 0;
      for (let i = 0; i < rows; i++) q += d[i * cols + j]! ** 2;
      s += Math.sqrt(q);
    }
    return s;
  };
  let rowNormsB = 0;
  for (let j = 0; j < r; j++) {
    let q = 0;
    for (let i = j * m; i < (j + 1) * m; i++) q += b.data[i]! ** 2;
    rowNormsB += Math.sqrt(q);
  }
  const z = gemmNN(x.data, bs, n, a.data, r);
  return { a: c * colNorms(x.data, bs, n) * rowNormsB, b: c * m * colNorms(z, bs, r) };
}

/**
 * Monte Carlo estimate of $\Vert\partial\mathcal L/\partial A\Vert_1 / \Vert\partial\mathcal L/\partial B\Vert_1$
 * at the article's "numerically stable" scales: $X$ and $\partial\mathcal L/\partial Y$ with $\mathcal N(0,1)$
 * entries, $A_{ij}\sim\mathcal N(0,1/n)$, $B_{ij}\sim\mathcal N(0,1/r)$ (the mean of the per-trial ratios).
 * Under SignSGD equal loss contributions need $\eta_B/\eta_A$ equal to this ratio.
 *
 * @param n input width
 * @param m output width
 * @param r rank
 * @param batch rows b of X
 * @param trials independent draws averaged, ≥ 1
 * @param rng the random stream
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { l1GradRatio } from "@lib/optim/lora.ts";
 * const q = l1GradRatio(256, 256, 4, 32, 3, createRng(0));
 * assert(Math.abs(q / 8 - 1) < 0.15); // ≈ √(n/r) = 8 when m = n
 * ```
 */
export function l1GradRatio(
  n: number,
  m: number,
  r: number,
  batch: number,
  trials: number,
  rng: Rng,
): number {
  const where = "l1GradRatio";
  checkInt(where, "n", n, 1);
  checkInt(where, "m", m, 1);
  checkInt(where, "r", r, 1);
  checkInt(where, "batch", batch, 1);
  checkInt(where, "trials", trials, 1);
  if (typeof rng !== "function" || typeof rng.normal !== "function") typeError(where, "rng", "an Rng", rng);
  let s = 0;
  for (let t = 0; t < trials; t++) {
    const X = gaussianMatrix(batch, n, rng), A = gaussianMatrix(n, r, rng, Math.sqrt(1 / n));
    const B = gaussianMatrix(r, m, rng, Math.sqrt(1 / r)), dY = gaussianMatrix(batch, m, rng);
    const { gA, gB } = loraGrads(X, A, B, dY);
    s += _l1(gA.data) / _l1(gB.data);
  }
  return s / trials;
}

/**
 * The L1-ratio that the gradient formulas actually give at the stable scales (see
 * {@link l1GradExpectation}): $\Vert\partial_A\mathcal L\Vert_1/\Vert\partial_B\mathcal L\Vert_1 \approx n/\sqrt{rm}$.
 * It equals the article's $\sqrt{n/r}$ when $m = n$; for $m\ne n$ the article's count
 * ({@link loraPlusHeuristic}) misses the $\sqrt m$ and $\sqrt n$ of the sums inside the two products.
 *
 * @param n input width, > 0
 * @param m output width, > 0
 * @param r rank, > 0
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { l1RatioPrediction } from "@lib/optim/lora.ts";
 * assertEquals(l1RatioPrediction(256, 64, 4), 16);
 * ```
 */
export function l1RatioPrediction(n: number, m: number, r: number): number {
  checkPositive("l1RatioPrediction", "n", n);
  checkPositive("l1RatioPrediction", "m", m);
  checkPositive("l1RatioPrediction", "r", r);
  return n / Math.sqrt(r * m);
}

/**
 * The article's LoRA+ learning-rate ratio: equal SignSGD loss decreases
 * $\eta_A\cdot nr\cdot\sqrt{1/r}\approx\eta_B\cdot mr\cdot\sqrt{1/n}$ give
 * $$\frac{\eta_B}{\eta_A}\approx\frac nm\sqrt{\frac nr},$$
 * i.e. $\mathcal O(\sqrt n)$ for $m = n$ and $r = \mathcal O(1)$ (the paper derives $\mathcal O(n)$).
 *
 * @param n input width, > 0
 * @param m output width, > 0
 * @param r rank, > 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { loraPlusHeuristic } from "@lib/optim/lora.ts";
 * assertAlmostEquals(loraPlusHeuristic(768, 768, 8), 9.798, 1e-3);
 * ```
 */
export function loraPlusHeuristic(n: number, m: number, r: number): number {
  checkPositive("loraPlusHeuristic", "n", n);
  checkPositive("loraPlusHeuristic", "m", m);
  checkPositive("loraPlusHeuristic", "r", r);
  return (n / m) * Math.sqrt(n / r);
}

// ---------------------------------------------------------------------------------------------------
// the LoRA+ toy

/**
 * Relative squared error of a rank-r product against a scaled low-rank teacher,
 * $\Vert AB - cUV\Vert_F^2/\Vert cUV\Vert_F^2$, computed from r×r and k×k Gram matrices
 * ($\Vert PQ\Vert_F^2 = \langle P^\top P, QQ^\top\rangle$, $\langle AB, UV\rangle = \langle A^\top U, BV^\top\rangle$)
 * without forming an n×m matrix. For $x\sim\mathcal N(0, I_n)$ this is
 * $\mathbb E\Vert x(AB - W^*)\Vert^2/\mathbb E\Vert xW^*\Vert^2$ exactly.
 *
 * @param A n×r
 * @param B r×m
 * @param U n×k
 * @param V k×m
 * @param c the teacher's scale (W* = cUV), ≠ 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { lowRankRelErr } from "@lib/optim/lora.ts";
 * const U = matrix(2, 1, [1, 0]), V = matrix(1, 2, [0, 1]);
 * assertAlmostEquals(lowRankRelErr(U, V, U, V, 2), 0.25, 1e-15); // ‖UV − 2UV‖² / ‖2UV‖²
 * ```
 */
export function lowRankRelErr(A: Matrix, B: Matrix, U: Matrix, V: Matrix, c = 1): number {
  const where = "lowRankRelErr";
  const a = checkMatrix(where, "A", A), b = checkMatrix(where, "B", B);
  const u = checkMatrix(where, "U", U), v = checkMatrix(where, "V", V);
  if (b.rows !== a.cols) rangeError(where, "B.rows", `A.cols = ${a.cols}`, b.rows);
  if (u.rows !== a.rows) rangeError(where, "U.rows", `A.rows = ${a.rows}`, u.rows);
  if (v.rows !== u.cols) rangeError(where, "V.rows", `U.cols = ${u.cols}`, v.rows);
  if (v.cols !== b.cols) rangeError(where, "V.cols", `B.cols = ${b.cols}`, v.cols);
  if (typeof c !== "number" || !Number.isFinite(c) || c === 0) {
    rangeError(where, "c", "a finite number ≠ 0", c);
  }
  const n = a.rows, r = a.cols, k = u.cols, m = b.cols;
  const ab = _frob2Product(a.data, n, r, b.data, m);
  const uv = c * c * _frob2Product(u.data, n, k, v.data, m);
  const atu = gemmTN(a.data, n, r, u.data, k), bvt = gemmNT(b.data, r, m, v.data, k);
  let cross = 0;
  for (let i = 0; i < atu.length; i++) cross += atu[i]! * bvt[i]!;
  if (uv === 0) rangeError(where, "U, V", "a non-zero teacher UV", 0);
  return Math.max(0, ab - 2 * c * cross + uv) / uv;
}

/** Which factor starts at zero (so that AB = 0 at initialisation). */
export type LoraInit = "zeroB" | "zeroA";

/** Configuration of {@link trainLoraToy}. */
export interface LoraToyConfig {
  /** input width n */
  n: number;
  /** output width m */
  m: number;
  /** the student's rank r */
  r: number;
  /** rank k of the teacher W* = UV/√(kn) (default 4) */
  teacherRank?: number;
  /** "zeroB": A ~ N(0, 1/n), B = 0 (peft's choice); "zeroA": A = 0, B ~ N(0, 1/r) */
  init: LoraInit;
  /** learning rate η_A of A */
  etaA: number;
  /** λ = η_B/η_A */
  ratio: number;
  /** Adam steps T */
  steps: number;
  /** batch size b (fresh x ~ N(0, I_n) rows each step) */
  batch: number;
  /** seed: the teacher, the initialisation and the data come from its forks "teacher", "init", "data" */
  seed: number;
  /** Adam β1 (default 0.9; 0 with beta2 = 0 gives SignSGD) */
  beta1?: number;
  /** Adam β2 (default 0.999) */
  beta2?: number;
  /** Adam ε (default 1e-8) */
  eps?: number;
  /** record the exact relative error every this many steps (default 0: only at the end) */
  evalEvery?: number;
}

/** What {@link trainLoraToy} returns. */
export interface LoraToyResult {
  /** exact relative error ‖AB − W*‖²_F/‖W*‖²_F at the end (= population error for x ~ N(0, I)) */
  relErr: number;
  /** RMS of the entries of A at the end */
  rmsA: number;
  /** RMS of the entries of B at the end */
  rmsB: number;
  /** training loss mean((XAB − XW*)²) of each step's batch, before the step */
  curve: Float64Array;
  /** `[step, relErr]` pairs every `evalEvery` steps (step 0 = initialisation) */
  errCurve: [number, number][];
  /** the trained factors */
  A: Matrix;
  B: Matrix;
}

/** One student of a lock-step group (private). */
interface _Student {
  r: number;
  etaA: number;
  etaB: number;
  h: { beta1: number; beta2: number; eps: number };
  At: Float64Array;
  B: Matrix;
  sA: { m: Float64Array; v: Float64Array };
  sB: { m: Float64Array; v: Float64Array };
  curve: Float64Array;
  errCurve: [number, number][];
}

function _checkToy(where: string, cfg: LoraToyConfig) {
  if (cfg === null || typeof cfg !== "object") typeError(where, "cfg", "a LoraToyConfig object", cfg);
  const n = checkInt(where, "n", cfg.n, 1), m = checkInt(where, "m", cfg.m, 1);
  const r = checkInt(where, "r", cfg.r, 1), k = checkInt(where, "teacherRank", cfg.teacherRank ?? 4, 1);
  if (cfg.init !== "zeroA" && cfg.init !== "zeroB") rangeError(where, "init", '"zeroA" or "zeroB"', cfg.init);
  const etaA = checkPositive(where, "etaA", cfg.etaA), ratio = checkPositive(where, "ratio", cfg.ratio);
  const steps = checkInt(where, "steps", cfg.steps, 1), batch = checkInt(where, "batch", cfg.batch, 1);
  const evalEvery = checkInt(where, "evalEvery", cfg.evalEvery ?? 0, 0),
    seed = checkInt(where, "seed", cfg.seed, 0);
  const h = { beta1: cfg.beta1 ?? 0.9, beta2: cfg.beta2 ?? 0.999, eps: cfg.eps ?? 1e-8 };
  checkPositive(where, "eps", h.eps);
  for (const b of ["beta1", "beta2"] as const) {
    if (typeof h[b] !== "number" || !(h[b] >= 0 && h[b] < 1)) rangeError(where, b, "in [0, 1)", h[b]);
  }
  return { n, m, r, k, init: cfg.init, etaA, etaB: etaA * ratio, steps, batch, evalEvery, seed, h };
}

/**
 * Trains several students of the LoRA+ toy in lock step (see {@link trainLoraToy}): they share n, m,
 * teacherRank, steps, batch, seed and evalEvery, hence the teacher and every data batch, which are drawn
 * once per step for all of them; they may differ in init, r, etaA, ratio and the Adam constants. Each
 * result equals that of `trainLoraToy` on the same config exactly (same random streams, same order of
 * floating-point operations); the group only saves the shared work — the random batches and the
 * teacher's outputs — when sweeping learning rates.
 *
 * @param cfgs one config per student, ≥ 1, agreeing on the shared fields
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { trainLoraToy, trainLoraToyGroup } from "@lib/optim/lora.ts";
 * const base = { n: 16, m: 8, r: 2, init: "zeroA", etaA: 1e-2, steps: 20, batch: 8, seed: 3 } as const;
 * const [a, b] = trainLoraToyGroup([{ ...base, ratio: 1 }, { ...base, ratio: 8 }]);
 * assertEquals(b!.relErr, trainLoraToy({ ...base, ratio: 8 }).relErr);
 * ```
 */
export function trainLoraToyGroup(cfgs: readonly LoraToyConfig[]): LoraToyResult[] {
  const where = "trainLoraToyGroup";
  if (!Array.isArray(cfgs) || cfgs.length === 0) {
    typeError(where, "cfgs", "a non-empty array of configs", cfgs);
  }
  const all = cfgs.map((c, i) => _checkToy(`${where}: cfgs[${i}]`, c));
  const g = all[0]!;
  all.forEach((c, i) => {
    for (const f of ["n", "m", "k", "steps", "batch", "evalEvery", "seed"] as const) {
      if (c[f] !== g[f]) {
        rangeError(where, `cfgs[${i}].${f === "k" ? "teacherRank" : f}`, `${g[f]} (as cfgs[0])`, c[f]);
      }
    }
  });
  const { n, m, k, steps, batch: bs, evalEvery } = g;
  const root = createRng(g.seed), tr = root.fork("teacher"), dr = root.fork("data");
  const U = gaussianMatrix(n, k, tr), V = gaussianMatrix(k, m, tr), c = 1 / Math.sqrt(k * n);
  // A and U are kept transposed (r×n, k×n) so that every product over n runs along contiguous memory
  const Ut = transposeRaw(U.data, n, k);
  const studs: _Student[] = all.map((s) => {
    const ir = root.fork("init"), r = s.r;
    const A = s.init === "zeroA" ? matrix(n, r) : gaussianMatrix(n, r, ir, Math.sqrt(1 / n));
    const B = s.init === "zeroB" ? matrix(r, m) : gaussianMatrix(r, m, ir, Math.sqrt(1 / r));
    const state = (len: number) => ({ m: new Float64Array(len), v: new Float64Array(len) });
    return {
      r,
      etaA: s.etaA,
      etaB: s.etaB,
      h: s.h,
      At: transposeRaw(A.data, n, r),
      B,
      sA: state(n * r),
      sB: state(r * m),
      curve: new Float64Array(steps),
      errCurve: [],
    };
  });
  const err = (s: _Student) =>
    lowRankRelErr({ rows: n, cols: s.r, data: transposeRaw(s.At, s.r, n) }, s.B, U, V, c);
  if (evalEvery > 0) { for (const s of studs) s.errCurve.push([0, err(s)]); }
  // buffers reused every step (allocating them per step and student costs more than the arithmetic)
  const X = new Float64Array(bs * n), scale = 2 / (bs * m), rMax = Math.max(...studs.map((s) => s.r));
  const xu = new Float64Array(bs * k), target = new Float64Array(bs * m), y = new Float64Array(bs * m);
  const zBuf = new Float64Array(bs * rMax), hBuf = new Float64Array(bs * rMax);
  const gBBuf = new Float64Array(rMax * m), gABuf = new Float64Array(rMax * n);
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < X.length; i++) X[i] = dr.normal();
    gemmNN(gemmNT(X, bs, n, Ut, k, xu), bs, k, V.data, m, target);
    for (const s of studs) {
      const r = s.r, z = gemmNT(X, bs, n, s.At, r, zBuf.subarray(0, bs * r));
      gemmNN(z, bs, r, s.B.data, m, y);
      let loss = 0;
      for (let i = 0; i < y.length; i++) {
        const e = y[i]! - c * target[i]!;
        loss += e * e;
        y[i] = scale * e; // y now holds dY
      }
      s.curve[t - 1] = loss / (bs * m);
      const gB = gemmTN(z, bs, r, y, m, gBBuf.subarray(0, r * m));
      const gAt = gemmTN(
        gemmNT(y, bs, m, s.B.data, r, hBuf.subarray(0, bs * r)),
        bs,
        r,
        X,
        n,
        gABuf.subarray(0, r * n),
      );
      adamwUpdate(s.At, gAt, s.sA, t, { lr: s.etaA, ...s.h }); // element-wise: the layout does not matter
      adamwUpdate(s.B.data, gB, s.sB, t, { lr: s.etaB, ...s.h });
      if (evalEvery > 0 && t % evalEvery === 0) s.errCurve.push([t, err(s)]);
    }
  }
  return studs.map((s) => {
    const A = { rows: n, cols: s.r, data: transposeRaw(s.At, s.r, n) };
    return {
      relErr: lowRankRelErr(A, s.B, U, V, c),
      rmsA: _rms(A.data),
      rmsB: _rms(s.B.data),
      curve: s.curve,
      errCurve: s.errCurve,
      A,
      B: s.B,
    };
  });
}

/**
 * The LoRA+ toy (run R6): a rank-r LoRA student $Y = XAB$ fits a rank-k linear teacher
 * $W^* = UV/\sqrt{kn}$ ($U, V$ with $\mathcal N(0,1)$ entries, so $xW^*$ is $\mathcal O(1)$) from fresh
 * batches $X$ with $\mathcal N(0,1)$ entries, loss $\frac1{bm}\Vert XAB - XW^*\Vert_F^2$, with Adam and
 * separate learning rates $\eta_A$ and $\eta_B = \lambda\eta_A$, constant, no weight decay.
 * Per step $O(b(n+m)(r+k))$; no n×m matrix is ever formed. The teacher, the initialisation and the
 * batches come from the forks "teacher", "init" and "data" of `createRng(seed)`, so runs that differ
 * only in learning rates see the same teacher and the same batches.
 *
 * @param cfg see {@link LoraToyConfig}
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { trainLoraToy } from "@lib/optim/lora.ts";
 * const base = { n: 32, m: 32, r: 4, init: "zeroB", etaA: 1e-2, steps: 100, batch: 16, seed: 0 } as const;
 * const slow = trainLoraToy({ ...base, ratio: 1 }), fast = trainLoraToy({ ...base, ratio: 4 });
 * assert(fast.relErr < slow.relErr && slow.relErr < 1);
 * ```
 */
export function trainLoraToy(cfg: LoraToyConfig): LoraToyResult {
  _checkToy("trainLoraToy", cfg); // so that messages name this function
  return trainLoraToyGroup([cfg])[0]!;
}
