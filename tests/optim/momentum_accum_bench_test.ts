import { assert, assertEquals, assertThrows } from "@std/assert";
import { initTf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { makeZipfTask } from "@lib/data/zipf_task.ts";
import {
  fewerUpdatesRun,
  gradSquareStats,
  pureNoiseRatio,
  sgdmAccumExactness,
} from "@lib/optim/momentum_accum_bench.ts";

await initTf();

const task = makeZipfTask({ nTrain: 1024, nTest: 256, labelNoise: 0.3 });

Deno.test("sgdmAccumExactness: hidden and explicit accumulation are SGDM on the mean (≤ 1e-12); float32 batch only ≈", () => {
  const r = sgdmAccumExactness(task, { updates: 10 });
  assert(Math.max(...r.hidden) <= 1e-12, `hidden ${Math.max(...r.hidden)}`);
  assert(Math.max(...r.explicit) <= 1e-12, `explicit ${Math.max(...r.explicit)}`);
  assertEquals(r.movedEarly, 0);
  const closed = Math.max(...r.hiddenClosedLoop);
  assert(closed < 1e-4, `closed loop ${closed}`);
  const f32 = Math.max(...r.f32Batch);
  assert(f32 > 1e-12 && f32 < 1e-4, `float32 batch gap ${f32}`);
});

Deno.test("gradSquareStats: Jensen (square of mean ≤ mean of squares), correlated logs, median ratio in (0, 1]", () => {
  const pts = gradSquareStats(task, {
    steps: [3, 6],
    coords: 200,
    groups: { emb: [0], dense: [1, 2, 3, 4, 5, 6] },
  });
  assertEquals(pts.map((p) => `${p.step}/${p.group}`), ["3/emb", "3/dense", "6/emb", "6/dense"]);
  for (const p of pts) {
    assert(p.squareOfMean.every((x, i) => x > 0 && x <= p.meanOfSquares[i]! * (1 + 1e-9)));
    assert(p.logCorrelation > 0.5 && p.logCorrelation <= 1, `corr ${p.logCorrelation}`);
    assert(p.medianRatio > 0.05 && p.medianRatio <= 1, `median ${p.medianRatio}`);
  }
});

Deno.test("fewerUpdatesRun: bigBatch = plain Adam on batches of k·micro for microSteps/k steps; everyK runs every micro-step", () => {
  const big = fewerUpdatesRun(task, { mode: "bigBatch", peakLr: 1e-2, seed: 1, microSteps: 120 });
  const one = fewerUpdatesRun(task, { mode: "plain", peakLr: 1e-2, seed: 1, microSteps: 30, micro: 8, k: 1 });
  assertEquals(big.stepsRun, 30);
  assertEquals(big.finalParams.map((x) => Array.from(x)), one.finalParams.map((x) => Array.from(x)));
  const ev = fewerUpdatesRun(task, { mode: "everyK", peakLr: 1e-2, seed: 1, microSteps: 120 });
  assertEquals(ev.stepsRun, 120);
  assert(!ev.diverged);
});

Deno.test("pureNoiseRatio: mean 1/k (Beta(1/2, (k−1)/2)), median below it for k ≥ 3; k = 1 gives 1", () => {
  const two = pureNoiseRatio(2, createRng(2), 40000); // arcsine law: symmetric around 1/2
  assert(Math.abs(two.mean - 0.5) < 0.01 && Math.abs(two.median - 0.5) < 0.02, `k=2: ${two.median}`);
  for (const k of [3, 4, 8]) {
    const r = pureNoiseRatio(k, createRng(k), 40000);
    assert(Math.abs(r.mean - 1 / k) < 0.01, `k=${k}: mean ${r.mean}`);
    assert(r.median < r.mean, `k=${k}: median ${r.median}`);
  }
  const one = pureNoiseRatio(1, createRng(0), 10);
  assert(Math.abs(one.mean - 1) < 1e-12 && Math.abs(one.median - 1) < 1e-12);
});

Deno.test("bad inputs", () => {
  assertThrows(
    () => fewerUpdatesRun(task, { mode: "plain", peakLr: 1e-2, seed: 0, microSteps: 42 }),
    RangeError,
    "fewerUpdatesRun: microSteps must be a multiple of k (4), got 42",
  );
  assertThrows(() => sgdmAccumExactness(task, { lr: 0 }), RangeError, "sgdmAccumExactness: lr must be");
  assertThrows(
    () => gradSquareStats(task, { k: 1 }),
    RangeError,
    "gradSquareStats: k must be an integer ≥ 2",
  );
});
