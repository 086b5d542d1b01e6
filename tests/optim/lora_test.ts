import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { gaussianMatrix, matmul, type Matrix, matrix, scale, sub, transpose } from "@lib/core/matrix.ts";
import { maxAbsDiff } from "@lib/core/array.ts";
import {
  l1GradExpectation,
  l1GradRatio,
  l1RatioPrediction,
  loraFiniteDiff,
  loraForward,
  loraGrads,
  loraMse,
  loraPlusHeuristic,
  lowRankRelErr,
  signStepLossChange,
  trainLoraToy,
  trainLoraToyGroup,
} from "@lib/optim/lora.ts";

const l1 = (x: Float64Array) => x.reduce((s, v) => s + Math.abs(v), 0);
const maxAbs = (x: Float64Array) => x.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
const frob2 = (a: Matrix) => a.data.reduce((s, v) => s + v * v, 0);

/** The notebook's step-2 example: b = 8, n = 12, r = 3, m = 10. */
function example(seed = 7) {
  const rng = createRng(seed);
  return {
    X: gaussianMatrix(8, 12, rng),
    A: gaussianMatrix(12, 3, rng, Math.sqrt(1 / 12)),
    B: gaussianMatrix(3, 10, rng, Math.sqrt(1 / 3)),
    T: gaussianMatrix(8, 10, rng),
  };
}

Deno.test("loraGrads agrees with central finite differences (h = 1e-6) to relative error < 1e-6", () => {
  const { X, A, B, T } = example();
  const { dY } = loraMse(X, A, B, T);
  const g = loraGrads(X, A, B, dY), fd = loraFiniteDiff(X, A, B, T, 1e-6);
  const ea = maxAbsDiff(g.gA.data, fd.gA.data) / maxAbs(fd.gA.data);
  const eb = maxAbsDiff(g.gB.data, fd.gB.data) / maxAbs(fd.gB.data);
  assert(ea < 1e-6 && eb < 1e-6, `relative errors ${ea}, ${eb}`);
  assert(maxAbs(fd.gA.data) > 1e-2 && maxAbs(fd.gB.data) > 1e-2, "non-trivial gradients");
});

Deno.test("loraGrads equals the article's matrix formulas Xᵀ dY Bᵀ and Aᵀ Xᵀ dY (dense reference)", () => {
  const rng = createRng(11);
  const X = gaussianMatrix(5, 7, rng), A = gaussianMatrix(7, 2, rng), B = gaussianMatrix(2, 9, rng);
  const dY = gaussianMatrix(5, 9, rng);
  const { gA, gB } = loraGrads(X, A, B, dY);
  const refA = matmul(matmul(transpose(X), dY), transpose(B));
  const refB = matmul(matmul(transpose(A), transpose(X)), dY);
  assert(maxAbsDiff(gA.data, refA.data) < 1e-12);
  assert(maxAbsDiff(gB.data, refB.data) < 1e-12);
  assertEquals([gA.rows, gA.cols, gB.rows, gB.cols], [7, 2, 2, 9]);
  const y = loraForward(X, A, B), refY = matmul(matmul(X, A), B);
  assert(maxAbsDiff(y.data, refY.data) < 1e-12);
});

Deno.test("loraMse: loss and dY = 2(Y − T)/(bm) by hand", () => {
  const { X, A, B, T } = example(3);
  const { loss, dY } = loraMse(X, A, B, T);
  const e = sub(loraForward(X, A, B), T);
  assertAlmostEquals(loss, frob2(e) / 80, 1e-14);
  assert(maxAbsDiff(dY.data, scale(e, 2 / 80).data) < 1e-15);
});

Deno.test("loraGrads never forms an n×m matrix: n = m = 4096, r = 4, b = 16 in < 50 ms", () => {
  const rng = createRng(5);
  const X = gaussianMatrix(16, 4096, rng), A = gaussianMatrix(4096, 4, rng, 1 / 64);
  const B = gaussianMatrix(4, 4096, rng, 0.5), dY = gaussianMatrix(16, 4096, rng);
  loraGrads(X, A, B, dY); // warm-up (JIT)
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    loraGrads(X, A, B, dY);
    best = Math.min(best, performance.now() - t0);
  }
  assert(best < 50, `best of 5: ${best.toFixed(1)} ms`);
});

