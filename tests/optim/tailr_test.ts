import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { crossEntropyLoss, type LogitLoss } from "@lib/optim/bow_mlp.ts";
import {
  tailrLoss,
  tailrLossGrad,
  tailrLossValue,
  tailrSchedule,
  tailrStopGradLoss,
  tailrWeight,
  weightedCrossEntropyLoss,
} from "@lib/optim/tailr.ts";

await initTf();

const GAMMAS = [0, 1e-7, 0.1, 0.4999, 0.5, 0.8, 1 - 1e-9, 1];

/** Random logits (float32-representable, spread so some p_y are tiny) and labels. */
function batch(seed: number, B = 6, C = 5, scale = 3) {
  const rng = createRng(seed);
  const logits = Float64Array.from({ length: B * C }, () => Math.fround(scale * rng.normal()));
  const labels = Int32Array.from({ length: B }, () => rng.int(C));
  return { logits, labels, B, C };
}

/** Mean Eq. 2 over the batch, in Float64, from logits. */
function meanEq2(logits: Float64Array, labels: Int32Array, C: number, gamma: number): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = logits.subarray(i * C, (i + 1) * C), m = Math.max(...row);
    const z = row.reduce((a, v) => a + Math.exp(v - m), 0);
    s += tailrLossValue(Math.exp(row[labels[i]!]! - m) / z, gamma);
  }
  return s / labels.length;
}

/** tfjs value and autodiff gradient of a LogitLoss. */
function tfGrad(loss: LogitLoss, logits: Float64Array, labels: Int32Array, B: number, C: number) {
  let out = { value: NaN, grad: new Float64Array(0) };
  tf.tidy(() => {
    const z = tf.tensor2d(Float32Array.from(logits), [B, C]), y = tf.tensor1d(labels, "int32");
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => loss(x as tf.Tensor2D, y))(z);
    out = { value: value.dataSync()[0]!, grad: Float64Array.from(grad.dataSync()) };
  });
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assertEquals(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

Deno.test("tailrLossValue: γ = 0 is cross-entropy, γ = 1 is 1 − p, γ → 1 tends to 1 − p", () => {
  for (const p of [1e-200, 1e-9, 0.01, 0.3, 0.77, 1]) assertEquals(tailrLossValue(p, 0), 0 - Math.log(p));
  assertEquals(tailrLossValue(0, 0), -Math.log(1e-300));
  assertAlmostEquals(tailrLossValue(0.3, 1), 0.7, 1e-15);
  assertAlmostEquals(tailrLossValue(0.3, 1 - 1e-9), 0.7, 1e-9);
  for (const p of [0, 0.01, 0.3, 0.9]) {
    const err = Math.abs(tailrLossValue(p, 1 - 1e-6) - (1 - p));
    assert(err < 1e-6 && err > 0, `p=${p}: ${err}`); // O(1 − γ) away, not equal
  }
});

Deno.test("tailrLossValue: closed form, zero at p = 1, strictly decreasing, continuous across branches", () => {
  for (const g of GAMMAS) assertEquals(tailrLossValue(1, g), 0);
  for (const [p, g] of [[0.2, 0.1], [0.6, 0.3], [0.05, 0.7], [0.5, 0.5]]) {
    assertAlmostEquals(tailrLossValue(p!, g!), -Math.log(g! + (1 - g!) * p!) / (1 - g!), 1e-14);
  }
  for (const g of GAMMAS) {
    let prev = Infinity;
    for (let k = 0; k <= 1000; k++) {
      const v = tailrLossValue(k / 1000, g);
      assert(v < prev, `γ=${g}: not decreasing at p=${k / 1000}`);
      prev = v;
    }
  }
  for (const p of [1e-6, 0.2, 0.9]) {
    assertAlmostEquals(tailrLossValue(p, 0.5 - 1e-12), tailrLossValue(p, 0.5), 1e-10);
  }
  // γ = 0.9 < 1 bounds the loss: ℓ(0) = −log γ / (1 − γ)
  assertAlmostEquals(tailrLossValue(0, 0.9), -Math.log(0.9) / 0.1, 1e-12);
});

Deno.test("tailrWeight: 1 at γ = 0, p at γ = 1, in [0, 1], equals −p·dℓ/dp, floored by minWeight", () => {
  for (const p of [0, 0.2, 0.7, 1]) {
    assertEquals(tailrWeight(p, 0), 1);
    assertEquals(tailrWeight(p, 1), p);
  }
  assertAlmostEquals(tailrWeight(0.2, 0.5), 0.2 / 0.6, 1e-15);
  assertEquals(tailrWeight(0.2, 0.5, 0.5), 0.5);
  assertEquals(tailrWeight(0.9, 0.5, 0.5), 0.9 / 0.95);
  for (const g of GAMMAS) {
    for (const p of [0.01, 0.2, 0.5, 0.95]) {
      const w = tailrWeight(p, g);
      assert(w >= 0 && w <= 1);
      const h = 1e-6 * p, dl = (tailrLossValue(p + h, g) - tailrLossValue(p - h, g)) / (2 * h);
      assertAlmostEquals(w, -p * dl, 1e-7 * Math.max(1, w));
    }
  }
});

Deno.test("tailrLossGrad: analytic dLogits = central finite differences of mean Eq. 2", () => {
  for (const g of [0, 0.1, 0.8, 1]) {
    const { logits, labels, C } = batch(1);
    const { loss, dLogits } = tailrLossGrad(logits, labels, C, g);
    assertAlmostEquals(loss, meanEq2(logits, labels, C, g), 1e-13);
    let worst = 0;
    for (let k = 0; k < logits.length; k++) {
      const h = 1e-5, up = logits.slice(), dn = logits.slice();
      up[k]! += h;
      dn[k]! -= h;
      const fd = (meanEq2(up, labels, C, g) - meanEq2(dn, labels, C, g)) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - dLogits[k]!) / Math.max(1e-3, Math.abs(dLogits[k]!)));
    }
    assert(worst < 1e-6, `γ=${g}: rel. err ${worst}`);
  }
});

