import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { initTf } from "@lib/core/tf_setup.ts";
import { initToyLM } from "@lib/nn/toy_lm.ts";
import { evalExtrapolation, TOY_CONFIG, trainToyLM } from "@lib/position/toy_extrapolation.ts";
import { formatSeeds, runToySeeds, seedMargin, seedValues, toyQKGeometry } from "@lib/position/toy_seeds.ts";

await initTf();
const cfg = { ...TOY_CONFIG, trainLen: 16 };
const train = { steps: 3, batch: 2, lr: 1e-2, cacheDir: null };
const ev = { textSeqs: 2, passkeySeqs: 3, seed: 5 };

Deno.test("runToySeeds: rows per seed equal separate train + eval calls; deterministic", async () => {
  const items = [
    { variant: "rope" as const, mods: ["none" as const], lengths: [20, 32] },
    { variant: "rope" as const, mods: ["rerope" as const], lengths: [32] },
  ];
  const a = await runToySeeds(cfg, items, { seeds: [0, 1], train, eval: ev });
  assertEquals(a.train.map((t) => [t.variant, t.seed, t.fromCache]), [["rope", 0, false], [
    "rope",
    1,
    false,
  ]]);
  assertEquals(a.rows.length, 2 * 3);
  for (const seed of [0, 1]) {
    const p = await trainToyLM(cfg, "rope", { ...train, seed });
    const ref = [
      ...evalExtrapolation(p, cfg, "rope", ["none"], [20, 32], ev),
      ...evalExtrapolation(p, cfg, "rope", ["rerope"], [32], ev),
    ];
    assertEquals(a.rows.filter((r) => r.seed === seed).map(({ seed: _s, ...r }) => r), ref);
    assert(Math.abs(a.train[seed]!.finalLoss - p.losses!.reduce((x, y) => x + y, 0) / 3) < 1e-12);
  }
  const b = await runToySeeds(cfg, items, { seeds: [0, 1], train, eval: ev });
  assertEquals(b.rows, a.rows);
});

Deno.test("seedValues / seedMargin / formatSeeds", () => {
  const rows = [
    { seed: 1, variant: "kna", mod: "none" as const, length: 64, textAcc: 35, passkeyAcc: 10 },
    { seed: 0, variant: "kna", mod: "none" as const, length: 64, textAcc: 37, passkeyAcc: 20 },
    { seed: 0, variant: "rope", mod: "none" as const, length: 64, textAcc: 18, passkeyAcc: 30 },
    { seed: 1, variant: "rope", mod: "none" as const, length: 64, textAcc: 20, passkeyAcc: 0 },
  ];
  assertEquals(seedValues(rows, "kna", "none", 64, "textAcc"), [37, 35]);
  const m = seedMargin(
    seedValues(rows, "kna", "none", 64, "textAcc"),
    seedValues(rows, "rope", "none", 64, "textAcc"),
  );
  assertEquals(m, { diffs: [19, 15], min: 15 });
  assertEquals(formatSeeds([19, 15.25], 1), "19.0 / 15.3");
  assertThrows(() => seedValues(rows, "cosa", "none", 64, "textAcc"), RangeError, "cosa/none/64");
  assertThrows(() => seedValues(rows, "kna", "none", 64, "lastNAcc"), RangeError, "metric");
  assertThrows(() => seedMargin([1, 2], [1]), RangeError, "b.length");
});

Deno.test("runToySeeds: validation", async () => {
  const items = [{ variant: "rope" as const, mods: ["none" as const], lengths: [20] }];
  await assertRejects(() => runToySeeds(cfg, items, { seeds: [], train, eval: ev }), TypeError, "opts.seeds");
  await assertRejects(
    () => runToySeeds(cfg, items, { seeds: [0, 0], train, eval: ev }),
    RangeError,
    "distinct",
  );
  await assertRejects(() => runToySeeds(cfg, [], { seeds: [0], train, eval: ev }), TypeError, "items");
});

Deno.test("toyQKGeometry: KeyNorm keys have constant norm, RoPE keys do not; layers × stats", () => {
  const p = initToyLM(cfg, 2);
  const kna = toyQKGeometry(p, cfg, "kna", { len: 16, seqs: 3, seed: 1 });
  const rope = toyQKGeometry(p, cfg, "rope", { len: 16, seqs: 3, seed: 1 });
  assertEquals(kna.length, cfg.layers);
  assert(kna.every((g) => g.keyNormCV < 1e-5));
  assert(rope.every((g) => g.keyNormCV > 1e-3));
  assertEquals(rope[0]!.pairs, 3 * (16 * 17) / 2);
  // layer 1 sees the same input under both variants and normalizing keys does not change any angle
  assert(Math.abs(kna[0]!.cosStd - rope[0]!.cosStd) < 1e-5);
  assertThrows(
    () => toyQKGeometry(p, { ...cfg, heads: 2 }, "rope", { len: 8, seqs: 1, seed: 0 }),
    RangeError,
    "heads",
  );
});
