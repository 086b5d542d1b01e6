import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { makeGmm } from "@lib/prob/gmm.ts";
import { type GaussianPath, timeForSnr, vpCosinePath } from "@lib/diffusion/paths.ts";
import {
  gmmEpsFn,
  poolBatch,
  ugEps,
  ugMainTerm,
  ugRho,
  ugSample,
  ugTau,
  ugWeightSchedule,
  upsampleBatch,
} from "@lib/diffusion/upsample_guidance.ts";

const p = vpCosinePath();
const randn = (n: number, rng = createRng(3)) => Float64Array.from({ length: n }, () => rng.normal());
const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const UD = (x: Float64Array, H: number, s: number) => upsampleBatch(poolBatch(x, H, H, s), H / s, H / s, s);

Deno.test("D and U: DU = I, UD is a symmetric idempotent projection; pooled noise has variance 1/s²", () => {
  const y = randn(2 * 16), x = randn(2 * 64, createRng(4)), z = randn(2 * 64, createRng(5));
  assertEquals(Array.from(poolBatch(upsampleBatch(y, 4, 4, 2), 8, 8, 2)), Array.from(y));
  assertAlmostEquals(dot(UD(x, 8, 2), z), dot(x, UD(z, 8, 2)), 1e-12);
  const u = UD(x, 8, 2), uu = UD(u, 8, 2);
  for (let i = 0; i < u.length; i++) assertAlmostEquals(uu[i]!, u[i]!, 1e-12);
  for (const s of [2, 4]) {
    const e = randn(1600 * 256, createRng(s)), d = poolBatch(e, 16, 16, s);
    const v = d.reduce((a, b) => a + b * b, 0) / d.length;
    assertAlmostEquals(v, 1 / (s * s), 0.005 / (s === 2 ? 1 : 2));
  }
});

Deno.test("ugTau / ugRho: closed form on the cosine path, bisection elsewhere, ᾱ_τ = ᾱ_t/ρ_t", () => {
  const generic: GaussianPath = { ...p, name: "cosine-by-bisection" };
  for (const s of [2, 4]) {
    for (let t = 0.01; t < 0.99; t += 0.07) {
      const tau = ugTau(p, t, s);
      assertAlmostEquals(tau, (2 / Math.PI) * Math.atan(Math.tan((Math.PI * t) / 2) / s), 1e-12);
      assertAlmostEquals(ugTau(generic, t, s), tau, 1e-10);
      assertAlmostEquals(timeForSnr(p, s * s * (p.a(t) / p.b(t)) ** 2), tau, 1e-10);
      assertAlmostEquals(Math.cos((Math.PI * tau) / 2), Math.cos((Math.PI * t) / 2) / ugRho(p, t, s), 1e-12);
      assert(tau < t);
    }
  }
  assertEquals([ugTau(p, 0, 2), ugTau(p, 1, 2), ugTau(p, 0.3, 1)], [0, 1, 0.3]);
});

// block-constant data: 6 random 2×2 images upsampled to 4×4 (s = 2)
function blockData(rng = createRng(11)) {
  const low = Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => rng.uniform() * 2 - 1));
  const high = low.map((m) => Array.from(upsampleBatch(Float64Array.from(m), 2, 2, 2)));
  return { gLow: makeGmm(Array(6).fill(1 / 6), low, 0), gHigh: makeGmm(Array(6).fill(1 / 6), high, 0) };
}