Deno.test("tailrLossGrad: γ = 0 gives the cross-entropy gradient (p − e_y)/B, weights w(p_y)", () => {
  const { logits, labels, B, C } = batch(2);
  const r = tailrLossGrad(logits, labels, C, 0);
  for (let i = 0; i < B; i++) {
    for (let c = 0; c < C; c++) {
      assertEquals(r.dLogits[i * C + c], (r.probs[i * C + c]! - (c === labels[i] ? 1 : 0)) / B);
    }
  }
  const r8 = tailrLossGrad(logits, labels, C, 0.8, 0.3);
  for (let i = 0; i < B; i++) {
    assertEquals(r8.weights[i], tailrWeight(r8.probs[i * C + labels[i]!]!, 0.8, 0.3));
  }
  // with a floor the reported loss is the surrogate −mean(w log p_y)
  const sur =
    -Array.from(labels).reduce((s, y, i) => s + r8.weights[i]! * Math.log(r8.probs[i * C + y]!), 0) / B;
  assertAlmostEquals(r8.loss, sur, 1e-12);
});

Deno.test("tailrLoss (tfjs): value = Float64 Eq. 2 and autodiff = analytic weighted-CE gradient = stop-grad form", () => {
  for (const g of GAMMAS) {
    const { logits, labels, B, C } = batch(3);
    const ref = tailrLossGrad(logits, labels, C, g);
    const closed = tfGrad(tailrLoss(g), logits, labels, B, C);
    const stop = tfGrad(tailrStopGradLoss(g), logits, labels, B, C);
    const wce = tfGrad((z, y) => weightedCrossEntropyLoss(z, y, ref.weights), logits, labels, B, C);
    assertAlmostEquals(closed.value, ref.loss, 2e-5 * Math.max(1, ref.loss), `γ=${g} value`);
    assert(
      maxAbsDiff(closed.grad, ref.dLogits) < 2e-6,
      `γ=${g} closed vs analytic ${maxAbsDiff(closed.grad, ref.dLogits)}`,
    );
    assert(maxAbsDiff(stop.grad, ref.dLogits) < 2e-6, `γ=${g} stop-grad vs analytic`);
    assert(maxAbsDiff(wce.grad, ref.dLogits) < 2e-6, `γ=${g} weighted CE vs analytic`);
  }
});

Deno.test("tailrLoss (tfjs): γ = 0 is crossEntropyLoss exactly; a floor b gives max(b, w)(p − e_y)/B", () => {
  const { logits, labels, B, C } = batch(4);
  const a = tfGrad(tailrLoss(0), logits, labels, B, C), b = tfGrad(crossEntropyLoss, logits, labels, B, C);
  assertEquals(a.value, b.value);
  assertEquals(a.grad, b.grad);
  const ref = tailrLossGrad(logits, labels, C, 0.9, 0.4);
  assert(
    ref.weights.some((w) => w === 0.4) && ref.weights.some((w) => w > 0.4),
    "the floor should bind for some rows only",
  );
  const floored = tfGrad(tailrLoss(0.9, 0.4), logits, labels, B, C);
  assert(maxAbsDiff(floored.grad, ref.dLogits) < 2e-6);
  assertAlmostEquals(floored.value, ref.loss, 1e-5);
});

