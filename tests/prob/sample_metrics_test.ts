import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertLess,
  assertThrows,
} from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { ring8 } from "@lib/data/toy2d.ts";
import { gmmSample, makeGmm } from "@lib/prob/gmm.ts";
import { mmdRbf, modeCoverage } from "@lib/prob/sample_metrics.ts";
import { linearAssignment, w2Exact1d, w2Hungarian, w2ToGmm1d } from "@lib/prob/wasserstein.ts";

Deno.test("modeCoverage: exact samples cover ring8 with ≈99.7%·… quality; a collapsed sampler covers one mode", () => {
  const g = ring8(2, 0.1), rng = createRng(1);
  const m = modeCoverage(gmmSample(g, 2000, rng), g);
  assertEquals(m.covered, 1);
  // P(‖z‖ ≤ 3) for a 2-D standard normal = 1 − e^{−9/2} ≈ 0.9889
  assertAlmostEquals(m.highQuality, 1 - Math.exp(-4.5), 0.01);
  assertEquals(m.counts.reduce((a, b) => a + b, 0), 2000);
  const one = makeGmm([1], [[2, 0]], 0.01);
  const c = modeCoverage(gmmSample(one, 500, rng), g);
  assertEquals(c.covered, 1 / 8);
  assertEquals(c.counts[0], 500);
  assertEquals(modeCoverage(Float64Array.of(0, 0), g, 2.5).covered, 1);
});

Deno.test("mmdRbf: zero for identical sets, small for two samples of one law, large for shifted laws", () => {
  const g = makeGmm([1], [[0, 0]], 1), rng = createRng(2);
  const A = gmmSample(g, 300, rng), B = gmmSample(g, 300, rng);
  const C = gmmSample(makeGmm([1], [[2, 0]], 1), 300, rng);
  assertAlmostEquals(mmdRbf(A, A, 2, 1), 0, 1e-12);
  const same = mmdRbf(A, B, 2, 1), diff = mmdRbf(A, C, 2, 1);
  assertLess(same, 0.02);
  assertGreater(diff, 10 * same);
  assertThrows(() => mmdRbf(A, B, 2, 0), RangeError, "bandwidth");
});

Deno.test("w2Exact1d: equals |μ| for a shifted normal sample and is symmetric", () => {
  const rng = createRng(3), n = 20000;
  const a = Float64Array.from({ length: n }, () => rng.normal());
  const b = Float64Array.from({ length: n }, () => rng.normal() + 0.7);
  assertAlmostEquals(w2Exact1d(a, b), 0.7, 0.03);
  assertEquals(w2Exact1d(a, b), w2Exact1d(b, a));
  // a deterministic shift is transported exactly
  assertAlmostEquals(w2Exact1d(a, a.map((v) => v - 1.25)), 1.25, 1e-12);
  assertThrows(() => w2Exact1d(a, b.subarray(1)), RangeError, "b.length");
});

Deno.test("w2ToGmm1d: exact quantiles give ~0, exact samples O(n^{-1/2}), a shift adds it", () => {
  const g = makeGmm([0.3, 0.7], [[-2], [1]], [[0.25], [0.5]]);
  const rng = createRng(4);
  const xs = gmmSample(g, 4000, rng);
  const w = w2ToGmm1d(xs, g);
  assertLess(w, 0.05);
  assertAlmostEquals(w2ToGmm1d(xs.map((v) => v + 0.5), g), 0.5, 0.06);
  assertThrows(() => w2ToGmm1d(xs, makeGmm([1], [[0, 0]], 1)), RangeError, "g.d");
});

Deno.test("linearAssignment: optimal on random 6×6 matrices against full enumeration of 720 permutations", () => {
  const rng = createRng(5), n = 6;
  const perms: number[][] = [];
  const rec = (p: number[], rest: number[]) => {
    if (rest.length === 0) perms.push(p);
    rest.forEach((v, i) => rec([...p, v], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  rec([], [0, 1, 2, 3, 4, 5]);
  assertEquals(perms.length, 720);
  for (let trial = 0; trial < 20; trial++) {
    const C = Float64Array.from({ length: n * n }, () => Math.floor(rng.uniform() * 10) - 3);
    const col = linearAssignment(C, n);
    assertEquals(new Set(col).size, n);
    const cost = (p: ArrayLike<number>) => Array.from(p).reduce((s: number, c, i) => s + C[i * n + c]!, 0);
    const best = Math.min(...perms.map(cost));
    assertEquals(cost(col), best);
  }
});

Deno.test("w2Hungarian: 0 for a permuted copy, = shift for a translated copy, ≤ the identity coupling", () => {
  const rng = createRng(6), n = 60, d = 2;
  const X = Float64Array.from({ length: n * d }, () => rng.normal());
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const P = new Float64Array(n * d);
  order.forEach((src, i) => P.set(X.subarray(src * d, src * d + d), i * d));
  assertAlmostEquals(w2Hungarian(X, P, d), 0, 1e-12);
  const T = X.map((v, i) => v + (i % 2 === 0 ? 0.3 : -0.4));
  assertAlmostEquals(w2Hungarian(X, T, d), 0.5, 1e-12);
  const Y = Float64Array.from({ length: n * d }, () => rng.normal());
  let ident = 0;
  for (let i = 0; i < n * d; i++) ident += (X[i]! - Y[i]!) ** 2;
  assert(w2Hungarian(X, Y, d) <= Math.sqrt(ident / n) + 1e-12);
  // in 1-D the assignment equals the sorted coupling
  const a = Float64Array.from({ length: 50 }, () => rng.normal()),
    b = Float64Array.from({ length: 50 }, () => rng.uniform());
  assertAlmostEquals(w2Hungarian(a, b, 1), w2Exact1d(a, b), 1e-12);
  assertThrows(() => w2Hungarian(X, Y.subarray(2), d), RangeError, "Y.length");
});
