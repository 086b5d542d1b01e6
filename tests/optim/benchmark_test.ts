import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertLess,
  assertThrows,
} from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { makeZipfTask } from "@lib/data/zipf_task.ts";
import { bestPoint, lrSweep, trainRun, XOPT_OPTIMIZERS, xoptBase } from "@lib/optim/benchmark.ts";
import { adamw } from "@lib/optim/adamw.ts";
import { lion } from "@lib/optim/lion.ts";
import { sgd } from "@lib/optim/sgd.ts";

await initTf();

const task = makeZipfTask({ nTrain: 2048, nTest: 512 });
const base = { steps: 60, batchSize: 32, schedule: () => 1, evalEvery: 20 };

Deno.test("trainRun: no tensor leaks (numTensors equal at step 10 and at the end, and before/after)", () => {
  const before = tf.memory().numTensors;
  const counts: number[] = [];
  const r = trainRun(task, {
    ...base,
    optimizer: () => adamw({ weightDecay: 0.01 }),
    peakLr: 1e-2,
    seed: 0,
    trackUpdates: true,
    onStep: (t) => {
      if (t === 10 || t === base.steps) counts.push(tf.memory().numTensors);
    },
  });
  assertEquals(counts.length, 2);
  assertEquals(counts[0], counts[1]);
  assertEquals(tf.memory().numTensors, before);
  assert(!r.diverged);
  assertEquals(r.stepsRun, 60);
});

Deno.test("trainRun is deterministic: the same config gives byte-identical results", () => {
  const cfg = { ...base, optimizer: () => lion({ weightDecay: 0.1 }), peakLr: 3e-3, seed: 5 };
  const a = trainRun(task, cfg), b = trainRun(task, cfg);
  assertEquals([a.trainLoss, a.testLoss, a.testAcc, a.curve], [b.trainLoss, b.testLoss, b.testAcc, b.curve]);
  assertEquals(a.finalParams, b.finalParams);
  const c = trainRun(task, { ...cfg, seed: 6 });
  assert(c.testLoss !== a.testLoss, "another seed gives another run");
});

Deno.test("trainRun learns: loss falls below the chance level ln 8", () => {
  const r = trainRun(task, { ...base, optimizer: () => lion({ weightDecay: 0.1 }), peakLr: 3e-3, seed: 1 });
  assertAlmostEquals(r.curve[0]!.evalLoss, Math.log(8), 0.3);
  assertLess(r.curve.at(-1)!.evalLoss, r.curve[0]!.evalLoss - 0.3);
  assertGreater(r.testAcc, 0.3);
  assertEquals(r.curve.map((p) => p.step), [0, 20, 40, 60]);
  assertEquals(r.stateFloats, 19144);
});

Deno.test("trainRun: a huge learning rate diverges and is recorded as such", () => {
  const r = trainRun(task, { ...base, optimizer: () => sgd(), peakLr: 1e9, seed: 0 });
  assert(r.diverged);
  assertEquals([r.testLoss, r.trainLoss, r.testAcc], [Infinity, Infinity, 0]);
  assertLess(r.stepsRun, 60);
});

Deno.test("trainRun: updateRms is 1 for a sign update once every coordinate has momentum, < 1 for AdamW later", () => {
  const cfg = { ...base, steps: 40, peakLr: 1e-3, seed: 2, trackUpdates: true, evalEvery: 0 };
  const l = trainRun(task, { ...cfg, optimizer: () => lion({ weightDecay: 0.1 }) }).updateRms!;
  const a = trainRun(task, { ...cfg, optimizer: () => adamw({ weightDecay: 0.01 }) }).updateRms!;
  assertEquals(l.length, 40);
  // Lion: √(k/n) with k = coordinates with non-zero interpolated momentum (rows of unseen tokens are 0)
  assert(l.every((x) => x > 0.5 && x < 1 + 1e-3), `lion ${l.slice(0, 3)}`);
  assertAlmostEquals(a[0]!, l[0]!, 0.02, "Adam's first step is a sign step");
  assertLess(a[39]!, 0.9 * l[39]!);
});

