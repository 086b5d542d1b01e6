import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import {
  disposeRecallModel,
  initRecallModel,
  recallForward,
  recallVariables,
  trainRecall,
} from "@lib/nn/sequence_recall.ts";

await initTf();

Deno.test("recallForward: shapes, attention weights sum to 1, no leaks", () => {
  const before = tf.memory().numTensors;
  for (const kind of ["rnn", "gru", "attention"] as const) {
    const m = initRecallModel(kind, { vocab: 5, d: 6, maxLen: 7 }, createRng(1));
    const ids = tf.tensor2d([[0, 1, 2, 3], [4, 4, 4, 4]], [2, 4], "int32");
    const { logits, weights } = recallForward(m, ids);
    assertEquals(logits.shape, [2, 5]);
    if (kind === "attention") {
      const w = weights!.dataSync();
      for (let b = 0; b < 2; b++) {
        assertAlmostEquals(Array.from(w.slice(b * 4, b * 4 + 4)).reduce((s, v) => s + v, 0), 1, 1e-6);
      }
    } else assertEquals(weights, undefined);
    tf.dispose([ids, logits, weights ?? []]);
    disposeRecallModel(m);
  }
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("trainRecall: deterministic; attention learns distance 6 (seeded), loss falls", () => {
  const o = { vocab: 4, d: 8, distance: 6, steps: 80, batch: 32, lr: 0.02, seed: 3 };
  const a = trainRecall("attention", o), b = trainRecall("attention", o);
  assertEquals(a.losses, b.losses);
  assert(a.accuracy >= 0.9, `accuracy ${a.accuracy}`);
  assert(a.losses.at(-1)! < 0.5 * a.losses[0]!);
});

Deno.test("trainRecall keep: returns the model; variables counted; validation", () => {
  const r = trainRecall("rnn", {
    vocab: 4,
    d: 4,
    distance: 2,
    steps: 2,
    batch: 4,
    lr: 0.01,
    seed: 0,
    keep: true,
  });
  assertEquals(recallVariables(r.model!).length, 5);
  disposeRecallModel(r.model!);
  assertThrows(
    () => initRecallModel("lstm" as never, { vocab: 4, d: 4, maxLen: 3 }, createRng(0)),
    RangeError,
    "initRecallModel: kind must be",
  );
  const m = initRecallModel("attention", { vocab: 4, d: 4, maxLen: 3 }, createRng(0));
  assertThrows(
    () => recallForward(m, tf.zeros([1, 4], "int32") as tf.Tensor2D),
    RangeError,
    "recallForward: ids must be at most 3 long",
  );
  assertThrows(
    () => recallForward(m, tf.zeros([1, 2]) as tf.Tensor2D),
    TypeError,
    "recallForward: ids must be an int32 tensor",
  );
  disposeRecallModel(m);
  assertThrows(
    () => trainRecall("gru", { vocab: 4, d: 4, distance: 0, steps: 2, batch: 4, lr: 0.01, seed: 0 }),
    RangeError,
    "trainRecall: o.distance",
  );
});
