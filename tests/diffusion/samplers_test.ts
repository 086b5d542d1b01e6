import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { odeSolve, type OdeSolveMethod } from "@lib/core/ode_solve.ts";
import { grid25, ring8 } from "@lib/data/toy2d.ts";
import { gmmSample, makeGmm } from "@lib/prob/gmm.ts";
import {
  gmmAt,
  gmmEps,
  gmmVelocity,
  rectifiedFlowPath,
  suDdpmSchedule,
  vePath,
  vpCosinePath,
} from "@lib/diffusion/mod.ts";
import {
  afsSlope,
  afsSolve,
  amedSolve,
  ddimStep,
  ddpmSuStep,
  edmHeunSolve,
  gmmVelocityField,
} from "@lib/diffusion/samplers.ts";
import { logUniformGrid, meanL2 } from "@lib/diffusion/amed.ts";

const ve = vePath();

Deno.test("gmmVelocityField equals gmmVelocity on VE, VP and RF paths", () => {
  const rng = createRng(3);
  for (
    const [g, p, t] of [[grid25(), ve, 0.7], [ring8(), ve, 12], [ring8(), vpCosinePath(), 0.4], [
      grid25(),
      rectifiedFlowPath(),
      0.6,
    ]] as const
  ) {
    const X = Float64Array.from({ length: 200 }, () => 2 * rng.normal());
    const a = gmmVelocityField(g, p)(X, t), b = gmmVelocity(g, p, t, X);
    a.forEach((x, i) => assertAlmostEquals(x, b[i]!, 1e-10 * Math.max(1, Math.abs(b[i]!))));
  }
});

// error of a sampler on the exact ring8 VE velocity from σ = 10 to σ = 0.5, against RK4 with 1024 log steps
const g = ring8(), v = gmmVelocityField(g, ve);
const X0 = gmmSample(gmmAt(g, ve, 10), 40, createRng(5));
const ref = odeSolve(v, X0, logUniformGrid(10, 0.5, 1024), "rk4").y;
function errors(method: OdeSolveMethod, Ns: number[]): number[] {
  return Ns.map((N) => meanL2(odeSolve(v, X0, logUniformGrid(10, 0.5, N), method).y, ref, 2));
}
function fitSlope(Ns: number[], errs: number[]): number {
  const xs = Ns.map((N) => -Math.log(N)), ys = errs.map(Math.log), k = Ns.length;
  const mx = xs.reduce((a, b) => a + b) / k, my = ys.reduce((a, b) => a + b) / k;
  let num = 0, den = 0;
  for (let i = 0; i < k; i++) (num += (xs[i]! - mx) * (ys[i]! - my)), (den += (xs[i]! - mx) ** 2);
  return num / den;
}

Deno.test("exact GMM velocity: Euler error halves, Heun/dpm2 error quarters per halving of the step", () => {
  const Ns = [16, 32, 64, 128];
  const eu = errors("euler", Ns), he = errors("heun", Ns), dp = errors("dpm2", Ns);
  assertAlmostEquals(fitSlope(Ns, eu), 1, 0.25);
  assertAlmostEquals(fitSlope(Ns, he), 2, 0.25);
  assertAlmostEquals(fitSlope(Ns, dp), 2, 0.25);
  for (let i = 1; i < Ns.length; i++) {
    const rE = eu[i - 1]! / eu[i]!, rH = he[i - 1]! / he[i]!;
    assert(rE > 1.6 && rE < 2.5, `Euler ratio ${rE}`);
    assert(rH > 3 && rH < 5.5, `Heun ratio ${rH}`);
  }
});

