import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import {
  averageLossAt,
  averageLossCurve,
  averageRegret,
  ballOptimalityGap,
  bestFixedInBall,
  logisticStream,
  projectBall,
  projectBox,
  projectionSlack,
  regretBound,
  regretBoundClosedForms,
  runAverageLossCurve,
  runConstants,
  runOnlineSgd,
  sumInvSqrt,
  tanhUnitStream,
} from "@lib/optim/online_sgd.ts";

const norm = (x: ArrayLike<number>) => Math.hypot(...Array.from(x));

Deno.test("regretBound: constant η = D/(G√T) gives DG/√T; η_t = 1/√t stays below the closed form", () => {
  for (const T of [1, 100, 10_000]) {
    const etas = new Float64Array(T).fill(4 / Math.sqrt(T));
    assertAlmostEquals(regretBound(4, 1, etas), 4 / Math.sqrt(T), 1e-12);
    // any other constant rate gives a larger bound (AM-GM)
    assert(regretBound(4, 1, new Float64Array(T).fill(3 / Math.sqrt(T))) > 4 / Math.sqrt(T));
    const dec = Float64Array.from({ length: T }, (_, i) => 2 / Math.sqrt(i + 1));
    assert(regretBound(4, 1, dec) < regretBoundClosedForms(4, 1, T, 2).invSqrt);
  }
});

Deno.test("sumInvSqrt ≤ 2√T − 1 for T = 1..1e5 with equality at T = 1; sumInvSqrt(100) = 18.5896", () => {
  let s = 0;
  for (let T = 1; T <= 100_000; T++) {
    s += 1 / Math.sqrt(T);
    assert(s <= 2 * Math.sqrt(T) - 1 + 1e-12, `T = ${T}`);
  }
  assertAlmostEquals(sumInvSqrt(1), 1, 1e-12);
  assertAlmostEquals(sumInvSqrt(100), 18.5896, 1e-4);
  assertAlmostEquals(sumInvSqrt(100_000), s, 1e-9);
});

Deno.test("projectBall / projectBox: identity inside, radial scaling / clipping outside", () => {
  const inside = Float64Array.of(0.5, -0.5, 1);
  assertEquals(Array.from(projectBall(inside, 2)), Array.from(inside));
  const out = projectBall(Float64Array.of(3, 0, 4), 2);
  assertAlmostEquals(norm(out), 2, 1e-15);
  assertAlmostEquals(out[0]! / out[2]!, 0.75, 1e-15);
  const c = Float64Array.of(1, 1, 1);
  assertAlmostEquals(norm(projectBall(Float64Array.of(5, 1, 1), 1, c).map((v, i) => v - c[i]!)), 1, 1e-15);
  assertEquals(Array.from(projectBox(Float64Array.of(-3, 0.2, 9), -1, 1)), [-1, 0.2, 1]);
});

Deno.test("Eq. 11 (inner ≥ 0 and the Pythagoras inequality) on 1e4 random pairs, ball and box", () => {
  const rng = createRng(11);
  const sets = [
    { proj: (x: Float64Array) => projectBall(x, 2), inside: (x: Float64Array) => norm(x) <= 2 + 1e-12 },
    {
      proj: (x: Float64Array) => projectBox(x, -1, 1),
      inside: (x: Float64Array) => x.every((v) => Math.abs(v) <= 1),
    },
  ];
  for (const s of sets) {
    let worst = Infinity, tight = 0;
    for (let k = 0; k < 10_000; k++) {
      const phi = Float64Array.from({ length: 3 }, () => 4 * rng.normal());
      const theta = s.proj(Float64Array.from({ length: 3 }, () => 2 * rng.normal()));
      assert(s.inside(theta));
      const { inner, pythagoras } = projectionSlack(phi, theta, s.proj);
      worst = Math.min(worst, inner, pythagoras);
      assertAlmostEquals(pythagoras, 2 * inner, 1e-9 * (1 + Math.abs(inner)));
      tight = Math.max(tight, inner);
    }
    assert(worst >= -1e-12, `worst slack ${worst}`);
    assert(tight > 0);
  }
  // a map into the ball that is not the nearest point (everything sent to the x axis) violates it
  const bad = projectionSlack(
    Float64Array.of(0, 4),
    Float64Array.of(0, 1.9),
    (x) => Float64Array.of(Math.min(2, norm(x)), 0),
  );
  assert(bad.inner < 0);
});

