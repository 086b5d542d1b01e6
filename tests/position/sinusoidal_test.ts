import { assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { maxAbsDiff } from "@lib/core/array.ts";
import { dot, identity, matmul, matVec, transpose } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import { ropeInvFreq } from "@lib/position/rope.ts";
import { sinusoidalDot, sinusoidalEncoding, sinusoidalShiftMatrix } from "@lib/position/sinusoidal.ts";

Deno.test("sinusoidalEncoding: p_{k,2i} = sin(kθ_i), p_{k,2i+1} = cos(kθ_i)", () => {
  const p = sinusoidalEncoding(7, 8), th = ropeInvFreq(8);
  for (let i = 0; i < 4; i++) {
    assertEquals(p[2 * i], Math.sin(7 * th[i]!));
    assertEquals(p[2 * i + 1], Math.cos(7 * th[i]!));
  }
  assertAlmostEquals(dot(p, p), 4, 1e-14); // each (sin, cos) pair has unit norm
  assertAlmostEquals(sinusoidalEncoding(3, 4, 100)[2]!, Math.sin(0.3), 1e-15);
});

Deno.test("sinusoidalDot(0, d) = d/2 exactly; p_m·p_n depends only on m − n (1e-9)", () => {
  for (const d of [2, 16, 128]) assertEquals(sinusoidalDot(0, d), d / 2);
  const rng = createRng(0);
  for (let t = 0; t < 50; t++) {
    const m = rng.int(1000), n = rng.int(1000);
    const direct = dot(sinusoidalEncoding(m, 64), sinusoidalEncoding(n, 64));
    assertAlmostEquals(direct, sinusoidalDot(m - n, 64), 1e-9);
    assertAlmostEquals(sinusoidalDot(m - n, 64), sinusoidalDot(n - m, 64), 1e-12);
  }
});

Deno.test("sinusoidalShiftMatrix(β)·p_α = p_{α+β} (1e-12); shifts compose and are orthogonal", () => {
  const rng = createRng(1);
  for (let t = 0; t < 20; t++) {
    const a = 300 * rng(), b = 300 * rng() - 150;
    const shifted = matVec(sinusoidalShiftMatrix(b, 32), sinusoidalEncoding(a, 32));
    assertLess(maxAbsDiff(shifted, sinusoidalEncoding(a + b, 32)), 1e-12);
  }
  const m3 = sinusoidalShiftMatrix(3, 16), m5 = sinusoidalShiftMatrix(5, 16);
  assertLess(maxAbsDiff(matmul(m3, m5).data, sinusoidalShiftMatrix(8, 16).data), 1e-12);
  assertLess(maxAbsDiff(matmul(transpose(m3), m3).data, identity(16).data), 1e-12);
});

Deno.test("bad inputs throw clear errors", () => {
  assertThrows(
    () => sinusoidalEncoding(1, 5),
    RangeError,
    "sinusoidalEncoding: d must be an even integer ≥ 2, got 5",
  );
  assertThrows(
    () => sinusoidalEncoding(NaN, 4),
    RangeError,
    "sinusoidalEncoding: pos must be a finite number, got NaN",
  );
  assertThrows(
    () => sinusoidalDot(1, 4, -1),
    RangeError,
    "sinusoidalDot: base must be a positive number, got -1",
  );
  assertThrows(
    () => sinusoidalShiftMatrix(Infinity, 4),
    RangeError,
    "sinusoidalShiftMatrix: delta must be a finite number",
  );
});
