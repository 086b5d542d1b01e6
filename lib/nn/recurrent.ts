/**
 * Explicit recurrent layers in tfjs: the tanh (Elman) RNN and the GRU of Cho et al. (arXiv 1406.1078), written
 * step by step so that the gate equations stay visible, plus Float64 reference steps for hand checks and the
 * per-layer cost model used to compare them with self-attention.
 *
 * Layout: a weight acts on the concatenation $[x_t; h_{t-1}]$ of the input ($d_{in}$) and the previous state
 * ($d_h$) and is stored as a $(d_{in}+d_h)\times d_h$ matrix $W$ (rows $0\ldots d_{in}-1$ act on $x$, the rest on
 * $h$). Activations are row vectors, so the column-vector formula $W_h[x;h]$ of the papers is $[x, h]\,W$ here.
 *
 * **GRU convention (Cho et al.):** $h_t = (1-z_t)\odot h_{t-1} + z_t\odot\tilde h_t$ — the update gate $z$ says how
 * much of the *new* candidate enters. PyTorch and Keras use the swapped form $h_t = z_t\odot h_{t-1} +
 * (1-z_t)\odot\tilde h_t$; to convert, negate $W_z$ and $b_z$. The reset gate is applied *before* the candidate's
 * matrix product ($W_h[x_t;\, r_t\odot h_{t-1}]$), as in the paper (PyTorch applies it after).
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import type { Rng } from "../core/rng.ts";
import { checkMatrix, type Matrix } from "../core/matrix.ts";
import { checkInt, checkLength, rangeError, typeError } from "../core/validate.ts";

/** Weights of a tanh RNN $h_t=\tanh([x_t,h_{t-1}]W_h+b_h)$: $W_h$ is $(d_{in}+d_h)\times d_h$, $b_h$ is $d_h$. */
export interface RnnParams {
  wh: tf.Variable<tf.Rank.R2>;
  bh: tf.Variable<tf.Rank.R1>;
}

/** Weights of a GRU (Cho convention): three $(d_{in}+d_h)\times d_h$ matrices and three $d_h$ biases. */
export interface GruParams {
  wz: tf.Variable<tf.Rank.R2>;
  wr: tf.Variable<tf.Rank.R2>;
  wh: tf.Variable<tf.Rank.R2>;
  bz: tf.Variable<tf.Rank.R1>;
  br: tf.Variable<tf.Rank.R1>;
  bh: tf.Variable<tf.Rank.R1>;
}

/** Result of {@link rnnForward} and {@link gruForward}: every state `[B, T, dH]` and the last one `[B, dH]`. */
export interface RecurrentOutput {
  outputs: tf.Tensor3D;
  last: tf.Tensor2D;
}

/** Options of {@link initRnn} and {@link initGru}. */
export interface RecurrentInitOpts {
  /** Weight std = gain/√(dIn + dH) (default 1: N(0, 1/fan_in) on the concatenated input). */
  gain?: number;
  /** Prefix of the variable names, unique among live variables (default "rnn_<k>" / "gru_<k>"). */
  name?: string;
}

let _counter = 0;

function _checkRng(where: string, rng: unknown): Rng {
  if (typeof rng !== "function" || typeof (rng as Rng).normal !== "function") {
    typeError(where, "rng", "an Rng (createRng)", rng);
  }
  return rng as Rng;
}

function _weight(rows: number, cols: number, std: number, rng: Rng, name: string): tf.Variable<tf.Rank.R2> {
  const data = Float32Array.from({ length: rows * cols }, () => std * rng.normal());
  return _own(tf.tensor2d(data, [rows, cols]), name);
}

function _zeros(n: number, name: string): tf.Variable<tf.Rank.R1> {
  return _own(tf.zeros([n]) as tf.Tensor1D, name);
}

/** A trainable variable from a fresh tensor, which is disposed (tf.variable keeps its own copy). */
function _own<R extends tf.Rank>(t: tf.Tensor<R>, name: string): tf.Variable<R> {
  const v = tf.variable(t, true, name);
  t.dispose();
  return v;
}

