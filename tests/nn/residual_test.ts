import { assert, assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import {
  activationFn,
  meanFieldSecondMoments,
  postNormWeights,
  rezeroRamp,
  simulateMlpSecondMoments,
  simulateResidualStack,
} from "@lib/nn/residual.ts";

Deno.test("acceptance: postNormWeights(4) = 2^-2, 2^-2, 2^-1.5, 2^-1, 2^-0.5", () => {
  const w = postNormWeights(4);
  const expected = [2 ** -2, 2 ** -2, 2 ** -1.5, 2 ** -1, 2 ** -0.5];
  assertEquals(w.length, 5);
  for (let i = 0; i < 5; i++) assertAlmostEquals(w[i]!, expected[i]!, 1e-15);
  // squared weights sum to 1: the unrolled x_l keeps unit second moment
  const w30 = postNormWeights(30);
  assertAlmostEquals(w30.reduce((s, v) => s + v * v, 0), 1, 1e-12);
  assertThrows(() => postNormWeights(0), RangeError, "layers must be an integer in [1, 2000]");
});

Deno.test("acceptance: ReLU + He keeps the second moment within 2×; ReLU + LeCun < 1e-10 after 50 layers", () => {
  const he = simulateMlpSecondMoments("relu", "he", { layers: 50, width: 512, seed: 0 });
  assertEquals(he.length, 51);
  const ratio = he[50]! / he[1]!;
  assert(ratio > 0.5 && ratio < 2, `ratio ${ratio}`);
  const lecun = simulateMlpSecondMoments("relu", "lecun", { layers: 50, width: 512, seed: 0 });
  assertLess(lecun[50]!, 1e-10);
  assertAlmostEquals(Math.log2(lecun[50]! / lecun[0]!), -50, 1.5);
});

Deno.test("MLP Monte Carlo follows the mean-field map (tanh, sigmoid, rescaled sigmoid, selu)", () => {
  for (const act of ["tanh", "sigmoid", "sigmoid-rescaled", "selu", "linear"] as const) {
    const q = simulateMlpSecondMoments(act, "lecun", { layers: 20, width: 256, seed: 1 });
    const m = meanFieldSecondMoments(act, "lecun", 20);
    assertAlmostEquals(q[20]! / m[20]!, 1, 0.25, act);
  }
  // fixed points: rescaled sigmoid and SELU stay at 1, tanh decays, sigmoid settles
  assertAlmostEquals(meanFieldSecondMoments("sigmoid-rescaled", "lecun", 30)[30]!, 1, 1e-9);
  assertAlmostEquals(meanFieldSecondMoments("selu", "lecun", 30)[30]!, 1, 1e-9);
  const sig = meanFieldSecondMoments("sigmoid", "lecun", 60);
  assertAlmostEquals(sig[60]!, sig[59]!, 1e-10);
  assertLess(meanFieldSecondMoments("tanh", "lecun", 50)[50]!, 0.02);
  assertThrows(() => activationFn("gelu" as never), RangeError, "act must be");
  assertThrows(
    () => meanFieldSecondMoments("relu", "xavier" as never, 3),
    RangeError,
    'init must be "lecun" or "he"',
  );
});

Deno.test("acceptance: ReZero (α = 0) is exactly the identity at init", () => {
  const r = simulateResidualStack("rezero", { layers: 12, width: 32, seed: 5 });
  assertEquals(r.outputInputCosine, 1);
  assertEquals(r.inputGradNorm, 1);
  for (let t = 0; t <= 12; t++) assertEquals(r.rms[t], r.rms[0]);
});

Deno.test("Post-Norm: unit RMS; exact path weights ≈ eq. 10; ReZero α: RMS ≈ (1 + α²)^{t/2}", () => {
  const L = 24;
  const post = simulateResidualStack("post", { layers: L, width: 128, seed: 2 });
  for (let t = 1; t <= L; t++) assertAlmostEquals(post.rms[t]!, 1, 1e-12);
  const w = postNormWeights(L);
  for (let k = 0; k <= L; k++) assertAlmostEquals(Math.log2(post.weights[k]! / w[k]!), 0, 0.5);
  const rms = simulateResidualStack("post", { layers: L, width: 128, seed: 2, norm: "rms" });
  assertAlmostEquals(rms.weights[0]! / w[0]!, 1, 0.25);
  const rz = simulateResidualStack("rezero", { layers: L, width: 128, seed: 3, alpha: 0.3 });
  assertAlmostEquals(rz.rms[L]! / rz.rms[0]!, (1 + 0.09) ** (L / 2), 0.15 * 1.09 ** (L / 2));
});

Deno.test("Pre-Norm: RMS grows like √(t + 1); gradients add up along the stack", () => {
  const L = 32;
  const pre = simulateResidualStack("pre", { layers: L, width: 128, seed: 4 });
  for (const t of [4, 16, 32]) assertAlmostEquals(pre.rms[t]! / Math.sqrt(t + 1), 1, 0.15);
  assert(pre.inputGradNorm > 2, `${pre.inputGradNorm}`);
  assertEquals(Array.from(pre.weights), new Array(L + 1).fill(1));
});

Deno.test("backprop of simulateResidualStack matches central finite differences (all kinds, both norms)", () => {
  const cases = [
    ["post", "layer"],
    ["post", "rms"],
    ["pre", "layer"],
    ["pre", "rms"],
    ["rezero", "layer"],
  ] as const;
  for (const [kind, norm] of cases) {
    const o = { layers: 4, width: 8, seed: 11, batch: 2, hidden: 12, norm, alpha: 0.7 };
    const base = simulateResidualStack(kind, o);
    const input = Float64Array.from({ length: 16 }, (_, i) => Math.sin(1 + i) * 1.3);
    const at = (v: Float64Array) => simulateResidualStack(kind, { ...o, input: v }).loss;
    const g = simulateResidualStack(kind, { ...o, input }).inputGrad;
    for (const i of [0, 5, 9, 15]) {
      const h = 1e-6, p = input.slice(), m = input.slice();
      p[i]! += h;
      m[i]! -= h;
      const fd = (at(p) - at(m)) / (2 * h);
      assertAlmostEquals(g[i]!, fd, 1e-6 * Math.max(1, Math.abs(fd)), `${kind}/${norm} i=${i}`);
    }
    assertEquals(base.inputGrad.length, 16);
  }
  const a = simulateResidualStack("post", { layers: 3, width: 16, seed: 11 });
  const b = simulateResidualStack("post", { layers: 3, width: 16, seed: 11 });
  assertEquals(Array.from(a.gradNorm), Array.from(b.gradNorm));
  assertThrows(
    () => simulateResidualStack("deep" as never, { layers: 3, width: 16, seed: 0 }),
    RangeError,
    "kind",
  );
  assertThrows(() => simulateResidualStack("pre", { layers: 3, width: 1, seed: 0 }), RangeError, "width");
  assertThrows(
    () => simulateResidualStack("pre", { layers: 3, width: 4, seed: 0, input: new Float64Array(3) }),
    RangeError,
    "input must be a Float64Array of batch·width = 64 values",
  );
});

Deno.test("rezeroRamp", () => {
  assertEquals(rezeroRamp(250, 2e-3), 0.5);
  assertEquals(rezeroRamp(10_000, 2e-3), 1);
  assertThrows(() => rezeroRamp(1, 0), RangeError, "rate must be a positive number");
});
