import { assert, assertEquals, assertInstanceOf, assertLess, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { AdamW, adamw } from "@lib/optim/adamw.ts";
import { Lion, lion, signum } from "@lib/optim/lion.ts";
import type { KexueOptimizer } from "@lib/optim/optimizer.ts";
import { SGD, sgd } from "@lib/optim/sgd.ts";
import { SGDM, sgdm } from "@lib/optim/sgdm.ts";
import type { ParamKind } from "@lib/optim/types.ts";
import { applyGrads, f32Normals, namedVar } from "./_helpers.ts";

await initTf();

const ALL: Array<[string, () => KexueOptimizer]> = [
  ["sgd", () => sgd({ learningRate: 0.05, weightDecay: 0.01 })],
  ["sgdm", () => sgdm({ learningRate: 0.005, beta: 0.9, weightDecay: 0.01 })], // heavy ball is monotone only when overdamped
  ["adamw", () => adamw({ learningRate: 0.01, weightDecay: 0.01 })],
  ["lion", () => lion({ learningRate: 0.001, weightDecay: 0.1 })],
  ["signum", () => signum({ learningRate: 0.001, beta: 0.9 })],
];

Deno.test("stateMultiplier: sgd 0, sgdm 1, adamw 2, lion 1, signum 1", () => {
  assertEquals(ALL.map(([, mk]) => mk().stateMultiplier()), [0, 1, 2, 1, 1]);
});

Deno.test("every optimizer decreases f(θ) = ½‖θ‖² monotonically for 50 small steps (via minimize)", () => {
  for (const [name, mk] of ALL) {
    const w = namedVar(`mono_${name}`, "kernel", f32Normals(createRng(51), 10));
    const opt = mk();
    const f = () => tf.mul(0.5, tf.sum(tf.square(w))) as tf.Scalar;
    let prev = tf.tidy(() => f().dataSync()[0]!);
    for (let t = 0; t < 50; t++) {
      const cost = opt.minimize(f, true)!;
      cost.dispose();
      const now = tf.tidy(() => f().dataSync()[0]!);
      assertLess(now, prev, `${name} step ${t}`);
      prev = now;
    }
    opt.dispose();
    w.dispose();
  }
});

Deno.test("getConfig → registered fromConfig round trip gives an equal optimizer", () => {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  const opts: KexueOptimizer[] = [
    new SGD({ learningRate: 0.2, weightDecay: 0.1, decayKinds: ["kernel"] }),
    new SGDM({ beta: 0.8, kindOf: new Map([["a/x", "kernel"]]) }),
    new AdamW({ beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.02, kindOf: { "w": "embedding" } }),
    new Lion({
      beta1: 0.95,
      beta2: 0.98,
      weightDecay: 0.15,
      kindOf: (n) => (n === "q" ? "kernel" : undefined),
    }),
  ];
  for (const o of opts) {
    const entry = map[o.getClassName()];
    assert(entry !== undefined, `${o.getClassName()} is registered`);
    const [cls, fromConfig] = entry;
    const copy = fromConfig(cls, o.getConfig()) as KexueOptimizer;
    assertInstanceOf(copy, o.constructor as new (...a: never[]) => KexueOptimizer);
    assertEquals(copy.getConfig(), o.getConfig());
  }
  // tfjs's own "SGD" entry is untouched
  assertEquals(map["SGD"]![0], tf.SGDOptimizer as unknown);
  // a Map/record kind lookup survives serialization; a function becomes null (default name rule)
  assertEquals(opts[1]!.getConfig().kindOf, { "a/x": "kernel" });
  assertEquals(opts[3]!.getConfig().kindOf, null);
});

Deno.test("getWeights/setWeights: a restored optimizer continues exactly like the original", async () => {
  for (
    const mk of [() => adamw({ learningRate: 0.01, weightDecay: 0.1 }), () => lion({ learningRate: 0.01 })]
  ) {
    const rng = createRng(52);
    const init = f32Normals(rng, 8);
    const a = namedVar("ckpt_a", "kernel", init), b = namedVar("ckpt_b", "kernel", init);
    const oa = mk(), ob = mk();
    const grads = Array.from({ length: 6 }, () => f32Normals(rng, 8));
    for (let t = 0; t < 3; t++) applyGrads(oa, [a], [grads[t]!]);
    // copy the parameters and the optimizer state (renamed to b's variable) into b / ob
    b.assign(a);
    const w = await oa.getWeights();
    const before = tf.memory().numTensors;
    await ob.setWeights(w.map((x) => ({ name: x.name.replace(a.name, b.name), tensor: x.tensor })));
    assertEquals(
      tf.memory().numTensors - before,
      ob.stateMultiplier(),
      "one new variable per slot, nothing else",
    );
    assertEquals(ob.iterations, 3);
    for (let t = 3; t < 6; t++) {
      applyGrads(oa, [a], [grads[t]!]);
      applyGrads(ob, [b], [grads[t]!]);
    }
    assertEquals(Array.from(b.dataSync()), Array.from(a.dataSync()));
    oa.dispose();
    ob.dispose();
    tf.dispose([a, b]);
  }
});

Deno.test("kind lookup: default name rule, Map, record and function; unknown kinds never decay", () => {
  const o1 = lion({ weightDecay: 0.1 });
  assertEquals([
    o1.decays("m/dense/kernel"),
    o1.decays("m/dense/bias"),
    o1.decays("m/embeddings"),
    o1.decays("x"),
  ], [
    true,
    false,
    true,
    false,
  ]);
  const o2 = lion({
    weightDecay: 0.1,
    decayKinds: ["gamma"],
    kindOf: new Map([["a", "gamma"], ["b", "kernel"]]),
  });
  assertEquals([o2.decays("a"), o2.decays("b"), o2.kindOf("b")], [true, false, "kernel"]);
  const o3 = adamw({ weightDecay: 0.1, kindOf: { "w": "kernel" } });
  assertEquals([o3.decays("w"), o3.decays("toString")], [true, false]);
  const o4 = sgd({ weightDecay: 0.1, kindOf: () => "embedding" });
  assert(o4.decays("anything"));
  assert(!lion({ weightDecay: 0 }).decays("m/dense/kernel"), "λ = 0 means no decay");
  assertThrows(
    () => lion({ kindOf: { w: "weights" as unknown as ParamKind } }),
    RangeError,
    'Lion: kindOf["w"] must be a ParamKind',
  );
});

Deno.test("applyGradients: unknown variables and wrong gradient shapes throw; null gradients are skipped", () => {
  const w = namedVar("errs", "kernel", [1, 2]);
  const opt = lion({ learningRate: 0.1 });
  assertThrows(
    () => opt.applyGradients({ "no/such/var": tf.ones([2]) }),
    RangeError,
    "a registered tf.Variable",
  );
  assertThrows(() => opt.applyGradients({ [w.name]: tf.ones([3]) }), RangeError, "gradient shape");
  opt.applyGradients([{ name: w.name, tensor: null as unknown as tf.Tensor }]);
  assertEquals(Array.from(w.dataSync()), [1, 2]);
  opt.dispose();
  w.dispose();
});

Deno.test("no tensor leaks: numTensors is constant across steps; reset and dispose free the state", () => {
  const w = namedVar("leak", "kernel", f32Normals(createRng(53), 16), [4, 4]);
  const before = tf.memory().numTensors;
  const opt = adamw({ learningRate: 0.01, weightDecay: 0.1 });
  const f = () => tf.sum(tf.square(w)) as tf.Scalar;
  opt.minimize(f);
  const afterOne = tf.memory().numTensors;
  for (let t = 0; t < 10; t++) opt.minimize(f);
  assertEquals(tf.memory().numTensors, afterOne);
  assertEquals(afterOne - before, 2, "m and v");
  opt.reset();
  assertEquals([tf.memory().numTensors, opt.iterations], [before, 0]);
  opt.minimize(f);
  opt.dispose();
  assertEquals(tf.memory().numTensors, before);
  w.dispose();
});

Deno.test("a schedule sets the learning rate per step", () => {
  const w = namedVar("sched", "bias", [0]);
  const opt = sgd();
  for (const lr of [0.5, 0.25, 0]) {
    opt.learningRate = lr;
    applyGrads(opt, [w], [[-1]]);
  }
  assertEquals(w.dataSync()[0], 0.75);
  opt.dispose();
  w.dispose();
});
