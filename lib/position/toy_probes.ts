/**
 * Probes of the toy length-extrapolation LM (`lib/nn/toy_lm.ts`) that compare two forward passes exactly:
 * how much an inference-time position scheme changes the logits inside the training length (ReRoPE must change
 * nothing inside its window, NTK-RoPE little), and whether the first layers are translation invariant (HWFA's
 * window layers: the same tokens give the same hidden states wherever they sit, once the window is full).
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { checkInt, rangeError, typeError } from "../core/validate.ts";
import { type RunOpts, type ToyLMConfig, toyLMForward, type ToyLMParams } from "../nn/toy_lm.ts";

function checkSeqs(where: string, seqs: Int32Array[]): number {
  if (!Array.isArray(seqs) || seqs.length === 0) typeError(where, "seqs", "a non-empty Int32Array[]", seqs);
  const t = seqs[0]!.length;
  seqs.forEach((s, i) => {
    if (!(s instanceof Int32Array) || s.length !== t) {
      rangeError(where, `seqs[${i}]`, `an Int32Array of length ${t}`, s?.length);
    }
  });
  return t;
}

function logitsOf(p: ToyLMParams, cfg: ToyLMConfig, seqs: Int32Array[], run: RunOpts): Float32Array {
  const t = seqs[0]!.length, buf = new Int32Array(seqs.length * t);
  seqs.forEach((s, i) => buf.set(s, i * t));
  const out = tf.tidy(() => toyLMForward(p, cfg, tf.tensor2d(buf, [seqs.length, t], "int32"), run));
  const a = out.dataSync() as Float32Array;
  out.dispose();
  return a;
}

/**
 * Per-position change of the logits between two position schemes on the same sequences:
 * $g_i = \max_{b, v} |z^{A}_{b,i,v} - z^{B}_{b,i,v}|$.
 *
 * @param p weights
 * @param cfg sizes
 * @param seqs token sequences, all of one length T
 * @param runA first scheme (e.g. plain RoPE)
 * @param runB second scheme (e.g. ReRoPE or NTK-RoPE)
 * @returns T gaps (float32 logits compared in float64)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { initToyLM } from "@lib/nn/toy_lm.ts";
 * import { runLogitGap } from "@lib/position/toy_probes.ts";
 * await initTf();
 * const cfg = { vocab: 25, d: 32, layers: 2, heads: 1, ff: 64, trainLen: 64, ropeBase: 1e4 };
 * const ids = [Int32Array.from({ length: 12 }, (_, i) => i % 25)];
 * const plain = { layers: [{ rope: true }, { rope: true }] };
 * const rerope = { layers: [{ rope: true, rerope: 4 }, { rope: true, rerope: 4 }] };
 * const g = runLogitGap(initToyLM(cfg, 0), cfg, ids, plain, rerope);
 * assertEquals(Math.max(...g.slice(0, 4)), 0); // inside the window: exactly unchanged
 * ```
 */
export function runLogitGap(
  p: ToyLMParams,
  cfg: ToyLMConfig,
  seqs: Int32Array[],
  runA: RunOpts,
  runB: RunOpts,
): Float64Array {
  const t = checkSeqs("runLogitGap", seqs), v = cfg.vocab;
  const a = logitsOf(p, cfg, seqs, runA), b = logitsOf(p, cfg, seqs, runB);
  const gap = new Float64Array(t);
  for (let s = 0; s < seqs.length; s++) {
    for (let i = 0; i < t; i++) {
      for (let k = 0; k < v; k++) {
        const o = (s * t + i) * v + k;
        gap[i] = Math.max(gap[i]!, Math.abs(a[o]! - b[o]!));
      }
    }
  }
  return gap;
}

