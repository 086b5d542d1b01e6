import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { odeSolve, type OdeSolveMethod } from "@lib/core/ode_solve.ts";

// dy/dt = −y/t² from t = 2 (y = 1) down to t = 0.5: y(t) = exp(1/t − 1/2), so y(0.5) = e^{1.5}
const field = (y: Float64Array, t: number) => y.map((v) => -v / (t * t));
const geomGrid = (N: number) => Float64Array.from({ length: N + 1 }, (_, i) => 2 * 0.25 ** (i / N));

function slope(method: OdeSolveMethod, Ns = [16, 32, 64, 128]): number {
  const errs = Ns.map((N) =>
    Math.abs(odeSolve(field, Float64Array.of(1), geomGrid(N), method).y[0]! - Math.exp(1.5))
  );
  const xs = Ns.map((N) => -Math.log(N)), ys = errs.map(Math.log);
  const mx = xs.reduce((a, b) => a + b) / 4, my = ys.reduce((a, b) => a + b) / 4;
  let num = 0, den = 0;
  for (let i = 0; i < 4; i++) (num += (xs[i]! - mx) * (ys[i]! - my)), (den += (xs[i]! - mx) ** 2);
  return num / den;
}

Deno.test("odeSolve dpm2: second order on dy/dt = −y/t² (Euler 1, Heun 2, dpm2 2, RK4 4)", () => {
  assertAlmostEquals(slope("euler"), 1, 0.25);
  assertAlmostEquals(slope("heun"), 2, 0.25);
  assertAlmostEquals(slope("dpm2"), 2, 0.25);
  assertAlmostEquals(slope("rk4", [64, 128, 256, 512]), 4, 0.3);
});

Deno.test("odeSolve dpm2: evaluates at the geometric midpoint √(t_n t_{n+1}), 2 NFE per step", () => {
  const seen: number[] = [];
  const r = odeSolve(
    (y, t) => (seen.push(t), y.map(() => t)),
    Float64Array.of(0),
    Float64Array.of(4, 1, 0.25),
    "dpm2",
  );
  assertEquals(r.nfe, 4);
  assertEquals(seen, [4, 2, 1, 0.5]);
  // dy/dt = t is integrated with the midpoint slope: y = (1 − 4)·2 + (0.25 − 1)·0.5
  assertAlmostEquals(r.y[0]!, -6.375, 1e-15);
});

Deno.test("odeSolve dpm2: times must share one sign and be ≠ 0", () => {
  assertThrows(() => odeSolve(field, Float64Array.of(1), Float64Array.of(1, 0), "dpm2"), RangeError, "dpm2");
  assertThrows(
    () => odeSolve(field, Float64Array.of(1), Float64Array.of(1, -1), "dpm2"),
    RangeError,
    "one sign",
  );
  assertThrows(
    () => odeSolve(field, Float64Array.of(1), Float64Array.of(1, 2, 1.5), "dpm2"),
    RangeError,
    "strictly monotone",
  );
});