Deno.test("amedSolve: r = ½, c = 1 is dpm2; r = 0, c = 1 is Euler; NFE 2K and 2K − 1 with AFS", () => {
  const ts = Float64Array.of(80, 10, 1, 0.1, 0.002);
  const a = amedSolve(v, X0, ts, () => ({ r: 0.5, c: 1 })), b = odeSolve(v, X0, ts, "dpm2");
  a.X.forEach((x, i) => assertAlmostEquals(x, b.y[i]!, 1e-12));
  assertEquals([a.nfe, b.nfe], [8, 8]);
  const e = amedSolve(v, X0, ts, () => ({ r: 0, c: 1 })), eu = odeSolve(v, X0, ts, "euler");
  e.X.forEach((x, i) => assertAlmostEquals(x, eu.y[i]!, 1e-12));
  assertEquals(amedSolve(v, X0, ts, () => ({ r: 0.5, c: 1 }), { afs: true }).nfe, 7);
  // per-sample r equal to the shared value gives the same result
  const per = amedSolve(v, X0, ts, () => ({ r: new Float64Array(40).fill(0.5), c: 1 }));
  per.X.forEach((x, i) => assertAlmostEquals(x, b.y[i]!, 1e-12));
  assertEquals(per.nfe, 8);
});

Deno.test("afsSolve: first slope x/√(1+t²), one NFE saved", () => {
  const ts = Float64Array.of(80, 5, 0.5);
  const r = afsSolve(v, X0, ts, "heun");
  assertEquals(r.nfe, 3);
  const k1 = afsSlope(X0, 80), Xp = X0.map((x, i) => x - 75 * k1[i]!), k2 = v(Xp, 5);
  const X1 = X0.map((x, i) => x - 37.5 * (k1[i]! + k2[i]!));
  const rest = odeSolve(v, X1, ts.subarray(1), "heun").y;
  r.X.forEach((x, i) => assertAlmostEquals(x, rest[i]!, 1e-12));
  assertEquals(afsSolve(v, X0, ts, "euler").nfe, 1);
  assertEquals(afsSolve(v, X0, ts, "dpm2").nfe, 3);
});

Deno.test("edmHeunSolve: Heun then a final Euler step, 2K − 1 NFE (2K − 2 with AFS)", () => {
  const ts = Float64Array.of(80, 10, 1, 0.1);
  const r = edmHeunSolve(v, X0, ts), a = edmHeunSolve(v, X0, ts, { afs: true });
  assertEquals([r.nfe, a.nfe], [5, 4]);
  const head = odeSolve(v, X0, ts.subarray(0, 3), "heun").y,
    want = odeSolve(v, head, ts.subarray(2), "euler").y;
  r.X.forEach((x, i) => assertAlmostEquals(x, want[i]!, 1e-12));
  const one = edmHeunSolve(v, X0, Float64Array.of(5, 1));
  assertEquals(one.nfe, 1);
  assertThrows(() => edmHeunSolve(v, X0, Float64Array.of(1, 5)), RangeError, "strictly decreasing");
});

Deno.test("ddimStep: η = 0 on VE is an Euler step; η = 1 mean is the DDPM posterior mean", () => {
  const X = Float64Array.of(0.3, -1.2, 2.5, 0.1), eps = gmmEps(g, ve, 3, X);
  const y = ddimStep(X, eps, ve, 3, 1.2, 0), vel = gmmVelocity(g, ve, 3, X);
  y.forEach((x, i) => assertAlmostEquals(x, X[i]! + (1.2 - 3) * vel[i]!, 1e-12));
  const p = vpCosinePath(), t = 0.7, s = 0.4, at = p.a(t), bt = p.b(t), as = p.a(s), bs = p.b(s);
  const Z = new Float64Array(4), m = ddimStep(X, eps, p, t, s, 1, Z);
  const al = at / as, b2 = bt * bt - al * al * bs * bs;
  X.forEach((x, i) => {
    const x0 = (x - bt * eps[i]!) / at;
    assertAlmostEquals(m[i]!, (al * bs * bs / (bt * bt)) * x + (as * b2 / (bt * bt)) * x0, 1e-12);
  });
});