Deno.test("loraPlusHeuristic: (n/m)√(n/r); LoRA+'s r = 8, n = 768 … 4096 brackets 16", () => {
  assertAlmostEquals(loraPlusHeuristic(768, 768, 8), 9.798, 1e-3);
  assertAlmostEquals(loraPlusHeuristic(4096, 4096, 8), 22.627, 1e-3);
  assertAlmostEquals(loraPlusHeuristic(256, 64, 4), 32, 1e-12);
  assertEquals(l1RatioPrediction(256, 64, 4), 16);
  assertEquals(l1RatioPrediction(64, 64, 4), loraPlusHeuristic(64, 64, 4)); // equal when m = n
  assert(loraPlusHeuristic(768, 768, 8) < 16 && 16 < loraPlusHeuristic(4096, 4096, 8));
});

Deno.test("l1GradRatio(n, n, 4, 32, 5) is within 15% of √(n/4); log–log slope over n = 64…1024 in [0.4, 0.6]", () => {
  const ns = [64, 128, 256, 512, 1024];
  const q = ns.map((n) => l1GradRatio(n, n, 4, 32, 5, createRng(100 + n)));
  for (const n of [64, 256, 1024]) {
    const v = q[ns.indexOf(n)]!;
    assert(Math.abs(v / Math.sqrt(n / 4) - 1) < 0.15, `n = ${n}: ${v} vs ${Math.sqrt(n / 4)}`);
  }
  const xs = ns.map(Math.log), ys = q.map(Math.log);
  const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
  const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) /
    xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  assert(slope >= 0.4 && slope <= 0.6, `slope ${slope}`);
});

Deno.test("l1GradRatio for m ≠ n follows n/√(rm), not the article's (n/m)√(n/r)", () => {
  const v = l1GradRatio(256, 64, 4, 32, 5, createRng(9));
  assert(Math.abs(v / 16 - 1) < 0.15, `${v} vs n/√(rm) = 16`);
  assert(Math.abs(v / 32 - 1) > 0.25, `${v} vs (n/m)√(n/r) = 32`);
  const w = l1GradRatio(64, 256, 4, 32, 5, createRng(10));
  assert(Math.abs(w / l1RatioPrediction(64, 256, 4) - 1) < 0.15, `${w} vs 2`);
});

Deno.test("l1GradExpectation is the exact mean over dY ~ N(0, 1) (Monte Carlo, 2000 draws, 2%)", () => {
  const rng = createRng(21);
  const X = gaussianMatrix(6, 20, rng), A = gaussianMatrix(20, 3, rng, Math.sqrt(1 / 20));
  const B = gaussianMatrix(3, 15, rng, Math.sqrt(1 / 3));
  const e = l1GradExpectation(X, A, B);
  let sa = 0, sb = 0;
  const N = 2000;
  for (let k = 0; k < N; k++) {
    const { gA, gB } = loraGrads(X, A, B, gaussianMatrix(6, 15, rng));
    sa += l1(gA.data) / N;
    sb += l1(gB.data) / N;
  }
  assert(Math.abs(sa / e.a - 1) < 0.02, `${sa} vs ${e.a}`);
  assert(Math.abs(sb / e.b - 1) < 0.02, `${sb} vs ${e.b}`);
});

Deno.test("l1GradExpectation's ratio at the stable scales averages to n/√(rm) (4 draws, 8%)", () => {
  // per draw it fluctuates by several % for b < n: XᵀX has rank b, so ‖XA_{:,j}‖ sees a b-dim projection of A
  const rng = createRng(4);
  for (const [n, m] of [[1024, 1024], [1024, 256], [256, 1024]] as const) {
    let q = 0;
    for (let k = 0; k < 4; k++) {
      const X = gaussianMatrix(64, n, rng), A = gaussianMatrix(n, 4, rng, Math.sqrt(1 / n));
      const e = l1GradExpectation(X, A, gaussianMatrix(4, m, rng, 0.5));
      q += e.a / e.b / 4;
    }
    const p = l1RatioPrediction(n, m, 4);
    assert(Math.abs(q / p - 1) < 0.08, `n = ${n}, m = ${m}: ${q} vs ${p}`);
  }
});

