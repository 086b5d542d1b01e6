import { assertAlmostEquals, assertLess, assertThrows } from "@std/assert";
import { parameterizationStep } from "@lib/nn/ntk.ts";

const median = (x: Float64Array) => {
  const s = Float64Array.from(x).sort();
  return s[Math.floor(s.length / 2)]!;
};

Deno.test("NTK vs standard: same outputs at init; Adam step = η relative for NTK, √m·η for standard", () => {
  for (const m of [16, 256]) {
    const r = parameterizationStep({ fanIn: m, fanOut: 32, seed: 1, lr: 1e-2 });
    assertLess(r.maxOutputDiff, 1e-12);
    assertAlmostEquals(r.ntk.rmsRelChange, 0.01, 0.001);
    assertAlmostEquals(r.standard.rmsRelChange / r.ntk.rmsRelChange, Math.sqrt(m), 1e-6);
    // median |Δv|/|v| = η / median|v| ≈ η / 0.6745 for v ~ N(0, 1)
    assertAlmostEquals(median(r.ntk.relChange), 0.01 / 0.6745, 0.002);
    // the function moves √m times further under the standard parameterization
    assertAlmostEquals(r.standard.outputRelChange / r.ntk.outputRelChange, Math.sqrt(m), 1e-6 * Math.sqrt(m));
  }
  assertThrows(
    () => parameterizationStep({ fanIn: 0, fanOut: 2, seed: 0 }),
    RangeError,
    "fanIn must be an integer ≥ 1",
  );
  assertThrows(
    () => parameterizationStep({ fanIn: 2, fanOut: 2, seed: 0, lr: 0 }),
    RangeError,
    "lr must be a positive number",
  );
});
