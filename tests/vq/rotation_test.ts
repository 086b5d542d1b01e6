import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng, type Rng } from "@lib/core/rng.ts";
import { initTf } from "@lib/core/tf_setup.ts";
import { det, matrix } from "@lib/core/mod.ts";
import { encoderGradRotation, rotateTo, rotationMatrix, vqRotationTf, vqSteTf } from "@lib/vq/rotation.ts";
import { codebookUsage, nearestCode, vqLosses } from "@lib/vq/quantize.ts";

await initTf();

const gauss = (d: number, rng: Rng) => Float64Array.from({ length: d }, () => rng.normal());
const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const nrm = (a: Float64Array) => Math.sqrt(dot(a, a));
const matVec = (R: Float64Array, v: Float64Array) => {
  const d = v.length;
  return Float64Array.from({ length: d }, (_, i) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += R[i * d + j]! * v[j]!;
    return s;
  });
};

Deno.test("rotationMatrix: maps z̃ to q̃, orthogonal, det 1, fixes the complement", () => {
  const rng = createRng(11);
  for (const d of [2, 8, 64]) {
    for (let t = 0; t < 100; t++) {
      const z = gauss(d, rng), q = gauss(d, rng).map((v) => 3 * v);
      const R = rotationMatrix(z, q);
      const rz = matVec(R, z.map((v) => v / nrm(z)));
      const qt = q.map((v) => v / nrm(q));
      assert(nrm(rz.map((v, i) => v - qt[i]!)) < 1e-12);
      let err = 0;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let k = 0; k < d; k++) s += R[k * d + i]! * R[k * d + j]!;
          err = Math.max(err, Math.abs(s - (i === j ? 1 : 0)));
        }
      }
      assert(err < 1e-12, `RᵀR − I = ${err}`);
      if (d <= 8) assertAlmostEquals(det(matrix(d, d, R)), 1, 1e-10);
      if (d > 2) {
        // u ⊥ {z, q} by Gram–Schmidt
        const u = gauss(d, rng);
        const e1 = z.map((v) => v / nrm(z));
        let u1 = u.map((v, i) => v - dot(u, e1) * e1[i]!);
        const q1 = q.map((v, i) => v - dot(q, e1) * e1[i]!);
        const e2 = q1.map((v) => v / nrm(q1));
        u1 = u1.map((v, i) => v - dot(u1, e2) * e2[i]!);
        const Ru = matVec(R, u1);
        assert(nrm(Ru.map((v, i) => v - u1[i]!)) < 1e-12);
      }
      // rotateTo = (‖q‖/‖z‖)·R v = official form; rotateTo(z, q, z) = q
      const v = gauss(d, rng);
      const ratio = nrm(q) / nrm(z);
      const a = rotateTo(z, q, v), b = matVec(R, v).map((x) => ratio * x);
      assert(nrm(a.map((x, i) => x - b[i]!)) < 1e-12 * (1 + nrm(b)));
      const zt = z.map((x) => x / nrm(z));
      const w0 = zt.map((x, i) => x + qt[i]!), w = w0.map((x) => x / nrm(w0));
      const off = v.map((x, i) => ratio * (x - 2 * dot(v, w) * w[i]! + 2 * dot(v, zt) * qt[i]!));
      assert(nrm(a.map((x, i) => x - off[i]!)) < 1e-12 * (1 + nrm(off)));
      const zq = rotateTo(z, q, z);
      assert(nrm(zq.map((x, i) => x - q[i]!)) < 1e-12 * nrm(q));
    }
  }
});