Deno.test("tailrLoss (tfjs): γ close to 1 and tiny p stay accurate in float32", () => {
  const logits = Float64Array.from([40, -40, 0, 0, 0, 0]), labels = Int32Array.from([1, 0]);
  const r = tfGrad(tailrLoss(1 - 1e-9), logits, labels, 2, 3);
  assertAlmostEquals(r.value, (1 + (1 - 1 / 3)) / 2, 1e-6); // mean of 1 − p ≈ (1 + 2/3)/2
  const ce = tfGrad(tailrLoss(1e-7), logits, labels, 2, 3);
  assertAlmostEquals(ce.value, tailrLossGrad(logits, labels, 3, 1e-7).loss, 1e-4);
  assert(Number.isFinite(ce.value) && ce.grad.every(Number.isFinite));
});

Deno.test("tailr losses leak no tensors", () => {
  const { logits, labels, B, C } = batch(5);
  const z = tf.tensor2d(Float32Array.from(logits), [B, C]), y = tf.tensor1d(labels, "int32");
  const before = tf.memory().numTensors;
  for (
    const loss of [tailrLoss(0), tailrLoss(0.1), tailrLoss(0.8), tailrLoss(1), tailrStopGradLoss(0.5, 0.1)]
  ) {
    tf.dispose(tf.tidy(() => tf.valueAndGrad((x: tf.Tensor) => loss(x as tf.Tensor2D, y))(z).grad));
    tf.dispose(loss(z, y));
  }
  assertEquals(tf.memory().numTensors, before);
  tf.dispose([z, y]);
});

Deno.test("tailrSchedule: γ_t = t/T from CE to 1 − p", () => {
  const { logits, labels, B, C } = batch(6);
  const at = tailrSchedule(200);
  assertEquals(
    tfGrad(at(0), logits, labels, B, C).value,
    tfGrad(crossEntropyLoss, logits, labels, B, C).value,
  );
  assertEquals(
    tfGrad(at(100), logits, labels, B, C).value,
    tfGrad(tailrLoss(0.5), logits, labels, B, C).value,
  );
  assertEquals(tfGrad(at(500), logits, labels, B, C).value, tfGrad(tailrLoss(1), logits, labels, B, C).value);
  assertThrows(() => at(-1), RangeError, "tailrSchedule: t must be a non-negative number");
});

Deno.test("tailr: bad γ, b and shapes throw clear errors", () => {
  for (const g of [-0.1, 1.5, NaN, Infinity]) {
    assertThrows(() => tailrLoss(g), RangeError, "tailrLoss: gamma must be");
    assertThrows(() => tailrLossValue(0.5, g), RangeError, "tailrLossValue: gamma must be");
  }
  assertThrows(() => tailrLoss(1.5), RangeError, "tailrLoss: gamma must be in [0, 1], got 1.5");
  assertThrows(
    () => tailrWeight(0.5, "0.1" as unknown as number),
    TypeError,
    "tailrWeight: gamma must be a finite number",
  );
  assertThrows(
    () => tailrStopGradLoss(0.1, 2),
    RangeError,
    "tailrStopGradLoss: minWeight must be in [0, 1], got 2",
  );
  assertThrows(() => tailrLossValue(1.2, 0.1), RangeError, "tailrLossValue: p must be in [0, 1], got 1.2");
  assertThrows(
    () => tailrLossGrad([0, 0], [2], 2, 0.1),
    RangeError,
    "tailrLossGrad: labels[0] must be an integer in [0, 1], got 2",
  );
  assertThrows(
    () => tailrLossGrad([0, 0, 0], [0], 2, 0.1),
    RangeError,
    "tailrLossGrad: logits.length must be 2, got 3",
  );
  assertThrows(
    () => tailrLossGrad([0, NaN], [0], 2, 0.1),
    RangeError,
    "tailrLossGrad: logits[1] must be a finite number",
  );
  assertThrows(() => tailrSchedule(0), RangeError, "tailrSchedule: steps must be an integer ≥ 1, got 0");
  assertThrows(
    () => weightedCrossEntropyLoss(tf.zeros([2, 3]) as tf.Tensor2D, tf.tensor1d([0, 1], "int32"), [1]),
    RangeError,
    "weightedCrossEntropyLoss: weights.length must be 2, got 1",
  );
});
