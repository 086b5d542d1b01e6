import { assert, assertAlmostEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { quantile } from "@lib/core/stats.ts";
import {
  expectedLogDetDrift,
  expectedLogVarDrift,
  expectedMeanDrift,
  gammaSample,
  gaussianLoop,
  gaussianSamples,
  meanPairwiseDist,
  nnDistances,
  sampleMeanCov,
} from "@lib/prob/self_consuming.ts";

const avg = (x: ArrayLike<number>) => Array.from(x).reduce((s, v) => s + v, 0) / x.length;

Deno.test("sampleMeanCov is unbiased: n = 5 from N(0, diag(1, 4)), 20 000 draws, within 2%", () => {
  const r = createRng(1), acc = new Float64Array(4);
  for (let k = 0; k < 20000; k++) {
    const X = Float64Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 1 : 2) * r.normal());
    const { cov } = sampleMeanCov(X, 5, 2);
    for (let i = 0; i < 4; i++) acc[i]! += cov[i]! / 20000;
  }
  assertAlmostEquals(acc[0]!, 1, 0.02);
  assertAlmostEquals(acc[3]!, 4, 0.08);
  assert(Math.abs(acc[1]!) < 0.04);
});

Deno.test("gammaSample: mean and variance of Gamma(a) for a = 0.5, 2, 24.5 (seeded bounds)", () => {
  const r = createRng(2), N = 40000;
  for (const a of [0.5, 2, 24.5]) {
    const xs = Float64Array.from({ length: N }, () => gammaSample(a, r));
    const m = avg(xs), v = avg(xs.map((x) => (x - m) ** 2));
    assertAlmostEquals(m, a, 5 * Math.sqrt(a / N));
    assertAlmostEquals(v / a, 1, 0.05);
  }
  assertThrows(() => gammaSample(0, r), RangeError, "gammaSample: shape must be a positive number, got 0");
});

Deno.test("expected drifts: closed forms", () => {
  assertAlmostEquals(expectedLogVarDrift(50, 10), -5.76032, 1e-4);
  assertAlmostEquals(expectedMeanDrift(100, 10, 2, 1), 20, 1e-12);
  // λ → 1 limit is continuous
  assertAlmostEquals(expectedMeanDrift(30, 10, 1, 1 - 1e-9), 3, 1e-6);
  assertThrows(() => expectedMeanDrift(1, 10, 1, 0), RangeError, "lambda must be in (0, 1]");
});

Deno.test("gaussianLoop λ = 1, d = 1: drift, martingale variance and log-variance collapse (4000 chains)", () => {
  const base = { mu0: [0], Sigma0: [[1]], lambda: 1, chains: 4000 };
  const a = gaussianLoop({ ...base, n: 50, generations: 50, rng: createRng(3) });
  assertAlmostEquals(avg(a.mu[50]!.map((m) => m * m)), expectedMeanDrift(50, 50, 1, 1), 0.1);
  const b = gaussianLoop({ ...base, n: 10, generations: 50, rng: createRng(4) });
  assertAlmostEquals(avg(b.Sigma[5]!), 1, 0.1);
  assertAlmostEquals(avg(b.Sigma[50]!.map(Math.log)), expectedLogVarDrift(50, 10), 0.2);
  assert(quantile(b.Sigma[50]!, 0.5) < 0.05);
});

Deno.test("gaussianLoop λ = 0.9, d = 2: E tr Σ_t / tr Σ₀ = λ^{t−1} within 5% at t = 20", () => {
  const r = gaussianLoop({
    mu0: [1, -1],
    Sigma0: [[1, 0.5], [0.5, 2]],
    n: 50,
    generations: 20,
    lambda: 0.9,
    chains: 4000,
    rng: createRng(5),
  });
  const tr = avg(Array.from({ length: 4000 }, (_, c) => r.Sigma[20]![4 * c]! + r.Sigma[20]![4 * c + 3]!));
  assertAlmostEquals(tr / 3 / 0.9 ** 19, 1, 0.05);
});

