import { assert, assertEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { initToyLM, type RunOpts, type ToyLMConfig, toyLMForward } from "@lib/nn/toy_lm.ts";
import { evalRunOpts, TOY_CONFIG } from "@lib/position/toy_extrapolation.ts";
import { runLogitGap, runTextAccuracy, shiftInvarianceGap } from "@lib/position/toy_probes.ts";

await initTf();
const cfg: ToyLMConfig = { ...TOY_CONFIG };
const p = initToyLM(cfg, 3);
const rng = createRng(21);
const seq = (t: number) => Int32Array.from({ length: t }, () => rng.int(cfg.vocab));
const maxOf = (a: Float64Array) => a.reduce((m, x) => Math.max(m, x), 0);

Deno.test("HWFA's window layer is translation invariant once its window is full (untrained weights)", () => {
  const long = seq(340), w = 32;
  const g = shiftInvarianceGap(p, cfg, long, 300, 40, 1, (t) => evalRunOpts("hwfa", "none", cfg, t));
  assert(maxOf(g.slice(w - 1)) < 1e-4, `full windows: ${maxOf(g.slice(w - 1))}`);
  assert(maxOf(g.slice(0, w - 1)) > 1e-3, "windows cut by the slice start must differ");
  // full-attention RoPE sees the 300 earlier tokens: not invariant
  const f = shiftInvarianceGap(p, cfg, long, 300, 40, 1, (t) => evalRunOpts("rope", "none", cfg, t));
  assert(maxOf(f.slice(w - 1)) > 1e-3);
  // with both blocks (the second is full attention) the hidden state depends on the prefix
  const h2 = shiftInvarianceGap(p, cfg, long, 300, 40, 2, (t) => evalRunOpts("hwfa", "none", cfg, t));
  assert(maxOf(h2.slice(w - 1)) > 1e-3);
});

Deno.test("the full NoPE log-n layer is blind to the order of earlier tokens", () => {
  const c1: ToyLMConfig = { ...cfg, layers: 1 }, p1 = initToyLM(c1, 4);
  const run: RunOpts = { layers: [{ rope: false, logn: true }] }, t = 30, x = seq(t);
  const y = x.slice();
  const perm = Array.from({ length: t - 1 }, (_, i) => t - 2 - i); // reverse the prefix
  perm.forEach((src, i) => (y[i] = x[src]!));
  const last = (ids: Int32Array) =>
    tf.tidy(() =>
      toyLMForward(p1, c1, tf.tensor2d(ids, [1, t], "int32"), run).slice([0, t - 1, 0], [1, 1, -1]).dataSync()
    );
  const a = last(x), b = last(y);
  assert(a.every((v, i) => Math.abs(v - b[i]!) < 1e-5));
  // with RoPE the order matters
  const r: RunOpts = { layers: [{ rope: true }] };
  const lr = (ids: Int32Array) =>
    tf.tidy(() =>
      toyLMForward(p1, c1, tf.tensor2d(ids, [1, t], "int32"), r).slice([0, t - 1, 0], [1, 1, -1]).dataSync()
    );
  const ra = lr(x), rb = lr(y);
  assert(ra.some((v, i) => Math.abs(v - rb[i]!) > 1e-4));
});

Deno.test("runLogitGap: identical schemes give 0; ReRoPE changes nothing inside its window only", () => {
  const seqs = [seq(64), seq(64)], plain = evalRunOpts("rope", "none", cfg, 64);
  assertEquals(maxOf(runLogitGap(p, cfg, seqs, plain, plain)), 0);
  const g = runLogitGap(p, cfg, seqs, plain, evalRunOpts("rope", "rerope", cfg, 512)); // w = 32
  assertEquals(maxOf(g.slice(0, 32)), 0);
  // distance w itself is kept (min(i − j, w) = w), so the first changed query is i = w + 1
  assert(g.slice(33).every((x) => x > 0), "beyond the window the positions are compressed");
  // NTK at its own short length is the identity; with the 8× scale it moves the logits, less than PI does
  assertEquals(maxOf(runLogitGap(p, cfg, seqs, plain, evalRunOpts("rope", "ntk", cfg, 64))), 0);
  const ntk = maxOf(runLogitGap(p, cfg, seqs, plain, evalRunOpts("rope", "ntk", cfg, 512)));
  const pi = { ...plain, positions: Float32Array.from({ length: 64 }, (_, i) => i / 8) };
  assert(ntk > 0 && ntk < maxOf(runLogitGap(p, cfg, seqs, plain, pi)), `ntk ${ntk}`);
});

Deno.test("runTextAccuracy counts argmax hits of the next token", () => {
  const seqs = [seq(21), seq(21), seq(21)], run = evalRunOpts("rope", "none", cfg, 20);
  const buf = new Int32Array(60);
  seqs.forEach((s, i) => buf.set(s.subarray(0, 20), i * 20));
  const pred = tf.tidy(() =>
    toyLMForward(p, cfg, tf.tensor2d(buf, [3, 20], "int32"), run).argMax(-1).dataSync()
  );
  let hits = 0;
  seqs.forEach((s, b) => {
    for (let i = 0; i < 20; i++) if (pred[b * 20 + i] === s[i + 1]) hits++;
  });
  assertEquals(runTextAccuracy(p, cfg, seqs, run), (100 * hits) / 60);
  // a sequence that predicts itself perfectly: the model's own greedy continuation
  const greedy = new Int32Array(21);
  greedy[0] = 3;
  for (let i = 1; i <= 20; i++) {
    const r = evalRunOpts("rope", "none", cfg, Math.max(2, i));
    const ids = i === 1 ? Int32Array.of(greedy[0]!, greedy[0]!) : greedy.subarray(0, i);
    const z = tf.tidy(() =>
      toyLMForward(p, cfg, tf.tensor2d(ids, [1, ids.length], "int32"), r).argMax(-1).dataSync()
    );
    greedy[i] = z[i - 1]!;
  }
  assertEquals(runTextAccuracy(p, cfg, [greedy], run), 100);
  assertThrows(() => runTextAccuracy(p, cfg, [Int32Array.of(1)], run), RangeError, "≥ 2");
});

Deno.test("probes reject bad arguments", () => {
  const plain = evalRunOpts("rope", "none", cfg, 8);
  assertThrows(() => runLogitGap(p, cfg, [], plain, plain), TypeError, "seqs");
  assertThrows(() => runLogitGap(p, cfg, [seq(8), seq(9)], plain, plain), RangeError, "seqs[1]");
  const f = (t: number) => evalRunOpts("rope", "none", cfg, t);
  assertThrows(() => shiftInvarianceGap(p, cfg, seq(20), 15, 10, 1, f), RangeError, "start");
  assertThrows(() => shiftInvarianceGap(p, cfg, seq(20), 0, 10, 3, f), RangeError, "k");
  assertThrows(() => shiftInvarianceGap(p, cfg, seq(20), 0, 1, 1, f), RangeError, "len");
});
