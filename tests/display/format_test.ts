import { assertEquals, assertThrows } from "@std/assert";
import { formatNumber, roundSig } from "@lib/display/mod.ts";

Deno.test("formatNumber: significant digits, fixed vs exponent ranges, specials", () => {
  const cases: [number, number, string][] = [
    [0.352149, 4, "0.3521"],
    [0.5, 4, "0.5"],
    [2.0, 4, "2"],
    [-1234.5678, 4, "-1235"],
    [123456.7, 4, "123457"],
    [999999.5, 4, "1000000"],
    [99999.95, 4, "100000"],
    [1e6 + 0.5, 4, "1e+6"],
    [1e-4, 4, "0.0001"],
    [1.23456e-4, 4, "0.0001235"],
    [9.99e-5, 4, "9.99e-5"],
    [1.23456e-7, 3, "1.23e-7"],
    [6.02214076e23, 4, "6.022e+23"],
    [12345678901234, 4, "12345678901234"],
    [1e20, 4, "1e+20"],
    [9.99995, 4, "10"],
    [-0, 4, "0"],
    [-1e-30, 2, "-1e-30"],
    [NaN, 4, "NaN"],
    [Infinity, 4, "∞"],
    [-Infinity, 4, "-∞"],
    [0.1 + 0.2, 17, "0.30000000000000004"],
  ];
  for (const [x, d, want] of cases) assertEquals(formatNumber(x, d), want, `formatNumber(${x}, ${d})`);
});

Deno.test("formatNumber / roundSig: validation", () => {
  assertThrows(
    () => formatNumber(1, 0),
    RangeError,
    "formatNumber: digits must be an integer in [1, 17], got 0",
  );
  assertThrows(() => formatNumber("1" as unknown as number), TypeError, "formatNumber: x must be a number");
  assertThrows(() => roundSig(1, 18), RangeError, "roundSig: digits");
});

Deno.test("roundSig: rounds non-integers, keeps integers and non-finite values", () => {
  assertEquals(roundSig(0.1 + 0.2), 0.3);
  assertEquals(roundSig(1 / 3), 0.333333);
  assertEquals(roundSig(-2 / 3, 2), -0.67);
  assertEquals(roundSig(123456789), 123456789);
  assertEquals(roundSig(1234567.89), 1234570);
  assertEquals(roundSig(1.2345678e-12), 1.23457e-12);
  assertEquals(Object.is(roundSig(-0), 0), true);
  assertEquals(roundSig(Infinity), Infinity);
});
