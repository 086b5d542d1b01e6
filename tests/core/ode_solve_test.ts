import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { odeSolve, type OdeSolveMethod, uniformGrid } from "@lib/core/ode_solve.ts";

const decay = (y: Float64Array) => y.map((v) => -v);

function slope(method: OdeSolveMethod): number {
  // dy/dt = -y from t = 1 (y = 1) to t = 0: exact e; log-log slope of error vs h
  const Ns = [8, 16, 32, 64];
  const errs = Ns.map((N) =>
    Math.abs(odeSolve(decay, Float64Array.of(1), uniformGrid(1, 0, N), method).y[0]! - Math.E)
  );
  const xs = Ns.map((N) => Math.log(1 / N)), ys = errs.map(Math.log);
  const mx = xs.reduce((a, b) => a + b) / 4, my = ys.reduce((a, b) => a + b) / 4;
  let num = 0, den = 0;
  for (let i = 0; i < 4; i++) (num += (xs[i]! - mx) * (ys[i]! - my)), (den += (xs[i]! - mx) ** 2);
  return num / den;
}

Deno.test("odeSolve: convergence orders on dy/dt = -y (Euler 1, Heun/midpoint 2, RK4 4)", () => {
  assertAlmostEquals(slope("euler"), 1, 0.2);
  assertAlmostEquals(slope("heun"), 2, 0.2);
  assertAlmostEquals(slope("midpoint"), 2, 0.2);
  assertAlmostEquals(slope("rk4"), 4, 0.3);
});

Deno.test("odeSolve: time-dependent field dy/dt = 2t, nonuniform grid, trajectory and NFE", () => {
  // Heun and midpoint are exact for a field linear in t
  const ts = Float64Array.of(0, 0.1, 0.5, 0.6, 1.3);
  for (const m of ["heun", "midpoint", "rk4"] as const) {
    const r = odeSolve((_y, t) => Float64Array.of(2 * t), Float64Array.of(0), ts, m, {
      keepTrajectory: true,
    });
    assertAlmostEquals(r.y[0]!, 1.69, 1e-12);
    assertEquals(r.traj!.length, 5);
    assertAlmostEquals(r.traj![2]![0]!, 0.25, 1e-12);
    assertEquals(r.nfe, 4 * (m === "rk4" ? 4 : 2));
  }
  assertAlmostEquals(
    odeSolve((_y, t) => Float64Array.of(2 * t), Float64Array.of(0), Float64Array.of(0, 1), "euler").y[0]!,
    0,
  );
});

Deno.test("odeSolve: 2-D rotation keeps the radius with RK4", () => {
  const rot = (y: Float64Array) => Float64Array.of(-y[1]!, y[0]!);
  const r = odeSolve(rot, Float64Array.of(1, 0), uniformGrid(0, 2 * Math.PI, 200), "rk4");
  assertAlmostEquals(r.y[0]!, 1, 1e-7);
  assertAlmostEquals(r.y[1]!, 0, 1e-7);
});

Deno.test("odeSolve / uniformGrid: validation", () => {
  assertThrows(
    () => odeSolve(decay, Float64Array.of(1), Float64Array.of(0, 1, 0.5), "rk4"),
    RangeError,
    "monotone",
  );
  assertThrows(() => odeSolve(decay, Float64Array.of(1), Float64Array.of(0), "rk4"), RangeError, "ts");
  assertThrows(
    () => odeSolve(decay, Float64Array.of(1), Float64Array.of(0, 1), "dpm9" as OdeSolveMethod),
    RangeError,
    "method",
  );
  assertThrows(
    () => odeSolve(() => new Float64Array(2), Float64Array.of(1), Float64Array.of(0, 1), "euler"),
    RangeError,
    "f(y, t)",
  );
  assertThrows(() => uniformGrid(1, 1, 3), RangeError, "t1");
  assertThrows(() => uniformGrid(0, 1, 0), RangeError, "steps");
});
