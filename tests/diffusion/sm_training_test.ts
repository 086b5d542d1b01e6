import { assert, assertAlmostEquals, assertThrows } from "@std/assert";
import { initTf } from "@lib/core/tf_setup.ts";
import { vpCosinePath } from "@lib/diffusion/paths.ts";
import { plugInScore } from "@lib/diffusion/score_matching.ts";
import { scoreTargets, trainScoreAtT } from "@lib/diffusion/sm_training.ts";
import { gmmScore } from "@lib/diffusion/gmm_path.ts";
import { makeGmm } from "@lib/prob/gmm.ts";

await initTf();
const p = vpCosinePath(), g = makeGmm([1, 1], [[-1, 0], [1, 0]], 0.05);

Deno.test("scoreTargets: plug-in pool leaves out the point's own x0; oracle = gmmScore; dsm = −ε/b", () => {
  const X0 = Float64Array.of(-1, 0, 1, 0.1, 0.9, -0.1),
    eps = Float64Array.of(0.5, -0.2, 1, 0.3, -0.7, 0.1),
    t = 0.4;
  const pl = scoreTargets("plugin", g, p, t, X0, eps);
  const ref = plugInScore(p, t, pl.Xt.subarray(2, 4), Float64Array.of(-1, 0, 0.9, -0.1), 2);
  assertAlmostEquals(pl.Y[2]!, ref[0]!, 1e-12);
  assertAlmostEquals(pl.Y[3]!, ref[1]!, 1e-12);
  const or = scoreTargets("oracle", g, p, t, X0, eps);
  assertAlmostEquals(or.Y[5]!, gmmScore(g, p, t, or.Xt)[5]!, 1e-12);
  assertAlmostEquals(scoreTargets("dsm", g, p, t, X0, eps).Y[0]!, -0.5 / p.b(t), 1e-12);
  assertThrows(
    () => scoreTargets("plugin", g, p, t, X0.slice(0, 2), eps.slice(0, 2)),
    RangeError,
    "batch size must be ≥ 2",
  );
});

Deno.test("trainScoreAtT: same seed ⇒ same run; DSM training lowers the exact SM loss", () => {
  const run = () => trainScoreAtT({ g, p, t: 0.5, target: "dsm", batch: 64, steps: 150, lr: 3e-3, seed: 1 });
  const a = run(), b = run();
  assertAlmostEquals(a.losses[149]!, b.losses[149]!, 0);
  const first = a.losses.slice(0, 10).reduce((s, v) => s + v, 0),
    last = a.losses.slice(-10).reduce((s, v) => s + v, 0);
  assert(last < first, `${first} → ${last}`);
  a.model.dispose();
  b.model.dispose();
});
