import { assert, assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { gaussExpectation } from "@lib/core/quadrature.ts";
import { createRng } from "@lib/core/rng.ts";
import { normalCdf, sigmoid } from "@lib/core/special.ts";
import {
  activationMean,
  activationSecondMoment,
  dotSecondMoment,
  heStd,
  lecunStd,
  rescaleActivation,
  sampleTruncatedNormal,
  selu,
  seluConstants,
  truncatedNormalStdFactor,
  truncatedNormalVarianceFactor,
  uniformBounds,
} from "@lib/nn/init.ts";

Deno.test("acceptance: γ = 0.7737413 and 1/√γ = 1.1368472 (±1e-7)", () => {
  const g = truncatedNormalVarianceFactor();
  assertAlmostEquals(g, 0.7737413, 1e-7);
  assertAlmostEquals(1 / Math.sqrt(g), 1.1368472, 1e-7);
  assertAlmostEquals(truncatedNormalStdFactor(), 1.1368472, 1e-7);
});

Deno.test("γ(c) matches the closed form 1 − 2cφ(c)/(2Φ(c) − 1) for several cuts", () => {
  for (const c of [0.5, 1, 2, 3, 5]) {
    const phi = Math.exp(-c * c / 2) / Math.sqrt(2 * Math.PI);
    assertAlmostEquals(truncatedNormalVarianceFactor(c), 1 - (2 * c * phi) / (2 * normalCdf(c) - 1), 1e-12);
  }
  assertLess(truncatedNormalVarianceFactor(1), truncatedNormalVarianceFactor(2));
  assertThrows(() => truncatedNormalVarianceFactor(0), RangeError, "cut must be a positive number");
});

Deno.test("acceptance: 10⁶ truncated-normal draws have variance γ ± 0.003, all inside ±2σ", () => {
  const rng = createRng(7);
  let s = 0, s2 = 0, max = 0;
  const n = 1_000_000;
  for (let i = 0; i < n; i++) {
    const x = sampleTruncatedNormal(rng, 1);
    s += x;
    s2 += x * x;
    max = Math.max(max, Math.abs(x));
  }
  const mean = s / n;
  assertAlmostEquals(s2 / n - mean * mean, truncatedNormalVarianceFactor(), 0.003);
  assertLess(Math.abs(mean), 0.005);
  assert(max <= 2);
  // std scales the draws; the factor restores the target variance.
  const r2 = createRng(8);
  let v = 0;
  for (let i = 0; i < 200_000; i++) v += sampleTruncatedNormal(r2, 0.1 * truncatedNormalStdFactor()) ** 2;
  assertAlmostEquals(v / 200_000, 0.01, 0.0002);
  assertThrows(() => sampleTruncatedNormal(rng, -1), RangeError, "std must be a positive number");
  assertThrows(() => sampleTruncatedNormal((() => 0) as never, 1), TypeError, "rng must be an Rng");
});

Deno.test("acceptance: second moments sigmoid 0.2933790, tanh 0.3942945 (±1e-6), relu ½ (±1e-9)", () => {
  assertAlmostEquals(activationSecondMoment(sigmoid), 0.2933790, 1e-6);
  assertAlmostEquals(activationSecondMoment(Math.tanh), 0.3942945, 1e-6);
  assertAlmostEquals(activationSecondMoment((x) => Math.max(x, 0)), 0.5, 1e-9);
  // identity: E[z²] = σ²; exp: E[e^{2σz}] = e^{2σ²}
  assertAlmostEquals(activationSecondMoment((x) => x, 3), 9, 1e-10);
  assertAlmostEquals(activationSecondMoment(Math.exp, 0.5), Math.exp(0.5), 1e-12);
  assertAlmostEquals(activationMean(sigmoid), 0.5, 1e-14); // σ(x) − ½ is odd
  assertThrows(() => activationSecondMoment("tanh" as never), TypeError, "f must be a function");
});

Deno.test("rescaleActivation: unit second moment; sigmoid divided by √0.293379", () => {
  const { fn, secondMoment } = rescaleActivation(sigmoid);
  assertAlmostEquals(secondMoment, 0.293379, 1e-6);
  assertAlmostEquals(fn(0), 0.5 / Math.sqrt(secondMoment), 1e-15);
  assertAlmostEquals(activationSecondMoment(fn), 1, 1e-12);
  assertThrows(() => rescaleActivation(() => 0), RangeError, "E[f(z)²] must be > 0");
});

Deno.test("acceptance: SELU constants λ = 1.0507010, α = 1.6732632 (±1e-6); moments 0 and 1 (±1e-8)", () => {
  const { lambda, alpha } = seluConstants();
  assertAlmostEquals(lambda, 1.0507010, 1e-6);
  assertAlmostEquals(alpha, 1.6732632, 1e-6);
  const s = (x: number) => selu(x, lambda, alpha);
  assertAlmostEquals(gaussExpectation(s), 0, 1e-8);
  assertAlmostEquals(gaussExpectation((x) => s(x) ** 2), 1, 1e-8);
  // closed form of the mean condition: α = φ(0) / (½ − √e Φ(−1))
  assertAlmostEquals(alpha, 1 / Math.sqrt(2 * Math.PI) / (0.5 - Math.exp(0.5) * normalCdf(-1)), 1e-10);
  assertEquals(selu(2), 2 * lambda);
  seluConstants().lambda = 0; // returns a copy: the cache is not corrupted
  assertEquals(seluConstants().lambda, lambda);
});

Deno.test("lecunStd, heStd, uniformBounds", () => {
  assertEquals(lecunStd(4), 0.5);
  assertAlmostEquals(heStd(8), 0.5, 1e-16);
  const [a, b] = uniformBounds(2, 0.5);
  assertAlmostEquals((a + b) / 2, 2, 1e-15);
  assertAlmostEquals((b - a) ** 2 / 12, 0.25, 1e-15);
  assertThrows(() => lecunStd(0), RangeError, "lecunStd: fanIn must be an integer ≥ 1, got 0");
  assertThrows(() => heStd(2.5), RangeError, "fanIn");
  assertThrows(() => uniformBounds(0, 0), RangeError, "std must be a positive number");
});

Deno.test("acceptance: E[(q·k)²]/d = 1 ± 0.05 for d = 256, 20 000 pairs; T5-style init gives 1", () => {
  const m = dotSecondMoment(256, 20000, createRng(3));
  assertAlmostEquals(m / 256, 1, 0.05);
  const t5 = dotSecondMoment(256, 20000, createRng(4), { qStd: 256 ** -0.25, kStd: 256 ** -0.25 });
  assertAlmostEquals(t5, 1, 0.05);
  assertThrows(() => dotSecondMoment(0, 10, createRng(0)), RangeError, "d must be an integer ≥ 1");
});
