import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { accuracy, expectedCalibrationError, meanNll, reliabilityBins } from "@lib/prob/calibration.ts";

/** n random probability rows over C classes (Dirichlet-like via normalised exp(scale·N(0,1))). */
function randomProbs(n: number, C: number, seed: number, scale = 2): Float64Array {
  const rng = createRng(seed), out = new Float64Array(n * C);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += out[i * C + c] = Math.exp(scale * rng.normal());
    for (let c = 0; c < C; c++) out[i * C + c]! /= s;
  }
  return out;
}

function drawLabels(probs: Float64Array, C: number, seed: number): Int32Array {
  const rng = createRng(seed), n = probs.length / C;
  return Int32Array.from({ length: n }, (_, i) => {
    let u = rng.uniform(), c = 0;
    while (c < C - 1 && (u -= probs[i * C + c]!) > 0) c++;
    return c;
  });
}

Deno.test("ECE: labels drawn from the predictions give ECE < 0.01; over-confident predictions do not", () => {
  const C = 8, n = 100_000, probs = randomProbs(n, C, 0);
  const labels = drawLabels(probs, C, 1);
  const ece = expectedCalibrationError(probs, labels, C);
  assert(ece < 0.01, `calibrated ECE ${ece}`);
  // sharpen the same predictions (temperature 1/3): now over-confident
  const sharp = randomProbs(n, C, 0, 6);
  assert(expectedCalibrationError(sharp, labels, C) > 0.1);
});

Deno.test("ECE: confidence 1 with 50% accuracy is 0.5; accuracy equal to confidence is 0", () => {
  const probs = [1, 0, 0, 1, 1, 0, 0, 1], labels = [0, 0, 1, 0]; // predictions 0, 1, 0, 1: only the first is right
  assertEquals(accuracy(probs, labels, 2), 0.25);
  assertEquals(expectedCalibrationError(probs, [0, 1, 1, 0], 2), 0.5);
  const q = [0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25];
  assertEquals(expectedCalibrationError(q, [0, 0, 0, 1], 2), 0);
});

Deno.test("reliabilityBins: counts add up, bins are (lo, hi], conf 0.5 lands in the middle bin", () => {
  const C = 4, probs = randomProbs(1000, C, 3), labels = drawLabels(probs, C, 4);
  const bins = reliabilityBins(probs, labels, C, 10);
  assertEquals(bins.reduce((s, b) => s + b.count, 0), 1000);
  for (const b of bins) if (b.count) assert(b.meanConf > b.lo && b.meanConf <= b.hi);
  const two = reliabilityBins([0.5, 0.5], [0], 2, 2);
  assertEquals(two.map((b) => b.count), [1, 0]);
  assertEquals(
    accuracy(probs, labels, C),
    bins.reduce((s, b) => s + (b.count ? b.acc * b.count : 0), 0) / 1000,
  );
});

Deno.test("meanNll and accuracy on hand examples", () => {
  assertAlmostEquals(meanNll([0.5, 0.5, 0.1, 0.9], [1, 1], 2), (Math.LN2 - Math.log(0.9)) / 2, 1e-15);
  assertEquals(meanNll([1, 0], [1], 2), -Math.log(1e-300));
  assertEquals(accuracy([0.2, 0.8, 0.6, 0.4], [1, 0], 2), 1);
});

Deno.test("calibration: validation errors name the argument", () => {
  assertThrows(
    () => accuracy([0.5, 0.5], [2], 2),
    RangeError,
    "accuracy: labels[0] must be an integer in [0, 1], got 2",
  );
  assertThrows(() => meanNll([0.5, 0.5, 1], [0], 2), RangeError, "meanNll: probs.length must be 2, got 3");
  assertThrows(
    () => expectedCalibrationError([0.5, 0.5], [0], 2, 0),
    RangeError,
    "reliabilityBins: bins must be an integer ≥ 1, got 0",
  );
  assertThrows(
    () => reliabilityBins([0.5, 0.5], [], 2),
    RangeError,
    "reliabilityBins: labels.length must be ≥ 1",
  );
  assertThrows(
    () => reliabilityBins([1.5, 0.5], [0], 2),
    RangeError,
    "reliabilityBins: max of probs row 0 must be in [0, 1]",
  );
});
