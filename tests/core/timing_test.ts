import { assert, assertEquals, assertThrows } from "@std/assert";
import { timeIt } from "@lib/core/timing.ts";

Deno.test("timeIt: warm-up runs are not timed; median and min are consistent", () => {
  let calls = 0;
  const r = timeIt(() => {
    calls++;
    let s = 0;
    for (let i = 0; i < 1000; i++) s += Math.sqrt(i);
    if (s < 0) throw new Error("unreachable");
  }, { repeats: 7, warmup: 2 });
  assertEquals(calls, 9);
  assertEquals(r.runsMs.length, 7);
  const sorted = [...r.runsMs].sort((a, b) => a - b);
  assertEquals(r.medianMs, sorted[3]);
  assertEquals(r.minMs, sorted[0]);
  assert(r.runsMs.every((x) => x >= 0));
});

Deno.test("timeIt: even repeats average the two middle runs; defaults 20 / 3", () => {
  let calls = 0;
  const r = timeIt(() => void calls++);
  assertEquals([calls, r.runsMs.length], [23, 20]);
  const s = [...r.runsMs].sort((a, b) => a - b);
  assertEquals(r.medianMs, (s[9]! + s[10]!) / 2);
});

Deno.test("timeIt: bad inputs throw", () => {
  assertThrows(
    () => timeIt(() => {}, { repeats: 0 }),
    RangeError,
    "timeIt: repeats must be an integer ≥ 1, got 0",
  );
  assertThrows(
    () => timeIt(() => {}, { warmup: -1 }),
    RangeError,
    "timeIt: warmup must be an integer ≥ 0, got -1",
  );
  assertThrows(() => timeIt(null as unknown as () => void), TypeError, "timeIt: fn must be a function");
});
