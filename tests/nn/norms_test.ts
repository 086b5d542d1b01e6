import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { maxAbsDiff } from "@lib/core/array.ts";
import { matrix } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { layerNorm, layerNormTf, normRows, rmsNorm, rmsNormTf } from "@lib/nn/norms.ts";

const vec = (n: number, seed: number, shift = 0) => {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => shift + 3 * rng.normal());
};
const mean = (x: ArrayLike<number>) => Array.from(x).reduce((a, b) => a + b, 0) / x.length;

Deno.test("acceptance: rmsNorm has mean square 1 (ε = 0); layerNorm mean 0, variance 1", () => {
  for (const seed of [1, 2, 3]) {
    const x = vec(97, seed, 5);
    const r = rmsNorm(x, undefined, 0);
    assertAlmostEquals(mean(r.map((v) => v * v)), 1, 1e-9);
    const l = layerNorm(x, undefined, undefined, 0);
    assertAlmostEquals(mean(l), 0, 1e-12);
    assertAlmostEquals(mean(l.map((v) => v * v)), 1, 1e-9);
  }
});

Deno.test("acceptance: layerNorm = rmsNorm to 1e-12 on zero-mean inputs; differ otherwise", () => {
  const x = vec(64, 9);
  const m = mean(x);
  const centered = x.map((v) => v - m);
  assertEquals(
    maxAbsDiff(layerNorm(centered, undefined, undefined, 0), rmsNorm(centered, undefined, 0)) < 1e-12,
    true,
  );
  assertEquals(
    maxAbsDiff(layerNorm(vec(64, 9, 2), undefined, undefined, 0), rmsNorm(vec(64, 9, 2), undefined, 0)) > 0.1,
    true,
  );
});

Deno.test("norms: γ and β, ε, scale invariance, errors", () => {
  const x = new Float64Array([1, 2, 3, 6]);
  const gamma = new Float64Array([1, 2, 3, 4]), beta = new Float64Array([0, 0, 0, 1]);
  const y = layerNorm(x, gamma, beta, 0);
  assertAlmostEquals(y[3]!, (3 / Math.sqrt(3.5)) * 4 + 1, 1e-14);
  assertAlmostEquals(rmsNorm(x, gamma, 0)[1]!, (2 / Math.sqrt(12.5)) * 2, 1e-14);
  // scale invariance: Norm(c x) = Norm(x) for c > 0 (ε = 0)
  assertEquals(
    maxAbsDiff(rmsNorm(x.map((v) => 7 * v), undefined, 0), rmsNorm(x, undefined, 0)) < 1e-14,
    true,
  );
  assertEquals(layerNorm(new Float64Array([2, 2]), undefined, undefined, 1)[0], 0);
  assertThrows(() => layerNorm(new Float64Array([2, 2]), undefined, undefined, 0), RangeError, "constant x");
  assertThrows(() => rmsNorm(new Float64Array(0)), RangeError, "x.length must be ≥ 1");
  assertThrows(() => rmsNorm([1, 2] as never), TypeError, "x must be a Float64Array");
  assertThrows(() => rmsNorm(x, new Float64Array(3)), RangeError, "gamma.length must be 4, got 3");
  assertThrows(() => rmsNorm(x, undefined, -1), RangeError, "eps must be a non-negative number");
  assertThrows(() => rmsNorm(new Float64Array([1, NaN])), RangeError, "x[1] must be a finite number");
});

Deno.test("normRows: row by row", () => {
  const m = matrix(2, 3, [1, 2, 3, -1, 0, 4]);
  const y = normRows(m, "layer", 0);
  const r1 = layerNorm(new Float64Array([-1, 0, 4]), undefined, undefined, 0);
  assertEquals(maxAbsDiff(y.data.subarray(3), r1) < 1e-15, true);
  assertThrows(() => normRows(m, "batch" as never), RangeError, 'kind must be "layer" or "rms"');
});

Deno.test("rmsNormTf / layerNormTf match the Float64 versions (1e-5), shape checks", async () => {
  await initTf();
  const rows = [vec(32, 1, 1), vec(32, 2, -2)];
  const gamma = vec(32, 3);
  const x = tf.tensor2d(rows.map((r) => Array.from(r)));
  const g = tf.tensor1d(Array.from(gamma));
  const yr = rmsNormTf(x, g, 1e-6).dataSync();
  const yl = layerNormTf(x, g, undefined, 1e-6).dataSync();
  for (let r = 0; r < 2; r++) {
    const er = maxAbsDiff(yr.subarray(r * 32, (r + 1) * 32), rmsNorm(rows[r]!, gamma, 1e-6));
    const el = maxAbsDiff(yl.subarray(r * 32, (r + 1) * 32), layerNorm(rows[r]!, gamma, undefined, 1e-6));
    assertEquals(er < 1e-5 && el < 1e-5, true, `row ${r}: ${er}, ${el}`);
  }
  const before = tf.memory().numTensors;
  tf.dispose(rmsNormTf(x, g));
  assertEquals(tf.memory().numTensors, before);
  assertThrows(() => rmsNormTf(x, tf.ones([3])), RangeError, "gamma.shape must be [32], got [3]");
  assertThrows(() => rmsNormTf([1] as never, g), TypeError, "x must be a tf.Tensor");
  tf.dispose([x, g]);
});
