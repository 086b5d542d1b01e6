import { assert, assertAlmostEquals, assertThrows } from "@std/assert";
import { rk4 } from "@lib/core/ode.ts";
import { createRng } from "@lib/core/rng.ts";
import { ring8 } from "@lib/data/toy2d.ts";
import {
  gmmAt,
  gmmEps,
  gmmPosterior,
  gmmPosteriorSample,
  gmmScore,
  gmmVelocity,
} from "@lib/diffusion/gmm_path.ts";
import { rectifiedFlowPath, vePath, vpCosinePath } from "@lib/diffusion/paths.ts";
import { gmmLogPdf, gmmSample, makeGmm } from "@lib/prob/gmm.ts";

const g = makeGmm([0.2, 0.5, 0.3], [[-1, 0.5], [1, 1], [0.3, -1.2]], [[0.05, 0.2], [0.1, 0.1], [0.3, 0.02]]);
const pts = Float64Array.of(0.1, 0.2, -1.3, 0.7, 1.5, 1.1, 0.4, -0.9, 2.5, -2);

Deno.test("gmmScore: mixture form = Tweedie form = finite difference of log p_t (three paths)", () => {
  for (
    const [p, ts] of [[vpCosinePath(), [0.2, 0.5, 0.8]], [rectifiedFlowPath(), [0.3, 0.7]], [vePath(), [
      0.1,
      2,
    ]]] as const
  ) {
    for (const t of ts) {
      const s = gmmScore(g, p, t, pts), { meanX0 } = gmmPosterior(g, p, t, pts);
      const a = p.a(t), b = p.b(t), gt = gmmAt(g, p, t), h = 1e-5;
      for (let j = 0; j < pts.length; j++) {
        assertAlmostEquals(s[j]!, -(pts[j]! - a * meanX0[j]!) / (b * b), 1e-9 * (1 + Math.abs(s[j]!)));
        const up = pts.slice(), dn = pts.slice();
        up[j] = up[j]! + h;
        dn[j] = dn[j]! - h;
        const pj = Math.floor(j / 2);
        const fd = (gmmLogPdf(gt, up)[pj]! - gmmLogPdf(gt, dn)[pj]!) / (2 * h);
        assert(
          Math.abs(fd - s[j]!) <= 1e-6 * Math.max(1, Math.abs(s[j]!)),
          `t=${t} j=${j}: fd ${fd} vs ${s[j]}`,
        );
      }
      const e = gmmEps(g, p, t, pts);
      for (let j = 0; j < pts.length; j++) assertAlmostEquals(e[j]!, -b * s[j]!, 1e-12);
    }
  }
});

Deno.test("gmmVelocity: rectified flow forms (x − E[x0|x])/t and E[ε|x] − E[x0|x] agree", () => {
  const p = rectifiedFlowPath();
  for (const t of [0.2, 0.6, 0.95]) {
    const v = gmmVelocity(g, p, t, pts), { meanX0 } = gmmPosterior(g, p, t, pts);
    for (let j = 0; j < pts.length; j++) {
      const m = meanX0[j]!, x = pts[j]!;
      assertAlmostEquals(v[j]!, (x - m) / t, 1e-9);
      assertAlmostEquals(v[j]!, (x - (1 - t) * m) / t - m, 1e-9);
    }
  }
});

Deno.test("gmmPosterior: mean and tr Cov match exact posterior samples (4 standard errors)", () => {
  const p = vpCosinePath(), rng = createRng(11), M = 40000;
  for (const t of [0.3, 0.7]) {
    const post = gmmPosterior(g, p, t, pts);
    for (let j = 0; j < 5; j++) {
      const S = gmmPosteriorSample(g, p, t, pts.slice(2 * j, 2 * j + 2), M, rng);
      let m0 = 0, m1 = 0, q = 0;
      for (let s = 0; s < M; s++) {
        m0 += S[2 * s]! / M;
        m1 += S[2 * s + 1]! / M;
      }
      for (let s = 0; s < M; s++) q += ((S[2 * s]! - m0) ** 2 + (S[2 * s + 1]! - m1) ** 2) / (M - 1);
      const tr = post.trCovX0[j]!, se = Math.sqrt(tr / M);
      assert(Math.abs(m0 - post.meanX0[2 * j]!) < 4 * se + 1e-9, `mean x, t=${t}, j=${j}`);
      assert(Math.abs(m1 - post.meanX0[2 * j + 1]!) < 4 * se + 1e-9, `mean y, t=${t}, j=${j}`);
      assertAlmostEquals(q, tr, 0.05 * tr + 1e-9);
      const r = post.resp.slice(3 * j, 3 * j + 3);
      assertAlmostEquals(r[0]! + r[1]! + r[2]!, 1, 1e-12);
    }
  }
});

Deno.test("single Gaussian: exact score, and RK4 on the PF-ODE maps N(0, I) at t = 1 to the target", () => {
  const m = 1.5, v = 0.3, g1 = makeGmm([1], [[m]], v), p = vpCosinePath();
  const t = 0.4, a = p.a(t), b = p.b(t), x = Float64Array.of(-1, 0.2, 3);
  const s = gmmScore(g1, p, t, x);
  for (let j = 0; j < 3; j++) assertAlmostEquals(s[j]!, -(x[j]! - a * m) / (a * a * v + b * b), 1e-14);
  const z = Float64Array.of(-1, 0, 1.2);
  const y = rk4((X, tt) => gmmVelocity(g1, p, tt, X), z, 1, 0, 400);
  for (let j = 0; j < 3; j++) assertAlmostEquals(y[j]!, m + Math.sqrt(v) * z[j]!, 1e-4);
});

Deno.test("gmmAt: moments of a x0 + b ε samples match the pushed mixture", () => {
  const p = vpCosinePath(), t = 0.5, a = p.a(t), b = p.b(t), rng = createRng(2), n = 50000;
  const X0 = gmmSample(ring8(), n, rng), gt = gmmAt(ring8(), p, t);
  let sq = 0;
  for (let i = 0; i < 2 * n; i++) sq += (a * X0[i]! + b * rng.normal()) ** 2 / n;
  let ref = 0;
  for (let k = 0; k < 8; k++) {
    ref += (gt.means[2 * k]! ** 2 + gt.means[2 * k + 1]! ** 2 + gt.vars[2 * k]! + gt.vars[2 * k + 1]!) / 8;
  }
  assertAlmostEquals(sq, ref, 0.03);
});

Deno.test("gmm_path: validation", () => {
  const atoms = makeGmm([1], [[0]], 0);
  assertThrows(
    () => gmmScore(atoms, vpCosinePath(), 0, Float64Array.of(1)),
    RangeError,
    "gmmScore: b(t) must be > 0 when g has atoms",
  );
  assertThrows(() => gmmScore(g, vpCosinePath(), 1.5, pts), RangeError, "gmmScore: t must be in [0, 1]");
  assertThrows(
    () => gmmScore(g, vpCosinePath(), 0.5, Float64Array.of(1, 2, 3)),
    RangeError,
    "X.length must be a positive multiple of d = 2",
  );
  assertThrows(
    () => gmmPosteriorSample(g, vpCosinePath(), 0.5, Float64Array.of(1), 3, createRng(0)),
    RangeError,
    "x.length must be d = 2",
  );
});
