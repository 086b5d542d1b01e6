import { assert, assertAlmostEquals, assertThrows } from "@std/assert";
import {
  edmTimeSteps,
  rectifiedFlowPath,
  snr,
  suDdpmSchedule,
  timeForSnr,
  vePath,
  vpCosinePath,
} from "@lib/diffusion/paths.ts";

Deno.test("paths: derivatives match central differences", () => {
  for (const p of [vpCosinePath(), rectifiedFlowPath(), vePath()]) {
    for (const t of [0.1, 0.37, 0.9]) {
      const h = 1e-6;
      assertAlmostEquals(p.da(t), (p.a(t + h) - p.a(t - h)) / (2 * h), 1e-7);
      assertAlmostEquals(p.db(t), (p.b(t + h) - p.b(t - h)) / (2 * h), 1e-7);
    }
  }
});

Deno.test("timeForSnr: closed form on the cosine path, (2/π)·atan(tan(πt/2)/s)", () => {
  const p = vpCosinePath();
  for (const t of [0.1, 0.4, 0.77]) {
    for (const s of [0.5, 2, 3]) {
      const got = timeForSnr(p, s * s * snr(p, t));
      assertAlmostEquals(got, (2 / Math.PI) * Math.atan(Math.tan(Math.PI * t / 2) / s), 1e-10);
    }
  }
  assertThrows(
    () => timeForSnr(vePath(10), 1e9),
    RangeError,
    "timeForSnr: target must be in [SNR(tMax), SNR(tMin)]",
  );
});

Deno.test("edmTimeSteps: endpoints, strictly decreasing, ρ = 1 is uniform", () => {
  const ts = edmTimeSteps(5, 0.002, 80, 7);
  assertAlmostEquals(ts[0]!, 80, 1e-9);
  assertAlmostEquals(ts[4]!, 0.002, 1e-12);
  for (let i = 1; i < 5; i++) assert(ts[i]! < ts[i - 1]!);
  const u = edmTimeSteps(3, 1, 3, 1);
  assertAlmostEquals(u[1]!, 2, 1e-12);
  assertThrows(
    () => edmTimeSteps(1, 0.002, 80, 7),
    RangeError,
    "edmTimeSteps: N must be an integer ≥ 2, got 1",
  );
});

Deno.test("suDdpmSchedule: α_t² = 1 − 0.02t/T, ᾱ² + β̄² = 1, σ = β", () => {
  const s = suDdpmSchedule(100);
  for (const t of [1, 50, 100]) {
    assertAlmostEquals(s.alpha[t]! ** 2, 1 - 0.02 * t / 100, 1e-14);
    assertAlmostEquals(s.barAlpha[t]! ** 2 + s.barBeta[t]! ** 2, 1, 1e-14);
    assertAlmostEquals(s.sigma[t]!, s.beta[t]!, 0);
  }
  assertAlmostEquals(s.barAlpha[3]!, s.alpha[1]! * s.alpha[2]! * s.alpha[3]!, 1e-15);
});
