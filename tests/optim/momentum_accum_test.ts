import { assert, assertAlmostEquals, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { withGradAccumulation } from "@lib/optim/accumulate.ts";
import { adamwUpdate } from "@lib/optim/adamw.ts";
import {
  ADAM_ACCUM_MODES,
  AdamAccum,
  adamAccum,
  type AdamAccumMode,
  adamAccumUpdate,
  SGDMHiddenAccum,
  sgdmHiddenAccum,
  sgdmHiddenAccumUpdate,
  tildeBeta,
  tildeBetaGap,
  tildeBetaWeights,
} from "@lib/optim/momentum_accum.ts";
import { sgdm, sgdmUpdate } from "@lib/optim/sgdm.ts";
import { applyGrads, f32Normals, maxAbs, namedVar } from "./_helpers.ts";

await initTf();

const H = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

Deno.test("tildeBeta: spec values; weights sum to 1 − β̃^k", () => {
  assertAlmostEquals(tildeBeta(0.9, 4), 0.975, 1e-15);
  assertAlmostEquals(Math.abs(tildeBeta(0.9, 4) ** 4 - 0.9), 0.003688, 1e-6);
  assertEquals(tildeBeta(0.9, 1), 0.9);
  for (const [b, k] of [[0.9, 8], [0.99, 16], [0.5, 3]] as const) {
    const w = tildeBetaWeights(b, k), bt = tildeBeta(b, k);
    assertAlmostEquals(w.reduce((s, x) => s + x, 0), 1 - bt ** k, 1e-14);
    assert(w.every((x, i) => i === 0 || x > w[i - 1]!), "weights increase towards the newest gradient");
  }
});

Deno.test("sgdmHiddenAccumUpdate equals SGDM on the window mean (Float64, ≤ 1e-12) and never moves mid-window", () => {
  const rng = createRng(5);
  for (const k of [1, 2, 4, 7]) {
    const a = f32Normals(rng, 20), c = a.slice(), ma = new Float64Array(20), mc = new Float64Array(20);
    let t = 0;
    for (let u = 0; u < 30; u++) {
      const mean = new Float64Array(20);
      for (let j = 0; j < k; j++) {
        const g = f32Normals(rng, 20), before = a.slice();
        g.forEach((x, i) => (mean[i]! += x / k));
        const moved = sgdmHiddenAccumUpdate(a, g, ma, ++t, { lr: 0.3, beta: 0.9, k, weightDecay: 0.01 });
        assertEquals(moved, j === k - 1);
        if (!moved) assertEquals(Array.from(a), Array.from(before));
      }
      sgdmUpdate(c, mean, mc, { lr: 0.3, beta: 0.9, weightDecay: 0.01 });
      assert(maxAbs(a, c) <= 1e-12 && maxAbs(ma, mc) <= 1e-12, `k=${k} update ${u}: ${maxAbs(a, c)}`);
    }
  }
});

Deno.test("SGDMHiddenAccum (tfjs) matches the Float64 reference and withGradAccumulation(sgdm, k) with one buffer less", () => {
  const rng = createRng(6);
  const init = f32Normals(rng, 24), ref = init.slice(), m = new Float64Array(24);
  const a = namedVar("ha", "kernel", init, [4, 6]), b = namedVar("hb", "kernel", init, [4, 6]);
  const oa = sgdmHiddenAccum({ learningRate: 0.5, beta: 0.9, k: 4, weightDecay: 0.02 });
  const ob = withGradAccumulation(sgdm({ learningRate: 0.5, beta: 0.9, weightDecay: 0.02 }), 4);
  for (let t = 1; t <= 40; t++) {
    const g = f32Normals(rng, 24);
    const before = Array.from(a.dataSync());
    applyGrads(oa, [a], [g]);
    applyGrads(ob, [b], [g]);
    sgdmHiddenAccumUpdate(ref, g, m, t, { lr: 0.5, beta: 0.9, k: 4, weightDecay: 0.02 });
    if (t % 4 !== 0) assertEquals(Array.from(a.dataSync()), before, `moved at micro-step ${t}`);
    assert(maxAbs(a.dataSync(), ref) < 1e-5, `ref gap at ${t}: ${maxAbs(a.dataSync(), ref)}`);
    assert(maxAbs(a.dataSync(), b.dataSync()) < 1e-5, `buffer gap at ${t}`);
  }
  assertEquals([oa.stateMultiplier(), ob.stateMultiplier()], [1, 2]);
  oa.dispose();
  ob.dispose();
  tf.dispose([a, b]);
});

Deno.test("adamAccumUpdate with k = 1 equals Adam in every mode (≤ 1e-14 after 20 steps)", () => {
  for (const mode of ADAM_ACCUM_MODES) {
    const rng = createRng(7);
    const a = f32Normals(rng, 12), b = a.slice();
    const sa = { m: new Float64Array(12), v: new Float64Array(12) };
    const sb = { m: new Float64Array(12), v: new Float64Array(12) };
    for (let t = 1; t <= 20; t++) {
      const g = f32Normals(rng, 12);
      assert(adamAccumUpdate(a, g, sa, t, { ...H, lr: 0.01, k: 1, mode, weightDecay: 0.1 }));
      adamwUpdate(b, g, sb, t, { ...H, lr: 0.01, weightDecay: 0.1 });
    }
    assert(maxAbs(a, b) <= 1e-14, `${mode}: ${maxAbs(a, b)}`);
  }
});

Deno.test("accumulate with identical micro-gradients equals Adam on g with one step per window (≤ 1e-12)", () => {
  const rng = createRng(8);
  const a = f32Normals(rng, 10), b = a.slice();
  const sa = { m: new Float64Array(10), v: new Float64Array(10) };
  const sb = { m: new Float64Array(10), v: new Float64Array(10) };
  let t = 0;
  for (let u = 1; u <= 25; u++) {
    const g = f32Normals(rng, 10);
    for (let j = 0; j < 4; j++) adamAccumUpdate(a, g, sa, ++t, { ...H, lr: 0.01, k: 4, mode: "accumulate" });
    adamwUpdate(b, g, sb, u, { ...H, lr: 0.01 });
  }
  assert(maxAbs(a, b) <= 1e-12, `gap ${maxAbs(a, b)}`);
});

Deno.test("everyK and tildeEveryK: ordinary EMA moments, θ moves only at window ends", () => {
  const rng = createRng(9);
  for (const [mode, b1, b2] of [["everyK", 0.9, 0.999], ["tildeEveryK", 0.975, 0.99975]] as const) {
    const a = f32Normals(rng, 6), st = { m: new Float64Array(6), v: new Float64Array(6) };
    const mRef = new Float64Array(6), vRef = new Float64Array(6);
    for (let t = 1; t <= 12; t++) {
      const g = f32Normals(rng, 6), before = a.slice();
      const moved = adamAccumUpdate(a, g, st, t, { ...H, lr: 0.01, k: 4, mode });
      g.forEach((
        x,
        i,
      ) => ((mRef[i] = b1 * mRef[i]! + (1 - b1) * x), (vRef[i] = b2 * vRef[i]! + (1 - b2) * x * x)));
      assert(maxAbs(st.m, mRef) < 1e-15 && maxAbs(st.v, vRef) < 1e-15, `${mode} moments at ${t}`);
      assertEquals(moved, t % 4 === 0);
      if (!moved) assertEquals(Array.from(a), Array.from(before));
      else {
        const i = 0, u = (mRef[i]! / (1 - b1 ** t)) / (Math.sqrt(vRef[i]! / (1 - b2 ** t)) + 1e-8);
        assertAlmostEquals(a[i]!, before[i]! - 0.01 * u, 1e-15);
      }
    }
  }
});

Deno.test("epsInsideSqrt: m̂/√(v̂ + ε) as the article writes it", () => {
  const th = new Float64Array(1), st = { m: new Float64Array(1), v: new Float64Array(1) };
  adamAccumUpdate(th, [0.01], st, 1, { ...H, eps: 1e-4, lr: 1, k: 1, mode: "plain", epsInsideSqrt: true });
  assertAlmostEquals(th[0]!, -0.01 / Math.sqrt(1e-4 + 1e-4), 1e-12);
});

Deno.test("AdamAccum (tfjs) matches adamAccumUpdate in every mode (k = 4, 24 micro-steps)", () => {
  for (const mode of ADAM_ACCUM_MODES) {
    const rng = createRng(10);
    const init = f32Normals(rng, 8), ref = init.slice();
    const st = { m: new Float64Array(8), v: new Float64Array(8) };
    const w = namedVar(`aa_${mode}`, "kernel", init);
    const opt = adamAccum({ ...H, learningRate: 0.01, k: 4, mode, weightDecay: 0.05 });
    for (let t = 1; t <= 24; t++) {
      const g = f32Normals(rng, 8);
      applyGrads(opt, [w], [g]);
      adamAccumUpdate(ref, g, st, t, { ...H, lr: 0.01, k: 4, mode, weightDecay: 0.05 });
    }
    assert(maxAbs(w.dataSync(), ref) < 1e-5, `${mode}: ${maxAbs(w.dataSync(), ref)}`);
    assertEquals(opt.stateMultiplier(), 2);
    opt.dispose();
    w.dispose();
  }
});

Deno.test("config round trips; no tensor leak per step", () => {
  const reg = tf.serialization.SerializationMap.getMap().classNameMap;
  const a = adamAccum({ k: 3, mode: "everyK", epsInsideSqrt: true });
  const [ca, fa] = reg[a.getClassName()]!;
  const a2 = fa(ca, a.getConfig()) as AdamAccum;
  assertInstanceOf(a2, AdamAccum);
  assertEquals(a2.getConfig(), a.getConfig());
  const s = sgdmHiddenAccum({ k: 5, beta: 0.8 });
  const [cs, fs] = reg[s.getClassName()]!;
  assertEquals((fs(cs, s.getConfig()) as SGDMHiddenAccum).getConfig(), s.getConfig());
  const w = namedVar("leak", "kernel", [1, 2, 3]);
  const opt = adamAccum({ k: 2 });
  applyGrads(opt, [w], [[1, 1, 1]]);
  const n = tf.memory().numTensors;
  for (let t = 0; t < 7; t++) applyGrads(opt, [w], [[1, -1, 2]]);
  assertEquals(tf.memory().numTensors, n);
  opt.dispose();
  w.dispose();
});

Deno.test("tildeBetaGap: the β̃ recursion approximates hidden accumulation (β = 0.9, k = 4: gap < 0.1)", () => {
  const gap = tildeBetaGap(0.9, 4, createRng(11), { steps: 4000 });
  assert(gap > 0.005 && gap < 0.1, `gap ${gap}`);
  assert(tildeBetaGap(0.9, 16, createRng(11), { steps: 4000 }) > gap, "worse for larger k");
  assertEquals(tildeBetaGap(0.9, 1, createRng(11), { steps: 100 }), 0);
});

Deno.test("bad inputs", () => {
  assertThrows(() => tildeBeta(1, 2), RangeError, "tildeBeta: beta must be in [0, 1), got 1");
  assertThrows(() => tildeBeta(0.9, 0), RangeError, "tildeBeta: k must be an integer ≥ 1, got 0");
  assertThrows(
    () => sgdmHiddenAccum({ k: 2.5 }),
    RangeError,
    "SGDMHiddenAccum: k must be an integer ≥ 1, got 2.5",
  );
  assertThrows(
    () => adamAccum({ mode: "sometimes" as AdamAccumMode }),
    RangeError,
    "AdamAccum: mode must be plain | everyK | accumulate | tildeEveryK",
  );
  assertThrows(() => adamAccum({ eps: 0 }), RangeError, "AdamAccum: eps must be");
  assertThrows(
    () => sgdmHiddenAccumUpdate(new Float64Array(2), [1], new Float64Array(2), 1, { lr: 1, beta: 0.9, k: 2 }),
    RangeError,
    "sgdmHiddenAccumUpdate: grad",
  );
  assertThrows(
    () => sgdmHiddenAccumUpdate(new Float64Array(1), [1], new Float64Array(1), 0, { lr: 1, beta: 0.9, k: 2 }),
    RangeError,
    "sgdmHiddenAccumUpdate: t must be an integer ≥ 1, got 0",
  );
  const st = { m: new Float64Array(1), v: new Float64Array(1) };
  assertThrows(
    () => adamAccumUpdate(new Float64Array(1), [1], st, 1, { ...H, lr: -1, k: 1, mode: "plain" }),
    RangeError,
    "adamAccumUpdate: lr",
  );
  assertThrows(
    () => tildeBetaGap(0.9, 4, createRng(0), { steps: 10 }),
    RangeError,
    "tildeBetaGap: steps must be ≥ k·(skipWindows + 1) = 44, got 10",
  );
});