Deno.test("signStepLossChange: the first-order prediction −η_A‖∂A‖₁ − η_B‖∂B‖₁ has an O(η²) error", () => {
  const { X, A, B, T } = example(13);
  const gap = (eta: number) => {
    const s = signStepLossChange(X, A, B, T, eta, 4 * eta);
    assert(s.actual < 0 && s.predicted < 0);
    assertAlmostEquals(s.predicted, s.predA + s.predB, 1e-15);
    return Math.abs(s.actual - s.predicted);
  };
  const g1 = gap(1e-3), g2 = gap(1e-4);
  assert(g1 / g2 > 80 && g1 / g2 < 120, `error ratio for η/10: ${g1 / g2} (≈ 100 for second order)`);
  const s = signStepLossChange(X, A, B, T, 1e-5, 1e-5);
  assert(Math.abs(s.actual / s.predicted - 1) < 1e-3);
});

Deno.test("lowRankRelErr equals the dense ‖AB − cUV‖²/‖cUV‖²", () => {
  const rng = createRng(31);
  const A = gaussianMatrix(9, 3, rng), B = gaussianMatrix(3, 7, rng);
  const U = gaussianMatrix(9, 2, rng), V = gaussianMatrix(2, 7, rng), c = 0.37;
  const w = scale(matmul(U, V), c), d = sub(matmul(A, B), w);
  assertAlmostEquals(lowRankRelErr(A, B, U, V, c), frob2(d) / frob2(w), 1e-12);
  assertEquals(lowRankRelErr(matrix(9, 3), B, U, V, c), 1); // a zero student has relative error 1
});

Deno.test("trainLoraToy (ratio 1, zeroB) lowers the training loss over 200 steps; deterministic", () => {
  const cfg = {
    n: 64,
    m: 64,
    r: 4,
    init: "zeroB",
    etaA: 1e-3,
    ratio: 1,
    steps: 200,
    batch: 64,
    seed: 0,
  } as const;
  const res = trainLoraToy(cfg);
  const mean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;
  assert(mean(res.curve.subarray(0, 10)) > mean(res.curve.subarray(190)), "first-10 mean > last-10 mean");
  assert(res.relErr < 1 && res.relErr > 0);
  assertEquals(trainLoraToy(cfg).relErr, res.relErr);
  assertAlmostEquals(res.curve[0]!, 1, 0.3); // AB = 0 at the start: loss ≈ E(xW*)² = 1
});

Deno.test("trainLoraToy: a larger η_B/η_A helps both zero-init choices (n = 64, 200 steps, 2 seeds)", () => {
  for (const init of ["zeroB", "zeroA"] as const) {
    const err = (ratio: number) =>
      [0, 1].reduce(
        (s, seed) =>
          s +
          trainLoraToy({ n: 64, m: 64, r: 4, init, etaA: 1e-3, ratio, steps: 200, batch: 64, seed }).relErr,
        0,
      );
    assert(err(8) < err(1), `${init}: λ = 8 vs λ = 1`);
  }
});

Deno.test("trainLoraToy: zero-initialised factor is zero and the other has the stable scale at step 0", () => {
  const base = {
    n: 256,
    m: 128,
    r: 4,
    etaA: 1e-3,
    ratio: 1,
    steps: 1,
    batch: 4,
    seed: 2,
    evalEvery: 1,
  } as const;
  const zb = trainLoraToy({ ...base, init: "zeroB" }), za = trainLoraToy({ ...base, init: "zeroA" });
  assertEquals(zb.errCurve[0], [0, 1]);
  assertEquals(za.errCurve[0], [0, 1]);
  // Adam's first step moves every entry of the non-zero-gradient factor by ≈ η (sign step): RMS ≈ scale
  assert(Math.abs(zb.rmsA * 16 - 1) < 0.1, `RMS(A)·√n = ${zb.rmsA * 16}`);
  assert(Math.abs(za.rmsB * 2 - 1) < 0.1, `RMS(B)·√r = ${za.rmsB * 2}`);
  assertAlmostEquals(zb.rmsB, 1e-3, 1e-6); // B moved by one sign step of size η_B = 1e-3
});

