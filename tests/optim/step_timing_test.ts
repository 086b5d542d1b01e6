import { assert, assertEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { adamw } from "@lib/optim/adamw.ts";
import { lion } from "@lib/optim/lion.ts";
import { timeOptimizerStep } from "@lib/optim/step_timing.ts";

await initTf();

Deno.test("timeOptimizerStep: times the requested repeats and frees everything", () => {
  const before = tf.memory().numTensors;
  for (const mk of [() => adamw({ weightDecay: 0.01 }), () => lion({ weightDecay: 0.1 })]) {
    const t = timeOptimizerStep(mk, 10_000, { repeats: 4, warmup: 1 });
    assertEquals(t.runsMs.length, 4);
    assert(t.minMs > 0 && t.minMs <= t.medianMs);
  }
  assertEquals(tf.memory().numTensors, before);
  assertThrows(
    () => timeOptimizerStep(() => lion(), 0),
    RangeError,
    "timeOptimizerStep: size must be an integer ≥ 1, got 0",
  );
});
