import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { sampleTopicSentence, topicMarkovSource } from "@lib/data/dialect_corpus.ts";
import {
  cloneParams,
  disposeParams,
  encoderForward,
  fineTuneClassifier,
  initEncoder,
  paramList,
} from "@lib/nn/encoder.ts";
import { pretrainMlm } from "@lib/nn/mlm_pretrain.ts";

await initTf();
const cfg = { vocab: 17, d: 16, layers: 2, heads: 2, ff: 32, maxLen: 8 };

Deno.test("encoderForward is not causal: changing the last token changes the output at position 0", () => {
  const p = initEncoder(cfg, 3);
  const a = tf.tidy(() =>
    encoderForward(p, tf.tensor2d([[1, 2, 3, 4, 5, 6]], undefined, "int32")).arraySync()
  );
  const b = tf.tidy(() =>
    encoderForward(p, tf.tensor2d([[1, 2, 3, 4, 5, 9]], undefined, "int32")).arraySync()
  );
  const diff = Math.max(...a[0]![0]!.map((v, k) => Math.abs(v - b[0]![0]![k]!)));
  assert(diff > 1e-4, `position-0 change ${diff}`);
  disposeParams(p);
});

Deno.test("encoderForward is permutation-equivariant when the position table is zero", () => {
  const p = initEncoder(cfg, 4);
  p.pos.assign(tf.zeros(p.pos.shape));
  const ids = [3, 1, 4, 1, 5, 9, 2, 6], perm = [5, 2, 7, 0, 1, 6, 3, 4];
  const h = tf.tidy(() => encoderForward(p, tf.tensor2d([ids], undefined, "int32")).arraySync())[0]!;
  const hp = tf.tidy(() =>
    encoderForward(p, tf.tensor2d([perm.map((i) => ids[i]!)], undefined, "int32")).arraySync()
  )[0]!;
  for (let i = 0; i < perm.length; i++) {
    for (let k = 0; k < cfg.d; k++) assertAlmostEquals(hp[i]![k]!, h[perm[i]!]![k]!, 1e-5);
  }
  disposeParams(p);
});

Deno.test("a 50-step MLM run on the dialect corpus lowers the loss below 0.9× its start; no tensor leak", () => {
  const src = topicMarkovSource({ vocab: 16, topics: 2, probs: [0.7, 0.3], seed: 0 });
  const p = initEncoder({ ...cfg, maxLen: 24, d: 32, ff: 64 }, 1);
  const data = createRng(5);
  const before = tf.memory().numTensors;
  const losses = pretrainMlm(
    p,
    () => Array.from({ length: 32 }, () => sampleTopicSentence(src, data.int(2), 24, data)),
    createRng(6),
    { steps: 50, lr: 1e-2, mask: { rate: 0.15, maskId: 16, vocabSize: 16 } },
  );
  assertEquals(tf.memory().numTensors, before);
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  assert(losses[0]! > 2.6 && losses[0]! < 3.8, `step-0 loss ${losses[0]}`);
  assert(mean(losses.slice(-10)) < 0.9 * losses[0]!, `loss ${losses[0]} → ${mean(losses.slice(-10))}`);
  disposeParams(p);
});

Deno.test("cloneParams copies; fineTuneClassifier leaves the given encoder untouched and frees its copies", () => {
  const p = initEncoder({ vocab: 4, d: 8, layers: 1, heads: 2, ff: 8, maxLen: 2 }, 0);
  const snapshot = paramList(p).map((v) => Array.from(v.dataSync()));
  const q = cloneParams(p);
  q.emb.assign(tf.zeros(q.emb.shape));
  assertEquals(Array.from(p.emb.dataSync()), snapshot[0]);
  disposeParams(q);
  const before = tf.memory().numTensors;
  const data = {
    ids: Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]),
    labels: Int32Array.from([0, 0, 1, 1]),
    n: 2,
  };
  for (const finetune of [false, true]) {
    fineTuneClassifier(p, data, data, { finetune, classes: 2, steps: 5, lr: 0.05, seed: 1 });
  }
  assertEquals(tf.memory().numTensors, before);
  paramList(p).forEach((v, i) => assertEquals(Array.from(v.dataSync()), snapshot[i]));
  assertThrows(
    () =>
      fineTuneClassifier(p, { ...data, n: 3 }, data, {
        finetune: true,
        classes: 2,
        steps: 5,
        lr: 0.05,
        seed: 1,
      }),
    RangeError,
    "train.n",
  );
  assertThrows(() => initEncoder({ ...cfg, d: 15 }, 0), RangeError, "cfg.d");
  disposeParams(p);
});
