import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { logsumexp } from "@lib/core/special.ts";
import {
  diracMixStep,
  entropyFunctional,
  fokkerPlanckStep,
  grid1d,
  gridIntegral,
  klDissipation,
  klGrid,
  pushForward1d,
} from "@lib/prob/flows1d.ts";

const normal = (m: number, v: number) => (x: number) =>
  Math.exp(-((x - m) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v);
const bimodalLogq = (x: number) =>
  logsumexp([Math.log(normal(-2, 0.25)(x) / 2 + 1e-300), Math.log(normal(2, 0.25)(x) / 2 + 1e-300)]);
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

Deno.test("grid functionals: entropy and KL of Gaussians match closed forms", () => {
  const g = grid1d(-12, 12, 4801);
  const p = g.x.map(normal(0, 1)), q = g.x.map(normal(1, 4));
  assertAlmostEquals(gridIntegral(p, g), 1, 1e-12);
  assertAlmostEquals(entropyFunctional(p, g), -0.5 * Math.log(2 * Math.PI * Math.E), 1e-10);
  const kl = 0.5 * (1 / 4 + 1 / 4 - 1 + Math.log(4)); // KL(N(0,1) ‖ N(1,4))
  assertAlmostEquals(klGrid(p, q, g), kl, 1e-10);
  assertEquals(klGrid([1, 1], [1, 0], grid1d(0, 1, 2)), Infinity);
  assertThrows(
    () => klGrid([1, -1], [1, 1], grid1d(0, 1, 2)),
    RangeError,
    "klGrid: p[1] must be ≥ 0 (a density)",
  );
  assertThrows(() => grid1d(1, 0, 3), RangeError, "grid1d: b must be > a = 1, got 0");
});

Deno.test("pushForward1d: second-order agreement with p + η(pμ)', integrates to 1", () => {
  const p = normal(0, 1), mu = Math.sin, dmu = Math.cos;
  const xs = grid1d(-5, 5, 2001).x;
  const err = (eta: number) => {
    const exact = pushForward1d(p, mu, dmu, eta, xs);
    const first = xs.map((x) => p(x) + eta * (p(x) * Math.cos(x) - x * p(x) * Math.sin(x)));
    return maxAbs(exact, first);
  };
  const e = [0.1, 0.05, 0.025, 0.0125].map(err);
  assertAlmostEquals(e[0]!, 1.42e-3, 1e-5);
  for (let i = 0; i + 1 < e.length; i++) {
    const r = e[i]! / e[i + 1]!;
    assert(r >= 3.6 && r <= 4.4, `ratio ${r}`);
  }
  const g = grid1d(-8, 8, 16001);
  assertAlmostEquals(gridIntegral(pushForward1d(p, mu, dmu, 0.3, g.x), g), 1, 1e-6);
});

Deno.test("eq. 12: the difference quotient of ∫p log p under x → x + ημ equals E[x sin x] = e^{-1/2}", () => {
  const g = grid1d(-12, 12, 24001), p = normal(0, 1);
  const eta = 1e-4, f0 = entropyFunctional(g.x.map(p), g);
  const f1 = entropyFunctional(pushForward1d(p, Math.sin, Math.cos, eta, g.x), g);
  assertAlmostEquals((f1 - f0) / eta, Math.exp(-0.5), 1e-4);
});

Deno.test("diracMixStep: the old road — actual ΔF turns positive as the grid is refined", () => {
  const pf = (x: number) => 1 + 0.5 * Math.cos(2 * Math.PI * x);
  const step = (n: number) => {
    const g = grid1d(0, 1, n, "cells");
    return diracMixStep(g.x.map(pf), g, 0.01);
  };
  const s10 = step(10);
  assert(s10.actual < 0 && s10.predicted < 0, JSON.stringify(s10));
  assertAlmostEquals(s10.actual, -0.00624, 1e-5);
  for (const n of [1000, 10000, 100000]) {
    const s = step(n);
    assert(s.actual > 0 && s.predicted < 0, `n=${n}: ${JSON.stringify(s)}`);
    assertAlmostEquals(s.predicted, -0.00758, 1e-5);
  }
});

Deno.test("fokkerPlanckStep on flat q: heat equation, N(0,1) → N(0,1+2t)", () => {
  const g = grid1d(-10, 10, 401), dt = 0.2 * g.h * g.h, flat = new Float64Array(401);
  let p: Float64Array = g.x.map(normal(0, 1));
  const steps = Math.round(1 / dt);
  for (let s = 0; s < steps; s++) p = fokkerPlanckStep(p, flat, g, dt);
  const t = steps * dt;
  assert(maxAbs(p, g.x.map(normal(0, 1 + 2 * t))) < 1e-4);
  assertAlmostEquals(entropyFunctional(p, g), -0.5 * Math.log(2 * Math.PI * Math.E * (1 + 2 * t)), 1e-3);
  assertAlmostEquals(klDissipation(p, flat, g), 1 / (1 + 2 * t), 1e-3); // Fisher information
});

Deno.test("fokkerPlanckStep: KL flow to a bimodal q — mass, positivity, monotone KL, exact steady state", () => {
  const g = grid1d(-6, 6, 241), dt = 0.2 * g.h * g.h;
  const logq = g.x.map(bimodalLogq), q = logq.map(Math.exp);
  let p: Float64Array = g.x.map(normal(0, 0.09));
  const m0 = gridIntegral(p, g);
  let kl = klGrid(p, q, g), t = 0, monotone = true, minP = Infinity, massErr = 0;
  const kl0 = kl;
  while (t < 1.5 - 1e-12) {
    const next = fokkerPlanckStep(p, logq, g, dt);
    massErr = Math.max(massErr, Math.abs(gridIntegral(next, g) - gridIntegral(p, g)));
    p = next;
    t += dt;
    const k = klGrid(p, q, g);
    if (k > kl) monotone = false;
    kl = k;
    minP = Math.min(minP, ...p);
  }
  assert(massErr < 1e-12 && Math.abs(gridIntegral(p, g) - m0) < 1e-10, `mass ${massErr}`);
  assert(minP > 0 && monotone, `min p ${minP}`);
  assert(kl0 > 6 && kl < 0.01, `KL ${kl0} → ${kl}`);
  // the discrete dissipation is the exact rate of the semi-discrete flow
  const i0 = klDissipation(p, logq, g), k0 = klGrid(p, q, g);
  const k1 = klGrid(fokkerPlanckStep(p, logq, g, 1e-6), q, g);
  assertAlmostEquals((k1 - k0) / 1e-6, -i0, 1e-6 + 1e-4 * i0);
  // q itself (normalised on the grid) does not move
  const qn = q.map((v) => v / gridIntegral(q, g));
  let r: Float64Array = qn;
  for (let s = 0; s < 4000; s++) r = fokkerPlanckStep(r, logq, g, dt);
  assert(maxAbs(r, qn) < 1e-10, `drift ${maxAbs(r, qn)}`);
});

Deno.test("fokkerPlanckStep: validation", () => {
  const g = grid1d(0, 1, 3);
  assertThrows(() => fokkerPlanckStep([1, 1], [0, 0, 0], g, 0.1), RangeError, "p.length must be 3, got 2");
  assertThrows(
    () => fokkerPlanckStep([1, 1, 1], [0, 0, 0], g, 0),
    RangeError,
    "dt must be a positive number",
  );
  assertThrows(
    () => fokkerPlanckStep([1, 1, 1], [0, NaN, 0], g, 0.1),
    RangeError,
    "logq[1] must be a finite number",
  );
});
