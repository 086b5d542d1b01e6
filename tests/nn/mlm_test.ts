import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { maskTokens, mlmBatch, mlmLoss } from "@lib/nn/mlm.ts";

await initTf();

/** |observed − expected| in binomial standard deviations. */
const zScore = (hits: number, n: number, p: number) => Math.abs(hits - n * p) / Math.sqrt(n * p * (1 - p));

Deno.test("maskTokens: 15% picked, 80/10/10 among picked, within binomial bounds (200 000 tokens, V = 16)", () => {
  const V = 16, N = 200_000, rng = createRng(0);
  const ids = Int32Array.from({ length: N }, () => rng.int(V));
  const m = maskTokens(ids, createRng(0).fork("mask"), { rate: 0.15, maskId: V, vocabSize: V });
  const picked = m.positions.length;
  assert(Math.abs(picked / N - 0.15) <= 0.004, `picked fraction ${picked / N}`);
  assert(zScore(picked, N, 0.15) < 4.5, `picked z = ${zScore(picked, N, 0.15)}`);
  let masked = 0, same = 0, other = 0;
  for (const p of m.positions) {
    if (m.input[p] === V) masked++;
    else if (m.input[p] === ids[p]) same++;
    else other++;
  }
  const expect = { masked: 0.8, same: 0.1 + 0.1 / V, other: 0.1 * (V - 1) / V };
  assert(Math.abs(masked / picked - expect.masked) <= 0.01, `mask share ${masked / picked}`);
  assert(Math.abs(same / picked - expect.same) <= 0.01, `unchanged share ${same / picked}`);
  assert(Math.abs(other / picked - expect.other) <= 0.01, `random-other share ${other / picked}`);
  for (const [k, hits] of [["masked", masked], ["same", same], ["other", other]] as const) {
    assert(zScore(hits, picked, expect[k]) < 4.5, `${k}: z = ${zScore(hits, picked, expect[k])}`);
  }
  // targets are −1 exactly off the picked positions, and there the input is the original
  const isPicked = new Uint8Array(N);
  for (const p of m.positions) isPicked[p] = 1;
  for (let i = 0; i < N; i++) {
    if (isPicked[i]) assertEquals(m.targets[i], ids[i]);
    else {
      assertEquals(m.targets[i], -1);
      assertEquals(m.input[i], ids[i]);
    }
  }
  // positions are increasing
  for (let i = 1; i < m.positions.length; i++) assert(m.positions[i]! > m.positions[i - 1]!);
});

Deno.test("maskTokens: protected ids are never picked; custom probs; deterministic for a seed", () => {
  const ids = Int32Array.from({ length: 5000 }, (_, i) => i % 4);
  const m = maskTokens(ids, createRng(2), { rate: 0.5, maskId: 9, vocabSize: 4, protect: new Set([0, 3]) });
  for (const p of m.positions) assert(ids[p] === 1 || ids[p] === 2);
  assert(m.positions.length > 1000);
  const all = maskTokens(ids, createRng(2), { rate: 1, maskId: 9, vocabSize: 4, probs: [0, 0, 1] });
  assertEquals(Array.from(all.input), Array.from(ids));
  assertEquals(all.positions.length, ids.length);
  const a = maskTokens(ids, createRng(7), { rate: 0.15, maskId: 9, vocabSize: 4 });
  const b = maskTokens(ids, createRng(7), { rate: 0.15, maskId: 9, vocabSize: 4 });
  assertEquals(Array.from(a.input), Array.from(b.input));
});

Deno.test("maskTokens validates its options", () => {
  const ids = Int32Array.of(1, 2);
  assertThrows(
    () => maskTokens(ids, createRng(0), { rate: 1.5, maskId: 9, vocabSize: 4 }),
    RangeError,
    "opts.rate",
  );
  assertThrows(
    () => maskTokens(ids, createRng(0), { rate: 0.1, maskId: 9, vocabSize: 4, probs: [0.5, 0.2, 0.2] }),
    RangeError,
    "sum of opts.probs",
  );
  assertThrows(
    () => maskTokens([1, 2] as unknown as Int32Array, createRng(0), { rate: 0.1, maskId: 9, vocabSize: 4 }),
    TypeError,
    "ids",
  );
  assertThrows(
    () =>
      mlmBatch([Int32Array.of(1), Int32Array.of(1, 2)], createRng(0), { rate: 0.1, maskId: 9, vocabSize: 4 }),
    RangeError,
    "sentences[1].length",
  );
});

Deno.test("mlmLoss equals a hand computation on a 3×4 example and ignores unscored positions", () => {
  const L = [[2, 0, -1, 0.5], [0, 0, 0, 0], [1, 3, -2, 0]];
  const targets = [[0, -1, 1]];
  const lse = (r: number[]) => Math.log(r.reduce((a, v) => a + Math.exp(v), 0));
  const hand = -((L[0]![0]! - lse(L[0]!)) + (L[2]![1]! - lse(L[2]!))) / 2;
  const t = tf.tensor2d(targets, [1, 3], "int32");
  const loss = mlmLoss(tf.tensor3d([L]), t).dataSync()[0]!;
  assertAlmostEquals(loss, hand, 1e-6);
  // change the logits of the unscored position 1: same loss, and its gradient is zero
  const L2 = L.map((r, i) => (i === 1 ? [9, -9, 4, 2] : r));
  assertAlmostEquals(mlmLoss(tf.tensor3d([L2]), t).dataSync()[0]!, hand, 1e-6);
  const g = tf.grad((x: tf.Tensor) => mlmLoss(x as tf.Tensor3D, t))(tf.tensor3d([L2]))
    .arraySync() as number[][][];
  assertEquals(g[0]![1], [0, 0, 0, 0]);
  assert(Math.abs(g[0]![0]![0]!) > 1e-3);
  // nothing picked → 0
  assert(mlmLoss(tf.tensor3d([L]), tf.tensor2d([[-1, -1, -1]], [1, 3], "int32")).dataSync()[0] === 0);
  assertThrows(
    () => mlmLoss(tf.tensor3d([L]), tf.tensor2d([[0, 1]], [1, 2], "int32")),
    RangeError,
    "targets.shape",
  );
});