function _initChecks(where: string, dIn: number, dH: number, rng: unknown, opts: RecurrentInitOpts): number {
  checkInt(where, "dIn", dIn, 1);
  checkInt(where, "dH", dH, 1);
  _checkRng(where, rng);
  const gain = opts.gain ?? 1;
  if (typeof gain !== "number" || !Number.isFinite(gain) || gain < 0) {
    rangeError(where, "opts.gain", "a finite number ≥ 0", gain);
  }
  return gain / Math.sqrt(dIn + dH);
}

/**
 * Creates a tanh RNN from a seeded `Rng` (tfjs's own random ops are not used): $W_h\sim N(0,\,g^2/(d_{in}+d_h))$,
 * $b_h = 0$.
 *
 * @param dIn input width
 * @param dH state width
 * @param rng random source
 * @param opts `gain` g (default 1), `name` prefix of the variables
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeRecurrent, initRnn } from "@lib/nn/recurrent.ts";
 * await initTf();
 * const p = initRnn(3, 5, createRng(0));
 * assertEquals([p.wh.shape, p.bh.shape], [[8, 5], [5]]);
 * disposeRecurrent(p);
 * ```
 */
export function initRnn(dIn: number, dH: number, rng: Rng, opts: RecurrentInitOpts = {}): RnnParams {
  const std = _initChecks("initRnn", dIn, dH, rng, opts);
  const name = opts.name ?? `rnn_${_counter++}`;
  return { wh: _weight(dIn + dH, dH, std, rng, `${name}/wh`), bh: _zeros(dH, `${name}/bh`) };
}

/**
 * Creates a GRU from a seeded `Rng`: $W_z, W_r, W_h\sim N(0,\,g^2/(d_{in}+d_h))$ drawn in that order, biases 0.
 *
 * @param dIn input width
 * @param dH state width
 * @param rng random source
 * @param opts `gain` g (default 1), `name` prefix of the variables
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeRecurrent, initGru } from "@lib/nn/recurrent.ts";
 * await initTf();
 * const p = initGru(3, 5, createRng(0));
 * assertEquals([p.wz.shape, p.br.shape], [[8, 5], [5]]);
 * disposeRecurrent(p);
 * ```
 */
export function initGru(dIn: number, dH: number, rng: Rng, opts: RecurrentInitOpts = {}): GruParams {
  const std = _initChecks("initGru", dIn, dH, rng, opts);
  const name = opts.name ?? `gru_${_counter++}`;
  const wz = _weight(dIn + dH, dH, std, rng, `${name}/wz`);
  const wr = _weight(dIn + dH, dH, std, rng, `${name}/wr`);
  const wh = _weight(dIn + dH, dH, std, rng, `${name}/wh`);
  return {
    wz,
    wr,
    wh,
    bz: _zeros(dH, `${name}/bz`),
    br: _zeros(dH, `${name}/br`),
    bh: _zeros(dH, `${name}/bh`),
  };
}

/**
 * The variables of an RNN or GRU as a list (for optimizers).
 *
 * @param p parameters from {@link initRnn} or {@link initGru}
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeRecurrent, initGru, recurrentVariables } from "@lib/nn/recurrent.ts";
 * await initTf();
 * const p = initGru(2, 2, createRng(1));
 * assertEquals(recurrentVariables(p).length, 6);
 * disposeRecurrent(p);
 * ```
 */
export function recurrentVariables(p: RnnParams | GruParams): tf.Variable[] {
  if (p === null || typeof p !== "object") typeError("recurrentVariables", "p", "RnnParams or GruParams", p);
  return Object.values(p).filter((v): v is tf.Variable => v instanceof tf.Variable);
}

/**
 * Disposes every variable of an RNN or GRU.
 *
 * @param p parameters from {@link initRnn} or {@link initGru}
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeRecurrent, initRnn } from "@lib/nn/recurrent.ts";
 * await initTf();
 * const before = tf.memory().numTensors;
 * disposeRecurrent(initRnn(2, 3, createRng(0)));
 * assertEquals(tf.memory().numTensors, before);
 * ```
 */
export function disposeRecurrent(p: RnnParams | GruParams): void {
  for (const v of recurrentVariables(p)) v.dispose();
}

