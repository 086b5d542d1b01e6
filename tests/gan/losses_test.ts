import { assert, assertAlmostEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { Mlp } from "@lib/nn/mlp.ts";
import {
  ganQpCriticLoss,
  ganQpGenLoss,
  gradientPenalty,
  inputGrad,
  mlpCritic,
  mlpInputGrad,
  sganCriticLoss,
  sganGenLoss,
  wganGpCriticLoss,
} from "@lib/gan/mod.ts";

await initTf();

const xr = tf.tensor2d([[1, 2, 0], [0.5, -1, 3], [2, 2, 2], [0, 0, 1]]);
const xf = tf.tensor2d([[0, 1, 1], [1.5, -1, 0], [2, 1, 2], [-1, 0.5, 1]]);
const wv = [0.3, -1.2, 0.7];
const Tlin = (x: tf.Tensor2D) => tf.reshape(tf.matMul(x, tf.tensor2d(wv, [3, 1])), [-1]) as tf.Tensor1D;

function rows(t: tf.Tensor2D): number[][] {
  return t.arraySync();
}

Deno.test("ganQpCriticLoss / ganQpGenLoss equal the plain formulas mean(−Δ + Δ²/(2λd)), mean(Δ)", () => {
  const R = rows(xr), F = rows(xf), tv = (v: number[]) => v.reduce((a, b, i) => a + b * wv[i]!, 0);
  const dists = {
    l2: (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!)),
    l2rms: (a: number[], b: number[]) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length),
    l1mean: (a: number[], b: number[]) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length,
  };
  for (const lam of [0.5, 10]) {
    for (const [name, d] of Object.entries(dists)) {
      const want = R.reduce((s, r, k) => {
        const delta = tv(r) - tv(F[k]!);
        return s - delta + (delta * delta) / (2 * lam * d(r, F[k]!));
      }, 0) / R.length;
      const got = ganQpCriticLoss(Tlin, xr, xf, lam, name as "l2").dataSync()[0]!;
      assertAlmostEquals(got, want, 1e-5 * Math.max(1, Math.abs(want)));
    }
  }
  const wantG = R.reduce((s, r, k) => s + tv(r) - tv(F[k]!), 0) / R.length;
  assertAlmostEquals(ganQpGenLoss(Tlin, xr, xf).dataSync()[0]!, wantG, 1e-5);
  assertThrows(
    () => ganQpCriticLoss(Tlin, xr, xf, 0, "l2"),
    RangeError,
    "ganQpCriticLoss: lambda must be a positive number, got 0",
  );
  assertThrows(
    () => ganQpCriticLoss(Tlin, xr, xf, -1, "l2"),
    RangeError,
    "lambda must be a positive number, got -1",
  );
  assertThrows(() => ganQpCriticLoss(Tlin, xr, xf, 1, "l3" as "l2"), RangeError, "dist must be");
  assertThrows(
    () => ganQpCriticLoss(Tlin, xr, tf.zeros([3, 3]), 1, "l2"),
    RangeError,
    "xf.shape must be equal to xr.shape",
  );
});

Deno.test("SGAN losses: closed forms with a linear logit", () => {
  const tr = rows(xr).map((r) => r.reduce((a, b, i) => a + b * wv[i]!, 0));
  const tfk = rows(xf).map((r) => r.reduce((a, b, i) => a + b * wv[i]!, 0));
  const ls = (t: number) => -Math.log1p(Math.exp(-t));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  assertAlmostEquals(
    sganCriticLoss(Tlin, xr, xf).dataSync()[0]!,
    -0.5 * mean(tr.map(ls)) - 0.5 * mean(tfk.map((t) => ls(-t))),
    1e-5,
  );
  assertAlmostEquals(sganGenLoss(Tlin, xf, "minimax").dataSync()[0]!, mean(tfk.map((t) => ls(-t))), 1e-5);
  assertAlmostEquals(sganGenLoss(Tlin, xf, "nonsaturating").dataSync()[0]!, -mean(tfk.map(ls)), 1e-5);
  assertThrows(() => sganGenLoss(Tlin, xf, "other" as "minimax"), RangeError, "mode must be");
});

