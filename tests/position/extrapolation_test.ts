import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { ropeInvFreq, ropeScore } from "@lib/position/rope.ts";
import { applyRope } from "@lib/position/rope.ts";
import {
  dynamicScale,
  equalMeanPositions,
  evenPositions,
  leakyReropeQKPositions,
  leakyReropeRelPos,
  lognScale,
  ntkInvFreq,
  ntkKappa,
  piPositions,
  randomPositionIds,
  relPosMatrix,
  reropeRelPos,
  rotationCounts,
  selfExtendRelPos,
  yarnInvFreq,
  yarnLogitScale,
} from "@lib/position/extrapolation.ts";

Deno.test("ntkKappa closed forms and ntkInvFreq's defining condition", () => {
  assertAlmostEquals(ntkKappa(4, 128), 4.088994, 1e-6);
  assertAlmostEquals(ntkKappa(8, 128), 8.268462, 1e-6);
  for (const [dim, s] of [[16, 2], [32, 8], [128, 4]] as const) {
    const f = ntkInvFreq(dim, 1e4, s), f0 = ropeInvFreq(dim, 1e4);
    assertAlmostEquals(f[dim / 2 - 1]!, f0[dim / 2 - 1]! / s, 1e-12);
    assertEquals(f[0], 1);
  }
  assertEquals([...ntkInvFreq(32, 1e4, 0.5)], [...ropeInvFreq(32, 1e4)]);
});

Deno.test("rotationCounts and yarnInvFreq", () => {
  const r = rotationCounts(128, 1e4, 4096);
  assertAlmostEquals(r[0]!, 651.899, 1e-3);
  assertAlmostEquals(r[63]!, 0.07528, 1e-5);
  assertEquals(r.filter((x) => x < 1).length, 18);
  assertEquals(r.filter((x) => x > 32).length, 21);
  assertEquals([...yarnInvFreq(128, 1e4, 4096, 4096)], [...ropeInvFreq(128, 1e4)]);
  const y = yarnInvFreq(128, 1e4, 4096, 32768), t = ropeInvFreq(128, 1e4);
  let prev = Infinity;
  for (let i = 0; i < 64; i++) {
    const ratio = y[i]! / t[i]!;
    if (r[i]! > 32) assertEquals(ratio, 1);
    if (r[i]! < 1) assertAlmostEquals(ratio, 1 / 8, 1e-15);
    assert(ratio <= prev + 1e-15);
    prev = ratio;
  }
  assertThrows(() => yarnInvFreq(128, 1e4, 4096, 8192, 1), RangeError, "tau");
});

Deno.test("logit scales", () => {
  assertEquals(yarnLogitScale(1), 1);
  assertAlmostEquals(yarnLogitScale(16), 1.631390, 1e-6);
  for (const n of [1, 100, 2048]) assertEquals(lognScale(n, 2048, "clip"), 1);
  assertAlmostEquals(lognScale(4096, 2048, "clip"), 1.090909, 1e-6);
  assertAlmostEquals(lognScale(64, 4096, "raw"), 0.5, 1e-12);
  for (let p = 0; p < 64; p++) assertEquals(dynamicScale(p, 64), 1);
  assertEquals(dynamicScale(127, 64), 2);
  assertThrows(() => lognScale(10, 64, "bad" as "raw"), RangeError, "mode");
  assertThrows(() => yarnLogitScale(0.5), RangeError, "≥ 1");
});

Deno.test("ReRoPE, Leaky ReRoPE and Self-Extend relative positions", () => {
  for (let i = 0; i < 30; i++) {
    for (let j = 0; j <= i; j++) {
      assertEquals(reropeRelPos(i, j, 7), Math.min(i - j, 7));
      assertEquals(leakyReropeRelPos(i, j, 7, 1), i - j);
      if (i - j < 7) assertEquals(selfExtendRelPos(i, j, 7, 3), i - j);
    }
  }
  assertEquals(leakyReropeRelPos(5 + 6 + 8, 5, 6, 4), 8);
  assertThrows(() => reropeRelPos(2, 3, 4), RangeError, "causal");
  assertThrows(() => leakyReropeRelPos(5, 0, 2, 0.5), RangeError, "≥ 1");
});

Deno.test("leakyReropeQKPositions realize the far branch with ordinary RoPE", () => {
  const rng = createRng(4), dim = 16, theta = ropeInvFreq(dim);
  for (const k of [2, 4, Infinity]) {
    const w = 5, { q: qp, k: kp } = leakyReropeQKPositions(40, w, k);
    for (let t = 0; t < 50; t++) {
      const q = Float64Array.from({ length: dim }, () => rng.normal());
      const kv = Float64Array.from({ length: dim }, () => rng.normal());
      const i = w + rng.int(35), j = rng.int(i - w + 1);
      const rq = applyRope(q, qp[i]!, theta), rk = applyRope(kv, kp[j]!, theta);
      const direct = rq.reduce((s, x, c) => s + x * rk[c]!, 0);
      const rel = k === Infinity ? reropeRelPos(i, j, w) : leakyReropeRelPos(i, j, w, k);
      assertAlmostEquals(direct, ropeScore(q, kv, rel, 0, theta), 1e-10);
    }
  }
});

Deno.test("positions: PI, even, random, equal-mean", () => {
  assertEquals([...piPositions(4, 8)], [0, 1, 2, 3]);
  assertEquals(piPositions(512, 64)[511], 511 / 8);
  assertEquals([...evenPositions(2, 10)], [0, 5]);
  const rng = createRng(9);
  const counts = new Float64Array(10);
  for (let t = 0; t < 4000; t++) {
    const p = randomPositionIds(3, 10, rng);
    assertEquals(new Set(p).size, 3);
    p.forEach((x) => counts[x]!++);
  }
  for (const c of counts) assert(Math.abs(c / 4000 - 0.3) < 0.03, `uniform inclusion ${c / 4000}`);
  let mean = 0, tail = 0;
  const draws = 20000;
  for (let t = 0; t < draws; t++) {
    const last = equalMeanPositions(64, rng, { kind: "exponential" })[63]!;
    mean += last / draws;
    if (last >= 256) tail++;
  }
  assert(Math.abs(mean / 64 - 1) < 0.02, `exponential mean ${mean}`);
  assert(Math.abs(tail / draws - Math.exp(-4)) < 0.004, `P(n ≥ 4N) ${tail / draws}`);
  let bmean = 0;
  for (let t = 0; t < draws; t++) {
    bmean += equalMeanPositions(64, rng, { kind: "beta", alpha: 1, beta: 7, testLen: 512 })[63]! / draws;
  }
  assert(Math.abs(bmean / 64 - 1) < 0.02, `beta mean ${bmean}`);
  assertThrows(() => randomPositionIds(11, 10, rng), RangeError, "n");
});

Deno.test("relPosMatrix", () => {
  const m = relPosMatrix(4, (i, j) => reropeRelPos(i, j, 2));
  assertEquals(Array.from(m.data.subarray(12, 16)), [2, 2, 1, 0]);
  assert(Number.isNaN(m.data[1]));
});