function _checkInput(where: string, x: unknown, dIn: number): [number, number] {
  if (!(x instanceof tf.Tensor) || x.rank !== 3) typeError(where, "x", "a rank-3 tensor [B, T, dIn]", x);
  const [b, t, d] = (x as tf.Tensor3D).shape;
  if (d !== dIn) rangeError(where, "x", `of width dIn = ${dIn} (shape [B, T, ${dIn}])`, `[${x.shape}]`);
  if (t < 1) rangeError(where, "x", "a sequence of length T ≥ 1", `[${x.shape}]`);
  return [b, t];
}

function _dims(where: string, w: unknown, b: unknown, wName: string): { dIn: number; dH: number } {
  if (!(w instanceof tf.Tensor) || w.rank !== 2) typeError(where, `p.${wName}`, "a 2-D tf.Variable", w);
  const [rows, dH] = (w as tf.Tensor2D).shape;
  if (rows <= dH) rangeError(where, `p.${wName}`, `of shape [dIn + dH, dH] with dIn ≥ 1`, `[${rows}, ${dH}]`);
  if (!(b instanceof tf.Tensor) || b.rank !== 1 || b.shape[0] !== dH) {
    rangeError(
      where,
      "p (bias)",
      `a 1-D tensor of length ${dH}`,
      b instanceof tf.Tensor ? `[${b.shape}]` : b,
    );
  }
  return { dIn: rows - dH, dH };
}

function _h0(where: string, h0: tf.Tensor2D | undefined, batch: number, dH: number): tf.Tensor2D {
  if (h0 === undefined) return tf.zeros([batch, dH]);
  if (!(h0 instanceof tf.Tensor) || h0.rank !== 2 || h0.shape[0] !== batch || h0.shape[1] !== dH) {
    rangeError(
      where,
      "opts.h0",
      `a tensor of shape [${batch}, ${dH}]`,
      h0 instanceof tf.Tensor ? `[${h0.shape}]` : h0,
    );
  }
  return h0;
}