Deno.test("encoderGradRotation: Gᵀg, norm ratio ‖q‖/‖z‖, angle θ in 2-D and ≤ θ in 8-D", () => {
  const rng = createRng(5);
  for (const d of [2, 8]) {
    for (let t = 0; t < 100; t++) {
      const z = gauss(d, rng), q = gauss(d, rng), g = gauss(d, rng);
      const R = rotationMatrix(z, q), ratio = nrm(q) / nrm(z);
      const Rt = Float64Array.from({ length: d * d }, (_, k) => R[(k % d) * d + Math.floor(k / d)]!);
      const ref = matVec(Rt, g).map((x) => ratio * x);
      const e = encoderGradRotation(z, q, g);
      assert(nrm(e.map((x, i) => x - ref[i]!)) < 1e-12 * (1 + nrm(ref)));
      assertAlmostEquals(nrm(e) / nrm(g), ratio, 1e-10 * ratio);
      const theta = Math.acos(dot(z, q) / (nrm(z) * nrm(q)));
      const ang = Math.acos(Math.max(-1, Math.min(1, dot(e, g) / (nrm(e) * nrm(g)))));
      if (d === 2) assertAlmostEquals(ang, theta, 1e-7); // acos near 0/π loses digits
      else assert(ang <= theta + 1e-7, `${ang} > ${theta}`);
    }
  }
});

Deno.test("antipodal and zero inputs fall back to the STE (no NaN)", () => {
  const z = new Float64Array([1, 2, 3]), q = z.map((v) => -2 * v);
  const R = rotationMatrix(z, q);
  assert(R.every(Number.isFinite));
  assertEquals(Array.from(encoderGradRotation(z, q, new Float64Array([1, 0, 0]))), [1, 0, 0]);
  tf.tidy(() => {
    const zt = tf.tensor2d([[1, 2, 3], [1, 0, 0], [0, 0, 0]]),
      qt = tf.tensor2d([[-2, -4, -6], [0, 1, 0], [1, 1, 1]]);
    const g = tf.grad((v: tf.Tensor) => vqRotationTf(v as tf.Tensor2D, qt).mul(tf.onesLike(v)).sum())(zt)
      .arraySync() as number[][];
    assertEquals(g[0], [1, 1, 1]);
    assertEquals(g[2], [1, 1, 1]);
    assert(g.flat().every(Number.isFinite));
  });
});

Deno.test("vqRotationTf: forward = q exactly; gradient = encoderGradRotation (float32) and finite differences", () => {
  const rng = createRng(2);
  const n = 16, d = 8;
  const Z = Float64Array.from({ length: n * d }, () => rng.normal());
  const Q = Float64Array.from({ length: n * d }, () => 0.3 * rng.normal());
  const C = Float64Array.from({ length: n * d }, () => rng.normal());
  tf.tidy(() => {
    const z = tf.tensor2d(Float32Array.from(Z), [n, d]),
      q = tf.tensor2d(Float32Array.from(Q), [n, d]),
      c = tf.tensor2d(Float32Array.from(C), [n, d]);
    assertEquals(Array.from(vqRotationTf(z, q).dataSync()), Array.from(q.dataSync()));
    assertEquals(Array.from(vqSteTf(z, q).dataSync()), Array.from(q.dataSync()));
    const [gz, gq] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      vqRotationTf(a as tf.Tensor2D, b as tf.Tensor2D).mul(c).sum()
    )(
      [z, q],
    );
    assertEquals(Array.from(gq!.dataSync()).every((v) => v === 0), true);
    const G = gz!.dataSync();
    const zf = Float64Array.from(z.dataSync()), qf = Float64Array.from(q.dataSync());
    for (let i = 0; i < n; i++) {
      const sl = (a: Float64Array) => a.slice(i * d, (i + 1) * d);
      const ref = encoderGradRotation(sl(zf), sl(qf), sl(C));
      for (let j = 0; j < d; j++) assertAlmostEquals(G[i * d + j]!, ref[j]!, 1e-5 * (1 + Math.abs(ref[j]!)));
      // finite differences of the generalised STE sg[G]z + sg[q − Gz]: d/dz_j of c·(G z) with G frozen
      const h = 1e-6;
      for (let j = 0; j < d; j++) {
        const zp = sl(zf), zm = sl(zf);
        zp[j]! += h;
        zm[j]! -= h;
        const lin = (v: Float64Array) => dot(sl(C), rotateTo(sl(zf), sl(qf), v));
        const fd = (lin(zp) - lin(zm)) / (2 * h);
        assertAlmostEquals(fd, ref[j]!, 1e-6 * (1 + Math.abs(ref[j]!)));
      }
    }
    const gs = tf.grad((a: tf.Tensor) => vqSteTf(a as tf.Tensor2D, q).mul(c).sum())(z);
    assertEquals(Array.from(gs.dataSync()), Array.from(c.dataSync()));
  });
});

