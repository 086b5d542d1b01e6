import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { gmmCdf1d, gmmLogPdf, gmmQuantile1d, gmmSample, makeGmm, nllUnderGmm } from "@lib/prob/gmm.ts";

Deno.test("makeGmm: normalises weights and validates shapes", () => {
  const g = makeGmm([2, 2], [[0, 1], [1, 0]], [[1, 2], [3, 4]]);
  assertEquals(Array.from(g.weights), [0.5, 0.5]);
  assertEquals(Array.from(g.vars), [1, 2, 3, 4]);
  assertThrows(() => makeGmm([1], [[0], [1]], 1), RangeError, "makeGmm: means.length must be 1");
  assertThrows(() => makeGmm([1, 1], [[0], [1, 2]], 1), RangeError, "means[1].length must be 1");
  assertThrows(() => makeGmm([-1], [[0]], 1), RangeError, "weights[0] must be a non-negative number");
  assertThrows(() => makeGmm([1], [[0]], -1), RangeError, "vars must be a non-negative number");
});

Deno.test("gmmSample: component frequencies, means and variances match (seeded bounds)", () => {
  const g = makeGmm([0.2, 0.8], [[-3, 0], [2, 1]], [[0.25, 1], [0.04, 1]]);
  const n = 40000, X = gmmSample(g, n, createRng(5));
  let nLeft = 0, sx = 0, sxx = 0;
  for (let j = 0; j < n; j++) {
    if (X[2 * j]! < -0.5) {
      nLeft++;
      sx += X[2 * j]!;
      sxx += X[2 * j]! ** 2;
    }
  }
  assertAlmostEquals(nLeft / n, 0.2, 4 * Math.sqrt(0.16 / n));
  const m = sx / nLeft;
  assertAlmostEquals(m, -3, 4 * 0.5 / Math.sqrt(nLeft));
  assertAlmostEquals(sxx / nLeft - m * m, 0.25, 0.02);
  const Y = gmmSample(g, 1000, createRng(5), { varScale: 0 });
  for (let j = 0; j < 1000; j++) assert(Y[2 * j] === -3 || Y[2 * j] === 2);
});

Deno.test("gmmLogPdf: integrates to 1 on a grid and matches a hand-computed 2-component value", () => {
  const g = makeGmm([0.3, 0.7], [[-1], [2]], [[0.5], [0.2]]);
  const h = 0.001, xs = Float64Array.from({ length: 16000 }, (_, i) => -8 + i * h);
  const mass = gmmLogPdf(g, xs).reduce((s, l) => s + Math.exp(l) * h, 0);
  assertAlmostEquals(mass, 1, 1e-6);
  const x = 0.4;
  const ref = 0.3 * Math.exp(-((x + 1) ** 2) / 1) / Math.sqrt(2 * Math.PI * 0.5) +
    0.7 * Math.exp(-((x - 2) ** 2) / 0.4) / Math.sqrt(2 * Math.PI * 0.2);
  assertAlmostEquals(gmmLogPdf(g, Float64Array.of(x))[0]!, Math.log(ref), 1e-12);
  assertAlmostEquals(nllUnderGmm(Float64Array.of(x), g), -Math.log(ref), 1e-12);
  assertThrows(
    () => gmmLogPdf(makeGmm([1], [[0]], 0), Float64Array.of(0)),
    RangeError,
    "g.vars[0] must be > 0",
  );
  assertThrows(
    () => gmmLogPdf(g, new Float64Array(0)),
    RangeError,
    "X.length must be a positive multiple of d = 1",
  );
});

Deno.test("gmmCdf1d / gmmQuantile1d: inverse pair; derivative of the CDF is the density", () => {
  const g = makeGmm([0.3, 0.7], [[-1], [2]], [[0.5], [0.2]]);
  for (const u of [0.01, 0.3, 0.5, 0.97]) assertAlmostEquals(gmmCdf1d(g, gmmQuantile1d(g, u)), u, 1e-10);
  const x = 1.3, e = 1e-5;
  const dens = (gmmCdf1d(g, x + e) - gmmCdf1d(g, x - e)) / (2 * e);
  assertAlmostEquals(dens, Math.exp(gmmLogPdf(g, Float64Array.of(x))[0]!), 1e-7);
  assertThrows(() => gmmQuantile1d(g, 1), RangeError, "u must be in (0, 1)");
  assertThrows(() => gmmCdf1d(makeGmm([1], [[0, 0]], 1), 0), RangeError, "g.d must be 1");
});