Deno.test("trainRun: keepInit / initFrom / keepTestProbs / gradHook", () => {
  const r = trainRun(task, {
    ...base,
    steps: 5,
    optimizer: () => sgd(),
    peakLr: 0.1,
    seed: 3,
    keepInit: true,
    keepTestProbs: true,
  });
  assertEquals(r.initParams!.length, 7);
  assertEquals(r.testProbs!.length, 512 * 8);
  assertAlmostEquals(r.testProbs!.slice(0, 8).reduce((a, b) => a + b, 0), 1, 1e-5);
  const zeroed = trainRun(task, {
    ...base,
    steps: 5,
    optimizer: () => sgd(),
    peakLr: 0.1,
    seed: 3,
    initFrom: r.finalParams,
    gradHook: (_t, g) => Object.fromEntries(Object.entries(g).map(([k, v]) => [k, tf.zerosLike(v)])),
  });
  assertEquals(zeroed.finalParams, r.finalParams, "zero gradients ⇒ the warm start is unchanged");
});

Deno.test("lrSweep: means over seeds, min/max error bars, bestPoint", () => {
  const pts = lrSweep(task, "sgd", () => sgd(), [0.3, 3], [0, 1], { ...base, steps: 20, evalEvery: 10 });
  assertEquals(pts.map((p) => [p.name, p.lr, p.runs.length]), [["sgd", 0.3, 2], ["sgd", 3, 2]]);
  for (const p of pts) {
    assertAlmostEquals(p.testLoss, (p.runs[0]!.testLoss + p.runs[1]!.testLoss) / 2, 1e-12);
    assert(p.testLossMin <= p.testLoss && p.testLoss <= p.testLossMax);
    assertEquals(p.curve.length, 3);
  }
  assertEquals(bestPoint(pts), pts[0]!.testLoss <= pts[1]!.testLoss ? pts[0] : pts[1]);
  let calls = 0;
  lrSweep(task, "sgd", () => sgd(), [0.1], [0, 1, 2], { ...base, steps: 2, evalEvery: 0 }, () => calls++);
  assertEquals(calls, 3);
});

Deno.test("X-opt protocol constants", () => {
  const b = xoptBase();
  assertEquals([b.schedule(1), b.schedule(50), b.schedule(1000)], [0.02, 1, 0.1]);
  const half = xoptBase(500);
  assertEquals([half.evalEvery, half.schedule(25), half.schedule(500)], [25, 1, 0.1]);
  assertEquals(Object.keys(XOPT_OPTIMIZERS), ["sgd", "sgdm", "adamw", "lion"]);
  assertEquals(XOPT_OPTIMIZERS.lion.lrs, [3e-4, 1e-3, 3e-3]);
  const l = XOPT_OPTIMIZERS.lion.make() as ReturnType<typeof lion>;
  assertEquals([l.beta1, l.beta2, l.weightDecay], [0.9, 0.99, 0.1]);
});

Deno.test("trainRun / lrSweep: bad configs throw clear errors", () => {
  const ok = { ...base, optimizer: () => sgd(), peakLr: 0.1, seed: 0 };
  assertThrows(
    () => trainRun(task, { ...ok, peakLr: -1 }),
    RangeError,
    "trainRun: cfg.peakLr must be a non-negative number, got -1",
  );
  assertThrows(
    () => trainRun(task, { ...ok, steps: 0 }),
    RangeError,
    "trainRun: cfg.steps must be an integer ≥ 1, got 0",
  );
  assertThrows(
    () => trainRun(task, { ...ok, seed: 1.5 }),
    RangeError,
    "trainRun: cfg.seed must be an integer",
  );
  assertThrows(
    () => lrSweep(task, "x", () => sgd(), [], [0], base),
    RangeError,
    "lrSweep: lrs.length must be ≥ 1, got 0",
  );
  assertThrows(() => bestPoint([]), RangeError);
});