/**
 * Translation-invariance probe of the first `k` blocks. The residual stream after block k is read out through
 * the final RMSNorm and output matrix (a fixed, position-free map), once for the whole sequence `seq` and once for
 * its slice `seq[start, start + len)` run on its own (positions 0..len−1). Returns, per slice position i, the
 * largest readout difference $\max_v |r_v(\text{seq}, \text{start}+i) - r_v(\text{slice}, i)|$. For causal window
 * layers with RoPE the difference is zero up to float32 rounding at every i whose receptive field
 * $(w-1)k+1$ lies inside the slice; full attention sees the earlier tokens and differs.
 *
 * @param p weights
 * @param cfg sizes
 * @param seq token ids of the long sequence
 * @param start first slice position in `seq`
 * @param len slice length ≥ 2
 * @param k number of leading blocks kept (1 ≤ k ≤ cfg.layers)
 * @param run position scheme for a given length T (e.g. `(T) => evalRunOpts("hwfa", "none", cfg, T)`); only its
 *   first k layers are used
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { initToyLM } from "@lib/nn/toy_lm.ts";
 * import { shiftInvarianceGap } from "@lib/position/toy_probes.ts";
 * await initTf();
 * const cfg = { vocab: 25, d: 32, layers: 2, heads: 1, ff: 64, trainLen: 64, ropeBase: 1e4 };
 * const seq = Int32Array.from({ length: 40 }, (_, i) => (7 * i) % 25);
 * const win = () => ({ layers: [{ rope: true, window: 4 }, { rope: false }] });
 * const g = shiftInvarianceGap(initToyLM(cfg, 0), cfg, seq, 20, 12, 1, win);
 * assert(Math.max(...g.slice(3)) < 1e-4); // window full from slice position w − 1 = 3 on
 * ```
 */
export function shiftInvarianceGap(
  p: ToyLMParams,
  cfg: ToyLMConfig,
  seq: Int32Array,
  start: number,
  len: number,
  k: number,
  run: (testLen: number) => RunOpts,
): Float64Array {
  const where = "shiftInvarianceGap";
  checkSeqs(where, [seq]);
  checkInt(where, "len", len, 2, seq.length);
  checkInt(where, "start", start, 0, seq.length - len);
  checkInt(where, "k", k, 1, cfg.layers);
  if (typeof run !== "function") typeError(where, "run", "a function (testLen) => RunOpts", run);
  const cut = (r: RunOpts): RunOpts => ({ ...r, layers: r.layers.slice(0, k) });
  const pk: ToyLMParams = { ...p, blocks: p.blocks.slice(0, k) }, ck = { ...cfg, layers: k };
  const long = logitsOf(pk, ck, [seq], cut(run(seq.length)));
  const short = logitsOf(pk, ck, [seq.slice(start, start + len)], cut(run(len)));
  const v = cfg.vocab, gap = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    for (let c = 0; c < v; c++) {
      gap[i] = Math.max(gap[i]!, Math.abs(long[(start + i) * v + c]! - short[i * v + c]!));
    }
  }
  return gap;
}

/**
 * Next-token accuracy (%) of the toy LM on text sequences under one position scheme: sequences of length T + 1,
 * the model reads the first T tokens and must predict tokens 1..T (argmax). Lets a notebook score a scheme that
 * `evalExtrapolation` does not build, e.g. NTK-RoPE scaled for 8N applied at length N.
 *
 * @param p weights
 * @param cfg sizes
 * @param seqs token sequences of one length T + 1 ≥ 2
 * @param run position scheme for length T
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { initToyLM } from "@lib/nn/toy_lm.ts";
 * import { runTextAccuracy } from "@lib/position/toy_probes.ts";
 * await initTf();
 * const cfg = { vocab: 25, d: 32, layers: 2, heads: 1, ff: 64, trainLen: 64, ropeBase: 1e4 };
 * const a = runTextAccuracy(initToyLM(cfg, 0), cfg, [Int32Array.from({ length: 9 }, (_, i) => i)], { layers: [{ rope: true }, { rope: true }] });
 * assert(a >= 0 && a <= 100);
 * ```
 */
export function runTextAccuracy(p: ToyLMParams, cfg: ToyLMConfig, seqs: Int32Array[], run: RunOpts): number {
  const t = checkSeqs("runTextAccuracy", seqs) - 1;
  if (t < 1) rangeError("runTextAccuracy", "seqs[·].length", "≥ 2", t + 1);
  const z = logitsOf(p, cfg, seqs.map((s) => s.subarray(0, t)), run), v = cfg.vocab;
  let hits = 0;
  seqs.forEach((s, b) => {
    for (let i = 0; i < t; i++) {
      let best = 0;
      for (let c = 1; c < v; c++) if (z[(b * t + i) * v + c]! > z[(b * t + i) * v + best]!) best = c;
      if (best === s[i + 1]) hits++;
    }
  });
  return (100 * hits) / (t * seqs.length);
}