/** x [B, T, dIn] · W [dIn, k] + b as T tensors [B, k] (one flat matmul for all time steps: the parallel part). */
function _projectInputs(x: tf.Tensor3D, w: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D[] {
  const [b, t, d] = x.shape;
  const flat = tf.add(tf.matMul(tf.reshape(x, [b * t, d]), w), bias);
  return tf.unstack(tf.reshape(flat, [b, t, w.shape[1]]), 1) as tf.Tensor2D[];
}

/**
 * Runs a tanh (or linear) RNN over a batch of sequences,
 * $$h_t = \tanh\big([x_t, h_{t-1}]\,W_h + b_h\big)\quad(t = 1\ldots T),$$
 * or $h_t = [x_t, h_{t-1}]W_h + b_h$ with `activation: "linear"`. The input part $x_tW_x$ is computed for all
 * steps in one matrix product; the $T$ recurrent products $h_{t-1}W_{hh}$ are inherently sequential.
 * Differentiable (use inside `tf.grad` or an optimizer's `minimize`).
 *
 * @param p weights from {@link initRnn}
 * @param x inputs `[B, T, dIn]`
 * @param opts `activation` ("tanh" default, or "linear"), `h0` initial state `[B, dH]` (default 0)
 * @returns all states `[B, T, dH]` and the last state `[B, dH]`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeRecurrent, initRnn, rnnForward } from "@lib/nn/recurrent.ts";
 * await initTf();
 * const p = initRnn(1, 1, createRng(0));
 * p.wh.assign(tf.tensor2d([[1], [0.5]]));            // h_t = x_t + 0.5 h_{t-1}
 * const { last } = rnnForward(p, tf.tensor3d([[[1], [1], [1]]]), { activation: "linear" });
 * assertAlmostEquals(last.dataSync()[0]!, 1.75, 1e-6);
 * disposeRecurrent(p);
 * ```
 */
export function rnnForward(
  p: RnnParams,
  x: tf.Tensor3D,
  opts: { activation?: "tanh" | "linear"; h0?: tf.Tensor2D } = {},
): RecurrentOutput {
  if (p === null || typeof p !== "object") typeError("rnnForward", "p", "RnnParams", p);
  const { dIn, dH } = _dims("rnnForward", p.wh, p.bh, "wh");
  const [batch] = _checkInput("rnnForward", x, dIn);
  const act = opts.activation ?? "tanh";
  if (act !== "tanh" && act !== "linear") {
    rangeError("rnnForward", "opts.activation", '"tanh" or "linear"', act);
  }
  const h0 = _h0("rnnForward", opts.h0, batch, dH);
  return tf.tidy(() => {
    const wx = tf.slice(p.wh, [0, 0], [dIn, dH]) as tf.Tensor2D;
    const whh = tf.slice(p.wh, [dIn, 0], [dH, dH]) as tf.Tensor2D;
    const xs = _projectInputs(x, wx, p.bh);
    let h = h0;
    const hs: tf.Tensor2D[] = [];
    for (const xt of xs) {
      const pre = tf.add(xt, tf.matMul(h, whh)) as tf.Tensor2D;
      h = act === "tanh" ? tf.tanh(pre) : pre;
      hs.push(h);
    }
    return { outputs: tf.stack(hs, 1) as tf.Tensor3D, last: h };
  });
}

/**
 * Runs a GRU (Cho et al. convention) over a batch of sequences:
 * $$z_t=\sigma([x_t,h_{t-1}]W_z+b_z),\quad r_t=\sigma([x_t,h_{t-1}]W_r+b_r),\quad
 *   \tilde h_t=\tanh([x_t,\,r_t\odot h_{t-1}]W_h+b_h),\quad h_t=(1-z_t)\odot h_{t-1}+z_t\odot\tilde h_t .$$
 * The input parts of all three products are computed for every step at once; the recurrent parts run in $T$
 * dependent steps. With $z\equiv1$, $r\equiv1$ it is the tanh RNN with weights $W_h$; with $z\equiv0$ it keeps
 * $h_0$ forever. Differentiable.
 *
 * @param p weights from {@link initGru}
 * @param x inputs `[B, T, dIn]`
 * @param opts `h0` initial state `[B, dH]` (default 0)
 * @returns all states `[B, T, dH]` and the last state `[B, dH]`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeRecurrent, gruForward, initGru } from "@lib/nn/recurrent.ts";
 * await initTf();
 * const p = initGru(1, 1, createRng(0));
 * p.wz.assign(tf.zeros([2, 1]));                     // z = σ(0) = 1/2
 * p.wh.assign(tf.tensor2d([[1], [0]]));              // h̃ = tanh(x)
 * const { last } = gruForward(p, tf.tensor3d([[[2]]]));
 * assertAlmostEquals(last.dataSync()[0]!, 0.5 * Math.tanh(2), 1e-6);   // h0 = 0
 * disposeRecurrent(p);
 * ```
 */
export function gruForward(p: GruParams, x: tf.Tensor3D, opts: { h0?: tf.Tensor2D } = {}): RecurrentOutput {
  if (p === null || typeof p !== "object") typeError("gruForward", "p", "GruParams", p);
  const { dIn, dH } = _dims("gruForward", p.wz, p.bz, "wz");
  for (const [w, b, n] of [[p.wr, p.br, "wr"], [p.wh, p.bh, "wh"]] as const) {
    const d = _dims("gruForward", w, b, n);
    if (d.dIn !== dIn || d.dH !== dH) {
      rangeError("gruForward", `p.${n}`, `of shape [${dIn + dH}, ${dH}] like p.wz`, `[${w.shape}]`);
    }
  }
  const [batch] = _checkInput("gruForward", x, dIn);
  const h0 = _h0("gruForward", opts.h0, batch, dH);
  return tf.tidy(() => {
    const top = (w: tf.Tensor2D) => tf.slice(w, [0, 0], [dIn, dH]) as tf.Tensor2D;
    const bottom = (w: tf.Tensor2D) => tf.slice(w, [dIn, 0], [dH, dH]) as tf.Tensor2D;
    // input parts of z, r and h̃ for all steps in one product; recurrent parts of z and r in one product per step
    const xzr = _projectInputs(
      x,
      tf.concat([top(p.wz), top(p.wr)], 1) as tf.Tensor2D,
      tf.concat([p.bz, p.br]),
    );
    const xh = _projectInputs(x, top(p.wh), p.bh);
    const hzr = tf.concat([bottom(p.wz), bottom(p.wr)], 1) as tf.Tensor2D;
    const hh = bottom(p.wh);
    let h = h0;
    const hs: tf.Tensor2D[] = [];
    for (let t = 0; t < xh.length; t++) {
      const gates = tf.sigmoid(tf.add(xzr[t]!, tf.matMul(h, hzr)));
      const [z, r] = tf.split(gates, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const cand = tf.tanh(tf.add(xh[t]!, tf.matMul(tf.mul(r, h), hh)));
      h = tf.add(h, tf.mul(z, tf.sub(cand, h))) as tf.Tensor2D; // (1 − z)h + z h̃
      hs.push(h);
    }
    return { outputs: tf.stack(hs, 1) as tf.Tensor3D, last: h };
  });
}

/** Float64 GRU weights for {@link gruStepReference}: `Matrix` $(d_{in}+d_h)\times d_h$ and biases of length $d_h$. */
export interface GruWeights64 {
  wz: Matrix;
  wr: Matrix;
  wh: Matrix;
  bz: ArrayLike<number>;
  br: ArrayLike<number>;
  bh: ArrayLike<number>;
}

/** Intermediate values of one GRU step, from {@link gruStepReference}. */
export interface GruStep64 {
  z: Float64Array;
  r: Float64Array;
  candidate: Float64Array;
  h: Float64Array;
}

function _affine(
  w: Matrix,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  hPart: ArrayLike<number>,
): Float64Array {
  const dIn = a.length, dH = w.cols, out = Float64Array.from(b);
  for (let j = 0; j < dH; j++) {
    let s = out[j]!;
    for (let i = 0; i < dIn; i++) s += a[i]! * w.data[i * dH + j]!;
    for (let i = 0; i < dH; i++) s += hPart[i]! * w.data[(dIn + i) * dH + j]!;
    out[j] = s;
  }
  return out;
}

const _sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * One GRU step in plain Float64 arithmetic (the reference for tests and the hand-computed example), same
 * convention as {@link gruForward}: returns $z_t$, $r_t$, $\tilde h_t$ and
 * $h_t=(1-z_t)\odot h_{t-1}+z_t\odot\tilde h_t$.
 *
 * @param w Float64 weights (see {@link gruWeights64} to copy them from a tfjs GRU)
 * @param x input $x_t$ (length $d_{in}$)
 * @param h previous state $h_{t-1}$ (length $d_h$)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { gruStepReference } from "@lib/nn/recurrent.ts";
 * const w = { wz: matrix(2, 1, [0, 0]), wr: matrix(2, 1, [0, 0]), wh: matrix(2, 1, [1, 1]), bz: [0], br: [0], bh: [0] };
 * const s = gruStepReference(w, [1], [1]);   // z = r = 1/2, h̃ = tanh(1 + 0.5)
 * assertAlmostEquals(s.h[0]!, 0.5 + 0.5 * Math.tanh(1.5), 1e-15);
 * ```
 */
export function gruStepReference(w: GruWeights64, x: ArrayLike<number>, h: ArrayLike<number>): GruStep64 {
  if (w === null || typeof w !== "object") typeError("gruStepReference", "w", "GruWeights64", w);
  for (const k of ["wz", "wr", "wh"] as const) checkMatrix("gruStepReference", `w.${k}`, w[k]);
  const dH = w.wz.cols, dIn = w.wz.rows - dH;
  if (dIn < 1) {
    rangeError("gruStepReference", "w.wz", "of shape [dIn + dH, dH] with dIn ≥ 1", `${w.wz.rows}×${dH}`);
  }
  for (const k of ["wr", "wh"] as const) {
    if (w[k].rows !== w.wz.rows || w[k].cols !== dH) {
      rangeError("gruStepReference", `w.${k}`, `${w.wz.rows}×${dH} like w.wz`, `${w[k].rows}×${w[k].cols}`);
    }
  }
  for (const k of ["bz", "br", "bh"] as const) checkLength("gruStepReference", `w.${k}`, w[k], dH);
  checkLength("gruStepReference", "x", x, dIn);
  checkLength("gruStepReference", "h", h, dH);
  const z = _affine(w.wz, x, w.bz, h).map(_sigmoid);
  const r = _affine(w.wr, x, w.br, h).map(_sigmoid);
  const rh = Float64Array.from(h, (v, i) => r[i]! * v);
  const candidate = _affine(w.wh, x, w.bh, rh).map(Math.tanh);
  const hNew = Float64Array.from(h, (v, i) => (1 - z[i]!) * v + z[i]! * candidate[i]!);
  return { z, r, candidate, h: hNew };
}

/**
 * Copies the weights of a tfjs GRU into Float64 (`Matrix` and `Float64Array`), for {@link gruStepReference}.
 *
 * @param p parameters from {@link initGru}
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeRecurrent, gruWeights64, initGru } from "@lib/nn/recurrent.ts";
 * await initTf();
 * const p = initGru(2, 3, createRng(0));
 * const w = gruWeights64(p);
 * assertEquals([w.wh.rows, w.wh.cols, w.bh.length], [5, 3, 3]);
 * disposeRecurrent(p);
 * ```
 */
export function gruWeights64(
  p: GruParams,
): GruWeights64 & { bz: Float64Array; br: Float64Array; bh: Float64Array } {
  if (p === null || typeof p !== "object") typeError("gruWeights64", "p", "GruParams", p);
  const m = (v: tf.Variable): Matrix => {
    if (!(v instanceof tf.Tensor) || v.rank !== 2) {
      typeError("gruWeights64", "p (weight)", "a 2-D tf.Variable", v);
    }
    return { rows: v.shape[0]!, cols: v.shape[1]!, data: Float64Array.from(v.dataSync()) };
  };
  const f = (v: tf.Variable) => Float64Array.from(v.dataSync());
  return { wz: m(p.wz), wr: m(p.wr), wh: m(p.wh), bz: f(p.bz), br: f(p.br), bh: f(p.bh) };
}

/** Cost of one sequence layer, from {@link sequenceLayerCost}. */
export interface LayerCost {
  /** Forward multiply–adds counted as 2 FLOPs each (eq. 8 of the T18 spec). */
  flops: number;
  /** Operations that must run one after another. */
  sequentialSteps: number;
  /** Longest path (in layer steps) from one position to another. */
  maxPathLength: number;
}

/**
 * The cost model of Vaswani et al.'s Table 1, with constants, for one layer of width $d$ on a batch of $B$
 * sequences of length $n$ (forward only, matrix products only):
 * - GRU: $3\cdot 2\cdot Bn(2d)d = 12Bnd^2$ FLOPs, $n$ sequential steps, path length $n$;
 * - tanh RNN: $4Bnd^2$, $n$ steps, path $n$;
 * - self-attention: $Q,K,V$ projections $6Bnd^2$ plus $QK^\top$ and $PV$, $4Bn^2d$; $O(1)$ steps, path 1.
 *
 * @param kind "rnn", "gru" or "attention"
 * @param batch B ≥ 1
 * @param n sequence length ≥ 1
 * @param d width ≥ 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sequenceLayerCost } from "@lib/nn/recurrent.ts";
 * assertEquals(sequenceLayerCost("gru", 1, 10, 4), { flops: 12 * 10 * 16, sequentialSteps: 10, maxPathLength: 10 });
 * assertEquals(sequenceLayerCost("attention", 1, 10, 4).flops, 6 * 10 * 16 + 4 * 100 * 4);
 * ```
 */
export function sequenceLayerCost(
  kind: "rnn" | "gru" | "attention",
  batch: number,
  n: number,
  d: number,
): LayerCost {
  checkInt("sequenceLayerCost", "batch", batch, 1);
  checkInt("sequenceLayerCost", "n", n, 1);
  checkInt("sequenceLayerCost", "d", d, 1);
  switch (kind) {
    case "rnn":
      return { flops: 4 * batch * n * d * d, sequentialSteps: n, maxPathLength: n };
    case "gru":
      return { flops: 12 * batch * n * d * d, sequentialSteps: n, maxPathLength: n };
    case "attention":
      return { flops: 6 * batch * n * d * d + 4 * batch * n * n * d, sequentialSteps: 1, maxPathLength: 1 };
    default:
      return rangeError("sequenceLayerCost", "kind", '"rnn", "gru" or "attention"', kind);
  }
}