Deno.test("gradient penalty of a linear critic is λ(‖w‖ − 1)², through mlpInputGrad and nested tf.grad", () => {
  const m = new Mlp({ inDim: 3, hidden: [], outDim: 1, act: "relu" }, 5);
  const w = m.variables[0]!.dataSync(), nw = Math.hypot(...w);
  const viaMlp = gradientPenalty(mlpCritic(m), xr, xf, 10, createRng(1)).dataSync()[0]!;
  const viaGrad = gradientPenalty(
    (x) => tf.reshape(m.apply(x), [-1]) as tf.Tensor1D,
    xr,
    xf,
    10,
    createRng(1),
  ).dataSync()[0]!;
  assertAlmostEquals(viaMlp, 10 * (nw - 1) ** 2, 1e-4);
  assertAlmostEquals(viaGrad, 10 * (nw - 1) ** 2, 1e-4);
  const full = wganGpCriticLoss(mlpCritic(m), xr, xf, 10, createRng(1)).dataSync()[0]!;
  const gap = m.predict(Float64Array.from(xf.dataSync())).reduce((a, b) => a + b, 0) / 4 -
    m.predict(Float64Array.from(xr.dataSync())).reduce((a, b) => a + b, 0) / 4;
  assertAlmostEquals(full, gap + 10 * (nw - 1) ** 2, 1e-4);
  assertThrows(
    () => wganGpCriticLoss(mlpCritic(m), xr, xf, 0, createRng(1)),
    RangeError,
    "lambdaGp must be a positive number, got 0",
  );
  m.dispose();
});

Deno.test("mlpInputGrad = nested tf.grad = central finite differences (ReLU, leaky, tanh)", () => {
  const rng = createRng(3);
  for (const act of ["relu", "leaky02", "tanh"] as const) {
    const m = new Mlp({ inDim: 2, hidden: [16, 16], outDim: 1, act }, 11);
    const X = Float64Array.from({ length: 40 }, () => 2 * rng.normal());
    const x = tf.tensor2d(Float32Array.from(X), [20, 2]);
    const a = mlpInputGrad(m, x).dataSync();
    const b = inputGrad((v) => tf.reshape(m.apply(v), [-1]) as tf.Tensor1D, x).dataSync();
    const h = 1e-3;
    let checked = 0;
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < 2; j++) {
        assertAlmostEquals(a[2 * i + j]!, b[2 * i + j]!, 1e-4);
        const xp = X.slice(2 * i, 2 * i + 2), xm = xp.slice();
        xp[j]! += h;
        xm[j]! -= h;
        const fd = (m.predict(xp)[0]! - m.predict(xm)[0]!) / (2 * h);
        // away from region boundaries a central difference is exact for piecewise-linear nets (up to float32)
        if (Math.abs(fd - a[2 * i + j]!) < 5e-3) checked++;
      }
    }
    assert(checked >= 36, `${act}: ${checked} of 40 coordinates matched the finite difference`);
    m.dispose();
  }
});

Deno.test("the gradient of a penalty built on mlpInputGrad equals the nested-tf.grad (second-order) one", () => {
  const m = new Mlp({ inDim: 3, hidden: [8, 8], outDim: 1, act: "leaky02" }, 2);
  const loss = (explicit: boolean) => () =>
    gradientPenalty(
      explicit ? mlpCritic(m) : (x) => tf.reshape(m.apply(x), [-1]) as tf.Tensor1D,
      xr,
      xf,
      10,
      createRng(4),
    );
  const g1 = tf.variableGrads(loss(true), m.variables).grads,
    g2 = tf.variableGrads(loss(false), m.variables).grads;
  for (const v of m.variables.slice(0, -1)) { // the output bias does not enter ∇ₓD
    const a = g1[v.name]!.dataSync(), b = g2[v.name]!.dataSync();
    a.forEach((t, k) => assertAlmostEquals(t, b[k]!, 1e-3 * Math.max(1, Math.abs(t))));
  }
  m.dispose();
});