Deno.test("gaussianLoop: explicit samples and sufficient statistics give the same law (d = 2, t = 8)", () => {
  const o = { mu0: [0, 0], Sigma0: [[1, 0.3], [0.3, 1]], n: 8, generations: 8, lambda: 0.95, chains: 3000 };
  const s = gaussianLoop({ ...o, method: "samples", rng: createRng(6) });
  const b = gaussianLoop({ ...o, method: "stats", rng: createRng(7) });
  const stat = (r: typeof s) => ({
    drift: avg(Array.from({ length: 3000 }, (_, c) => r.mu[8]![2 * c]! ** 2 + r.mu[8]![2 * c + 1]! ** 2)),
    logDet: avg(Array.from({ length: 3000 }, (_, c) => {
      const S = r.Sigma[8]!.subarray(4 * c, 4 * c + 4);
      return Math.log(S[0]! * S[3]! - S[1]! * S[2]!);
    })),
  });
  const x = stat(s), y = stat(b);
  assertAlmostEquals(y.logDet - Math.log(0.91), expectedLogDetDrift(8, 8, 2, 0.95), 0.1);
  assertAlmostEquals(x.drift / y.drift, 1, 0.1);
  assertAlmostEquals(x.logDet - y.logDet, 0, 0.15);
  // both near the closed form
  assertAlmostEquals(y.drift / expectedMeanDrift(8, 8, 2, 0.95), 1, 0.1);
});

Deno.test("gaussianLoop: fresh real data keeps log det Σ near 0; fixed real data is bounded; none collapses", () => {
  const o = { mu0: [0, 0], Sigma0: [[1, 0], [0, 1]], n: 50, generations: 100, lambda: 1, chains: 1000 };
  const ld = (r: ReturnType<typeof gaussianLoop>) =>
    quantile(
      Array.from({ length: 1000 }, (_, c) => {
        const S = r.Sigma[100]!.subarray(4 * c, 4 * c + 4);
        return Math.log(S[0]! * S[3]! - S[1]! * S[2]!);
      }),
      0.5,
    );
  const none = ld(gaussianLoop({ ...o, rng: createRng(8) }));
  const fixed = ld(gaussianLoop({ ...o, realMix: { nReal: 50, mode: "fixed" }, rng: createRng(8) }));
  const fresh = ld(gaussianLoop({ ...o, realMix: { nReal: 50, mode: "fresh" }, rng: createRng(8) }));
  assert(fresh > fixed && fixed > none, `${fresh} ${fixed} ${none}`);
  assert(Math.abs(fresh) < 0.1);
});

Deno.test("gaussianLoop: bad input gives clear errors", () => {
  const o = { mu0: [0], Sigma0: [[1]], n: 10, generations: 3, lambda: 1, chains: 2, rng: createRng(0) };
  assertThrows(
    () => gaussianLoop({ ...o, lambda: 0 }),
    RangeError,
    "gaussianLoop: lambda must be in (0, 1], got 0",
  );
  assertThrows(
    () => gaussianLoop({ ...o, n: 1 }),
    RangeError,
    "gaussianLoop: n must be an integer ≥ 2, got 1",
  );
  assertThrows(() => gaussianLoop({ ...o, Sigma0: [[-1]] }), RangeError, "Sigma0 must be positive definite");
  assertThrows(() => gaussianLoop({ ...o, Sigma0: [[1, 0]] }), RangeError, "Sigma0 must be a 1×1 array");
});

Deno.test("meanPairwiseDist and nnDistances: brute-force values", () => {
  assertAlmostEquals(meanPairwiseDist([0, 0, 0, 1, 1, 0], 3, 2), (1 + 1 + Math.SQRT2) / 3, 1e-12);
  const nn = nnDistances([0, 1, 5], [0, 1, 5], 1, true);
  assertAlmostEquals(nn[2]!, 4, 1e-12);
  assertAlmostEquals(nn[0]!, 1, 1e-12);
});

Deno.test("gaussianSamples: sample covariance of N(μ, λΣ) within seeded bounds", () => {
  const X = gaussianSamples(
    Float64Array.of(1, -1),
    Float64Array.of(2, 0.8, 0.8, 1),
    40000,
    createRng(11),
    0.5,
  );
  const { mean, cov } = sampleMeanCov(X, 40000, 2);
  assertAlmostEquals(mean[0]!, 1, 0.03);
  assertAlmostEquals(cov[0]!, 1, 0.04);
  assertAlmostEquals(cov[1]!, 0.4, 0.03);
  assertAlmostEquals(cov[3]!, 0.5, 0.02);
  assertThrows(
    () => gaussianSamples(Float64Array.of(0), Float64Array.of(1), 2, createRng(0), -1),
    RangeError,
    "lambda must be ≥ 0",
  );
});
