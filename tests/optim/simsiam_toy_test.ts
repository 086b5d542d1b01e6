import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { rk4 } from "@lib/core/ode.ts";
import { createRng } from "@lib/core/rng.ts";
import { adamwUpdate } from "@lib/optim/adamw.ts";
import { lionUpdate } from "@lib/optim/lion.ts";
import {
  SIMSIAM_VARIANTS,
  simsiamToyDiscrete,
  simsiamToyField,
  simsiamToyGrad,
  simsiamToyInvariant,
  simsiamToyLimit,
  simsiamToyLoss,
  simsiamToyTrajectory,
} from "@lib/optim/simsiam_toy.ts";

Deno.test("simsiamToyGrad: full = true gradient (finite differences); exact relations between variants", () => {
  const rng = createRng(1);
  for (let k = 0; k < 200; k++) {
    const phi = 3 * rng.normal(), theta = 3 * rng.normal(), h = 1e-5, r = phi * theta - theta;
    const full = simsiamToyGrad(phi, theta, "full");
    const fdPhi = (simsiamToyLoss(phi + h, theta) - simsiamToyLoss(phi - h, theta)) / (2 * h);
    const fdTheta = (simsiamToyLoss(phi, theta + h) - simsiamToyLoss(phi, theta - h)) / (2 * h);
    assert(Math.abs(full.dPhi - fdPhi) < 1e-8 * (1 + Math.abs(fdPhi)));
    assert(Math.abs(full.dTheta - fdTheta) < 1e-8 * (1 + Math.abs(fdTheta)));
    const sg = simsiamToyGrad(phi, theta, "stopGrad"), ex = simsiamToyGrad(phi, theta, "extraOnly");
    assertEquals(full.dTheta, sg.dTheta - r);
    assertEquals(ex.dTheta, -r);
    for (const g of [sg, full, ex]) assertEquals(g.dPhi, r * theta);
  }
});

Deno.test("rk4 on y' = −y, dt = 0.01, 100 steps: |y − 1/e| < 1e-9", () => {
  const y = rk4((y) => y.map((v) => -v), Float64Array.of(1), 0, 1, 100);
  assert(Math.abs(y[0]! - Math.exp(-1)) < 1e-9);
});

Deno.test("invariants stay constant along RK4 trajectories to 1e-8 relative (κ ∈ {1, 4, 32})", () => {
  for (const kappa of [1, 4, 32]) {
    for (const v of SIMSIAM_VARIANTS) {
      const tr = simsiamToyTrajectory(v, 0.6, 0.1, { t1: 40, dt: 0.001, every: 100, kappa });
      const c0 = simsiamToyInvariant(v, 0.6, 0.1, kappa);
      let drift = 0;
      for (let k = 0; k < tr.t.length; k++) {
        drift = Math.max(drift, Math.abs(simsiamToyInvariant(v, tr.phi[k]!, tr.theta[k]!, kappa) - c0));
      }
      assert(drift / Math.abs(c0) < 1e-8, `${v} κ=${kappa}: drift ${drift}`);
    }
  }
});

Deno.test("limits: RK4 at t = 400 matches simsiamToyLimit within 1e-4 (spec values)", () => {
  const expected: Record<number, [number, number][]> = { // [phi, theta] per variant
    1: [[1, 0.80623], [0.61270, 0], [0.605, 0]],
    4: [[1, 0.41231], [0.65359, 0], [0.62, 0]],
    32: [[1, 0.17321], [1, 0.07071], [0.76, 0]],
  };
  for (const kappa of [1, 4, 32]) {
    SIMSIAM_VARIANTS.forEach((v, i) => {
      const lim = simsiamToyLimit(v, 0.6, 0.1, kappa);
      const y = rk4(simsiamToyField(v, kappa), Float64Array.of(0.6, 0.1), 0, 400, 40_000);
      assertAlmostEquals(y[0]!, lim.phi, 1e-4);
      assertAlmostEquals(y[1]!, lim.theta, 1e-4);
      assertAlmostEquals(lim.phi, expected[kappa]![i]![0], 1e-5);
      assertAlmostEquals(lim.theta, expected[kappa]![i]![1], 1e-5);
      assertEquals(lim.collapsed, lim.theta === 0);
    });
  }
});

