import { assert, assertAlmostEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { adamw, adamwUpdate } from "@lib/optim/adamw.ts";
import { applyGrads, f32Normals, maxAbs, namedVar } from "./_helpers.ts";

await initTf();

Deno.test("AdamW step 1 with ε = 1e-12 is −η·sign(g) within 1e-9 per coordinate (Float64)", () => {
  const rng = createRng(21);
  const g = f32Normals(rng, 100), theta = f32Normals(rng, 100), theta0 = theta.slice();
  const eta = 0.01;
  adamwUpdate(theta, g, { m: new Float64Array(100), v: new Float64Array(100) }, 1, {
    lr: eta,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-12,
  });
  for (let i = 0; i < 100; i++) assertAlmostEquals(theta[i]! - theta0[i]!, -eta * Math.sign(g[i]!), 1e-9);
});

Deno.test("AdamW (tfjs) step 1 is −η·sign(g) to float32 precision", () => {
  const rng = createRng(22);
  const g = f32Normals(rng, 64);
  const w = namedVar("adam1", "kernel", new Float64Array(64));
  const opt = adamw({ learningRate: 0.125, eps: 1e-12 });
  applyGrads(opt, [w], [g]);
  const v = w.dataSync();
  for (let i = 0; i < 64; i++) assertAlmostEquals(v[i]!, -0.125 * Math.sign(g[i]!), 1e-7);
  opt.dispose();
  w.dispose();
});

Deno.test("AdamW (tfjs) agrees with adamwUpdate over 8 steps, decay on the kernel only", () => {
  const rng = createRng(23);
  const h = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };
  const refs = [f32Normals(rng, 12), f32Normals(rng, 3)];
  const st = refs.map((r) => ({ m: new Float64Array(r.length), v: new Float64Array(r.length) }));
  const vars = [namedVar("adamref", "kernel", refs[0]!, [3, 4]), namedVar("adamref", "gamma", refs[1]!)];
  const opt = adamw({ ...h });
  for (let t = 1; t <= 8; t++) {
    const lr = 0.01 * t;
    opt.setLearningRate(lr);
    const gs = refs.map((r) => f32Normals(rng, r.length, 0.3));
    applyGrads(opt, vars, gs);
    adamwUpdate(refs[0]!, gs[0]!, st[0]!, t, { ...h, lr });
    adamwUpdate(refs[1]!, gs[1]!, st[1]!, t, { ...h, lr, weightDecay: 0 });
    vars.forEach((v, i) => assert(maxAbs(v.dataSync(), refs[i]!) < 2e-6, `step ${t} tensor ${i}`));
  }
  opt.dispose();
  tf.dispose(vars);
});

Deno.test("AdamW: bad hyper-parameters throw clear errors", () => {
  assertThrows(() => adamw({ eps: 0 }), RangeError, "AdamW: eps must be a positive number, got 0");
  assertThrows(() => adamw({ beta2: 1 }), RangeError, "AdamW: beta2 must be in [0, 1), got 1");
  assertThrows(
    () => adamw({ learningRate: -0.1 }),
    RangeError,
    "AdamW: learningRate must be a non-negative number",
  );
  const z = () => new Float64Array(2);
  assertThrows(
    () => adamwUpdate(z(), [1, 1], { m: z(), v: z() }, 0, { lr: 1, beta1: 0.9, beta2: 0.9, eps: 1e-8 }),
    RangeError,
    "adamwUpdate: t must be an integer ≥ 1, got 0",
  );
});
