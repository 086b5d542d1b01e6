import { assert, assertEquals, assertThrows } from "@std/assert";
import { initTf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { toyLMToArrays } from "@lib/nn/toy_lm.ts";
import {
  evalExtrapolation,
  evalRunOpts,
  lastToyTrain,
  TOY_CONFIG,
  toyTrainKey,
  trainRunOpts,
  trainToyLM,
} from "@lib/position/toy_extrapolation.ts";

await initTf();

Deno.test("cache: loaded weights, losses and accuracies are bit-identical to a fresh training", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cfg = { ...TOY_CONFIG, trainLen: 16 }, o = { steps: 4, batch: 2, lr: 1e-2, seed: 3, cacheDir: dir };
    const a = await trainToyLM(cfg, "rope", o);
    assertEquals(lastToyTrain.fromCache, false);
    const b = await trainToyLM(cfg, "rope", o);
    assertEquals(lastToyTrain.fromCache, true);
    const c = await trainToyLM(cfg, "rope", { ...o, cacheDir: null });
    assertEquals(toyLMToArrays(b), toyLMToArrays(a));
    assertEquals(toyLMToArrays(c), toyLMToArrays(a));
    assertEquals(b.losses, a.losses);
    const ev = { textSeqs: 3, passkeySeqs: 3, seed: 1 };
    const ra = evalExtrapolation(a, cfg, "rope", ["none", "rerope"], [20, 40], ev);
    assertEquals(evalExtrapolation(b, cfg, "rope", ["none", "rerope"], [20, 40], ev), ra);
    // a different seed or version-relevant setting is a different key
    await trainToyLM(cfg, "rope", { ...o, seed: 4 });
    assertEquals(lastToyTrain.fromCache, false);
    assertEquals((await Array.fromAsync(Deno.readDir(dir))).length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cache key is exact: every field changes it", () => {
  const o = { steps: 400, batch: 16, lr: 1e-2, seed: 0 };
  const k = toyTrainKey(TOY_CONFIG, "rope", o);
  assert(k.includes('"version"'));
  for (
    const other of [
      toyTrainKey(TOY_CONFIG, "sinabs", o),
      toyTrainKey({ ...TOY_CONFIG, d: 16 }, "rope", o),
      toyTrainKey(TOY_CONFIG, "rope", { ...o, steps: 399 }),
      toyTrainKey(TOY_CONFIG, "rope", { ...o, lr: 0.011 }),
      toyTrainKey(TOY_CONFIG, "rope", { ...o, seed: 1 }),
    ]
  ) assert(other !== k);
});

Deno.test("a 60-step training run cuts the loss below 0.8× its start", async () => {
  const p = await trainToyLM(TOY_CONFIG, "rope", { steps: 60, batch: 8, lr: 1e-2, seed: 0, cacheDir: null });
  const l = p.losses!;
  const tail = l.slice(-5).reduce((s, x) => s + x, 0) / 5;
  assert(tail < 0.8 * l[0]!, `${l[0]} → ${tail}`);
});

Deno.test("variant and mod option builders", () => {
  const rng = createRng(0);
  const rp = trainRunOpts("randpos", TOY_CONFIG, rng).positions!;
  assertEquals(rp.length, 64);
  assert(rp[63]! < 1024 && rp[63]! > 64);
  const eq = trainRunOpts("eqmean", TOY_CONFIG, rng).positions!;
  assertEquals(eq[0], 0);
  assertEquals(trainRunOpts("sinabs", TOY_CONFIG, rng).absSinusoidal, true);
  assertEquals(evalRunOpts("randpos", "none", TOY_CONFIG, 128).positions![1], 8);
  assertEquals(evalRunOpts("rope", "lambda", TOY_CONFIG, 128).layers[0], {
    rope: true,
    window: 60,
    sinks: 4,
  });
  assertEquals(evalRunOpts("rope", "window", TOY_CONFIG, 64).layers[0], { rope: true });
  assertEquals(evalRunOpts("rope", "leaky-rerope", TOY_CONFIG, 256).layers[0], {
    rope: true,
    rerope: 32,
    leakyK: 8,
  });
  const y = evalRunOpts("rope", "yarn", TOY_CONFIG, 512);
  assert(Math.abs(y.logitScale! - (1 + 0.1 * Math.log(8)) ** 2) < 1e-12);
  assertEquals(evalRunOpts("hwfa", "none", TOY_CONFIG, 512).layers[1], { rope: false, logn: true });
  assertThrows(() => trainRunOpts("bogus" as never, TOY_CONFIG, rng), RangeError, "variant");
  assertThrows(() => evalRunOpts("rope", "bogus" as never, TOY_CONFIG, 64), RangeError, "mod");
  assertThrows(() => evalRunOpts("rope", "none", { ...TOY_CONFIG, d: 30, heads: 2 }, 64), RangeError, "even");
});
