import { assert, assertAlmostEquals, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import {
  markovBatch,
  markovContext,
  markovSource,
  passkeyTokens,
  sampleMarkov,
  samplePasskeyEval,
  samplePasskeyTrain,
} from "@lib/data/synthetic_lm.ts";

Deno.test("markovSource: shared-toy constants (Bayes accuracy 0.5, entropy 1.2080 nats)", () => {
  const src = markovSource(16, 2, 0);
  assertEquals(src.bayesAccuracy, 0.5);
  assertAlmostEquals(src.entropy, 1.2080, 1e-4);
  for (const row of src.table) {
    assertAlmostEquals(row.reduce((a, b) => a + b, 0), 1, 1e-12);
    assertEquals(row.filter((p) => p > 0).length, 4);
  }
  // seeded: same seed same table, other seed differs
  assertEquals(markovSource(16, 2, 0).table, src.table);
  assertNotEquals(markovSource(16, 2, 1).table, src.table);
});

Deno.test("sampleMarkov: empirical next-token frequencies of 200k tokens match the table (z < 5 per cell, pooled by rank within 0.01)", () => {
  const src = markovSource(16, 2, 3);
  const seq = sampleMarkov(src, 200_000, createRng(5));
  const counts = src.table.map(() => new Float64Array(16));
  const totals = new Float64Array(256);
  for (let t = 2; t < seq.length; t++) {
    const c = markovContext(src, seq, t - 1);
    counts[c]![seq[t]!]!++;
    totals[c]!++;
  }
  let worstZ = 0;
  for (let c = 0; c < 256; c++) {
    if (totals[c]! < 30) continue; // some contexts are rare or unreachable: (a, b) needs b among the successors of (·, a)
    for (let k = 0; k < 16; k++) {
      const p = src.table[c]![k]!, f = counts[c]![k]! / totals[c]!;
      if (p === 0) assertEquals(f, 0);
      else worstZ = Math.max(worstZ, Math.abs(f - p) / Math.sqrt((p * (1 - p)) / totals[c]!));
    }
  }
  assert(worstZ < 5, `worst per-context z-score ${worstZ}`); // 1024 cells: max |z| ≈ 3.3 expected
  // pooled over contexts by rank, the frequencies match (0.5, 0.25, 0.15, 0.1) within 0.01
  const byRank = new Float64Array(4);
  for (let c = 0; c < 256; c++) {
    const order = Array.from(src.table[c]!.entries()).filter(([, p]) => p > 0).sort((a, b) => b[1] - a[1]);
    order.forEach(([k], r) => (byRank[r] = byRank[r]! + counts[c]![k]!));
  }
  const total = byRank.reduce((a, b) => a + b, 0);
  [0.5, 0.25, 0.15, 0.1].forEach((p, r) => assertAlmostEquals(byRank[r]! / total, p, 0.01));
});

Deno.test("markovBatch rows are independent sequences of the same chain", () => {
  const src = markovSource(16, 2, 0);
  const b = markovBatch(src, 3, 20, createRng(1));
  assertEquals(b.length, 60);
  for (let r = 0; r < 3; r++) {
    const row = b.slice(r * 20, (r + 1) * 20);
    for (let t = 2; t < 20; t++) assert(src.table[markovContext(src, row, t - 1)]![row[t]!]! > 0);
  }
});

Deno.test("samplePasskeyEval: exactly one QUERY, at len−2, whose answer is the key placed early", () => {
  const src = markovSource(16, 2, 0), { query, firstKey } = passkeyTokens(src);
  const rng = createRng(7);
  for (let i = 0; i < 50; i++) {
    const seq = samplePasskeyEval(src, 64, rng);
    assertEquals(seq.filter((t) => t === query).length, 1);
    assertEquals(seq[62], query);
    const key = seq[63]!;
    assert(key >= firstKey && key < query);
    const pos = seq.indexOf(key);
    assert(pos >= 0 && pos < 16);
    assertEquals(seq.filter((t) => t >= firstKey && t < query).length, 2);
  }
});

Deno.test("samplePasskeyTrain: one key in the first half, each QUERY followed by it", () => {
  const src = markovSource(16, 2, 0), { query, firstKey } = passkeyTokens(src);
  const rng = createRng(8);
  for (let i = 0; i < 50; i++) {
    const seq = samplePasskeyTrain(src, 65, rng);
    const keyPos = seq.findIndex((t) => t >= firstKey && t < query);
    assert(keyPos < 32);
    const qs = seq.reduce<number[]>((a, t, j) => (t === query ? [...a, j] : a), []);
    assertEquals(qs.length, 3);
    for (const q of qs) {
      assert(q > keyPos);
      assertEquals(seq[q + 1], seq[keyPos]);
    }
  }
});

Deno.test("validation", () => {
  assertThrows(() => markovSource(1, 2, 0), RangeError, "markovSource: vocab must be an integer ≥ 2, got 1");
  assertThrows(() => markovSource(4, 1, 0, [0.5, 0.4]), RangeError, "sum(probs)");
  assertThrows(() => markovSource(2, 1, 0, [0.5, 0.25, 0.25]), RangeError, "probs");
  assertThrows(() => sampleMarkov(markovSource(4, 2, 0), 1, createRng(0)), RangeError, "len");
});