Deno.test("limits from random starts (both signs of θ, φ on both sides of 1) match RK4", () => {
  const rng = createRng(5);
  let checked = 0;
  for (let k = 0; k < 24; k++) {
    const phi0 = -1 + 3 * rng(),
      theta0 = (rng() < 0.5 ? -1 : 1) * (0.05 + rng()),
      kappa = [0.5, 1, 3][k % 3]!;
    for (const v of SIMSIAM_VARIANTS) {
      const c = simsiamToyInvariant(v, phi0, theta0, kappa);
      if (Math.abs(c) < 0.05 || Math.abs(c + 1 / kappa) < 0.05 || Math.abs(c - 2 / kappa) < 0.05) continue; // near thresholds: slow
      const lim = simsiamToyLimit(v, phi0, theta0, kappa);
      const y = rk4(simsiamToyField(v, kappa), Float64Array.of(phi0, theta0), 0, 200, 8000);
      assert(
        Math.abs(y[0]! - lim.phi) < 1e-3 && Math.abs(y[1]! - lim.theta) < 1e-3,
        `${v} ${phi0} ${theta0} ${kappa}: ${y} vs ${JSON.stringify(lim)}`,
      );
      checked++;
    }
  }
  assert(checked > 45, `checked ${checked}`);
});

Deno.test("two timescales: stopGrad never collapses; full collapses iff κ < κ* = (1 − φ0)²/θ0² = 16", () => {
  for (const kappa of [1, 2, 4, 8, 15.9, 16.1, 32, 128]) {
    assert(!simsiamToyLimit("stopGrad", 0.6, 0.1, kappa).collapsed);
    assertEquals(simsiamToyLimit("full", 0.6, 0.1, kappa).collapsed, kappa < 16);
    assertEquals(simsiamToyLimit("extraOnly", 0.6, 0.1, kappa).collapsed, kappa <= 80);
  }
});

Deno.test("R7: SGD lr 0.01 ≈ the flow's limits; Adam and SignSGD keep stopGrad alive, collapse full/extraOnly", () => {
  const sgd = (x: Float64Array, g: Float64Array) => x.forEach((_, i) => (x[i] = x[i]! - 0.01 * g[i]!));
  for (const v of SIMSIAM_VARIANTS) {
    const end = simsiamToyDiscrete(v, 0.6, 0.1, 20_000, sgd), lim = simsiamToyLimit(v, 0.6, 0.1);
    assert(
      Math.abs(end.phi - lim.phi) < 5e-3 && Math.abs(end.theta - lim.theta) < 5e-3,
      `${v}: ${JSON.stringify(end)}`,
    );
    const m = new Float64Array(2), s = new Float64Array(2), mm = new Float64Array(2);
    const adam = simsiamToyDiscrete(
      v,
      0.6,
      0.1,
      20_000,
      (x, g, t) => adamwUpdate(x, g, { m, v: s }, t, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 }),
    );
    const sign = simsiamToyDiscrete(
      v,
      0.6,
      0.1,
      20_000,
      (x, g) => lionUpdate(x, g, mm, { lr: 1e-3, beta1: 0, beta2: 0 }),
    );
    for (const end2 of [adam, sign]) {
      if (v === "stopGrad") assert(Math.abs(end2.theta) > 0.1, `${v}: ${JSON.stringify(end2)}`);
      else assert(Math.abs(end2.theta) < 1e-3, `${v}: ${JSON.stringify(end2)}`);
    }
  }
});

Deno.test("simsiam_toy: bad inputs throw with clear messages", () => {
  assertThrows(
    () => simsiamToyGrad(1, 1, "nope" as never),
    RangeError,
    'simsiamToyGrad: v must be "stopGrad", "full" or "extraOnly", got "nope"',
  );
  assertThrows(
    () => simsiamToyField("full", 0),
    RangeError,
    "simsiamToyField: kappa must be a positive number, got 0",
  );
  assertThrows(
    () => simsiamToyLimit("full", NaN, 1),
    RangeError,
    "simsiamToyLimit: phi0 must be a finite number, got NaN",
  );
  assertThrows(
    () => simsiamToyTrajectory("full", 0.6, 0.1, { t1: 1, dt: 0.01, every: 3 }),
    RangeError,
    "simsiamToyTrajectory: opts.t1 / opts.dt must be an integer multiple of opts.every = 3",
  );
  assertThrows(
    () => simsiamToyDiscrete("full", 0.6, 0.1, 5, (x) => x.fill(Infinity)),
    RangeError,
    "simsiamToyDiscrete: state after step 1 must be finite",
  );
});
