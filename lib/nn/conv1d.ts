/**
 * A plain Float64 stack of single-channel 1-D convolutions with "same" padding, for the survey's remark
 * (Su, https://kexue.fm/archives/8130; Islam et al., arXiv 2001.08248) that a CNN's position information
 * leaks through zero padding: on a constant input, zero padding makes the output depend on the distance to
 * the edges, while circular padding keeps it constant (the stack is then exactly shift-equivariant).
 *
 * @module
 */
import { checkFinite, checkLength, rangeError, typeError } from "../core/validate.ts";

/** How the borders are filled: zeros, or the sequence wrapped around. */
export type Conv1dPadding = "zero" | "circular";

/** Non-linearity applied after every layer except the last (default "none"). */
export type Conv1dActivation = "none" | "relu" | "tanh";

function act(kind: Conv1dActivation, v: number): number {
  if (kind === "relu") return v > 0 ? v : 0;
  if (kind === "tanh") return Math.tanh(v);
  return v;
}

/**
 * Applies L convolutions in sequence, each keeping the length n (kernel size K odd, r = (K−1)/2):
 * $$y_t = \sum_{m=0}^{K-1} w_m\, x_{t+m-r},$$
 * where $x_s$ outside $[0, n)$ is 0 (zero padding) or $x_{s \bmod n}$ (circular padding). An optional
 * non-linearity follows every layer but the last.
 *
 * @param x the input sequence, n ≥ 1 finite numbers
 * @param kernels the L ≥ 1 kernels, each of odd length ≤ 2n + 1 (entries finite)
 * @param padding "zero" or "circular"
 * @param activation "none" (default), "relu" or "tanh" between layers
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { conv1dStack } from "@lib/nn/conv1d.ts";
 * const ones = new Float64Array(5).fill(1), box = [Float64Array.of(1, 1, 1)];
 * assertEquals(Array.from(conv1dStack(ones, box, "zero")), [2, 3, 3, 3, 2]); // the edges see a zero
 * assertEquals(Array.from(conv1dStack(ones, box, "circular")), [3, 3, 3, 3, 3]);
 * ```
 */
export function conv1dStack(
  x: Float64Array,
  kernels: Float64Array[],
  padding: Conv1dPadding,
  activation: Conv1dActivation = "none",
): Float64Array {
  const where = "conv1dStack";
  if (!(x instanceof Float64Array)) typeError(where, "x", "a Float64Array", x);
  checkLength(where, "x", x);
  for (let i = 0; i < x.length; i++) checkFinite(where, `x[${i}]`, x[i]);
  if (!Array.isArray(kernels)) typeError(where, "kernels", "an array of Float64Array", kernels);
  if (kernels.length === 0) rangeError(where, "kernels.length", "≥ 1", 0);
  const n = x.length;
  kernels.forEach((w, l) => {
    if (!(w instanceof Float64Array)) typeError(where, `kernels[${l}]`, "a Float64Array", w);
    if (w.length % 2 !== 1 || w.length > 2 * n + 1) {
      rangeError(where, `kernels[${l}].length`, `odd and ≤ 2n + 1 = ${2 * n + 1}`, w.length);
    }
    for (let m = 0; m < w.length; m++) checkFinite(where, `kernels[${l}][${m}]`, w[m]);
  });
  if (padding !== "zero" && padding !== "circular") {
    rangeError(where, "padding", '"zero" or "circular"', padding);
  }
  if (activation !== "none" && activation !== "relu" && activation !== "tanh") {
    rangeError(where, "activation", '"none", "relu" or "tanh"', activation);
  }
  let cur = Float64Array.from(x);
  kernels.forEach((w, l) => {
    const r = (w.length - 1) / 2, next = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      let s = 0;
      for (let m = 0; m < w.length; m++) {
        let idx = t + m - r;
        if (idx < 0 || idx >= n) {
          if (padding === "zero") continue;
          idx = ((idx % n) + n) % n;
        }
        s += (w[m] as number) * (cur[idx] as number);
      }
      next[t] = l < kernels.length - 1 ? act(activation, s) : s;
    }
    cur = next;
  });
  return cur;
}
