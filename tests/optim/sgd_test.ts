import { assert, assertEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { sgd, sgdUpdate } from "@lib/optim/sgd.ts";
import { applyGrads, f32Normals, maxAbs, namedVar } from "./_helpers.ts";

await initTf();

Deno.test("SGD (tfjs) agrees with sgdUpdate over 5 steps, decoupled decay on the embedding only", () => {
  const rng = createRng(31);
  const refs = [f32Normals(rng, 20), f32Normals(rng, 5)];
  const vars = [namedVar("sgdref", "embedding", refs[0]!, [4, 5]), namedVar("sgdref", "beta", refs[1]!)];
  const opt = sgd({ weightDecay: 0.2, learningRate: 0.1 });
  for (let t = 1; t <= 5; t++) {
    const gs = refs.map((r) => f32Normals(rng, r.length));
    applyGrads(opt, vars, gs);
    sgdUpdate(refs[0]!, gs[0]!, { lr: 0.1, weightDecay: 0.2 });
    sgdUpdate(refs[1]!, gs[1]!, { lr: 0.1 });
    vars.forEach((v, i) => assert(maxAbs(v.dataSync(), refs[i]!) < 1e-6));
  }
  assertEquals(opt.stateMultiplier(), 0);
  opt.dispose();
  tf.dispose(vars);
});

Deno.test("SGD: bad inputs throw", () => {
  assertThrows(
    () => sgd({ weightDecay: -1 }),
    RangeError,
    "SGD: weightDecay must be a non-negative number, got -1",
  );
  assertThrows(
    () => sgdUpdate(new Float64Array(1), [1], { lr: -1 }),
    RangeError,
    "sgdUpdate: lr must be a non-negative number, got -1",
  );
});
