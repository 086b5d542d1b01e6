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
  commutator,
  det,
  expm,
  hermitianToRealSymmetric,
  logOrthogonal,
  qr,
  randomOrthogonal,
  randomSkew,
  skewBlockDiagonalize,
  splitReflection,
  symmetricEig,
} from "@lib/core/linalg.ts";
import {
  add,
  frobenius,
  gaussianMatrix,
  identity,
  matmul,
  matPow,
  type Matrix,
  matrix,
  scale,
  sub,
  transpose,
} from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";

const orthoErr = (q: Matrix) => maxAbsDiff(matmul(transpose(q), q).data, identity(q.cols).data);
const blockDiag = (thetas: ArrayLike<number>) => {
  const n = 2 * thetas.length, out = matrix(n, n);
  for (let i = 0; i < thetas.length; i++) {
    out.data[2 * i * n + 2 * i + 1] = -thetas[i]!;
    out.data[(2 * i + 1) * n + 2 * i] = thetas[i]!;
  }
  return out;
};

Deno.test("det: closed forms, permutation sign, product rule", () => {
  assertEquals(det(matrix(0, 0)), 1);
  assertAlmostEquals(det(matrix(3, 3, [2, 0, 0, 0, 3, 0, 0, 0, 4])), 24, 1e-12);
  assertAlmostEquals(det(matrix(3, 3, [0, 1, 0, 1, 0, 0, 0, 0, 1])), -1, 1e-15); // a swap
  assertEquals(det(matrix(2, 2, [1, 2, 2, 4])), 0);
  const rng = createRng(5), a = gaussianMatrix(6, 6, rng), b = gaussianMatrix(6, 6, rng);
  assertAlmostEquals(det(matmul(a, b)) / (det(a) * det(b)), 1, 1e-10);
  assertAlmostEquals(det(transpose(a)) / det(a), 1, 1e-12);
  assertThrows(() => det(matrix(2, 3)), RangeError, "det: a must be a square matrix");
});

Deno.test("qr: A = QR, QᵀQ = I, R upper triangular with diag ≥ 0 (square and tall)", () => {
  const rng = createRng(1);
  for (const [m, n] of [[5, 5], [7, 3], [1, 1]] as const) {
    const a = gaussianMatrix(m, n, rng);
    const { q, r } = qr(a);
    assertEquals([q.rows, q.cols, r.rows, r.cols], [m, n, n, n]);
    assertLess(maxAbsDiff(matmul(q, r).data, a.data), 1e-12);
    assertLess(orthoErr(q), 1e-13);
    for (let i = 0; i < n; i++) {
      assert(r.data[i * n + i]! >= 0);
      for (let j = 0; j < i; j++) assertEquals(r.data[i * n + j], 0);
    }
  }
  assertThrows(() => qr(matrix(2, 3)), RangeError, "rows ≥ cols");
});

Deno.test("symmetricEig: reconstructs A, orthonormal vectors, ascending, known spectrum", () => {
  const rng = createRng(2), g = gaussianMatrix(8, 8, rng), a = add(g, transpose(g));
  const { values, vectors } = symmetricEig(a);
  for (let i = 1; i < 8; i++) assert(values[i]! >= values[i - 1]!);
  assertLess(orthoErr(vectors), 1e-12);
  const lam = matrix(8, 8);
  values.forEach((v, i) => (lam.data[i * 8 + i] = v));
  assertLess(maxAbsDiff(matmul(matmul(vectors, lam), transpose(vectors)).data, a.data), 1e-11);
  // trace and a known spectrum: the path-graph Laplacian-like tridiagonal(−1, 2, −1) of size 5
  const t = matrix(5, 5);
  for (let i = 0; i < 5; i++) {
    t.data[i * 5 + i] = 2;
    if (i > 0) t.data[i * 5 + i - 1] = t.data[(i - 1) * 5 + i] = -1;
  }
  const ev = symmetricEig(t).values;
  for (let k = 1; k <= 5; k++) assertAlmostEquals(ev[k - 1]!, 2 - 2 * Math.cos((k * Math.PI) / 6), 1e-13);
  assertThrows(() => symmetricEig(matrix(2, 2, [1, 2, 3, 4])), RangeError, "symmetric");
});

Deno.test("hermitianToRealSymmetric: spectrum of iB is ±θ, each twice", () => {
  const b = blockDiag([0.3, 2]);
  const { values } = symmetricEig(hermitianToRealSymmetric(matrix(4, 4), b));
  assertLess(maxAbsDiff(values, [-2, -2, -0.3, -0.3, 0.3, 0.3, 2, 2]), 1e-13);
  assertThrows(() => hermitianToRealSymmetric(matrix(2, 2), identity(2)), RangeError, "skew-symmetric");
});

