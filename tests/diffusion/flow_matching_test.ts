import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { makeGmm } from "@lib/prob/gmm.ts";
import { gmmSample } from "@lib/prob/gmm.ts";
import { flowMinLoss, gmmVelocity, rectifiedFlowPath } from "@lib/diffusion/mod.ts";
import {
  flowMatchingLoss,
  reflowPairs,
  straightness,
  trainFlowMatching,
  velocityMlp,
} from "@lib/diffusion/flow_matching.ts";

const p = rectifiedFlowPath();
const g = makeGmm([0.3, 0.7], [[-1.5, 0], [1, 1]], 0.1);
const vStar = (X: Float64Array, t: number) => gmmVelocity(g, p, t, X);

Deno.test("flowMatchingLoss: the exact velocity attains flowMinLoss; a shifted field pays ‖c‖² more", () => {
  const n = 40000, rng = createRng(1);
  const pairs = { X0: gmmSample(g, n, rng), X1: Float64Array.from({ length: 2 * n }, () => rng.normal()) };
  const ts = Float64Array.of(0.2, 0.5, 0.8);
  const mine = flowMatchingLoss(vStar, pairs, 2, ts);
  const ref = flowMinLoss(g, p, ts, n, createRng(2));
  for (let j = 0; j < 3; j++) {
    const z = (mine.perT[j]! - ref.perT[j]!) / Math.hypot(mine.se[j]!, ref.se[j]!);
    assert(Math.abs(z) < 4, `t = ${ts[j]}: z = ${z}`);
  }
  const c = [0.3, -0.4];
  const shifted = flowMatchingLoss((X, t) => vStar(X, t).map((v, i) => v + c[i % 2]!), pairs, 2, ts);
  for (let j = 0; j < 3; j++) assertAlmostEquals(shifted.perT[j]! - mine.perT[j]!, 0.25, 0.03);
});

Deno.test("reflowPairs: exact flow of a Gaussian target is the affine map x0 = m + s·x1 (deterministic coupling)", () => {
  const m = [2, -1], s = 0.5, tEnd = 1e-3;
  const gauss = makeGmm([1], [m], s * s);
  const rng = createRng(3), X1 = Float64Array.from({ length: 200 }, () => rng.normal());
  const { X0 } = reflowPairs((X, t) => gmmVelocity(gauss, p, t, X), X1, 200, { tEnd });
  // marginal-preserving affine flow: x_t = (1 − t)m + σ_t x1, σ_t² = (1 − t)²s² + t² → m + s·x1 as t → 0
  const sig = Math.sqrt((1 - tEnd) ** 2 * s * s + tEnd * tEnd);
  const err = X0.reduce((e, x, i) => Math.max(e, Math.abs(x - ((1 - tEnd) * m[i % 2]! + sig * X1[i]!))), 0);
  assert(err < 1e-4, `max error ${err}`);
  // a map of each point: permuting the inputs permutes the outputs
  const perm = Float64Array.from({ length: 200 }, (_, i) => X1[(i + 2) % 200]!);
  const back = reflowPairs((X, t) => gmmVelocity(gauss, p, t, X), perm, 200, { tEnd }).X0;
  for (let i = 0; i < 200; i++) assertEquals(back[i], X0[(i + 2) % 200]);
});

Deno.test("straightness: 0 for a constant field, closed form for v = x, 0 after exact reflow of a Gaussian", () => {
  assertAlmostEquals(straightness((X) => X.map(() => -0.7), Float64Array.of(1, 2, 3, 4), 2, 5), 0, 1e-20);
  // v(x, t) = x from t = 1 to 0: x_t = x1·e^{t−1}, S = x1²[(1 − e^{−2})/2 − (1 − e^{−1})²]
  const S = straightness((X) => Float64Array.from(X), Float64Array.of(1, -2), 1, 200);
  assertAlmostEquals(S, 2.5 * ((1 - Math.exp(-2)) / 2 - (1 - Math.exp(-1)) ** 2), 1e-5);
  // 1-D Gaussian N(m, s²): the independent-coupling flow is curved (speed changes) …
  const m = 1, s = 0.3, gauss = makeGmm([1], [[m]], s * s), rng = createRng(4);
  const X1 = Float64Array.from({ length: 500 }, () => rng.normal());
  const curved = straightness((X, t) => gmmVelocity(gauss, p, t, X), X1, 1, 100, 1e-3);
  assert(curved > 0.01, `${curved}`);
  // … while the reflowed coupling x0 = m + s·x1 has the straight field v = x1 − x0 with x1 = (x − (1−t)m)/((1−t)s + t)
  const straight = (X: Float64Array, t: number) =>
    X.map((x) => {
      const x1 = (x - (1 - t) * m) / ((1 - t) * s + t);
      return x1 - (m + s * x1);
    });
  assertAlmostEquals(straightness(straight, X1, 1, 100), 0, 1e-18);
});

Deno.test("trainFlowMatching: loss falls, no tensor leaks, pairs mode, clone copies weights, clear errors", async () => {
  await initTf();
  const net = velocityMlp({ d: 2, hidden: [32, 32], seed: 5 });
  const before = tf.memory().numTensors;
  const a = trainFlowMatching(net, { data: { gmm: g }, steps: 300, batch: 128, lr: 3e-3, rng: createRng(6) });
  assertEquals(tf.memory().numTensors, before);
  const head = a.losses.slice(0, 20).reduce((s, l) => s + l, 0) / 20;
  const tail = a.losses.slice(-50).reduce((s, l) => s + l, 0) / 50;
  assert(tail < 0.8 * head, `${head} → ${tail}`);
  // the trained field beats the zero field on held-out pairs
  const rng = createRng(7), n = 4000;
  const pairs = { X0: gmmSample(g, n, rng), X1: Float64Array.from({ length: 2 * n }, () => rng.normal()) };
  const ts = Float64Array.of(0.25, 0.5, 0.75);
  assert(
    flowMatchingLoss(net.field, pairs, 2, ts).mean <
      flowMatchingLoss((X) => X.map(() => 0), pairs, 2, ts).mean,
  );
  const copy = net.clone();
  assertEquals(
    Array.from(copy.field(Float64Array.of(0.1, 0.2), 0.3)),
    Array.from(net.field(Float64Array.of(0.1, 0.2), 0.3)),
  );
  const b = trainFlowMatching(copy, { data: { pairs }, steps: 20, batch: 64, lr: 1e-3, rng: createRng(8) });
  assertEquals(b.losses.length, 20);
  assertThrows(
    () =>
      trainFlowMatching(net, {
        data: { gmm: makeGmm([1], [[0]], 1) },
        steps: 1,
        batch: 4,
        lr: 1e-3,
        rng: createRng(0),
      }),
    RangeError,
    "trainFlowMatching: data.gmm.d must be d = 2, got 1",
  );
  assertThrows(
    () => trainFlowMatching(net, { data: { gmm: g }, steps: 0, batch: 4, lr: 1e-3, rng: createRng(0) }),
    RangeError,
    "steps must be an integer ≥ 1",
  );
  assertThrows(
    () => reflowPairs(net.field, Float64Array.of(0, 0), 0),
    RangeError,
    "reflowPairs: steps must be an integer ≥ 1",
  );
  assertThrows(
    () => flowMatchingLoss(net.field, { X0: Float64Array.of(0, 0), X1: Float64Array.of(0) }, 2, ts),
    RangeError,
    "equal non-zero multiples of d = 2",
  );
  net.dispose();
  copy.dispose();
});