Deno.test("ddimStep η = 1 with the exact ε of an atom keeps the marginal p_s (seeded, 20 000 draws)", () => {
  // for an atom x̂0 is exact, so the step samples q(x_s | x_t, x_0) and x_s ~ p_s
  const one = makeGmm([1], [[1.5]], 0), p = vpCosinePath(), rng = createRng(9), n = 20000;
  const Xt = gmmSample(gmmAt(one, p, 0.8), n, rng), Z = Float64Array.from({ length: n }, () => rng.normal());
  const Xs = ddimStep(Xt, gmmEps(one, p, 0.8, Xt), p, 0.8, 0.3, 1, Z);
  const mu = Xs.reduce((a, b) => a + b) / n, va = Xs.reduce((a, b) => a + (b - mu) ** 2, 0) / (n - 1);
  const want = gmmAt(one, p, 0.3);
  assertAlmostEquals(mu, want.means[0]!, 4 * Math.sqrt(want.vars[0]! / n));
  assertAlmostEquals(va, want.vars[0]!, 0.05 * want.vars[0]!);
});

Deno.test("ddpmSuStep: mean equals the DDPM posterior mean through x̂0", () => {
  const sch = suDdpmSchedule(100), t = 37, X = Float64Array.of(0.7, -0.4), eps = Float64Array.of(0.2, 1.1);
  const y = ddpmSuStep(X, eps, sch, t, new Float64Array(2));
  const aT = sch.barAlpha[t]!, bT = sch.barBeta[t]!, aS = sch.barAlpha[t - 1]!, bS = sch.barBeta[t - 1]!;
  X.forEach((x, i) => {
    const x0 = (x - bT * eps[i]!) / aT;
    const mean = (aS * sch.beta[t]! ** 2 / bT ** 2) * x0 + (sch.alpha[t]! * bS ** 2 / bT ** 2) * x;
    assertAlmostEquals(y[i]!, mean, 1e-12);
  });
});

Deno.test("samplers: bad input gives clear errors", () => {
  const ts = Float64Array.of(4, 2, 1);
  assertThrows(
    () => amedSolve(v, X0, Float64Array.of(1, 2), () => ({ r: 0.5, c: 1 })),
    RangeError,
    "strictly decreasing",
  );
  assertThrows(() => amedSolve(v, X0, Float64Array.of(1), () => ({ r: 0.5, c: 1 })), RangeError, "≥ 2 times");
  assertThrows(() => amedSolve(v, X0, ts, () => ({ r: 1.5, c: 1 })), RangeError, "r must be in [0, 1]");
  assertThrows(
    () => amedSolve(v, X0, ts, () => ({ r: new Float64Array(3), c: 1 })),
    RangeError,
    "r/c length",
  );
  assertThrows(
    () => amedSolve(() => new Float64Array(3), X0, ts, () => ({ r: 0.5, c: 1 })),
    RangeError,
    "v(X, t)",
  );
  assertThrows(() => afsSolve(v, X0, Float64Array.of(1, 1), "heun"), RangeError, "strictly decreasing");
  assertThrows(() => afsSolve(v, X0, ts, "rk5" as OdeSolveMethod), RangeError, "method");
  assertThrows(() => gmmVelocityField(g, ve)(Float64Array.of(1, 2, 3), 1), RangeError, "multiple of d = 2");
  assertThrows(
    () => ddimStep(Float64Array.of(1), Float64Array.of(1, 2), ve, 2, 1, 0),
    RangeError,
    "epsHat.length",
  );
  assertThrows(
    () => ddimStep(Float64Array.of(1), Float64Array.of(1), ve, 1, 2, 0),
    RangeError,
    "s must be < t",
  );
  assertThrows(() => ddimStep(Float64Array.of(1), Float64Array.of(1), ve, 2, 1, 0.5), RangeError, "Z.length");
  assertThrows(
    () => ddpmSuStep(Float64Array.of(1), Float64Array.of(1), suDdpmSchedule(10), 0, Float64Array.of(0)),
    RangeError,
    "t must be",
  );
});