Deno.test("commutator: zero for commuting, antisymmetric, Jacobi identity", () => {
  const rng = createRng(3);
  const [a, b, c] = [gaussianMatrix(4, 4, rng), gaussianMatrix(4, 4, rng), gaussianMatrix(4, 4, rng)];
  assertLess(frobenius(commutator(a, matPow(a, 3))), 1e-12);
  assertLess(maxAbsDiff(commutator(a, b).data, scale(commutator(b, a), -1).data), 1e-14);
  const jac = add(
    add(commutator(a, commutator(b, c)), commutator(b, commutator(c, a))),
    commutator(c, commutator(a, b)),
  );
  assertLess(frobenius(jac), 1e-12);
  const s = randomSkew(4, rng); // a skew (normal) B commutes with Bᵀ
  assertLess(frobenius(commutator(transpose(s), s)), 1e-14);
});

Deno.test("acceptance: expm(J_θ) = R_θ to 1e-13 for θ ∈ {0.1, 1, 3, 10}; expm(0) = I", () => {
  for (const th of [0.1, 1, 3, 10]) {
    const r = expm(matrix(2, 2, [0, -th, th, 0]));
    const ref = [Math.cos(th), -Math.sin(th), Math.sin(th), Math.cos(th)];
    assertLess(maxAbsDiff(r.data, ref), 1e-13, `θ = ${th}`);
  }
  assertEquals(Array.from(expm(matrix(3, 3)).data), Array.from(identity(3).data));
});

Deno.test("acceptance: expm(A + B) = expm(A)·expm(B) for commuting diagonal A, B; nilpotent closed form", () => {
  const a = matrix(3, 3, [0.5, 0, 0, 0, -2, 0, 0, 0, 3]), b = matrix(3, 3, [1.5, 0, 0, 0, 0.25, 0, 0, 0, -1]);
  assertLess(maxAbsDiff(expm(add(a, b)).data, matmul(expm(a), expm(b)).data), 1e-12);
  assertAlmostEquals(expm(a).data[8]!, Math.exp(3), 1e-12 * Math.exp(3));
  // exp of the nilpotent [[0, 1], [0, 0]] is [[1, 1], [0, 1]] exactly
  assertLess(maxAbsDiff(expm(matrix(2, 2, [0, 1, 0, 0])).data, [1, 1, 0, 1]), 1e-15);
  // non-commuting: the identity fails
  const x = matrix(2, 2, [0, 1, 0, 0]), y = matrix(2, 2, [0, 0, 1, 0]);
  assertGreater(maxAbsDiff(expm(add(x, y)).data, matmul(expm(x), expm(y)).data), 0.1);
});

Deno.test("acceptance: det(expm(A)) = exp(tr A) to 1e-10 relative, random 5×5 A ~ N(0, 0.5²)", () => {
  const rng = createRng(4);
  for (let t = 0; t < 20; t++) {
    const a = gaussianMatrix(5, 5, rng, 0.5);
    let tr = 0;
    for (let i = 0; i < 5; i++) tr += a.data[i * 5 + i]!;
    assertAlmostEquals(det(expm(a)) / Math.exp(tr), 1, 1e-10);
  }
});

Deno.test("randomSkew: exactly skew, N(0, 1) entries (seeded moment bound), deterministic", () => {
  const b = randomSkew(40, createRng(7));
  assertEquals(frobenius(add(b, transpose(b))), 0);
  let s2 = 0;
  for (let i = 0; i < 40; i++) for (let j = i + 1; j < 40; j++) s2 += b.data[i * 40 + j]! ** 2;
  assertAlmostEquals(s2 / 780, 1, 0.15);
  assertEquals(randomSkew(5, createRng(1)), randomSkew(5, createRng(1)));
  assertThrows(() => randomSkew(3, {} as never), TypeError, "randomSkew: rng");
});

Deno.test("acceptance: randomOrthogonal(6, rng, −1) has det −1 ± 1e-12 and its powers satisfy Oₘᵀ Oₙ = O_{n−m}", () => {
  const rng = createRng(11);
  for (const sign of [1, -1] as const) {
    const o = randomOrthogonal(6, rng, sign);
    assertAlmostEquals(det(o), sign, 1e-12);
    assertLess(orthoErr(o), 1e-13);
    const inv = transpose(o);
    const powZ = (k: number) => (k >= 0 ? matPow(o, k) : matPow(inv, -k));
    for (let m = 0; m <= 6; m++) {
      for (let n = 0; n <= 6; n++) {
        const lhs = matmul(transpose(powZ(m)), powZ(n));
        assertLess(maxAbsDiff(lhs.data, powZ(n - m).data), 1e-10);
      }
    }
  }
});

