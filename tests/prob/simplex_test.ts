import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { softmax } from "@lib/core/special.ts";
import {
  optimalityGap,
  projectSimplex,
  simplexDescent,
  simplexMultipliers,
  sparsemax,
} from "@lib/prob/simplex.ts";

const X = [1.2, 0.9, 0.3, -0.5, 0.85, 0.1, -1.0, 0.6];
const P_STAR = [0.55, 0.25, 0, 0, 0.2, 0, 0, 0];
const sqGrad = (x: number[]) => (p: Float64Array) => p.map((v, i) => 2 * (v - x[i]!));
const fw = (t: number) => 2 / (t + 3);
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const dist2 = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);

Deno.test("sparsemax: the article's example, closed form and KKT", () => {
  const { p, tau } = sparsemax(X);
  assertAlmostEquals(tau, 0.65, 1e-12);
  assert(maxAbs(p, P_STAR) < 1e-12, `p = ${p}`);
  const g = p.map((v, i) => 2 * (v - X[i]!));
  assert(optimalityGap(p, g) < 1e-12);
  assertAlmostEquals(Array.from(p).reduce((s, v) => s + v * g[p.indexOf(v)]!, 0), -1.3, 1e-12);
  const m = simplexMultipliers(p, g);
  assertAlmostEquals(m.lambda, 1.3, 1e-12);
  assert(maxAbs(m.mu, [0, 0, 0.7, 2.3, 0, 1.1, 3.3, 0.1]) < 1e-12, `mu = ${m.mu}`);
  assert(m.slackness < 1e-12);
  assert(optimalityGap(new Float64Array(8).fill(1 / 8), sqGrad(X)(new Float64Array(8).fill(1 / 8))) > 0.1);
});

Deno.test("sparsemax: on the simplex, shift invariant, agrees with the relu form", () => {
  const rng = createRng(3);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + rng.int(12), x = Array.from({ length: n }, () => 3 * rng.normal());
    const { p, tau } = sparsemax(x);
    assertAlmostEquals(p.reduce((s, v) => s + v, 0), 1, 1e-12);
    assert(p.every((v) => v >= 0));
    const c = 10 * rng.normal(), shifted = sparsemax(x.map((v) => v + c));
    assert(maxAbs(shifted.p, p) < 1e-12);
    assertAlmostEquals(shifted.tau, tau + c, 1e-12);
    // relu(x − τ) and support ⇔ x_i > τ
    for (let i = 0; i < n; i++) assertEquals(p[i]! > 0, x[i]! > tau);
  }
  assertEquals(Array.from(sparsemax([5]).p), [1]);
  assertEquals(Array.from(sparsemax([2, 2]).p), [0.5, 0.5]);
  assertThrows(() => sparsemax([]), RangeError, "sparsemax: x.length must be ≥ 1, got 0");
  assertThrows(() => sparsemax([1, NaN]), RangeError, "sparsemax: x[1] must be a finite number, got NaN");
});

Deno.test("projectSimplex: nearer to y than any other simplex point", () => {
  const rng = createRng(11);
  for (let trial = 0; trial < 1000; trial++) {
    const n = 2 + rng.int(6), y = Array.from({ length: n }, () => 2 * rng.normal());
    const e = Array.from({ length: n }, () => -Math.log(1 - rng())), se = e.reduce((s, v) => s + v, 0);
    const r = e.map((v) => v / se); // uniform on the simplex
    assert(dist2(projectSimplex(y), y) <= dist2(r, y) + 1e-12);
  }
  // one PGD step from anywhere lands on the simplex
  const p = projectSimplex([0.3, -2, 4, 0.1].map((v) => v - 0.1 * 3));
  assertAlmostEquals(p.reduce((s, v) => s + v, 0), 1, 1e-15);
});

Deno.test("simplexDescent: converges with 2/(t+3), stays on the simplex, stalls with fixed η", () => {
  const p0 = new Float64Array(8).fill(1 / 8);
  let worstSum = 0, minEntry = Infinity;
  const p = simplexDescent(sqGrad(X), p0, 1000, fw, (_t, q) => {
    worstSum = Math.max(worstSum, Math.abs(q.reduce((s, v) => s + v, 0) - 1));
    minEntry = Math.min(minEntry, ...q);
  });
  assert(worstSum < 1e-12 && minEntry >= 0);
  const F = (q: Float64Array) => dist2(q, X), Fstar = F(Float64Array.from(P_STAR));
  assertAlmostEquals(Fstar, 2.9775, 1e-12);
  const gap = optimalityGap(p, sqGrad(X)(p));
  assert(F(p) - Fstar < 1e-5, `F − F* = ${F(p) - Fstar}`);
  // the gap is an upper bound on F − F* (convexity) and decays like O(1/t), much slower than F − F*
  assert(F(p) - Fstar <= gap && gap < 5e-3, `gap ${gap}`);
  const fixed = simplexDescent(sqGrad(X), p0, 2000, 0.1);
  assert(optimalityGap(fixed, sqGrad(X)(fixed)) > 1e-4, "a fixed step must not converge");
  assertEquals(p0[0], 1 / 8, "p0 untouched");
});

Deno.test("simplexDescent: entropy-regularised objective converges to softmax", () => {
  const x = [1, 2, 0.5, -1, 1.5], target = softmax(x);
  const grad = (p: Float64Array) => p.map((v, i) => Math.log(v) + 1 - x[i]!);
  const p = simplexDescent(grad, new Float64Array(5).fill(0.2), 1000, fw);
  assert(maxAbs(p, target) < 5e-3, `err ${maxAbs(p, target)}`);
  assertAlmostEquals(target[1]!, 0.44497, 1e-5);
});

Deno.test("simplexDescent and optimalityGap: validation", () => {
  const g = () => new Float64Array(2);
  assertThrows(() => simplexDescent(g, [0.5, 0.6], 1, 0.1), RangeError, "sum of p0 must be 1");
  assertThrows(() => simplexDescent(g, [1.5, -0.5], 1, 0.1), RangeError, "p0[1] must be ≥ 0");
  assertThrows(() => simplexDescent(g, [0.5, 0.5], 1, 1.5), RangeError, "eta must be in [0, 1], got 1.5");
  assertThrows(
    () => simplexDescent(g, [0.5, 0.5], 1, () => 2),
    RangeError,
    "eta(0) must be in [0, 1], got 2",
  );
  assertThrows(() => simplexDescent(() => new Float64Array(3), [0.5, 0.5], 1, 0.1), RangeError, "grad(p)");
  assertThrows(() => optimalityGap([1, 0], [1]), RangeError, "optimalityGap: g.length must be 2, got 1");
});
