import { assertEquals, assertGreater, assertLess, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { conv1dStack } from "@lib/nn/conv1d.ts";

const kernels = (seed: number, layers: number, k = 3) => {
  const rng = createRng(seed);
  return Array.from({ length: layers }, () => Float64Array.from({ length: k }, () => rng.normal()));
};
const spread = (y: Float64Array) => Math.max(...y) - Math.min(...y);

Deno.test("acceptance: constant input — circular padding constant, zero padding leaks the position", () => {
  const x = new Float64Array(32).fill(1), ks = kernels(0, 3);
  for (const act of ["none", "tanh", "relu"] as const) {
    assertLess(spread(conv1dStack(x, ks, "circular", act)), 1e-12, act);
  }
  const z = conv1dStack(x, ks, "zero");
  assertGreater(spread(z), 1e-3);
  // three layers of radius 1: only the 3 outermost outputs on each side differ from the interior
  for (let t = 3; t < 29; t++) assertEquals(z[t], z[16]);
  assertGreater(Math.abs(z[0]! - z[16]!) + Math.abs(z[31]! - z[16]!), 1e-3);
});

Deno.test("conv1dStack: one layer equals the explicit sum; circular is shift-equivariant", () => {
  const rng = createRng(5), x = Float64Array.from({ length: 9 }, () => rng.normal());
  const w = Float64Array.of(0.5, -1, 2);
  const y = conv1dStack(x, [w], "zero");
  for (let t = 0; t < 9; t++) {
    const at = (s: number) => (s >= 0 && s < 9 ? x[s]! : 0);
    assertLess(Math.abs(y[t]! - (0.5 * at(t - 1) - at(t) + 2 * at(t + 1))), 1e-15);
  }
  const roll = (a: Float64Array, s: number) => a.map((_, i) => a[(i - s + a.length) % a.length]!);
  const ks = kernels(2, 3, 5);
  const a = conv1dStack(roll(x, 4), ks, "circular", "tanh"),
    b = roll(conv1dStack(x, ks, "circular", "tanh"), 4);
  for (let t = 0; t < 9; t++) assertLess(Math.abs(a[t]! - b[t]!), 1e-12);
});

Deno.test("conv1dStack: validation", () => {
  const x = new Float64Array(4);
  assertThrows(
    () => conv1dStack(x, [Float64Array.of(1, 2)], "zero"),
    RangeError,
    "conv1dStack: kernels[0].length must be odd",
  );
  assertThrows(
    () => conv1dStack(x, [], "zero"),
    RangeError,
    "conv1dStack: kernels.length must be ≥ 1, got 0",
  );
  assertThrows(
    () => conv1dStack(x, [Float64Array.of(1)], "reflect" as "zero"),
    RangeError,
    'padding must be "zero" or "circular"',
  );
});