Deno.test("acceptance: skewBlockDiagonalize — PᵀP = I, PᵀBP = diag(J_θ), θ = |Im eig(B)|", () => {
  const rng = createRng(8);
  for (const d of [2, 4, 8, 12]) {
    const b = randomSkew(d, rng);
    const { p, thetas } = skewBlockDiagonalize(b);
    assertLess(orthoErr(p), 1e-10);
    const lam = matmul(matmul(transpose(p), b), p);
    assertLess(maxAbsDiff(lam.data, blockDiag(thetas).data), 1e-10, `d = ${d}`);
    for (let i = 1; i < thetas.length; i++) assert(thetas[i]! <= thetas[i - 1]! + 1e-12);
    // independent: the eigenvalues of the Hermitian iB are ±θ (each twice in the realification)
    const ev = symmetricEig(hermitianToRealSymmetric(matrix(d, d), b)).values;
    const positive = Array.from(ev.slice(d)).filter((_, k) => k % 2 === 0).reverse();
    assertLess(maxAbsDiff(positive, thetas), 1e-10);
  }
});

Deno.test("skewBlockDiagonalize: degenerate and singular cases (repeated θ, zero blocks)", () => {
  const rng = createRng(9), q = randomOrthogonal(6, rng);
  for (const th of [[1.5, 1.5, 0.2], [2, 0, 0], [0, 0, 0]]) {
    const b = matmul(matmul(q, blockDiag(th)), transpose(q));
    for (let i = 0; i < 36; i++) b.data[i] = (b.data[i]! - b.data[(i % 6) * 6 + Math.floor(i / 6)]!) / 2;
    const { p, thetas } = skewBlockDiagonalize(b);
    assertLess(orthoErr(p), 1e-10);
    assertLess(maxAbsDiff(thetas, th), 1e-9);
    assertLess(maxAbsDiff(matmul(matmul(transpose(p), b), p).data, blockDiag(thetas).data), 1e-9);
  }
  assertThrows(() => skewBlockDiagonalize(identity(2)), RangeError, "skew-symmetric");
  assertThrows(() => skewBlockDiagonalize(matrix(3, 3)), RangeError, "even");
});

Deno.test("logOrthogonal: expm(log O) = O, skew result, angles in [0, π], det −1 rejected", () => {
  const rng = createRng(10);
  for (const d of [2, 4, 6, 10]) {
    const o = randomOrthogonal(d, rng);
    const b = logOrthogonal(o);
    assertLess(frobenius(add(b, transpose(b))), 1e-12);
    assertLess(maxAbsDiff(expm(b).data, o.data), 1e-10);
  }
  // rotation by π in two planes, and the identity
  const q = randomOrthogonal(4, rng);
  const minusI = scale(identity(4), -1);
  assertLess(maxAbsDiff(expm(logOrthogonal(minusI)).data, minusI.data), 1e-12);
  assertLess(frobenius(logOrthogonal(identity(4))), 1e-12);
  const halfTurn = matmul(
    matmul(q, matrix(4, 4, [-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])),
    transpose(q),
  );
  assertLess(maxAbsDiff(expm(logOrthogonal(halfTurn)).data, halfTurn.data), 1e-10);
  assertThrows(() => logOrthogonal(randomOrthogonal(4, rng, -1)), RangeError, "no real logarithm");
  assertThrows(() => logOrthogonal(scale(identity(2), 2)), RangeError, "orthogonal");
});

Deno.test("splitReflection: O = O₊H, commuting factors, Oⁿ = Hⁿ O₊ⁿ; a coordinate I₋ does not commute", () => {
  const o = randomOrthogonal(6, createRng(12), -1);
  const { rotation, reflection, u } = splitReflection(o);
  assertAlmostEquals(det(rotation), 1, 1e-12);
  assertLess(maxAbsDiff(matmul(rotation, reflection).data, o.data), 1e-12);
  assertLess(frobenius(commutator(rotation, reflection)), 1e-12);
  assertLess(maxAbsDiff(matmul(o, matrix(6, 1, u)).data, Array.from(u, (x) => -x)), 1e-12);
  for (let n = 0; n <= 6; n++) {
    assertLess(maxAbsDiff(matPow(o, n).data, matmul(matPow(reflection, n), matPow(rotation, n)).data), 1e-11);
  }
  // The article's fixed I₋ = diag(1, …, 1, −1): O₊ = O·I₋ but (O₊I₋)² ≠ I₋² O₊² in general
  const iMinus = identity(6);
  iMinus.data[35] = -1;
  const oPlus = matmul(o, iMinus);
  assertGreater(frobenius(sub(matPow(o, 2), matPow(oPlus, 2))), 0.1);
  assertThrows(() => splitReflection(identity(2)), RangeError, "det(o)");
});
