import { assert, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { chi, GradAccumulation, withGradAccumulation } from "@lib/optim/accumulate.ts";
import { adamw } from "@lib/optim/adamw.ts";
import { lion } from "@lib/optim/lion.ts";
import type { KexueOptimizer } from "@lib/optim/optimizer.ts";
import { sgd } from "@lib/optim/sgd.ts";
import { sgdm } from "@lib/optim/sgdm.ts";
import { tiger } from "@lib/optim/tiger.ts";
import { applyGrads, f32Normals, maxAbs, namedVar } from "./_helpers.ts";

await initTf();

const INNER: Array<[string, () => KexueOptimizer]> = [
  ["sgd", () => sgd({ learningRate: 0.1 })],
  ["sgdm", () => sgdm({ learningRate: 0.1, beta: 0.9, weightDecay: 0.01 })],
  ["adamw", () => adamw({ learningRate: 0.01, weightDecay: 0.01 })],
  ["lion", () => lion({ learningRate: 0.01, weightDecay: 0.1 })],
];

Deno.test("chi: indicator of k | t; bad inputs", () => {
  assertEquals([0, 1, 2, 3, 6].map((t) => chi(t, 3)), [1, 0, 0, 1, 1]);
  assertThrows(() => chi(1, 0), RangeError, "chi: k must be an integer ≥ 1, got 0");
  assertThrows(() => chi(1.5, 2), RangeError, "chi: t must be an integer ≥ 0, got 1.5");
});

Deno.test("withGradAccumulation(inner, 4) on g1..g4 equals inner on their mean, for SGD, SGDM, AdamW and Lion", () => {
  for (const [name, mk] of INNER) {
    const rng = createRng(31);
    const init = f32Normals(rng, 16);
    const va = namedVar(`wa_${name}`, "kernel", init), vb = namedVar(`wb_${name}`, "kernel", init);
    const oa = withGradAccumulation(mk(), 4), ob = mk();
    for (let u = 0; u < 8; u++) {
      const gs = [0, 1, 2, 3].map(() => f32Normals(rng, 16));
      const before = Array.from(va.dataSync());
      gs.forEach((g, j) => {
        applyGrads(oa, [va], [g]);
        if (j < 3) assertEquals(Array.from(va.dataSync()), before, `${name}: moved at micro-step ${j + 1}`);
      });
      applyGrads(ob, [vb], [gs[0]!.map((_, i) => (gs[0]![i]! + gs[1]![i]! + gs[2]![i]! + gs[3]![i]!) / 4)]);
    }
    assert(
      maxAbs(va.dataSync(), vb.dataSync()) < 1e-5,
      `${name}: gap ${maxAbs(va.dataSync(), vb.dataSync())}`,
    );
    assertEquals(oa.inner.iterations, 8);
    assertEquals(oa.iterations, 32);
    oa.dispose();
    ob.dispose();
    tf.dispose([va, vb]);
  }
});

Deno.test("state accounting: the wrapper costs one buffer; Tiger's built-in accumulation costs none", async () => {
  assertEquals(INNER.map(([, mk]) => withGradAccumulation(mk(), 4).stateMultiplier()), [1, 2, 3, 2]);
  assertEquals(tiger({ accumSteps: 4 }).stateMultiplier(), 1);
  // count the actual state tensors after a step on two variables
  const count = async (opt: KexueOptimizer) => {
    const vs = [namedVar("cnt", "kernel", [1, 2, 3, 4]), namedVar("cnt", "bias", [1, 2])];
    const before = tf.memory().numTensors;
    for (let t = 0; t < 4; t++) applyGrads(opt, vs, [[1, 1, 1, 1], [1, 1]]);
    const created = tf.memory().numTensors - before;
    const weights = (await opt.getWeights()).length;
    opt.dispose();
    tf.dispose(vs);
    return { created, weights };
  };
  const plainTiger = await count(tiger());
  const accumTiger = await count(tiger({ accumSteps: 4 }));
  const accumLion = await count(withGradAccumulation(lion(), 4));
  assertEquals(accumTiger.created, plainTiger.created); // 2 tensors: one m per variable
  assertEquals(plainTiger.created, 2);
  assertEquals(accumLion.created, 4); // m and the buffer per variable
  assertEquals([plainTiger.weights, accumTiger.weights, accumLion.weights], [3, 3, 6]); // + iteration counters
});

Deno.test("getWeights/setWeights round trip continues exactly; config round trip rebuilds the inner optimizer", async () => {
  const rng = createRng(32);
  const init = f32Normals(rng, 6);
  const a = namedVar("ga_a", "kernel", init), b = namedVar("ga_b", "kernel", init);
  const oa = withGradAccumulation(adamw({ learningRate: 0.01 }), 3);
  const ob = withGradAccumulation(adamw({ learningRate: 0.01 }), 3);
  const grads = Array.from({ length: 10 }, () => f32Normals(rng, 6));
  for (let t = 0; t < 5; t++) applyGrads(oa, [a], [grads[t]!]); // mid-window: the buffer holds 2 gradients
  b.assign(a);
  const w = await oa.getWeights();
  await ob.setWeights(w.map((x) => ({ name: x.name.replace(a.name, b.name), tensor: x.tensor })));
  for (let t = 5; t < 10; t++) {
    applyGrads(oa, [a], [grads[t]!]);
    applyGrads(ob, [b], [grads[t]!]);
  }
  assertEquals(Array.from(b.dataSync()), Array.from(a.dataSync()));
  const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[oa.getClassName()]!;
  const copy = fromConfig(cls, oa.getConfig()) as GradAccumulation;
  assertInstanceOf(copy, GradAccumulation);
  assertEquals(copy.getConfig(), oa.getConfig());
  assertEquals(copy.stateMultiplier(), 3);
  oa.dispose();
  ob.dispose();
  tf.dispose([a, b]);
});

Deno.test("the wrapper passes its learning rate and decay rule through", () => {
  const o = withGradAccumulation(lion({ weightDecay: 0.1 }), 2);
  assertEquals([o.decays("x/kernel"), o.decays("x/bias"), o.weightDecay], [true, false, 0.1]);
  o.learningRate = 0.5;
  const v = namedVar("lrpass", "bias", [0]);
  applyGrads(o, [v], [[1]]);
  applyGrads(o, [v], [[1]]);
  assertEquals(v.dataSync()[0], -0.5);
  assertEquals(o.name, "lion+accum2");
  o.dispose();
  v.dispose();
});

Deno.test("bad inputs", () => {
  assertThrows(
    () => withGradAccumulation(lion(), 0),
    RangeError,
    "withGradAccumulation: k must be an integer ≥ 1, got 0",
  );
  assertThrows(
    () => withGradAccumulation({} as KexueOptimizer, 2),
    TypeError,
    "withGradAccumulation: inner must be a KexueOptimizer",
  );
});