Deno.test("logisticStream: unit inputs, gradient = finite differences, labels follow σ(scale w·x)", () => {
  const p = logisticStream({ dim: 5, T: 4000, scale: 3, seed: 7 });
  assertAlmostEquals(norm(p.w), 1, 1e-12);
  for (let t = 0; t < p.length; t++) assertAlmostEquals(norm(p.xs.subarray(5 * t, 5 * t + 5)), 1, 1e-12);
  const rng = createRng(1);
  for (let t = 1; t <= 20; t++) {
    const theta = Float64Array.from({ length: 5 }, () => rng.normal());
    const { grad } = p.lossGrad(theta, t);
    const h = 1e-6;
    const fd = grad.map((_, i) => {
      const a = Float64Array.from(theta), b = Float64Array.from(theta);
      a[i] = a[i]! + h;
      b[i] = b[i]! - h;
      return (p.lossGrad(a, t).loss - p.lossGrad(b, t).loss) / (2 * h);
    });
    assert(norm(fd.map((v, i) => v - grad[i]!)) / norm(grad) < 1e-7);
    assert(norm(grad) <= 1 + 1e-12);
  }
  // positive labels are far more frequent where w·x > 0.5 (σ(1.5) ≈ 0.82) than where w·x < −0.5
  let hi = 0, nHi = 0, lo = 0, nLo = 0;
  for (let t = 0; t < p.length; t++) {
    let z = 0;
    for (let i = 0; i < 5; i++) z += p.w[i]! * p.xs[5 * t + i]!;
    if (z > 0.5) (nHi++, hi += p.ys[t]!);
    if (z < -0.5) (nLo++, lo += p.ys[t]!);
  }
  assert(hi / nHi > 0.8 && lo / nLo < 0.2, `${hi / nHi} ${lo / nLo}`);
});

Deno.test("bestFixedInBall is optimal: certified gap, beats 1000 random points of the ball and 0", () => {
  const p = logisticStream({ dim: 5, T: 300, scale: 3, seed: 5 });
  const best = bestFixedInBall(p, 300, 2);
  assert(norm(best) <= 2 + 1e-12);
  const fBest = averageLossAt(p, best, 300);
  assert(ballOptimalityGap(p, best, 300, 2) < 1e-9);
  assert(fBest <= averageLossAt(p, new Float64Array(5), 300));
  const rng = createRng(9);
  for (let k = 0; k < 1000; k++) {
    const g = Float64Array.from({ length: 5 }, () => rng.normal());
    const r = 2 * Math.pow(rng(), 1 / 5);
    const pt = g.map((v) => (v / norm(g)) * r);
    assert(fBest <= averageLossAt(p, pt, 300) + 1e-12);
  }
  // the gap certifies: it is positive at a bad point and bounds its excess loss
  const bad = Float64Array.of(-1, 0, 0, 0, 0);
  assert(averageLossAt(p, bad, 300) - fBest <= ballOptimalityGap(p, bad, 300, 2));
});

Deno.test("the theorem: projected SGD's average regret ≤ bound at every horizon (logistic, d = 5)", () => {
  const p = logisticStream({ dim: 5, T: 2000, scale: 3, seed: 3 });
  const proj = (x: Float64Array) => projectBall(x, 2);
  const rng = createRng(4);
  const comps = Array.from({ length: 20 }, () => proj(Float64Array.from({ length: 5 }, () => rng.normal())));
  const decaying = runOnlineSgd(p, { T: 2000, eta: (t) => 1 / Math.sqrt(t), project: proj });
  for (const T of [10, 100, 1000, 2000]) {
    const star = bestFixedInBall(p, T, 2);
    const bound = regretBound(4, 1, decaying.etas.subarray(0, T));
    for (const c of [star, ...comps]) assert(averageRegret(decaying, p, c, T) <= bound);
    const eta = 4 / Math.sqrt(T);
    const constant = runOnlineSgd(p, { T, eta: () => eta, project: proj });
    assert(averageRegret(constant, p, star, T) <= 4 / Math.sqrt(T));
    for (const th of constant.thetas) assert(norm(th) <= 2 + 1e-12);
  }
  // first proof (no projection): run-measured D, G
  const free = runOnlineSgd(p, { T: 2000, eta: (t) => 1 / Math.sqrt(t) });
  const star = bestFixedInBall(p, 2000, 2);
  const { D, G } = runConstants(free, star, 2000);
  assert(G <= 1 && D > 0);
  assert(averageRegret(free, p, star, 2000) <= regretBound(D, G, free.etas));
});

