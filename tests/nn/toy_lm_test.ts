import { assert, assertEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import {
  initToyLM,
  type RunOpts,
  type ToyLMConfig,
  toyLMForward,
  toyLMLoss,
  type ToyLMParams,
} from "@lib/nn/toy_lm.ts";
import { evalRunOpts, TOY_CONFIG } from "@lib/position/toy_extrapolation.ts";

await initTf();
const cfg: ToyLMConfig = { ...TOY_CONFIG };
const p = initToyLM(cfg, 5);
const rng = createRng(11);
const ids = (b: number, t: number) => Int32Array.from({ length: b * t }, () => rng.int(cfg.vocab));

function logits(pp: ToyLMParams, c: ToyLMConfig, x: Int32Array, t: number, run: RunOpts): Float32Array {
  const b = x.length / t;
  return tf.tidy(() => toyLMForward(pp, c, tf.tensor2d(x, [b, t], "int32"), run).dataSync() as Float32Array);
}
const maxDiff = (a: Float32Array, b: Float32Array, upto = a.length) => {
  let m = 0;
  for (let i = 0; i < upto; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

Deno.test("toyLMForward is causal: changing token t leaves earlier logits bit-identical", () => {
  const t = 40, x = ids(1, t);
  for (const v of ["rope", "alibi", "hwfa", "sinabs"] as const) {
    const run = evalRunOpts(v, "none", cfg, t);
    const a = logits(p, cfg, x, t, run), y = x.slice();
    y[15] = (y[15]! + 1) % cfg.vocab;
    const b = logits(p, cfg, y, t, run);
    assertEquals(maxDiff(a, b, 15 * cfg.vocab), 0, v);
    assert(maxDiff(a, b) > 1e-4, `${v}: later logits must change`);
  }
});

Deno.test("RoPE and ALiBi logits are invariant to shifting every position by 7", () => {
  const t = 20, x = ids(2, t), pos = Float32Array.from({ length: t }, (_, i) => i + 7);
  for (const v of ["rope", "alibi"] as const) {
    const run = evalRunOpts(v, "none", cfg, t);
    const d = maxDiff(logits(p, cfg, x, t, run), logits(p, cfg, x, t, { ...run, positions: pos }));
    assert(d < 1e-4, `${v}: ${d}`);
  }
  // an absolute encoding is not
  const run = evalRunOpts("sinabs", "none", cfg, t);
  assert(maxDiff(logits(p, cfg, x, t, run), logits(p, cfg, x, t, { ...run, positions: pos })) > 1e-2);
});

Deno.test("ReRoPE: w ≥ T is plain RoPE; inside the window the outputs are exactly unchanged", () => {
  const t = 40, x = ids(2, t), base = logits(p, cfg, x, t, evalRunOpts("rope", "none", cfg, t));
  const wide: RunOpts = { layers: [{ rope: true, rerope: t }, { rope: true, rerope: t }] };
  assertEquals(maxDiff(base, logits(p, cfg, x, t, wide)), 0);
  const w = 8, narrow: RunOpts = { layers: [{ rope: true, rerope: w }, { rope: true, rerope: w }] };
  const r = logits(p, cfg, x, t, narrow);
  for (let b = 0; b < 2; b++) {
    const off = b * t * cfg.vocab;
    assertEquals(maxDiff(base.subarray(off), r.subarray(off), w * cfg.vocab), 0);
  }
  assert(maxDiff(base, r) > 1e-3, "beyond the window ReRoPE differs");
  const leaky: RunOpts = {
    layers: [{ rope: true, rerope: w, leakyK: 1 }, { rope: true, rerope: w, leakyK: 1 }],
  };
  assert(maxDiff(base, logits(p, cfg, x, t, leaky)) < 1e-4, "Leaky ReRoPE with k = 1 is RoPE");
});

Deno.test("inference mods inside the training length leave the logits unchanged", () => {
  const t = 64, x = ids(1, t), base = logits(p, cfg, x, t, evalRunOpts("rope", "none", cfg, t));
  for (const m of ["ntk", "yarn", "yarn-noscale", "pi", "window", "lambda", "logn-clip"] as const) {
    assertEquals(maxDiff(base, logits(p, cfg, x, t, evalRunOpts("rope", m, cfg, t))), 0, m);
  }
  // beyond N, NTK changes the in-range outputs only slightly (its high frequencies are kept), PI a lot
  const t2 = 128, x2 = ids(1, t2), b2 = logits(p, cfg, x2, t2, evalRunOpts("rope", "none", cfg, t2));
  const ntk = maxDiff(b2, logits(p, cfg, x2, t2, evalRunOpts("rope", "ntk", cfg, t2)), 64 * cfg.vocab);
  const pi = maxDiff(b2, logits(p, cfg, x2, t2, evalRunOpts("rope", "pi", cfg, t2)), 64 * cfg.vocab);
  assert(ntk < pi / 2, `ntk ${ntk} vs pi ${pi}`);
});

Deno.test("bad configurations give clear errors", () => {
  const t = 10, x = tf.tensor2d(ids(1, t), [1, t], "int32");
  assertThrows(
    () => toyLMForward(p, cfg, x, { layers: [{ rope: true, window: 11 }, { rope: true }] }),
    RangeError,
    "window",
  );
  assertThrows(() => toyLMForward(p, cfg, x, { layers: [{ rope: true }] }), RangeError, "run.layers.length");
  assertThrows(
    () =>
      toyLMForward(p, cfg, x, { layers: [{ rope: true }, { rope: true }], positions: new Float32Array(3) }),
    RangeError,
    "positions",
  );
  const odd: ToyLMConfig = { ...cfg, d: 30, heads: 2 };
  const po = initToyLM(odd, 0);
  assertThrows(
    () => toyLMForward(po, odd, x, { layers: [{ rope: true }, { rope: true }] }),
    RangeError,
    "even",
  );
  toyLMForward(po, odd, x, { layers: [{ rope: false }, { rope: false }] }).dispose(); // NoPE is fine
  assertThrows(() => initToyLM({ ...cfg, heads: 3 }, 0), RangeError, "multiple");
  assertThrows(() => evalRunOpts("rope", "window" as never, cfg, 1), RangeError, "testLen");
  assertThrows(() => evalRunOpts("alibi", "ntk", cfg, 128), RangeError, "RoPE-free");
  x.dispose();
});

Deno.test("toyLMLoss equals the mean negative log-probability", () => {
  const lg = tf.tensor3d([[[0, Math.log(3)], [1, 1]]]);
  const l = toyLMLoss(lg, tf.tensor2d([[1, 0]], [1, 2], "int32")).dataSync()[0]!;
  assert(Math.abs(l - (-Math.log(0.75) + Math.log(2)) / 2) < 1e-6);
});
