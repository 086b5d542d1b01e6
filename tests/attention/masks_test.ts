import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { applyMaskRenormalize, bandMask } from "@lib/attention/masks.ts";
import { gaussianMatrix, identity, matrix, rowSums } from "@lib/core/matrix.ts";
import { numericalRank } from "@lib/core/linalg.ts";
import { createRng } from "@lib/core/rng.ts";
import { applyFeatureMap, featureMaps, linearWeights } from "@lib/attention/linear_attention.ts";

Deno.test("bandMask: counts, symmetry, causal part", () => {
  const n = 10;
  for (const w of [1, 3, 10, 20]) {
    const m = bandMask(n, w), ones = m.data.reduce((s, x) => s + x, 0);
    const wc = Math.min(w, n);
    assertEquals(ones, n * (2 * wc - 1) - wc * (wc - 1)); // n(2w−1) minus the cut corners
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) assertEquals(m.data[i * n + j], m.data[j * n + i]);
    }
    const c = bandMask(n, w, { causal: true });
    assertEquals(c.data.reduce((s, x) => s + x, 0), (ones + n) / 2);
  }
  assertThrows(() => bandMask(4, 0), RangeError, "bandMask: w must be an integer ≥ 1, got 0");
});

Deno.test("applyMaskRenormalize: rows sum to 1; w = 1 gives the identity; causal and band raise the rank", () => {
  const rng = createRng(0), n = 64;
  const a = linearWeights(
    applyFeatureMap(gaussianMatrix(n, 4, rng), featureMaps.elu1),
    applyFeatureMap(gaussianMatrix(n, 4, rng), featureMaps.elu1),
  );
  assertEquals(numericalRank(a) <= 4, true);
  const band = applyMaskRenormalize(a, bandMask(n, 3));
  rowSums(band).forEach((s) => assertAlmostEquals(s, 1, 1e-14));
  assertEquals(Array.from(applyMaskRenormalize(a, bandMask(n, 1)).data), Array.from(identity(n).data));
  assertEquals(numericalRank(applyMaskRenormalize(a, bandMask(n, n, { causal: true }))), n);
  assertEquals(numericalRank(band) > 4, true);
  assertThrows(
    () => applyMaskRenormalize(a, bandMask(3, 1)),
    RangeError,
    "mask must be a 64×64 matrix",
  );
  assertThrows(
    () => applyMaskRenormalize(matrix(1, 2, [1, 1]), matrix(1, 2, [0, 0])),
    RangeError,
    "positive sum",
  );
});
