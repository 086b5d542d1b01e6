import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { Lion, lion, lionUpdate, signum, signumUpdate } from "@lib/optim/lion.ts";
import type { ParamKind } from "@lib/optim/types.ts";
import { applyGrads, f32Normals, maxAbs, namedVar } from "./_helpers.ts";

await initTf();

Deno.test("lionUpdate: the spec's hand-computed step", () => {
  const theta = new Float64Array(3), m = Float64Array.from([0.5, -0.5, 0]);
  lionUpdate(theta, [1, 1, 0], m, { lr: 0.1, beta1: 0.9, beta2: 0.99, weightDecay: 0 });
  // c = 0.9·m + 0.1·g = [0.55, −0.35, 0] → u = [1, −1, 0]
  assertEquals(Array.from(theta), [-0.1, 0.1, 0]);
  assertAlmostEquals(m[0]!, 0.505, 1e-15);
  assertAlmostEquals(m[1]!, -0.485, 1e-15);
  assertEquals(m[2], 0);
});

Deno.test("Lion (tfjs): the same hand-computed step, m set through setWeights", async () => {
  const w = namedVar("hand", "kernel", [0, 0, 0]);
  const opt = new Lion({ learningRate: 0.1, beta1: 0.9, beta2: 0.99, weightDecay: 0 });
  await opt.setWeights([
    { name: "iter", tensor: tf.scalar(0, "int32") },
    { name: `${w.name}/m`, tensor: tf.tensor1d([0.5, -0.5, 0]) },
  ]);
  applyGrads(opt, [w], [[1, 1, 0]]);
  assert(maxAbs(w.dataSync(), [-0.1, 0.1, 0]) < 1e-7);
  const [, mState] = await opt.getWeights();
  assert(maxAbs(mState!.tensor.dataSync(), [0.505, -0.485, 0]) < 1e-6);
  opt.dispose();
  w.dispose();
});

Deno.test("decoupled decay: g ≡ 0, m ≡ 0 ⇒ θ_T = θ0(1 − ηλ)^T; an excluded kind is unchanged", () => {
  const eta = 0.01, lambda = 0.5, T = 40;
  const theta0 = [0.7, -1.3, 2.0];
  // Float64 reference: exact up to rounding
  const ref = Float64Array.from(theta0), m = new Float64Array(3);
  for (let t = 0; t < T; t++) {
    lionUpdate(ref, [0, 0, 0], m, { lr: eta, beta1: 0.9, beta2: 0.99, weightDecay: lambda });
  }
  theta0.forEach((x, i) => assertAlmostEquals(ref[i]!, x * Math.pow(1 - eta * lambda, T), 1e-14));
  // tfjs: a kernel decays, a bias (not in decayKinds) does not move at all
  const k = namedVar("decay", "kernel", theta0), b = namedVar("decay", "bias", theta0);
  const opt = lion({ learningRate: eta, weightDecay: lambda });
  for (let t = 0; t < T; t++) applyGrads(opt, [k, b], [[0, 0, 0], [0, 0, 0]]);
  const kv = k.dataSync();
  theta0.forEach((x, i) => assertAlmostEquals(kv[i]!, x * Math.pow(1 - eta * lambda, T), 2e-6 * Math.abs(x)));
  assertEquals(Array.from(b.dataSync()), theta0.map(Math.fround));
  opt.dispose();
  tf.dispose([k, b]);
});

Deno.test("SIGNUM ≡ Lion(β1 = β2 = β, λ = 0): 20 random steps agree exactly (Float64)", () => {
  const rng = createRng(11);
  const n = 50, beta = 0.9;
  const a = f32Normals(rng, n), b = a.slice(), ma = new Float64Array(n), mb = new Float64Array(n);
  for (let t = 0; t < 20; t++) {
    const g = f32Normals(rng, n), lr = 0.01 * (1 + t);
    signumUpdate(a, g, ma, { lr, beta });
    lionUpdate(b, g, mb, { lr, beta1: beta, beta2: beta, weightDecay: 0 });
  }
  assertEquals(a, b);
  assertEquals(ma, mb);
});

Deno.test("signum() (tfjs) follows the Float64 SIGNUM reference for 20 steps", () => {
  const rng = createRng(12);
  const n = 40, beta = 0.9;
  const ref = f32Normals(rng, n), m = new Float64Array(n);
  const w = namedVar("signum", "kernel", ref);
  const opt = signum({ beta, learningRate: 0.05 });
  for (let t = 0; t < 20; t++) {
    const g = f32Normals(rng, n);
    signumUpdate(ref, g, m, { lr: 0.05, beta });
    applyGrads(opt, [w], [g]);
  }
  assert(maxAbs(w.dataSync(), ref) < 1e-5);
  opt.dispose();
  w.dispose();
});