Deno.test("exactness lemma (eq. 12): on block-constant data both UG approximations are identities", () => {
  const { gLow, gHigh } = blockData(), rng = createRng(12);
  const epsHigh = gmmEpsFn(gHigh, p), epsLow = gmmEpsFn(gLow, p);
  for (let t = 0.1; t < 0.95; t += 0.1) {
    // x_t from the forward process, 8 points
    const X = new Float64Array(8 * 16);
    for (let i = 0; i < 8; i++) {
      const k = rng.int(6);
      for (let j = 0; j < 16; j++) X[i * 16 + j] = p.a(t) * gHigh.means[k * 16 + j]! + p.b(t) * rng.normal();
    }
    const eh = epsHigh(X, 4, 4, t), Deh = poolBatch(eh, 4, 4, 2);
    const main = ugMainTerm(epsLow, X, 4, 4, t, 2, p);
    const scale = Math.sqrt(dot(Deh, Deh));
    for (let i = 0; i < main.length; i++) assertAlmostEquals(main[i]! / scale, Deh[i]! / scale, 1e-9);
    const detail = eh.map((v, i) => v - UD(eh, 4, 2)[i]!), xd = UD(X, 4, 2);
    for (let i = 0; i < X.length; i++) assertAlmostEquals(detail[i]!, (X[i]! - xd[i]!) / p.b(t), 1e-9);
    // hence ε^high = U[main] + (x − UDx)/b exactly
    const um = upsampleBatch(main, 2, 2, 2);
    for (let i = 0; i < X.length; i++) assertAlmostEquals(eh[i]!, um[i]! + (X[i]! - xd[i]!) / p.b(t), 1e-9);
  }
});

Deno.test("ugEps: w = −1 is the plain model bit for bit; affine in w; detail-free model has zero detail", () => {
  const { gHigh } = blockData(), X = randn(3 * 16);
  const eps = gmmEpsFn(
    makeGmm([0.5, 0.5], [Array.from(gHigh.means.slice(0, 16)), Array.from(gHigh.means.slice(16, 32))], 0.1),
    p,
  );
  // a model usable at both sizes: exact ε of a 16-D or 4-D mixture depending on H·W
  const low = gmmEpsFn(makeGmm([1], [[0.1, 0.2, 0.3, 0.4]], 0.2), p);
  const both = (Y: Float64Array, H: number, W: number, t: number) => (H * W === 16 ? eps : low)(Y, H, W, t);
  assertEquals(Array.from(ugEps(both, X, 4, 4, 0.6, 2, -1, p)), Array.from(both(X, 4, 4, 0.6)));
  const e0 = ugEps(both, X, 4, 4, 0.6, 2, 0, p), eH = ugEps(both, X, 4, 4, 0.6, 2, 0.5, p);
  const e1 = ugEps(both, X, 4, 4, 0.6, 2, 1, p);
  for (let i = 0; i < X.length; i++) assertAlmostEquals(eH[i]!, 0.5 * (e0[i]! + e1[i]!), 1e-12);
  assert(Math.abs(e1[0]! - e0[0]!) > 1e-3); // the guidance term is not trivially zero here
  // detail-free model: ε_θ(x) = U[f(Dx)] ⇒ ε_θ − UDε_θ = 0 and ugEps(w = 0) = U[main]
  const f = (Y: Float64Array, H: number, W: number, t: number) =>
    H * W === 16 ? upsampleBatch(low(poolBatch(Y, 4, 4, 2), 2, 2, t), 2, 2, 2) : low(Y, H, W, t);
  const e = ugEps(f, X, 4, 4, 0.6, 2, 0, p), um = upsampleBatch(ugMainTerm(f, X, 4, 4, 0.6, 2, p), 2, 2, 2);
  for (let i = 0; i < X.length; i++) assertAlmostEquals(e[i]!, um[i]!, 1e-12);
});

