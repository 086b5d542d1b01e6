import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { ring8 } from "@lib/data/toy2d.ts";
import { gmmAt, gmmPosterior, gmmPosteriorSample, gmmScore } from "@lib/diffusion/gmm_path.ts";
import { vpCosinePath } from "@lib/diffusion/paths.ts";
import {
  conditionalScore,
  csmLossClosedForm,
  csmLossMonteCarlo,
  plugInBias,
  plugInScore,
  type ScoreModel,
  smCsmGap,
  smLossExact,
} from "@lib/diffusion/score_matching.ts";
import { gmmSample, makeGmm } from "@lib/prob/gmm.ts";

const p = vpCosinePath(), g = ring8();
const xs = Float64Array.of(0.3, 0.1, 1.8, 0.2, -1, 1.1, 0, -2.4, 3, 3);

Deno.test("conditionalScore equals −ε/b for x_t = a x_0 + b ε", () => {
  const rng = createRng(1), t = 0.35, a = p.a(t), b = p.b(t);
  const x0 = Float64Array.from({ length: 50 }, () => rng.normal()), eps = x0.map(() => rng.normal());
  const c = conditionalScore(p, t, x0.map((x, i) => a * x + b * eps[i]!), x0);
  for (let i = 0; i < 50; i++) assertAlmostEquals(c[i]!, -eps[i]! / b, 1e-12);
  assertThrows(
    () => conditionalScore(p, t, new Float64Array(2), new Float64Array(3)),
    RangeError,
    "x0.length must be xt.length = 2",
  );
});

Deno.test("eq. 5: posterior average of the conditional score = gmmScore (4 SE, 5 points × 3 t, 1e5 draws)", () => {
  const rng = createRng(7), M = 100000;
  for (const t of [0.2, 0.5, 0.8]) {
    const exact = gmmScore(g, p, t, xs);
    for (let j = 0; j < 5; j++) {
      const x = xs.slice(2 * j, 2 * j + 2), X0 = gmmPosteriorSample(g, p, t, x, M, rng);
      const c = conditionalScore(p, t, new Float64Array(2 * M).map((_, i) => x[i % 2]!), X0);
      for (let i = 0; i < 2; i++) {
        let m = 0, q = 0;
        for (let s = 0; s < M; s++) m += c[2 * s + i]! / M;
        for (let s = 0; s < M; s++) q += (c[2 * s + i]! - m) ** 2 / (M - 1);
        const se = Math.sqrt(q / M);
        assert(
          Math.abs(m - exact[2 * j + i]!) < 4 * se + 1e-12,
          `t=${t} j=${j} i=${i}: ${m} vs ${exact[2 * j + i]} (se ${se})`,
        );
      }
    }
  }
});

const models = (): [string, ScoreModel][] => {
  const shifted = makeGmm(
    new Array(8).fill(1),
    Array.from({ length: 8 }, (_, k) => [2 * Math.cos(Math.PI * k / 4) + 0.3, 2 * Math.sin(Math.PI * k / 4)]),
    0.01,
  );
  return [
    ["zero", (X) => new Float64Array(X.length)],
    ["exact", (X) => gmmScore(g, p, 0.5, X)],
    ["half", (X) => gmmScore(g, p, 0.5, X).map((v) => 0.5 * v)],
    ["wiggly", (X) => X.map((x, i) => Math.sin(3 * x + i % 2))],
    ["shifted", (X) => gmmScore(shifted, p, 0.5, X)],
  ];
};

Deno.test("CSM − SM is the same for every model, equals the posterior-covariance gap, and CSM ≥ SM", () => {
  for (const t of [0.2, 0.5, 0.8]) {
    const Xt = gmmSample(gmmAt(g, p, t), 4000, createRng(3));
    const gap = smCsmGap(g, p, t, Xt);
    assert(gap.viaPosteriorCov > 0);
    for (const [name, m] of models()) {
      const sm = smLossExact(m, g, p, t, Xt), csm = csmLossClosedForm(m, g, p, t, Xt);
      assert(csm >= sm, name);
      assertAlmostEquals(
        csm - sm,
        gap.viaPosteriorCov,
        1e-9 * gap.viaPosteriorCov + 1e-9 * sm,
        `${name} t=${t}`,
      );
    }
    const se = Math.hypot(gap.seScoreNorm, gap.sePosteriorCov);
    assert(
      Math.abs(gap.viaScoreNorm - gap.viaPosteriorCov) < 4 * se,
      `t=${t}: ${gap.viaScoreNorm} vs ${gap.viaPosteriorCov} (se ${se})`,
    );
  }
});

