import { assert, assertAlmostEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { odeSolve, uniformGrid } from "@lib/core/ode_solve.ts";
import { gmmSample, makeGmm } from "@lib/prob/gmm.ts";
import { slicedW2 } from "@lib/prob/wasserstein.ts";
import { moons } from "@lib/data/toy2d.ts";
import {
  flowMinLoss,
  gmmVelocity,
  posteriorVelocityMc,
  rectifiedFlowPath,
  vpCosinePath,
  weakContinuityCheck,
} from "@lib/diffusion/mod.ts";

const p = rectifiedFlowPath();

Deno.test("posteriorVelocityMc matches gmmVelocity within 4 SE (moons, RF and VP)", () => {
  const g = moons(), rng = createRng(11);
  for (const path of [p, vpCosinePath()]) {
    for (const t of [0.2, 0.5, 0.8]) {
      const x = Float64Array.of(0.4, -0.3);
      const mc = posteriorVelocityMc(g, path, t, x, 20000, rng), v = gmmVelocity(g, path, t, x);
      for (let i = 0; i < 2; i++) {
        assert(Math.abs(mc.mean[i]! - v[i]!) < 4 * mc.se[i]!, `${path.name} t=${t}`);
      }
    }
  }
});

Deno.test("flowMinLoss: single Gaussian N(m, v) in 1-D has L_min(t) = v/((1-t)^2 v + t^2)", () => {
  const v = 0.5, g = makeGmm([1], [[2]], v), ts = Float64Array.of(0.3, 0.7);
  const r = flowMinLoss(g, p, ts, 40000, createRng(4));
  ts.forEach((t, j) => {
    const exact = v / ((1 - t) ** 2 * v + t * t);
    assert(Math.abs(r.perT[j]! - exact) < 4 * r.se[j]!, `t=${t}: ${r.perT[j]} vs ${exact}`);
  });
  assertThrows(() => flowMinLoss(g, p, Float64Array.of(0), 10, createRng(1)), RangeError, "t");
});

Deno.test("weakContinuityCheck: ‖x‖² agrees with the closed form −2(1−t)E‖x0‖² + 2t·d", () => {
  const g = moons(), rng = createRng(5), X = gmmSample(g, 200000, createRng(6));
  let ex2 = 0;
  for (const v of X) ex2 += v * v;
  ex2 /= 200000;
  const sq = (x: Float64Array) => x[0]! ** 2 + x[1]! ** 2, grad = (x: Float64Array) => x.map((u) => 2 * u);
  for (const t of [0.3, 0.7]) {
    const r = weakContinuityCheck(sq, grad, g, p, t, 50000, 1e-3, rng);
    assert(Math.abs(r.lhsFiniteDiff - r.rhs) < 4 * r.se);
    assertAlmostEquals(r.rhs, -2 * (1 - t) * ex2 + 4 * t, 0.05);
  }
  // t + h beyond t = 1 is rejected
  assertThrows(() => weakContinuityCheck(sq, grad, g, p, 0.9995, 10, 1e-3, rng), RangeError, "t");
});

Deno.test("RK4 transport of v* for a single Gaussian is the affine map x0 = m + sqrt(v) x1", () => {
  const m = [1, -2], v = 0.25, g = makeGmm([1], [m], v), X1 = new Float64Array(2000);
  const rng = createRng(8);
  for (let i = 0; i < X1.length; i++) X1[i] = rng.normal();
  const y = odeSolve((X, t) => gmmVelocity(g, p, t, X), X1, uniformGrid(1, 1e-3, 200), "rk4").y;
  // the exact flow is affine: x_s = (1 − s)m + sqrt((1 − s)²v + s²)·x_1
  const s = 1e-3, sc = Math.sqrt((1 - s) ** 2 * v + s * s);
  let err = 0;
  for (let k = 0; k < 1000; k++) {
    for (let i = 0; i < 2; i++) {
      err = Math.max(err, Math.abs(y[k * 2 + i]! - ((1 - s) * m[i]! + sc * X1[k * 2 + i]!)));
    }
  }
  assert(err < 1e-6, `max error ${err}`);
});

Deno.test("slicedW2: zero for identical sets, scales with a shift, validation", () => {
  const X = gmmSample(moons(), 500, createRng(1)), Y = X.map((u, i) => u + (i % 2 === 0 ? 0.5 : 0));
  assertAlmostEquals(slicedW2(X, X, 2, 16, createRng(2)), 0, 1e-15);
  const sw = slicedW2(X, Y, 2, 2000, createRng(3));
  assertAlmostEquals(sw, 0.5 / Math.sqrt(2), 0.02); // E cos²θ = 1/2
  assertThrows(() => slicedW2(X, X.subarray(2), 2, 4, createRng(1)), RangeError, "Y.length");
});
