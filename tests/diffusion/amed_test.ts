import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { odeSolve } from "@lib/core/ode_solve.ts";
import { grid25, ring8 } from "@lib/data/toy2d.ts";
import { gmmSample } from "@lib/prob/gmm.ts";
import { edmTimeSteps, gmmAt, vePath } from "@lib/diffusion/mod.ts";
import { amedSolve, gmmVelocityField } from "@lib/diffusion/samplers.ts";
import {
  amedLitePredictor,
  fitAmedLite,
  logUniformGrid,
  meanL2,
  nfeOf,
  oracleMeanValueR,
  teacherTrajectory,
  trajectoryPca,
} from "@lib/diffusion/amed.ts";

const ve = vePath();

Deno.test("nfeOf: Euler K, Heun/AMED 2K, AFS saves one", () => {
  assertEquals(
    [
      nfeOf("euler", 4, false),
      nfeOf("heun", 4, false),
      nfeOf("heun", 4, true),
      nfeOf("amed", 4, false),
      nfeOf("amed", 4, true),
      nfeOf("rk4", 2, false),
    ],
    [4, 8, 7, 8, 7, 8],
  );
  assertThrows(() => nfeOf("euler", 0, false), RangeError, "intervals must be an integer ≥ 1");
  assertThrows(() => nfeOf("ddim" as "euler", 2, false), RangeError, "method");
});

Deno.test("teacherTrajectory converges: 64 vs 128 sub-steps differ by < 1e-4 (grid25, EDM grid)", () => {
  const g = grid25(), v = gmmVelocityField(g, ve), ts = edmTimeSteps(5, 0.002, 80, 7);
  const X = gmmSample(gmmAt(g, ve, 80), 100, createRng(2));
  const a = teacherTrajectory(v, X, ts, 64), b = teacherTrajectory(v, X, ts, 128);
  assertEquals(a.length, 5);
  assert(meanL2(a[4]!, b[4]!, 2) < 1e-4, `${meanL2(a[4]!, b[4]!, 2)}`);
});

Deno.test("fitAmedLite: never worse than r = ½, c = 1, generalises to fresh starts (ring8, 4 NFE)", () => {
  const g = ring8(), v = gmmVelocityField(g, ve), ts = edmTimeSteps(3, 0.002, 80, 7);
  const Xtr = gmmSample(gmmAt(g, ve, 80), 300, createRng(3)),
    Xev = gmmSample(gmmAt(g, ve, 80), 300, createRng(4));
  const fit = fitAmedLite(v, Xtr, ts, teacherTrajectory(v, Xtr, ts, 64), { rGrid: 39, d: 2 });
  assert(fit.trainErr <= fit.initErr);
  assert(fit.trainErr < 0.5 * fit.initErr, `fit ${fit.trainErr} vs init ${fit.initErr}`);
  fit.c.forEach((c) => assert(Math.abs(c - 1) <= 0.01 + 1e-12));
  const ev = amedSolve(v, Xev, ts, amedLitePredictor(fit, ts)).X;
  const evErr = meanL2(ev, teacherTrajectory(v, Xev, ts, 64)[2]!, 2);
  assert(evErr <= 1.1 * fit.trainErr + 0.01, `eval ${evErr} vs train ${fit.trainErr}`);
  // the loss the fit reports for the last interval is its endpoint error on the training set
  assertAlmostEquals(fit.lossPerInterval[1]!, fit.trainErr, 1e-12);
});

Deno.test("oracleMeanValueR: 1-D mean value theorem holds exactly; 2-D circle has no mean-value point", () => {
  // dx/dt = cos t from t = 2 to 1: some s has cos s = the mean slope
  const x = Float64Array.of(0), target = Float64Array.of(Math.sin(1) - Math.sin(2));
  const o = oracleMeanValueR((X, t) => X.map(() => Math.cos(t)), x, 2, 1, target, 2001);
  assert(o.err < 1e-3, `${o.err}`);
  // v(s) = (cos 2πs, sin 2πs) on [0, 1]: mean 0, but ‖v(s) − 0‖ = 1 for every s
  let best = Infinity;
  for (let i = 0; i <= 1000; i++) {
    best = Math.min(best, Math.hypot(Math.cos(2 * Math.PI * i / 1000), Math.sin(2 * Math.PI * i / 1000)));
  }
  assert(best >= 0.99);
});

Deno.test("trajectoryPca: a planar curve needs 2 components, a line 1", () => {
  const rng = createRng(7), d = 6, T = 30;
  const u = Float64Array.from({ length: d }, () => rng.normal()),
    w = Float64Array.from({ length: d }, () => rng.normal());
  const traj = Array.from({ length: T }, (_, t) => {
    const s = t / (T - 1);
    return Float64Array.from(
      { length: 2 * d },
      (_, i) => i < d ? 3 * s * u[i]! : s * u[i - d]! + Math.sin(3 * s) * w[i - d]!,
    );
  });
  const one = trajectoryPca(traj, d, 1), two = trajectoryPca(traj, d, 2);
  assert(two.relErr.every((e) => e < 1e-6), "2-D plane exact");
  assert(one.relErr.some((e) => e > 0.01), "one component is not enough for the curve");
  assert(two.evr[1]! > two.evr[0]! && Math.abs(two.evr[1]! - 1) < 1e-9);
  assertThrows(() => trajectoryPca(traj, d, 7), RangeError, "k must be");
  assertThrows(() => trajectoryPca([traj[0]!, new Float64Array(5)], d, 1), RangeError, "traj[1].length");
});

Deno.test("amed helpers: bad grids and shapes give clear errors", () => {
  const v = gmmVelocityField(ring8(), ve), X = new Float64Array(4);
  assertThrows(() => teacherTrajectory(v, X, Float64Array.of(1, 2), 4), RangeError, "strictly decreasing");
  assertThrows(() => teacherTrajectory(v, X, Float64Array.of(2, 1), 0), RangeError, "subSteps");
  assertThrows(() => fitAmedLite(v, X, Float64Array.of(2, 1), [X]), RangeError, "teacher.length");
  assertThrows(() => meanL2(X, new Float64Array(6), 2), RangeError, "B.length");
  assertThrows(() => logUniformGrid(1, 0, 3), RangeError, "t1");
  assertThrows(
    () => amedLitePredictor({ r: Float64Array.of(0.5), c: Float64Array.of(1) }, Float64Array.of(3, 2, 1)),
    RangeError,
    "fit.r/c",
  );
  const ok = odeSolve(v, X, Float64Array.of(2, 1), "euler");
  assertEquals(ok.nfe, 1);
});
