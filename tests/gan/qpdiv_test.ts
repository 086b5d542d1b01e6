import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { goldenSectionMax } from "@lib/core/optimize.ts";
import { createRng } from "@lib/core/rng.ts";
import {
  jsDivergence,
  qpGradientAscent,
  qpObjective,
  qpOptimalDeltaTable,
  qpPointMass,
  qpValues,
  sganPointMass,
} from "@lib/gan/qpdiv.ts";

function discretise(x: Float64Array, mu: number, s: number): Float64Array {
  const w = x.map((v) => Math.exp(-0.5 * ((v - mu) / s) ** 2));
  const z = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / z);
}

Deno.test("qpPointMass: λd/2 at z* = λd, agrees with a golden-section maximiser", () => {
  for (const [lam, d] of [[1, 0.5], [2, 3], [10, 0.01], [0.3, 7]] as const) {
    const r = qpPointMass(lam, d);
    assertEquals(r, { value: (lam * d) / 2, zStar: lam * d });
    const f = (z: number) => z - (z * z) / (2 * lam * d);
    const z = goldenSectionMax(f, -1, 3 * lam * d + 1, 1e-12);
    assertAlmostEquals(z, r.zStar, 1e-6);
    assertAlmostEquals(f(z), r.value, 1e-9);
  }
  assertThrows(() => qpPointMass(0, 1), RangeError, "qpPointMass: lambda must be a positive number, got 0");
  assertThrows(() => qpPointMass(-2, 1), RangeError, "lambda must be a positive number");
  assertThrows(() => qpPointMass(1, -1), RangeError, "d must be a non-negative number");
});

Deno.test("sganPointMass: increasing in c, below log 2, within 1e-4 of log 2 at c = 10", () => {
  let prev = -Infinity;
  for (let c = -5; c <= 10; c += 0.5) {
    const v = sganPointMass(c);
    assert(v > prev && v < Math.LN2, `c = ${c}: ${v}`);
    prev = v;
  }
  assert(Math.LN2 - sganPointMass(10) < 1e-4);
  assert(Math.LN2 - sganPointMass(5) > 1e-3);
});

Deno.test("optimal QP critic: antisymmetric, |Δ*| ≤ λd, a local maximum, reached by gradient ascent", () => {
  const rng = createRng(8), m = 12, lam = 2;
  const x = Float64Array.from({ length: m }, (_, i) => i * 0.37 - 1);
  const raw = (k: number) => Float64Array.from({ length: m }, () => rng.uniform() + (k ? 0.05 : 0));
  const norm = (v: Float64Array) => v.map((t) => t / v.reduce((a, b) => a + b, 0));
  const p = norm(raw(0)), q = norm(raw(1));
  const T = qpOptimalDeltaTable(p, q, x, lam), v0 = qpObjective(p, q, x, T, lam);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      assert(T[i * m + j] === -T[j * m + i]!);
      assert(Math.abs(T[i * m + j]!) <= lam * Math.abs(x[i]! - x[j]!) + 1e-12);
    }
  }
  for (let r = 0; r < 100; r++) {
    const R = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++) {
        R[i * m + j] = rng.normal();
        R[j * m + i] = -R[i * m + j]!;
      }
    }
    assert(qpObjective(p, q, x, T.map((t, k) => t + 1e-3 * R[k]!), lam) <= v0);
  }
  const asc = qpGradientAscent(p, q, x, lam, 3000, 20);
  assert(Math.abs(asc.trace.at(-1)!.value - v0) <= 1e-6 * v0);
  // the closed-form values of eq. 8
  const vals = qpValues(p, q, x, lam);
  assertAlmostEquals(vals.div, v0, 1e-10);
  let eDelta = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) eDelta += p[i]! * q[j]! * T[i * m + j]!;
  assertAlmostEquals(vals.genObjective, eDelta, 1e-10);
  const vals2 = qpValues(p, q, x, 2 * lam);
  assertAlmostEquals(vals2.div, 2 * vals.div, 1e-14);
  assertAlmostEquals(vals2.genObjective, 2 * vals.genObjective, 1e-14);
  assert(vals.div > 0 && vals.genObjective > 0);
  assertEquals(qpValues(p, p, x, lam), { div: 0, genObjective: 0 });
});

Deno.test("QP-div vs JS on shifted narrow Gaussians: JS saturates at log 2, QP-div → λt/2", () => {
  const x = Float64Array.from({ length: 401 }, (_, i) => -1 + (i * 4) / 400);
  const p = discretise(x, 0, 0.1);
  const far = discretise(x, 1.6, 0.1), near = discretise(x, 0.1, 0.1);
  assertAlmostEquals(jsDivergence(p, far), Math.LN2, 1e-6);
  assert(jsDivergence(p, near) < 0.2);
  assertAlmostEquals(qpValues(p, far, x, 1).div, 0.8, 1e-3);
  assertAlmostEquals(qpValues(p, far, x, 1).genObjective, 1.6, 2e-3);
  assertThrows(() => qpValues(p, Float64Array.of(1), x, 1), RangeError, "q.length must be x.length = 401");
  assertThrows(() => qpValues(p, p.map((v) => 2 * v), x, 1), RangeError, "sum of q must be 1");
});