Deno.test("the bound can fail without convexity: tanh unit stuck at its saddle", () => {
  const p = tanhUnitStream({ T: 400, a: 1.5, b: 1, xMax: 2, seed: 0 });
  const run = runOnlineSgd(p, { T: 400, eta: (t) => 1 / Math.sqrt(t) });
  assert(run.thetas.every((th) => th[0] === 0 && th[1] === 0));
  const teacher = Float64Array.of(1.5, 1);
  assertAlmostEquals(averageLossAt(p, teacher, 400), 0, 1e-15);
  const { D, G } = runConstants(run, teacher, 400);
  assertEquals(G, 0); // the run meets zero gradients only, so its own bound is D²/(2Tη_T)
  assert(averageRegret(run, p, teacher, 400) > regretBound(D, G, run.etas));
});

Deno.test("curves: one pass equals per-horizon averages; regret = run curve − comparator curve", () => {
  const p = logisticStream({ dim: 3, T: 500, scale: 3, seed: 8 });
  const run = runOnlineSgd(p, { T: 500, eta: (t) => 1 / Math.sqrt(t), project: (x) => projectBall(x, 2) });
  const c = Float64Array.of(0.5, -0.2, 1), Ts = [1, 7, 50, 500];
  const comp = averageLossCurve(p, c, Ts), mine = runAverageLossCurve(run, Ts);
  Ts.forEach((T, i) => {
    assertAlmostEquals(comp[i]!, averageLossAt(p, c, T), 1e-13);
    assertAlmostEquals(mine[i]! - comp[i]!, averageRegret(run, p, c, T), 1e-13);
  });
  assertThrows(
    () => averageLossCurve(p, c, [5, 5]),
    RangeError,
    "averageLossCurve: Ts[1] must be an integer in [6, 500], got 5",
  );
});

Deno.test("online_sgd: bad inputs throw with clear messages", () => {
  assertThrows(
    () => projectBall(Float64Array.of(1), 0),
    RangeError,
    "projectBall: radius must be a positive number, got 0",
  );
  assertThrows(
    () => projectBox(Float64Array.of(1), 1, 0),
    RangeError,
    "projectBox: hi must be ≥ lo = 1, got 0",
  );
  assertThrows(
    () => regretBound(1, 1, [0.5, 0.6]),
    RangeError,
    "regretBound: etas[1] must be ≤ etas[0] = 0.5 (non-increasing), got 0.6",
  );
  assertThrows(() => regretBound(1, 1, []), RangeError, "regretBound: etas.length must be ≥ 1, got 0");
  assertThrows(() => sumInvSqrt(0), RangeError, "sumInvSqrt: T must be an integer ≥ 1, got 0");
  const p = logisticStream({ dim: 2, T: 5, scale: 1, seed: 0 });
  assertThrows(
    () => runOnlineSgd(p, { T: 6, eta: () => 1 }),
    RangeError,
    "runOnlineSgd: T must be an integer in [1, 5], got 6",
  );
  assertThrows(
    () => runOnlineSgd(p, { T: 5, eta: () => 0 }),
    RangeError,
    "runOnlineSgd: cfg.eta(1) must be a positive number, got 0",
  );
  assertThrows(
    () => averageLossAt(p, new Float64Array(3), 5),
    RangeError,
    "averageLossAt: theta.length must be 2, got 3",
  );
  assertThrows(
    () => logisticStream({ dim: 0, T: 5, scale: 1, seed: 0 }),
    RangeError,
    "logisticStream: cfg.dim must be an integer ≥ 1",
  );
  assertThrows(
    () => ballOptimalityGap(p, Float64Array.of(3, 0), 5, 2),
    RangeError,
    "ballOptimalityGap: ‖theta‖ must be ≤ radius = 2, got 3",
  );
});
