import { assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { rk4 } from "@lib/core/ode.ts";

Deno.test("rk4: exponential growth and a harmonic oscillator", () => {
  assertAlmostEquals(rk4((y) => Float64Array.from(y), Float64Array.of(1), 0, 1, 100)[0]!, Math.E, 1e-9);
  const osc = (y: Float64Array) => Float64Array.of(y[1]!, -y[0]!);
  const y = rk4(osc, Float64Array.of(0, 1), 0, 10, 1000);
  assertAlmostEquals(y[0]!, Math.sin(10), 1e-9);
  assertAlmostEquals(y[1]!, Math.cos(10), 1e-9);
  // backwards in time
  assertAlmostEquals(rk4((y) => Float64Array.from(y), Float64Array.of(Math.E), 1, 0, 100)[0]!, 1, 1e-9);
});

Deno.test("rk4: time-dependent field and fourth-order convergence", () => {
  // dy/dt = cos t → y(2) = sin 2
  const f = (_y: Float64Array, t: number) => Float64Array.of(Math.cos(t));
  assertAlmostEquals(rk4(f, Float64Array.of(0), 0, 2, 50)[0]!, Math.sin(2), 1e-9);
  const err = (steps: number) =>
    Math.abs(rk4((y) => Float64Array.from(y), Float64Array.of(1), 0, 1, steps)[0]! - Math.E);
  const order = Math.log2(err(10) / err(20));
  assertLess(Math.abs(order - 4), 0.2);
});

Deno.test("rk4: does not modify y0; validation", () => {
  const y0 = Float64Array.of(1, 2);
  rk4((y) => Float64Array.from(y), y0, 0, 1, 3);
  assertEquals(Array.from(y0), [1, 2]);
  assertThrows(() => rk4((y) => y, y0, 0, 1, 0), RangeError, "rk4: steps must be an integer ≥ 1, got 0");
  assertThrows(
    () => rk4(() => Float64Array.of(1), y0, 0, 1, 2),
    RangeError,
    "rk4: f(y, t) must be a Float64Array of length 2",
  );
  assertThrows(() => rk4((y) => y.map(() => Infinity), y0, 0, 1, 2), RangeError, "must be a finite number");
});
