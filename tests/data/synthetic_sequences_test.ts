import { assert, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { firstTokenRecall } from "@lib/data/synthetic_sequences.ts";

Deno.test("firstTokenRecall: the target is the first token of each row", () => {
  for (const k of [1, 4, 33]) {
    const b = firstTokenRecall(createRng(k), { vocab: 8, distance: k, batch: 50 });
    assertEquals(b.shape, [50, k + 1]);
    assertEquals(b.ids.length, 50 * (k + 1));
    for (let i = 0; i < 50; i++) assertEquals(b.targets[i], b.ids[i * (k + 1)]);
  }
});

Deno.test("firstTokenRecall: tokens uniform (10 000 targets, each frequency 1/V ± 0.02), seeded", () => {
  const V = 8, b = firstTokenRecall(createRng(3), { vocab: V, distance: 3, batch: 10_000 });
  const counts = new Array(V).fill(0);
  for (const t of b.targets) counts[t]++;
  for (const c of counts) assert(Math.abs(c / 10_000 - 1 / V) < 0.02, `frequency ${c / 10_000}`);
  assert(b.ids.every((v) => v >= 0 && v < V));
  assertEquals(firstTokenRecall(createRng(3), { vocab: V, distance: 3, batch: 5 }).ids, b.ids.slice(0, 20));
});

Deno.test("firstTokenRecall: validation", () => {
  assertThrows(
    () => firstTokenRecall(createRng(0), { vocab: 1, distance: 3, batch: 2 }),
    RangeError,
    "firstTokenRecall: opts.vocab must be an integer ≥ 2, got 1",
  );
  assertThrows(
    () => firstTokenRecall(createRng(0), { vocab: 4, distance: 0, batch: 2 }),
    RangeError,
    "opts.distance",
  );
  assertThrows(
    () => firstTokenRecall(null as never, { vocab: 4, distance: 2, batch: 2 }),
    TypeError,
    "firstTokenRecall: rng",
  );
});