Deno.test("trainLoraToyGroup gives exactly the single-run results and checks the shared fields", () => {
  const base = { n: 48, m: 24, r: 3, etaA: 2e-3, steps: 30, batch: 8, seed: 5, evalEvery: 10 } as const;
  const cfgs = [
    { ...base, init: "zeroB", ratio: 1 },
    { ...base, init: "zeroA", ratio: 16, r: 2 },
    { ...base, init: "zeroB", ratio: 4, beta1: 0, beta2: 0 },
  ] as const;
  const group = trainLoraToyGroup(cfgs);
  cfgs.forEach((c, i) => {
    const one = trainLoraToy(c);
    assertEquals(group[i]!.relErr, one.relErr);
    assertEquals(Array.from(group[i]!.curve), Array.from(one.curve));
    assertEquals(group[i]!.errCurve, one.errCurve);
  });
  assertThrows(() => trainLoraToyGroup([cfgs[0], { ...cfgs[1], seed: 6 }]), RangeError, "cfgs[1].seed");
  assertThrows(() => trainLoraToyGroup([cfgs[0], { ...cfgs[1], n: 8 }]), RangeError, "cfgs[1].n");
  assertThrows(() => trainLoraToyGroup([]), TypeError, "cfgs");
});

Deno.test("bad inputs throw errors that name the argument", () => {
  const { X, A, B, T } = example();
  assertThrows(() => loraForward(X, B, A), RangeError, "loraForward: A.rows must be X.cols = 12");
  assertThrows(() => loraGrads(X, A, B, T.data as unknown as Matrix), TypeError, "loraGrads: dY");
  assertThrows(() => loraGrads(X, A, B, matrix(8, 9)), RangeError, "dY shape must be b×m = 8×10");
  assertThrows(() => loraMse(X, A, B, matrix(7, 10)), RangeError, "loraMse: T shape");
  assertThrows(() => loraFiniteDiff(X, A, B, T, 0), RangeError, "h must be a positive number");
  assertThrows(() => signStepLossChange(X, A, B, T, -1, 1), RangeError, "etaA");
  assertThrows(() => l1GradRatio(0, 8, 2, 4, 1, createRng(0)), RangeError, "l1GradRatio: n");
  assertThrows(() => l1GradRatio(8, 8, 2, 4, 1.5, createRng(0)), RangeError, "trials");
  assertThrows(() => l1GradRatio(8, 8, 2, 4, 1, {} as never), TypeError, "rng");
  assertThrows(() => loraPlusHeuristic(768, 0, 8), RangeError, "loraPlusHeuristic: m");
  assertThrows(() => lowRankRelErr(A, B, matrix(11, 2), matrix(2, 10)), RangeError, "U.rows");
  assertThrows(() => lowRankRelErr(A, B, matrix(12, 2), matrix(2, 10)), RangeError, "non-zero teacher");
  const ok = { n: 8, m: 8, r: 2, init: "zeroB", etaA: 1e-3, ratio: 1, steps: 2, batch: 2, seed: 0 } as const;
  assertThrows(
    () => trainLoraToy({ ...ok, init: "zeroC" as "zeroA" }),
    RangeError,
    'trainLoraToy: init must be "zeroA"',
  );
  assertThrows(() => trainLoraToy({ ...ok, ratio: 0 }), RangeError, "trainLoraToy: ratio");
  assertThrows(() => trainLoraToy({ ...ok, steps: 0 }), RangeError, "steps");
  assertThrows(() => trainLoraToy({ ...ok, beta1: 1 }), RangeError, "beta1 must be in [0, 1)");
  assertThrows(() => trainLoraToy(null as never), TypeError, "trainLoraToy: cfg");
});
