import { assertAlmostEquals, assertLess, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { meanEntropyGaussianScores } from "@lib/attention/gaussian_entropy.ts";

Deno.test("meanEntropyGaussianScores: σ = 0 gives ln n exactly; large n follows ln n − σ²/2", () => {
  assertAlmostEquals(meanEntropyGaussianScores(37, 0, 3, createRng(0)), Math.log(37), 1e-12);
  // the large-n limit: H ≈ ln n − σ²/2 (ln E e^s = σ²/2, E_p[s] = σ²)
  const h = meanEntropyGaussianScores(4096, 1, 20, createRng(1));
  assertAlmostEquals(h, Math.log(4096) - 0.5, 0.05);
});

Deno.test("meanEntropyGaussianScores: grows with n by > 3 nats from 64 to 4096; a window of 64 keeps it flat", () => {
  const h64 = meanEntropyGaussianScores(64, 1, 200, createRng(2));
  const h4096 = meanEntropyGaussianScores(4096, 1, 50, createRng(3));
  assertLess(h64 + 3, h4096);
  const hw = meanEntropyGaussianScores(4096, 1, 200, createRng(4), { window: 64 });
  assertLess(Math.abs(hw - h64), 0.1);
});

Deno.test("meanEntropyGaussianScores: invalid arguments throw", () => {
  assertThrows(
    () => meanEntropyGaussianScores(0, 1, 1, createRng(0)),
    RangeError,
    "meanEntropyGaussianScores: n",
  );
  assertThrows(() => meanEntropyGaussianScores(4, -1, 1, createRng(0)), RangeError, "sigma");
  assertThrows(
    () => meanEntropyGaussianScores(4, 1, 1, createRng(0), { window: 0 }),
    RangeError,
    "opts.window",
  );
});