Deno.test("nearestCode, vqLosses, codebookUsage", () => {
  tf.tidy(() => {
    const cb = tf.variable(tf.tensor2d([[0, 0], [2, 0], [0, 2]]));
    const z = tf.tensor2d([[1.9, 0.2], [0.1, 0.1], [0.2, 1.5], [1.5, 0.1]]);
    const { q, idx } = nearestCode(z, cb);
    assertEquals(Array.from(idx.dataSync()), [1, 0, 2, 1]);
    // codebook gradient: d/dE β·mean‖q − z‖² = 2β/n Σ_{i∈cell k}(e_k − z_i)
    const g = tf.grad((E: tf.Tensor) => vqLosses(z, nearestCode(z, E as tf.Tensor2D).q, 1, 0.25).codebook)(
      cb,
    );
    const ga = g.arraySync() as number[][];
    assertAlmostEquals(ga[1]![0]!, (2 / 4) * ((2 - 1.9) + (2 - 1.5)), 1e-5);
    assertAlmostEquals(ga[0]![1]!, (2 / 4) * -0.1, 1e-5);
    const { commitment } = vqLosses(z, q, 1, 0.5);
    assertAlmostEquals(commitment.dataSync()[0]!, 0.5 * (0.05 + 0.02 + 0.29 + 0.26) / 4, 1e-5);
  });
  const u = codebookUsage([0, 0, 0, 3], 4);
  assertEquals([u.used, u.fraction], [2, 0.5]);
  assertAlmostEquals(u.perplexity, Math.exp(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25))), 1e-12);
  assertAlmostEquals(codebookUsage([0, 1, 2, 3, 4, 5], 6).perplexity, 6, 1e-12);
});

Deno.test("vq: bad input gives clear errors", () => {
  assertThrows(
    () => codebookUsage([0], 0),
    RangeError,
    "codebookUsage: K (codebook size) must be an integer ≥ 1, got 0",
  );
  assertThrows(
    () => codebookUsage([5], 3),
    RangeError,
    "codebookUsage: idx[0] must be an integer in [0, 2], got 5",
  );
  tf.tidy(() => {
    const z = tf.zeros([2, 2]) as tf.Tensor2D;
    assertThrows(
      () => nearestCode(z, tf.zeros([0, 2]) as tf.Tensor2D),
      RangeError,
      "codebook size K must be ≥ 1, got 0",
    );
    assertThrows(
      () => nearestCode(z, tf.zeros([3, 4]) as tf.Tensor2D),
      RangeError,
      "codebook.shape[1] must be z.shape[1] = 2",
    );
    assertThrows(
      () => vqLosses(z, z, -1, 0.25),
      RangeError,
      "vqLosses: beta must be a non-negative number, got -1",
    );
    assertThrows(() => vqRotationTf(z, tf.zeros([3, 2]) as tf.Tensor2D), RangeError, "vqRotationTf: q.shape");
  });
  assertThrows(
    () => rotationMatrix(new Float64Array([1]), new Float64Array([1, 2])),
    RangeError,
    "rotationMatrix: q.length must be 1, got 2",
  );
  assertThrows(
    () => rotateTo(new Float64Array([NaN]), new Float64Array([1]), new Float64Array([1])),
    RangeError,
    "rotateTo: z[0] must be a finite number",
  );
});
