import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { gaussLegendre } from "@lib/core/quadrature.ts";
import { matVec, row } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import { softmax } from "@lib/core/special.ts";
import { cosineDensity, randomUnitVectors } from "@lib/prob/angles.ts";
import {
  cosineMgf,
  gradObjectiveCosine,
  gradObjectiveNormal,
  logCosineMgf,
  normalOptimalN,
  optimalScaleCosine,
  optimalScaleNormal,
  softmaxJacobian,
  softmaxJacobianHalfL1,
} from "@lib/attention/scale.ts";

const halfL1 = (data: Float64Array) => data.reduce((s, v) => s + Math.abs(v), 0) / 2;

Deno.test("acceptance: ½‖J‖₁ = α(1 − Σp²) to 1e-12; rows sum to 0; limits at α = 0 and α = 200", () => {
  const rng = createRng(3);
  for (let t = 0; t < 20; t++) {
    const s = Float64Array.from({ length: 10 }, () => rng.normal());
    for (const a of [0.1, 1, 2.5, 7]) {
      const J = softmaxJacobian(s, a);
      assertAlmostEquals(halfL1(J.data), softmaxJacobianHalfL1(s, a), 1e-12);
      for (let i = 0; i < 10; i++) assertAlmostEquals(row(J, i).reduce((x, y) => x + y, 0), 0, 1e-14);
    }
  }
  const s4 = [0, 0.5, 1, 2];
  assertEquals(softmaxJacobianHalfL1(s4, 0), 0);
  assert(softmaxJacobianHalfL1(s4, 200) < 1e-6, `${softmaxJacobianHalfL1(s4, 200)}`);
  assert(softmaxJacobianHalfL1(s4, 1) > 0.3);
});

Deno.test("softmaxJacobian matches central finite differences of the softmax", () => {
  const s = Float64Array.from([0.3, -1, 2, 0.7, 0]), a = 1.7, h = 1e-6;
  const J = softmaxJacobian(s, a);
  for (let j = 0; j < s.length; j++) {
    const up = s.slice(), dn = s.slice();
    up[j]! += h;
    dn[j]! -= h;
    const [pu, pd] = [softmax(up, a), softmax(dn, a)];
    for (let i = 0; i < s.length; i++) {
      assertAlmostEquals(J.data[i * 5 + j]!, (pu[i]! - pd[i]!) / (2 * h), 1e-9);
    }
  }
  assertThrows(() => softmaxJacobian([], 1), RangeError, "softmaxJacobian: s.length must be ≥ 1, got 0");
  assertThrows(
    () => softmaxJacobian([1, NaN], 1),
    RangeError,
    "softmaxJacobian: s[1] must be a finite number, got NaN",
  );
});

Deno.test("acceptance: optimalScaleNormal matches the spec's scipy values ± 2e-3", () => {
  const ref: [number, number][] = [
    [40, 1.4342],
    [128, 1.7109],
    [512, 2.0084],
    [1024, 2.1465],
    [4096, 2.4055],
    [20000, 2.6782],
  ];
  for (const [n, a] of ref) assertAlmostEquals(optimalScaleNormal(n), a, 2e-3);
});

Deno.test("optimalScaleNormal inverts normalOptimalN exactly; the objective is stationary there", () => {
  for (const a of [0.5, 1, 2, 2.5, 3]) {
    const n = normalOptimalN(a);
    assertAlmostEquals(optimalScaleNormal(n), a, 1e-9);
    const h = 1e-6;
    assertAlmostEquals((gradObjectiveNormal(a + h, n) - gradObjectiveNormal(a - h, n)) / (2 * h), 0, 1e-7);
  }
  assertThrows(() => optimalScaleNormal(1), RangeError, "optimalScaleNormal: n must be a number > 1, got 1");
});

Deno.test("acceptance: cosineMgf reference values; g(0) = 1; agrees with quadrature of the density", () => {
  assertAlmostEquals(cosineMgf(5, 128), 1.10250298, 1e-7);
  assertAlmostEquals(cosineMgf(20, 16), 6331.6883, 1e-3);
  assertAlmostEquals(cosineMgf(40, 128), 396.20373229103807, 1e-9);
  for (const d of [2, 3, 17, 128, 512]) assertEquals(cosineMgf(0, d), 1);
  assertAlmostEquals(cosineMgf(7, 3), Math.sinh(7) / 7, 1e-12);
  for (const [a, d] of [[3, 5], [12, 33], [60, 257]] as const) { // odd d: smooth integrands
    const quad = gaussLegendre((s) => Math.exp(a * s) * cosineDensity(s, d), -1, 1, 100, 8);
    assertAlmostEquals(cosineMgf(a, d) / quad, 1, 1e-11);
  }
  // stable at large a and d: finite log, ≈ a − ((d−1)/2) ln a + const
  const big = logCosineMgf(200, 512);
  assert(Number.isFinite(big) && big > 0 && big < 200, `${big}`);
  assertAlmostEquals(cosineMgf(-5, 128), cosineMgf(5, 128), 1e-15);
});

Deno.test("acceptance: optimalScaleCosine matches the spec's scipy values ± 0.05", () => {
  assertAlmostEquals(optimalScaleCosine(512, 128), 24.21, 0.05);
  assertAlmostEquals(optimalScaleCosine(4096, 128), 29.70, 0.05);
  assertAlmostEquals(optimalScaleCosine(64, 16), 8.44, 0.05);
  assertAlmostEquals(optimalScaleCosine(32, 32), 8.85, 0.05);
  assertAlmostEquals(optimalScaleCosine(64, 32), 10.25, 0.05);
  assertAlmostEquals(optimalScaleCosine(40, 128), 16.81, 0.05);
  assertAlmostEquals(optimalScaleCosine(4096, 256), 40.23, 0.05);
  // it is a maximum of gradObjectiveCosine
  const a = optimalScaleCosine(1000, 64);
  for (const da of [-0.5, 0.5]) {
    assert(gradObjectiveCosine(a, 1000, 64) > gradObjectiveCosine(a + da, 1000, 64));
  }
  assertThrows(
    () => optimalScaleCosine(100, 1),
    RangeError,
    "optimalScaleCosine: d must be an integer ≥ 2, got 1",
  );
});

Deno.test("large-n approximation: Monte Carlo mean of α(1 − Σp²) tracks the formulas", () => {
  const rng = createRng(11);
  // normal scores, n = 2048, α = 1.5 and 2.2
  // (close at moderate α; at larger α the sample rarely reaches the scores that dominate E e^{2αs}, so the
  // sampled Σp² is smaller than the formula's and the MC objective sits above it)
  for (const [a, tol] of [[1.5, 0.02], [2.2, 0.1]] as const) {
    let mc = 0;
    for (let t = 0; t < 40; t++) {
      mc += softmaxJacobianHalfL1(Float64Array.from({ length: 2048 }, () => rng.normal()), a) / 40;
    }
    assertAlmostEquals(mc, gradObjectiveNormal(a, 2048), tol);
  }
  // cosine scores with real unit vectors, d = 64, n = 512, α = 15
  const [d, n, a] = [64, 512, 15];
  let mc = 0;
  for (let t = 0; t < 20; t++) {
    const q = row(randomUnitVectors(1, d, rng), 0), K = randomUnitVectors(n, d, rng);
    mc += softmaxJacobianHalfL1(matVec(K, q), a) / 20;
  }
  assertAlmostEquals(mc, gradObjectiveCosine(a, n, d), 0.3);
});