Deno.test("signum({ beta: 0.9 }) and lion({ beta1: 0.9, beta2: 0.9, weightDecay: 0 }) agree exactly (tfjs, 20 steps)", () => {
  const rng = createRng(14);
  const init = f32Normals(rng, 30);
  const a = namedVar("sgn_eq", "kernel", init), b = namedVar("lion_eq", "kernel", init);
  const oa = signum({ beta: 0.9, learningRate: 0.01 }),
    ob = lion({ beta1: 0.9, beta2: 0.9, weightDecay: 0, learningRate: 0.01 });
  for (let t = 0; t < 20; t++) {
    const g = f32Normals(rng, 30);
    applyGrads(oa, [a], [g]);
    applyGrads(ob, [b], [g]);
  }
  assertEquals(Array.from(a.dataSync()), Array.from(b.dataSync()));
  oa.dispose();
  ob.dispose();
  tf.dispose([a, b]);
});

Deno.test("Lion (tfjs) agrees with lionUpdate over 6 steps on random tensors, with decay and a schedule", () => {
  const rng = createRng(13);
  const h = { beta1: 0.9, beta2: 0.99, weightDecay: 0.3 };
  const shapes = [[4, 6], [6]];
  const refs = shapes.map((s) => f32Normals(rng, s[0]! * (s[1] ?? 1)));
  const ms = refs.map((r) => new Float64Array(r.length));
  const vars = [
    namedVar("lionref", "kernel", refs[0]!, shapes[0]),
    namedVar("lionref", "bias", refs[1]!, shapes[1]),
  ];
  const opt = lion({ ...h, learningRate: 0.02 });
  for (let t = 1; t <= 6; t++) {
    const lr = 0.02 / t;
    opt.learningRate = lr;
    const gs = refs.map((r) => f32Normals(rng, r.length, 0.1));
    applyGrads(opt, vars, gs);
    lionUpdate(refs[0]!, gs[0]!, ms[0]!, { ...h, lr });
    lionUpdate(refs[1]!, gs[1]!, ms[1]!, { ...h, lr, weightDecay: 0 });
    vars.forEach((v, i) => assert(maxAbs(v.dataSync(), refs[i]!) < 1e-6, `step ${t} tensor ${i}`));
  }
  assertEquals(opt.iterations, 6);
  opt.dispose();
  tf.dispose(vars);
});

Deno.test("Lion moves a coordinate whose interpolated momentum is below float32 ε", () => {
  const w = namedVar("tiny", "kernel", [1, 1]);
  const opt = lion({ learningRate: 0.5 });
  applyGrads(opt, [w], [[1e-9, -1e-9]]);
  assertEquals(Array.from(w.dataSync()), [0.5, 1.5]);
  opt.dispose();
  w.dispose();
});

Deno.test("Lion: bad hyper-parameters throw clear errors", () => {
  assertThrows(() => lion({ beta1: 1 }), RangeError, "Lion: beta1 must be in [0, 1), got 1");
  assertThrows(() => lion({ beta2: -0.1 }), RangeError, "Lion: beta2 must be in [0, 1), got -0.1");
  assertThrows(
    () => lion({ learningRate: -1e-3 }),
    RangeError,
    "Lion: learningRate must be a non-negative number",
  );
  assertThrows(
    () => lion({ weightDecay: NaN }),
    RangeError,
    "Lion: weightDecay must be a finite number, got NaN",
  );
  assertThrows(
    () => lion({ decayKinds: ["kernels" as unknown as ParamKind] }),
    RangeError,
    'Lion: decayKinds[0] must be a ParamKind, got "kernels"',
  );
  const opt = lion();
  assertThrows(
    () => (opt.learningRate = -1),
    RangeError,
    "Lion: learningRate must be a non-negative number, got -1",
  );
  assertThrows(
    () => lionUpdate(new Float64Array(2), [1], new Float64Array(2), { lr: 1, beta1: 0.9, beta2: 0.9 }),
    RangeError,
    "lionUpdate: grad.length must be 2, got 1",
  );
  assertThrows(
    () => lionUpdate(new Float64Array(1), [1], new Float64Array(1), { lr: 1, beta1: 0.9, beta2: 1.5 }),
    RangeError,
  );
});