Deno.test("ugMainTerm ablations, weight schedule, sampler with the exact ε reaches the data", () => {
  const id = (Y: Float64Array) => Y.slice(), X = Float64Array.of(1, 1, 1, 1);
  assertAlmostEquals(ugMainTerm(id, X, 2, 2, 0.5, 2, p, { rescale: false })[0]!, 0.5, 1e-12);
  let seen = -1;
  const probe = (Y: Float64Array, _H: number, _W: number, t: number) => ((seen = t), Y.slice());
  ugMainTerm(probe, X, 2, 2, 0.5, 2, p, { matchSnr: false });
  assertEquals(seen, 0.5);
  ugMainTerm(probe, X, 2, 2, 0.5, 2, p);
  assertAlmostEquals(seen, ugTau(p, 0.5, 2), 1e-15);
  const sch = ugWeightSchedule(0.3, 0.25);
  assertEquals([sch(1), sch(0.75), sch(0.74)], [0.3, 0.3, -1]);
  // UG sampling at 4×4 with the exact low-res model of block-constant data and exact high-res model:
  const { gLow, gHigh } = blockData(), eLow = gmmEpsFn(gLow, p), eHigh = gmmEpsFn(gHigh, p);
  const both = (Y: Float64Array, H: number, W: number, t: number) => (H === 4 ? eHigh : eLow)(Y, H, W, t);
  const r = ugSample(both, { n: 4, H: 4, W: 4, s: 2, w: 0, path: p, steps: 60, rng: createRng(2) });
  assertEquals([r.nfeHigh, r.nfeLow], [60, 60]);
  for (let i = 0; i < 4; i++) {
    let best = Infinity;
    for (let k = 0; k < 6; k++) {
      let d = 0;
      for (let j = 0; j < 16; j++) d += (r.X[i * 16 + j]! - gHigh.means[k * 16 + j]!) ** 2;
      best = Math.min(best, d);
    }
    assert(best < 1e-6, `sample ${i} is ${best} from the nearest datum`);
  }
  // clip: an atom outside [−1, 1] is pulled to the clip boundary; DDIM (η = 0) without clip lands on it
  const far = gmmEpsFn(makeGmm([1], [[3, -3, 0.5, 0]], 0), p);
  const c = ugSample(far, { n: 1, H: 2, W: 2, s: 1, w: -1, path: p, steps: 30, rng: createRng(1), clip: 1 });
  assertEquals(Array.from(c.X).map((v) => Math.round(v * 1e9) / 1e9), [1, -1, 0.5, 0]);
  const d = ugSample(far, { n: 1, H: 2, W: 2, s: 1, w: -1, path: p, steps: 30, rng: createRng(1), eta: 0 });
  assertAlmostEquals(d.X[0]!, 3, 1e-9);
});

Deno.test("upsample guidance: validation", () => {
  const id = (Y: Float64Array) => Y.slice();
  assertThrows(() => ugTau(p, 1.5, 2), RangeError, "ugTau: t must be in [0, 1], got 1.5");
  assertThrows(() => ugTau(p, 0.5, 0), RangeError, "ugTau: s must be an integer ≥ 1, got 0");
  assertThrows(
    () => ugRho({ ...p, a: (t) => 1 - t, b: (t) => t }, 0.5, 2),
    RangeError,
    "ugRho: p must be a variance-preserving path",
  );
  assertThrows(
    () => ugEps(id, new Float64Array(18), 3, 3, 0.5, 2, 0, p),
    RangeError,
    "ugEps: s must be a divisor of H = 3 and W = 3",
  );
  assertThrows(
    () => ugEps(id, new Float64Array(17), 4, 4, 0.5, 2, 0, p),
    RangeError,
    "ugEps: X.length must be a positive multiple of H·W = 16",
  );
  assertThrows(
    () => ugEps(id, new Float64Array(16), 4, 4, 0.5, 2, -2, p),
    RangeError,
    "ugEps: w must be ≥ −1, got -2",
  );
  const bad = () => new Float64Array(3);
  assertThrows(
    () => ugEps(bad, new Float64Array(16), 4, 4, 0.5, 2, 0, p),
    RangeError,
    "ugEps: eps(X, H, W, t).length must be X.length = 16, got 3",
  );
  assertThrows(
    () => ugWeightSchedule(0.2, 1.5),
    RangeError,
    "ugWeightSchedule: eta must be in [0, 1], got 1.5",
  );
  assertThrows(
    () => ugSample(id, { n: 1, H: 4, W: 4, s: 2, w: 0, path: p, steps: 0, rng: createRng(0) }),
    RangeError,
    "ugSample: o.steps must be an integer ≥ 1, got 0",
  );
});
