import { assert, assertEquals, assertThrows } from "@std/assert";
import { initTf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { sgdm, sgdmUpdate } from "@lib/optim/sgdm.ts";
import { applyGrads, f32Normals, maxAbs, namedVar } from "./_helpers.ts";

await initTf();

Deno.test("SGDM (tfjs, EMA form) agrees with sgdmUpdate over 6 steps", () => {
  const rng = createRng(41);
  const ref = f32Normals(rng, 30), m = new Float64Array(30);
  const w = namedVar("sgdmref", "kernel", ref, [5, 6]);
  const opt = sgdm({ beta: 0.8, learningRate: 0.3, weightDecay: 0.05 });
  for (let t = 1; t <= 6; t++) {
    const g = f32Normals(rng, 30);
    applyGrads(opt, [w], [g]);
    sgdmUpdate(ref, g, m, { lr: 0.3, beta: 0.8, weightDecay: 0.05 });
    assert(maxAbs(w.dataSync(), ref) < 1e-6, `step ${t}`);
  }
  assertEquals(opt.stateMultiplier(), 1);
  opt.dispose();
  w.dispose();
});

Deno.test("sgdmUpdate: the EMA form equals classical momentum with η scaled by 1/(1−β)", () => {
  const rng = createRng(42);
  const beta = 0.9, lr = 0.5;
  const a = f32Normals(rng, 10), b = a.slice(), m = new Float64Array(10), buf = new Float64Array(10);
  for (let t = 0; t < 10; t++) {
    const g = f32Normals(rng, 10);
    sgdmUpdate(a, g, m, { lr, beta });
    for (let i = 0; i < 10; i++) {
      buf[i] = beta * buf[i]! + g[i]!;
      b[i] = b[i]! - lr * (1 - beta) * buf[i]!;
    }
  }
  assert(maxAbs(a, b) < 1e-12);
});

Deno.test("SGDM: bad inputs throw", () => {
  assertThrows(() => sgdm({ beta: 1 }), RangeError, "SGDM: beta must be in [0, 1), got 1");
  assertThrows(
    () => sgdmUpdate(new Float64Array(1), [1], new Float64Array(2), { lr: 1, beta: 0.5 }),
    RangeError,
    "m.length must be 1",
  );
});
