import { assert, assertAlmostEquals, assertThrows } from "@std/assert";
import { amosSignHyper } from "@lib/optim/amos.ts";

Deno.test("amosSignHyper(768, 1.11e-3): η within 1% of 4.0e-5 and λ within 1% of 0.0154 (the article's numbers)", () => {
  const h = amosSignHyper(768, 1.11e-3);
  assert(Math.abs(h.lr / 4.0e-5 - 1) < 0.01, `lr ${h.lr}`);
  assert(Math.abs(h.weightDecay / 0.0154 - 1) < 0.01, `wd ${h.weightDecay}`);
  assertAlmostEquals(h.sigma, 0.036, 1e-3);
  // ηλ = α0²/2 does not depend on d
  for (const d of [256, 1024]) {
    assertAlmostEquals(amosSignHyper(d, 1e-3).lr * amosSignHyper(d, 1e-3).weightDecay, 5e-7, 1e-18);
  }
});

Deno.test("amosSignHyper: bad inputs throw", () => {
  assertThrows(() => amosSignHyper(0, 1e-3), RangeError, "amosSignHyper: d must be an integer ≥ 1, got 0");
  assertThrows(
    () => amosSignHyper(768, -1),
    RangeError,
    "amosSignHyper: alpha0 must be a positive number, got -1",
  );
});
