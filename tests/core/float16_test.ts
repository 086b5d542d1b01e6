import { assert, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import {
  FLOAT16_MAX,
  FLOAT16_MIN_POSITIVE,
  float16Spacing,
  float16StaleFraction,
  float16UnderflowFraction,
  roundToFloat16,
} from "@lib/core/float16.ts";

Deno.test("roundToFloat16: the spec's fixed points", () => {
  assertEquals(roundToFloat16(65504), 65504);
  assertEquals(roundToFloat16(65519.99), 65504);
  assertEquals(roundToFloat16(65520), Infinity);
  assertEquals(roundToFloat16(-65520), -Infinity);
  assertEquals(roundToFloat16(6e-8), 5.960464477539063e-8);
  assertEquals(roundToFloat16(2e-8), 0);
  assertEquals(roundToFloat16(FLOAT16_MIN_POSITIVE / 2), 0); // tie → even (0)
  assertEquals(roundToFloat16(FLOAT16_MIN_POSITIVE * 1.5), 2 * FLOAT16_MIN_POSITIVE); // tie → even (2)
  assertEquals(roundToFloat16(1 + 2 ** -10), 1 + 2 ** -10);
  assertEquals(roundToFloat16(1 + 3 * 2 ** -11), 1 + 2 ** -9); // tie between 1+2^-10 and 1+2^-9 → even
  assert(Number.isNaN(roundToFloat16(NaN)));
  assert(Object.is(roundToFloat16(-1e-9), -0));
  assertEquals(FLOAT16_MAX, (2 - 2 ** -10) * 2 ** 15);
});

Deno.test("roundToFloat16 agrees with the engine's Math.f16round on 20000 random values over 20 decades", () => {
  const f16 = (Math as unknown as { f16round?: (x: number) => number }).f16round;
  if (f16 === undefined) return; // older engines
  const rng = createRng(5);
  for (let i = 0; i < 20000; i++) {
    const x = (rng() < 0.5 ? -1 : 1) * 10 ** (-10 + 15 * rng());
    assertEquals(roundToFloat16(x), f16(x), `x = ${x}`);
  }
});

Deno.test("roundToFloat16 is idempotent and its rounding error is at most half the spacing", () => {
  const rng = createRng(6);
  for (let i = 0; i < 5000; i++) {
    const x = 10 ** (-6 + 10 * rng());
    const r = roundToFloat16(x);
    assertEquals(roundToFloat16(r), r);
    assert(Math.abs(r - x) <= float16Spacing(x) / 2 * (1 + 1e-12), `x = ${x}`);
  }
});

Deno.test("float16Spacing: powers of two, subnormal floor, overflow", () => {
  assertEquals(float16Spacing(0.25), 2 ** -12);
  assertEquals(float16Spacing(-0.3), 2 ** -12);
  assertEquals(float16Spacing(1), 2 ** -10);
  assertEquals(float16Spacing(1024), 1);
  assertEquals(float16Spacing(65504), 32);
  assertEquals(float16Spacing(1e-6), 2 ** -24);
  assertEquals(float16Spacing(1e5), Infinity);
  assertThrows(() => float16Spacing(NaN), RangeError, "float16Spacing: x must be a finite number");
});

Deno.test("underflow and stale fractions count only non-zero entries; bad inputs throw", () => {
  assertEquals(float16UnderflowFraction([0, 0]), 0);
  assertEquals(float16UnderflowFraction([1e-3, 1e-9]), 0.5);
  // a sign step of 1e-3 never underflows; an SGD step of 1e-3 · 1e-5 does
  assertEquals(float16UnderflowFraction([1e-3, -1e-3]), 0);
  assertEquals(float16UnderflowFraction([1e-8]), 1);
  assertEquals(float16StaleFraction([1, 1, 1], [0, 1e-4, 1e-3]), 0.5); // spacing below 1 is 2^-11 ≈ 4.9e-4
  assertThrows(() => float16StaleFraction([1, 2], [1]), RangeError, "delta.length must be 2");
  assertThrows(() => float16UnderflowFraction([]), RangeError);
  assertThrows(
    () => roundToFloat16("1" as unknown as number),
    TypeError,
    "roundToFloat16: x must be a number",
  );
});