Deno.test("per point: (a²/b⁴) tr Cov(x0|xt) = d/b² + div ∇log p_t (finite-difference divergence)", () => {
  for (const t of [0.2, 0.5, 0.8]) {
    const a = p.a(t), b = p.b(t), h = 1e-4, { trCovX0 } = gmmPosterior(g, p, t, xs);
    for (let j = 0; j < 5; j++) {
      let div = 0;
      for (let i = 0; i < 2; i++) {
        const up = xs.slice(2 * j, 2 * j + 2), dn = up.slice();
        up[i] = up[i]! + h;
        dn[i] = dn[i]! - h;
        div += (gmmScore(g, p, t, up)[i]! - gmmScore(g, p, t, dn)[i]!) / (2 * h);
      }
      const lhs = a * a / b ** 4 * trCovX0[j]!;
      assertAlmostEquals(lhs, 2 / (b * b) + div, 1e-5 * Math.max(1, 2 / (b * b)), `t=${t} j=${j}`);
    }
  }
});

Deno.test("K = 1: gap = d a² v / (b² (a² v + b²)) exactly", () => {
  const v = 0.4, g1 = makeGmm([1], [[1, -1, 2]], v);
  for (const t of [0.1, 0.5, 0.9]) {
    const a = p.a(t), b = p.b(t);
    const gap = smCsmGap(g1, p, t, Float64Array.of(0, 1, 2, -3, 0.5, 7));
    const ref = 3 * a * a * v / (b * b * (a * a * v + b * b));
    assertAlmostEquals(gap.viaPosteriorCov, ref, 1e-12 * ref);
  }
});

Deno.test("plugInScore with the whole empirical data set as pool equals gmmScore of that data set", () => {
  const rng = createRng(4), n = 30, pool = Float64Array.from({ length: 2 * n }, () => rng.normal());
  const emp = makeGmm(
    new Array(n).fill(1),
    Array.from({ length: n }, (_, k) => [pool[2 * k]!, pool[2 * k + 1]!]),
    0,
  );
  for (const t of [0.2, 0.6]) {
    const s1 = plugInScore(p, t, xs, pool, 2), s2 = gmmScore(emp, p, t, xs);
    for (let i = 0; i < xs.length; i++) assertAlmostEquals(s1[i]!, s2[i]!, 1e-10 * (1 + Math.abs(s2[i]!)));
  }
});

Deno.test("csmLossMonteCarlo agrees with csmLossClosedForm within 4 standard errors", () => {
  const t = 0.5, n = 40000, m = models()[2]![1];
  const mc = csmLossMonteCarlo(m, gmmSample(g, n, createRng(9)), p, t, createRng(10), 2);
  const cf = csmLossClosedForm(m, g, p, t, gmmSample(gmmAt(g, p, t), n, createRng(11)));
  // per-pair loss has std ≈ its mean for these magnitudes: a loose 4·(2·mean/√n) bound
  assert(Math.abs(mc - cf) < 8 * cf / Math.sqrt(n), `${mc} vs ${cf}`);
});

Deno.test("plugInBias: bias falls with the pool size; M = 1 has bias ‖E[c] − s*‖ with x0 ~ p0", () => {
  const x = Float64Array.of(1.2, 0.6), rng = createRng(12);
  const rows = plugInBias(g, p, 0.3, x, [1, 16, 1024], 400, rng, (n, r) => gmmSample(g, n, r));
  assertEquals(rows.map((r) => r.M), [1, 16, 1024]);
  assert(rows[0]!.bias > rows[1]!.bias && rows[1]!.bias > rows[2]!.bias, JSON.stringify(rows));
  assert(rows.every((r) => r.rmse >= r.bias));
  // M = 1: the estimate is −(x − a x0)/b², whose mean is −x/b² (ring8 has mean 0)
  const b = p.b(0.3),
    s = gmmScore(g, p, 0.3, x),
    ref = Math.hypot(-x[0]! / b ** 2 - s[0]!, -x[1]! / b ** 2 - s[1]!);
  assertAlmostEquals(rows[0]!.bias, ref, 0.15 * ref);
});
