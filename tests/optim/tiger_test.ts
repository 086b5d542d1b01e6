import { assert, assertAlmostEquals, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { lion, lionUpdate } from "@lib/optim/lion.ts";
import { rms, rowRms, Tiger, tiger, tigerAccumCoefficients, tigerUpdate } from "@lib/optim/tiger.ts";
import type { KexueOptimizer } from "@lib/optim/optimizer.ts";
import type { ParamKind } from "@lib/optim/types.ts";
import { applyGrads, f32Normals, maxAbs, namedVar } from "./_helpers.ts";

await initTf();

Deno.test("rms / rowRms: closed forms and bad inputs", () => {
  assertEquals(rms([1, 1, 1, 1]), 1);
  assertAlmostEquals(rms([1, 2, 3]), Math.sqrt(14 / 3), 1e-15);
  assertEquals(Array.from(rowRms([1, 1, 2, 2], 2, 2)), [1, 2]);
  assertThrows(() => rms([]), RangeError, "rms: x.length must be ≥ 1");
  assertThrows(() => rowRms([1, 2, 3], 2, 2), RangeError, "rowRms: x.length must be 4, got 3");
});

Deno.test("first step from m = 0 on a kernel: m = (1−β)g, θ' = θ − α·RMS(θ)·(sign(g) + λθ) exactly", () => {
  const rng = createRng(1);
  const theta0 = f32Normals(rng, 12), g = f32Normals(rng, 12);
  const theta = theta0.slice(), m = new Float64Array(12);
  const h = { lr: 0.01, beta: 0.945, weightDecay: 0.1 };
  assertEquals(tigerUpdate(theta, g, m, h), "update");
  const r = rms(theta0);
  theta0.forEach((x, i) => {
    assertEquals(m[i], (1 - 0.945) * g[i]!);
    assertEquals(theta[i], x - 0.01 * r * (Math.sign(g[i]!) + 0.1 * x));
  });
});

Deno.test("Tiger(β, rmsScaling = false) ≡ Lion(β1 = β2 = β) for 20 steps on kernels (Float64 and tfjs)", () => {
  const rng = createRng(2);
  const n = 40, h = { beta: 0.9, weightDecay: 0.1 };
  const a = f32Normals(rng, n), b = a.slice(), ma = new Float64Array(n), mb = new Float64Array(n);
  const va = namedVar("tl_tiger", "kernel", a), vb = namedVar("tl_lion", "kernel", a);
  const ot = tiger({ ...h, rmsScaling: false, learningRate: 0.01 });
  const ol = lion({ beta1: 0.9, beta2: 0.9, weightDecay: 0.1, learningRate: 0.01 });
  for (let t = 0; t < 20; t++) {
    const g = f32Normals(rng, n), lr = 0.01 * (1 + t);
    tigerUpdate(a, g, ma, { ...h, lr, rmsScaling: false, tMicro: t });
    lionUpdate(b, g, mb, { lr, beta1: 0.9, beta2: 0.9, weightDecay: 0.1 });
    ot.learningRate = lr;
    ol.learningRate = lr;
    applyGrads(ot, [va], [g]);
    applyGrads(ol, [vb], [g]);
  }
  assert(maxAbs(a, b) <= 1e-15, `Float64 gap ${maxAbs(a, b)}`);
  assert(maxAbs(ma, mb) <= 1e-15);
  assert(maxAbs(va.dataSync(), vb.dataSync()) <= 1e-6, "tfjs Tiger vs tfjs Lion");
  assert(maxAbs(va.dataSync(), a) <= 1e-5, "tfjs vs Float64 reference");
  ot.dispose();
  ol.dispose();
  tf.dispose([va, vb]);
});

Deno.test("bias/beta/gamma: α/2 and no decay; with g = 0 and m = 0 they never move while a kernel shrinks by (1 − ηλ)", () => {
  const lr = 0.02, lambda = 0.5;
  const kern = Float64Array.from([0.5, -0.5]), mk = new Float64Array(2);
  tigerUpdate(kern, [0, 0], mk, { lr, beta: 0.9, weightDecay: lambda });
  const eta = lr * 0.5; // RMS = 0.5
  assertEquals(Array.from(kern), [0.5 * (1 - eta * lambda), -0.5 * (1 - eta * lambda)]);
  for (const kind of ["bias", "beta", "gamma"] as const) {
    const th = Float64Array.from([0.3, 1.2]), m = new Float64Array(2);
    tigerUpdate(th, [0, 0], m, { lr, beta: 0.9, weightDecay: lambda, kind });
    assertEquals(Array.from(th), [0.3, 1.2], kind);
    tigerUpdate(th, [1, -1], m, { lr, beta: 0.9, weightDecay: lambda, kind });
    assertEquals(Array.from(th), [0.3 - lr / 2, 1.2 + lr / 2], `${kind}: ±α/2`);
  }
});

Deno.test("tfjs Tiger follows the Float64 reference for all five kinds (row RMS for embeddings), 12 steps", () => {
  const rng = createRng(3);
  const specs: Array<[ParamKind, number[]]> = [["embedding", [6, 4]], ["kernel", [4, 3]], ["bias", [3]], [
    "gamma",
    [3],
  ], ["beta", [3]]];
  const refs = specs.map(([k, s]) => {
    const x = f32Normals(rng, s.reduce((a, b) => a * b, 1), 0.5);
    if (k === "gamma") x.forEach((v, i) => (x[i] = Math.fround(1 + v)));
    return x;
  });
  const ms = refs.map((r) => new Float64Array(r.length));
  const vars = specs.map(([k, s], i) => namedVar("tref", k, refs[i]!, s));
  const opt = tiger({ beta: 0.9, weightDecay: 0.2, learningRate: 0.05 });
  for (let t = 0; t < 12; t++) {
    const gs = refs.map((r) => f32Normals(rng, r.length));
    applyGrads(opt, vars, gs);
    specs.forEach(([kind, s], i) =>
      tigerUpdate(refs[i]!, gs[i]!, ms[i]!, {
        lr: 0.05,
        beta: 0.9,
        weightDecay: 0.2,
        kind,
        cols: s[1],
        tMicro: t,
      })
    );
    vars.forEach((v, i) => assert(maxAbs(v.dataSync(), refs[i]!) < 2e-6, `step ${t} ${specs[i]![0]}`));
  }
  // the row rule really is per row: one shared RMS would give a different result
  const e = Float64Array.from([1, 1, 0.1, 0.1]), eShared = e.slice();
  tigerUpdate(e, [1, 1, 1, 1], new Float64Array(4), { lr: 0.1, beta: 0.9, kind: "embedding", cols: 2 });
  tigerUpdate(eShared, [1, 1, 1, 1], new Float64Array(4), { lr: 0.1, beta: 0.9, kind: "embedding" });
  assertAlmostEquals(e[2]!, 0.1 - 0.1 * 0.1, 1e-15);
  assert(Math.abs(eShared[2]! - e[2]!) > 1e-3);
  opt.dispose();
  tf.dispose(vars);
});

Deno.test("built-in accumulation: k = 4 on g1..g4 equals k = 1 on their mean (all kinds), θ frozen on micro-steps 1..3", () => {
  const rng = createRng(4);
  const kinds: ParamKind[] = ["embedding", "kernel", "bias", "gamma", "beta"];
  const n = 12, h = { beta: 0.945, weightDecay: 0.1, lr: 0.03 };
  for (const kind of kinds) {
    const a = f32Normals(rng, n, 0.5), b = a.slice(), ma = new Float64Array(n), mb = new Float64Array(n);
    for (let u = 0; u < 25; u++) {
      const gs = [0, 1, 2, 3].map(() => f32Normals(rng, n));
      const before = a.slice();
      gs.forEach((g, j) => {
        const r = tigerUpdate(a, g, ma, { ...h, kind, cols: 3, accumSteps: 4, tMicro: 4 * u + j });
        assertEquals(r, j < 3 ? "accumulate" : "update");
        if (j < 3) assertEquals(a, before, `${kind}: θ moved on micro-step ${j + 1}`);
      });
      const mean = gs[0]!.map((_, i) => (gs[0]![i]! + gs[1]![i]! + gs[2]![i]! + gs[3]![i]!) / 4);
      tigerUpdate(b, mean, mb, { ...h, kind, cols: 3, tMicro: u });
    }
    assert(maxAbs(a, b) <= 1e-12, `${kind}: |Δθ| = ${maxAbs(a, b)}`);
    assert(maxAbs(ma, mb) <= 1e-12, `${kind}: |Δm| = ${maxAbs(ma, mb)}`);
  }
});

Deno.test("tfjs Tiger(accumSteps = 4) ≈ Tiger(k = 1) on mean gradients, with no more optimizer state", async () => {
  const rng = createRng(5);
  const init = f32Normals(rng, 24, 0.5);
  const va = namedVar("acc_a", "kernel", init, [4, 6]), vb = namedVar("acc_b", "kernel", init, [4, 6]);
  const oa = tiger({ beta: 0.9, weightDecay: 0.01, accumSteps: 4, learningRate: 0.02 });
  const ob = tiger({ beta: 0.9, weightDecay: 0.01, learningRate: 0.02 });
  for (let u = 0; u < 10; u++) {
    const gs = [0, 1, 2, 3].map(() => f32Normals(rng, 24));
    for (const g of gs) applyGrads(oa, [va], [g]);
    applyGrads(ob, [vb], [gs[0]!.map((_, i) => (gs[0]![i]! + gs[1]![i]! + gs[2]![i]! + gs[3]![i]!) / 4)]);
  }
  assert(maxAbs(va.dataSync(), vb.dataSync()) < 1e-5, `gap ${maxAbs(va.dataSync(), vb.dataSync())}`);
  const wa = await oa.getWeights(), wb = await ob.getWeights();
  assertEquals(wa.length, wb.length); // iterations + one m per variable
  assertEquals(
    wa.map((w) => w.name.replace(/t\d+_acc_a/, "x")).slice(1),
    wb.map((w) => w.name.replace(/t\d+_acc_b/, "x")).slice(1),
  );
  assertEquals([oa.stateMultiplier(), ob.stateMultiplier()], [1, 1]);
  oa.dispose();
  ob.dispose();
  tf.dispose([va, vb]);
});

Deno.test("NaN rule: NaN in the gamma gradient ⇒ its m unchanged, θ = (θ−1)·0.99 + 1; other tensors update normally", () => {
  const g1 = namedVar("nan", "gamma", [1.5, 0.5, 1]), k1 = namedVar("nan", "kernel", [0.2, -0.2]);
  const opt = tiger({ beta: 0.9, weightDecay: 0, learningRate: 0.1 });
  applyGrads(opt, [g1, k1], [[1, 1, 1], [1, -1]]); // m(gamma) = 0.1·[1,1,1]
  const gBefore = Array.from(g1.dataSync()), kBefore = Array.from(k1.dataSync());
  applyGrads(opt, [g1, k1], [[NaN, 5, 5], [1, -1]]);
  const gAfter = g1.dataSync(), kAfter = k1.dataSync();
  gBefore.forEach((x, i) => assertAlmostEquals(gAfter[i]!, (x - 1) * 0.99 + 1, 1e-6));
  kBefore.forEach((x, i) => assertAlmostEquals(kAfter[i]!, x - 0.1 * rms(kBefore) * Math.sign(x), 1e-6));
  // m of gamma is unchanged: a third step with g = 0 moves it by −α/2·sign(0.1) = −0.05
  applyGrads(opt, [g1, k1], [[0, 0, 0], [0, 0]]);
  const third = g1.dataSync();
  Array.from(gAfter).forEach((x, i) => assertAlmostEquals(third[i]!, x - 0.05, 1e-6));
  opt.dispose();
  tf.dispose([g1, k1]);
});

Deno.test("NaN rule (Float64) shrinks towards 0 for non-gamma kinds; nanRule = false lets NaN in", () => {
  const th = Float64Array.from([2, -4]), m = Float64Array.from([0.3, 0.3]);
  assertEquals(
    tigerUpdate(th, [NaN, 0], m, { lr: 0.1, beta: 0.9, kind: "kernel", shrinkRatio: 0.5 }),
    "nan-skip",
  );
  assertEquals([Array.from(th), Array.from(m)], [[1, -2], [0.3, 0.3]]);
  tigerUpdate(th, [NaN, 0], m, { lr: 0.1, beta: 0.9, nanRule: false });
  assert(Number.isNaN(m[0]!) && Number.isNaN(th[0]!));
  // tfjs: nanRule false ⇒ NaN enters the parameters
  const v = namedVar("nanoff", "kernel", [1, 2]);
  const opt = tiger({ nanRule: false, learningRate: 0.1 });
  applyGrads(opt, [v], [[NaN, 1]]);
  assert(Number.isNaN(v.dataSync()[0]!));
  opt.dispose();
  v.dispose();
});

Deno.test("documented edge case: an exactly-zero kernel never moves under RMS scaling", () => {
  const th = new Float64Array(4), m = new Float64Array(4);
  for (let t = 0; t < 5; t++) {
    tigerUpdate(th, [1, -1, 2, 3], m, { lr: 0.1, beta: 0.9, weightDecay: 0.01, tMicro: t });
  }
  assertEquals(Array.from(th), [0, 0, 0, 0]);
  const v = namedVar("zero", "kernel", [0, 0, 0]);
  const opt = tiger({ learningRate: 0.1 });
  for (let t = 0; t < 3; t++) applyGrads(opt, [v], [[1, 2, 3]]);
  assertEquals(Array.from(v.dataSync()), [0, 0, 0]);
  opt.dispose();
  v.dispose();
});

Deno.test("piecewise-linear lrSchedule over micro-steps and Eq. 9 power (γ = 0 is SGDM's direction)", () => {
  const opt = tiger({ learningRate: 2, lrSchedule: [[4, 1], [8, 0.5]] });
  assertEquals([0, 2, 4, 6, 8, 100].map((t) => opt.alphaAt(t)), [0, 1, 2, 1.5, 1, 1]);
  // schedule in action: step at tMicro 0 has α = 0 → no move; bias moves by α/2 at tMicro 1
  const b = namedVar("sched", "bias", [0]);
  const o2 = tiger({ learningRate: 1, lrSchedule: [[2, 1]] });
  applyGrads(o2, [b], [[1]]);
  assertEquals(b.dataSync()[0], 0);
  applyGrads(o2, [b], [[1]]);
  assertAlmostEquals(b.dataSync()[0]!, -0.25, 1e-7); // α = 0.5 at tMicro 1, bias η = α/2
  // γ = 0: u = m (SGDM, EMA form); γ = 1: sign(m)
  const th = Float64Array.from([1, 1]), m = new Float64Array(2);
  tigerUpdate(th, [0.5, -2], m, { lr: 1, beta: 0.5, gamma: 0, rmsScaling: false });
  assertEquals(Array.from(th), [0.75, 2]);
  const v = namedVar("pow", "kernel", [1, 1]);
  const o3 = tiger({ learningRate: 1, beta: 0.5, weightDecay: 0, rmsScaling: false, power: () => 0 });
  applyGrads(o3, [v], [[0.5, -2]]);
  assert(maxAbs(v.dataSync(), [0.75, 2]) < 1e-7);
  o2.dispose();
  o3.dispose();
  opt.dispose();
  tf.dispose([b, v]);
});

Deno.test("tigerAccumCoefficients follows bojone's zero-based rule", () => {
  assertEquals(tigerAccumCoefficients(0.9, 1, 7), { b1: 0.9, b2: 1 - 0.9, apply: true });
  assertEquals(
    [0, 1, 2, 3, 4].map((t) => tigerAccumCoefficients(0.9, 2, t)),
    [
      { b1: 0.9, b2: 0.05, apply: false },
      { b1: 1, b2: 0.05, apply: true },
      { b1: 0.9, b2: 0.05, apply: false },
      { b1: 1, b2: 0.05, apply: true },
      { b1: 0.9, b2: 0.05, apply: false },
    ].map((x) => ({ ...x, b2: (1 - 0.9) / 2 })),
  );
});

Deno.test("bad inputs throw clear errors", () => {
  const th = new Float64Array(2), m = new Float64Array(2);
  assertThrows(() => tiger({ beta: 1 }), RangeError, "Tiger: beta must be in [0, 1), got 1");
  assertThrows(() => tiger({ accumSteps: 0 }), RangeError, "Tiger: accumSteps must be an integer ≥ 1, got 0");
  assertThrows(
    () => tiger({ shrinkRatio: 1.5 }),
    RangeError,
    "Tiger: shrinkRatio must be in [0, 1], got 1.5",
  );
  assertThrows(
    () => tiger({ rmsScaling: 1 as unknown as boolean }),
    TypeError,
    "Tiger: rmsScaling must be a boolean",
  );
  assertThrows(() => tiger({ lrSchedule: [[5, 1], [2, 0]] }), RangeError, "strictly increasing");
  assertThrows(
    () => tiger({ weightDecay: -1 }),
    RangeError,
    "Tiger: weightDecay must be a non-negative number",
  );
  assertThrows(
    () => tigerUpdate(th, [1], m, { lr: 1, beta: 0.9 }),
    RangeError,
    "tigerUpdate: grad.length must be 2, got 1",
  );
  assertThrows(
    () => tigerUpdate(th, [1, 1], m, { lr: -1, beta: 0.9 }),
    RangeError,
    "tigerUpdate: lr must be a non-negative",
  );
  assertThrows(
    () => tigerUpdate(th, [1, 1], m, { lr: 1, beta: 0.9, kind: "weight" as ParamKind }),
    RangeError,
    "tigerUpdate: kind must be a ParamKind",
  );
  assertThrows(
    () => tigerUpdate(th, [1, 1], m, { lr: 1, beta: 0.9, kind: "embedding", cols: 3 }),
    RangeError,
    "tigerUpdate: cols must be a divisor of theta.length (2), got 3",
  );
  assertThrows(
    () => tigerUpdate(th, [1, 1], m, { lr: 1, beta: 0.9, gamma: 2 }),
    RangeError,
    "gamma must be in [0, 1]",
  );
});

Deno.test("getConfig → registered fromConfig round trip", () => {
  const o = new Tiger({
    beta: 0.95,
    weightDecay: 0.02,
    accumSteps: 3,
    shrinkRatio: 0.9,
    rmsScaling: false,
    lrSchedule: [[10, 1], [20, 0.1]],
  });
  const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[o.getClassName()]!;
  const copy = fromConfig(cls, o.getConfig()) as KexueOptimizer;
  assertInstanceOf(copy, Tiger);
  assertEquals(copy.getConfig(), o.getConfig());
});
