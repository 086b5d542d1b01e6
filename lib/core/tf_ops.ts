/**
 * The one tested place that fills the gaps of tfjs 4.22 (mostly of its `wasm` backend), so that ordinary
 * tfjs code — `tf.gather`, `tf.conv2d`, `tf.matMul`, `tf.leakyRelu`, layers, optimizers — runs, and runs
 * fast, after `initTf()` (which calls {@link installWasmGapFills}).
 *
 * What was wrong, measured on tfjs 4.22.0 under Deno 2.9.6 (see `tests/core/tf_ops_test.ts`, which
 * fails if any of these comes back):
 *
 * | gap | symptom | fill |
 * |---|---|---|
 * | wasm kernel `UnsortedSegmentSum` missing | gradient of `tf.gather` (embedding lookup) throws | JS kernel on the wasm heap |
 * | wasm kernel `Conv2DBackpropFilter` missing | filter gradient of `tf.conv2d`/`conv1d`/`conv2dTranspose` throws | im2col on the heap + the wasm matmul |
 * | wasm kernels `DepthwiseConv2dNativeBackprop{Input,Filter}` missing | gradients of `tf.depthwiseConv2d` throw | JS kernels on the heap |
 * | wasm kernel `Einsum` missing | `tf.einsum` throws | composition of wasm kernels (as tfjs-cpu does) |
 * | wasm `BatchMatMul`/`_FusedMatMul` with `transposeA/B` 10–20× slower than without | every matmul *gradient* is slow | explicit wasm `Transpose`, then the fast kernel |
 * | wasm `BatchMatMul` with a batch > 1 runs at ≈ 1.5 GFLOP/s, 5–15× slower than a loop of 2-D products | attention (Q·Kᵀ, P·V) is slow | one flat 2-D product for x[…,M,K]·W[K,N], else a loop of 2-D products |
 * | wasm `Conv2DBackpropInput` ≈ 10× slower than the forward `Conv2D` | conv input gradients and `tf.conv2dTranspose` are slow | dy·Wᵀ on the wasm matmul + col2im |
 * | `BatchMatMul` gradient ignores broadcast batch dims (all backends) | `tf.matMul(x[B,T,D], W[D,E])` cannot be differentiated w.r.t. W | a gradient that sums them (one flat matmul for that case) |
 * | comparison ops (`Greater`, `Equal`, `LogicalAnd`, …) have no gradient (all backends) | second order through `tf.leakyRelu`, `tf.prelu`, `tf.relu6`, `tf.clipByValue`, `tf.where(x > 0, …)` throws | zero gradients (TF's `NotDifferentiable`) |
 * | `Sigmoid`, `Tanh`, `Exp`, `Softmax`, `Max`, `Min`, `Pow`, `Elu` gradients read the *saved output*, which the tape records in the wrong order (all backends) | second-order gradients through them throw | gradients that recompute the output from the input |
 * | `tf.logSigmoid` gradient reads a disposed closure tensor (all backends) | its gradient throws unless its input is a leaf | {@link logSigmoid} (`−softplus(−x)`) |
 * | `tf.logSoftmax` is a custom-gradient op (all backends) | not twice differentiable | {@link logSoftmax} |
 * | wasm `Identity` copies its input; the tape clones every tensor a gradient will read (≈ 200 copies per toy-LM step) | 5–10% of a training step | share the data with a reference count, as the cpu and webgl backends do |
 * | no `tf.stopGradient` | — | {@link stopGradient} |
 *
 * Kernels are registered only where the wasm backend lacks them; replaced kernels and gradients are marked,
 * so {@link installWasmGapFills} is idempotent and {@link uninstallWasmGapFills} can restore tfjs's own
 * (for benchmarks and for the tests that prove a gap is real). Not filled: the wasm `FFT`/`Complex`
 * kernels (`tf.spectral.*` stays cpu-only), and `tf.logSigmoid` / `tf.logSoftmax` themselves (ES-module
 * bindings cannot be patched; use the exports here).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { rangeError, typeError } from "./validate.ts";

// ---------------------------------------------------------------------------------------------------
// Marking what we installed
// ---------------------------------------------------------------------------------------------------

/** Marks a kernel/gradient function installed here; the value is what it replaced (or null). */
const _MARK = Symbol.for("kexue.tf_ops.fill");

type _Marked<F> = F & { [_MARK]?: tf.KernelConfig | tf.GradConfig | null };

function _mark<F extends object>(f: F, replaced: tf.KernelConfig | tf.GradConfig | null): F {
  Object.defineProperty(f, _MARK, { value: replaced, enumerable: false, configurable: true });
  return f;
}

function _isMarked(f: unknown): boolean {
  return typeof f === "function" && _MARK in f;
}

function _replaced(f: unknown): tf.KernelConfig | tf.GradConfig | null {
  return (f as _Marked<() => void>)[_MARK] ?? null;
}

function _kernel(name: string): tf.KernelConfig | undefined {
  return tf.getKernel(name, "wasm") as tf.KernelConfig | undefined;
}

function _gradient(name: string): tf.GradConfig | undefined {
  return tf.getGradient(name) as tf.GradConfig | undefined;
}

// ---------------------------------------------------------------------------------------------------
// The wasm backend, as far as these kernels need it
// ---------------------------------------------------------------------------------------------------

/** The part of tfjs-backend-wasm's `BackendWasm` used here (memory on the wasm heap). */
interface _WasmBackend {
  incRef(dataId: tf.DataId): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: tf.DataId): boolean;
}

type _KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type _KernelFn = (args: _KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

function _wasm(args: _KernelArgs): _WasmBackend {
  return args.backend as _WasmBackend;
}

function _in(args: _KernelArgs, name: string): tf.TensorInfo {
  const t = args.inputs[name];
  if (t === undefined) throw new Error(`tf_ops: kernel input "${name}" is missing`);
  return t;
}

/** Calls a registered wasm kernel directly (inside another kernel; no tape, no engine bookkeeping). */
function _call(name: string, args: _KernelArgs): tf.TensorInfo {
  const k = _kernel(name);
  if (k === undefined) throw new Error(`tf_ops: wasm kernel ${name} is not registered`);
  const fn = _isMarked(k.kernelFunc)
    ? ((_replaced(k.kernelFunc) as tf.KernelConfig | null)?.kernelFunc ?? k.kernelFunc)
    : k.kernelFunc;
  return (fn as unknown as _KernelFn)(args) as tf.TensorInfo;
}

function _f32(be: _WasmBackend, t: tf.TensorInfo): Float32Array {
  const v = be.typedArrayFromHeap(t);
  if (!(v instanceof Float32Array)) throw new TypeError(`tf_ops: expected a float32 tensor, got ${t.dtype}`);
  return v;
}

function _swapLast2(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

function _transposeInfo(be: _WasmBackend, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return _call("Transpose", { inputs: { x }, backend: be, attrs: { perm } });
}

// ---------------------------------------------------------------------------------------------------
// Wrong wasm kernels
// ---------------------------------------------------------------------------------------------------

/**
 * `Sign`, exact: tfjs-wasm 4.22 returns 0 for every |x| ≤ 1.19e-7 and for NaN, which would freeze sign-based
 * optimizers (Lion, Tiger) on coordinates with small momentum and hide NaNs. Here sign(x) = Math.sign(x):
 * exact for tiny values, ±0 → 0, and NaN stays NaN (as in NumPy and PyTorch; tfjs-cpu maps NaN to 0).
 */
function _exactSign(args: _KernelArgs): tf.TensorInfo {
  // sign(x) = step(x) − step(−x) on the wasm kernels (step(x) = 1 for x > 0, else 0; NaN → NaN).
  const be = _wasm(args);
  const x = _in(args, "x");
  const neg = _call("Neg", { inputs: { x }, backend: be });
  const pos = _call("Step", { inputs: { x }, backend: be, attrs: { alpha: 0 } });
  const negStep = _call("Step", { inputs: { x: neg }, backend: be, attrs: { alpha: 0 } });
  const out = _call("Sub", { inputs: { a: pos, b: negStep }, backend: be });
  for (const t of [neg, pos, negStep]) be.disposeData(t.dataId);
  return out;
}

/**
 * Identity without a copy: another reference to the same heap bytes. Safe because no wasm kernel writes
 * into its inputs (outputs are always fresh `makeOutput` buffers) and the backend frees a buffer only when
 * its reference count reaches 0; the cpu and webgl backends implement Identity the same way.
 */
function _aliasIdentity(args: _KernelArgs): tf.TensorInfo {
  const x = _in(args, "x");
  const be = _wasm(args);
  be.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

// ---------------------------------------------------------------------------------------------------
// Missing wasm kernels
// ---------------------------------------------------------------------------------------------------

/** Geometry of a channels-last conv2d (tfjs's own computeConv2DInfo), as the im2col kernels use it. */
function _conv2dGeometry(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: tf.NamedAttrMap,
) {
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides as [number, number],
    1,
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    false,
    "channelsLast",
  );
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { outChannels: CO, filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = info;
  const K = FH * FW * C, P = OH * OW;
  return { B, H, W, C, OH, OW, CO, FH, FW, SH, SW, top: info.padInfo.top, left: info.padInfo.left, K, P };
}

/** `UnsortedSegmentSum`: out[s, …] = Σ_{i: ids[i] = s} x[i, …]; ids outside [0, numSegments) are dropped. */
function _unsortedSegmentSum(args: _KernelArgs): tf.TensorInfo {
  const be = _wasm(args);
  const x = _in(args, "x"), ids = _in(args, "segmentIds");
  const numSegments = Number(args.attrs?.numSegments);
  const n = x.shape[0] ?? 1;
  const inner = x.shape.length === 0 ? 1 : tf.util.sizeFromShape(x.shape.slice(1));
  const out = be.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
  // Views are taken after every allocation: a growing wasm heap detaches older views.
  const xv = be.typedArrayFromHeap(x), iv = be.typedArrayFromHeap(ids), ov = be.typedArrayFromHeap(out);
  ov.fill(0);
  const count = Math.min(n, iv.length);
  for (let i = 0; i < count; i++) {
    const s = iv[i] as number;
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner, dst = s * inner;
    for (let j = 0; j < inner; j++) ov[dst + j] = (ov[dst + j] as number) + (xv[src + j] as number);
  }
  return out;
}

/** Elements per im2col chunk in `Conv2DBackpropFilter` (32 MB of float32). */
const _CONV_CHUNK = 1 << 23;

/**
 * `Conv2DBackpropFilter`: dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·sh − top + kh, ow·sw − left + kw, ci] ·
 * dy[b,oh,ow,co], computed as colᵀ·dy with col the (transposed) im2col matrix of x, in batch chunks, on the
 * wasm matmul kernel.
 */
function _conv2DBackpropFilter(args: _KernelArgs): tf.TensorInfo {
  const be = _wasm(args);
  const attrs = args.attrs ?? {};
  const temps: tf.TensorInfo[] = [];
  let x = _in(args, "x"), dy = _in(args, "dy");
  if (x.dtype !== "float32" || dy.dtype !== "float32") {
    throw new TypeError(
      `Conv2DBackpropFilter (wasm): expected float32 inputs, got ${x.dtype} and ${dy.dtype}`,
    );
  }
  const dataFormat = (attrs.dataFormat ?? "NHWC") as "NHWC" | "NCHW";
  if (tf.backend_util.convertConv2DDataFormat(dataFormat) === "channelsFirst") {
    x = _transposeInfo(be, x, [0, 2, 3, 1]);
    dy = _transposeInfo(be, dy, [0, 2, 3, 1]);
    temps.push(x, dy);
  }
  const filterShape = attrs.filterShape as [number, number, number, number];
  const { B, H, W, C, OH, OW, CO, FH, FW, SH, SW, top, left, K, P } = _conv2dGeometry(
    x.shape as [number, number, number, number],
    filterShape,
    attrs,
  );
  const perChunk = Math.max(1, Math.floor(_CONV_CHUNK / Math.max(1, K * P)));
  let acc: tf.TensorInfo | null = null;
  for (let b0 = 0; b0 < B; b0 += perChunk) {
    const nb = Math.min(perChunk, B - b0), N = nb * P;
    const col = be.makeOutput([1, K, N], "float32");
    let dyc: tf.TensorInfo;
    if (nb === B) {
      dyc = { dataId: dy.dataId, shape: [1, N, CO], dtype: "float32" };
    } else {
      dyc = be.makeOutput([1, N, CO], "float32");
    }
    const xv = _f32(be, x), cv = _f32(be, col);
    if (nb !== B) _f32(be, dyc).set(_f32(be, dy).subarray(b0 * P * CO, (b0 + nb) * P * CO));
    for (let kh = 0; kh < FH; kh++) {
      for (let kw = 0; kw < FW; kw++) {
        for (let ci = 0; ci < C; ci++) {
          let n = ((kh * FW + kw) * C + ci) * N;
          for (let b = b0; b < b0 + nb; b++) {
            for (let oh = 0; oh < OH; oh++) {
              const ih = oh * SH - top + kh;
              if (ih < 0 || ih >= H) {
                cv.fill(0, n, n + OW);
                n += OW;
                continue;
              }
              const rowOff = (b * H + ih) * W * C + ci;
              for (let ow = 0; ow < OW; ow++) {
                const iw = ow * SW - left + kw;
                cv[n++] = iw >= 0 && iw < W ? (xv[rowOff + iw * C] as number) : 0;
              }
            }
          }
        }
      }
    }
    // dy is the right operand on purpose: the wasm kernel packs its right operand on every new tensor,
    // and dy (N×CO) is smaller than col (K×N) for the usual CO < K.
    const part = _call("BatchMatMul", {
      inputs: { a: col, b: dyc },
      backend: be,
      attrs: { transposeA: false, transposeB: false },
    });
    be.disposeData(col.dataId);
    if (nb !== B) be.disposeData(dyc.dataId);
    if (acc === null) {
      acc = part;
    } else {
      const av = _f32(be, acc), pv = _f32(be, part);
      for (let i = 0; i < av.length; i++) av[i] = (av[i] as number) + (pv[i] as number);
      be.disposeData(part.dataId);
    }
  }
  for (const t of temps) be.disposeData(t.dataId);
  if (acc === null) {
    acc = be.makeOutput([1, K, CO], "float32");
    _f32(be, acc).fill(0);
  }
  return { dataId: acc.dataId, shape: [...filterShape], dtype: "float32" };
}

/**
 * `Conv2DBackpropInput` (also the forward pass of `tf.conv2dTranspose`): dcol = dy·Wᵀ on the wasm matmul
 * (dcol[n, (kh,kw,ci)] for output pixel n), then col2im scatter-adds dcol into dx. tfjs-wasm 4.22 has this
 * kernel but it runs ≈ 10× slower than the forward convolution of the same size.
 */
function _conv2DBackpropInput(args: _KernelArgs): tf.TensorInfo {
  const be = _wasm(args);
  const attrs = args.attrs ?? {};
  let dy = _in(args, "dy");
  const filter = _in(args, "filter");
  if (dy.dtype !== "float32" || filter.dtype !== "float32") {
    throw new TypeError(
      `Conv2DBackpropInput (wasm): expected float32 inputs, got ${dy.dtype} and ${filter.dtype}`,
    );
  }
  const temps: tf.TensorInfo[] = [];
  const channelsFirst =
    tf.backend_util.convertConv2DDataFormat((attrs.dataFormat ?? "NHWC") as "NHWC" | "NCHW") ===
      "channelsFirst";
  let inShape = attrs.inputShape as [number, number, number, number];
  if (channelsFirst) {
    dy = _transposeInfo(be, dy, [0, 2, 3, 1]);
    temps.push(dy);
    inShape = [inShape[0], inShape[2], inShape[3], inShape[1]];
  }
  const { B, H, W, C, OH, OW, CO, FH, FW, SH, SW, top, left, K, P } = _conv2dGeometry(
    inShape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs,
  );
  // Wᵀ as a [1, CO, K] matrix, so that dcol = dy · Wᵀ is an untransposed (fast) matmul.
  const wT = _transposeInfo(be, { dataId: filter.dataId, shape: [K, CO], dtype: "float32" }, [1, 0]);
  const wT3 = { dataId: wT.dataId, shape: [1, CO, K], dtype: "float32" as const };
  const out = be.makeOutput([B, H, W, C], "float32");
  _f32(be, out).fill(0);
  const perChunk = Math.max(1, Math.floor(_CONV_CHUNK / Math.max(1, K * P)));
  for (let b0 = 0; b0 < B; b0 += perChunk) {
    const nb = Math.min(perChunk, B - b0), N = nb * P;
    let dyc: tf.TensorInfo;
    if (nb === B) {
      dyc = { dataId: dy.dataId, shape: [1, N, CO], dtype: "float32" };
    } else {
      dyc = be.makeOutput([1, N, CO], "float32");
      _f32(be, dyc).set(_f32(be, dy).subarray(b0 * P * CO, (b0 + nb) * P * CO));
    }
    const dcol = _call("BatchMatMul", {
      inputs: { a: dyc, b: wT3 },
      backend: be,
      attrs: { transposeA: false, transposeB: false },
    });
    if (nb !== B) be.disposeData(dyc.dataId);
    const dv = _f32(be, dcol), xv = _f32(be, out);
    let n = 0;
    for (let b = b0; b < b0 + nb; b++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++, n++) {
          for (let kh = 0; kh < FH; kh++) {
            const ih = oh * SH - top + kh;
            if (ih < 0 || ih >= H) continue;
            for (let kw = 0; kw < FW; kw++) {
              const iw = ow * SW - left + kw;
              if (iw < 0 || iw >= W) continue;
              const src = n * K + (kh * FW + kw) * C, dst = ((b * H + ih) * W + iw) * C;
              for (let ci = 0; ci < C; ci++) {
                xv[dst + ci] = (xv[dst + ci] as number) + (dv[src + ci] as number);
              }
            }
          }
        }
      }
    }
    be.disposeData(dcol.dataId);
  }
  be.disposeData(wT.dataId);
  for (const t of temps) be.disposeData(t.dataId);
  if (!channelsFirst) return out;
  const nchw = _transposeInfo(be, out, [0, 3, 1, 2]);
  be.disposeData(out.dataId);
  return nchw;
}

function _depthwiseInfo(xShape: number[], filterShape: number[], attrs: tf.NamedAttrMap) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    (attrs.dilations ?? 1) as [number, number],
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    true,
  );
}

/** `DepthwiseConv2dNativeBackpropInput` (NHWC), a port of tfjs-cpu's loop onto the wasm heap. */
function _depthwiseBackpropInput(args: _KernelArgs): tf.TensorInfo {
  const be = _wasm(args);
  const attrs = args.attrs ?? {};
  const dy = _in(args, "dy"), filter = _in(args, "filter");
  const info = _depthwiseInfo(attrs.inputShape as number[], filter.shape, attrs);
  const { batchSize, filterHeight: FH, filterWidth: FW, inChannels, inHeight, inWidth } = info;
  const { outChannels, outHeight, outWidth, strideHeight: SH, strideWidth: SW } = info;
  const out = be.makeOutput(info.inShape, "float32");
  const dyv = _f32(be, dy), fv = _f32(be, filter), dxv = _f32(be, out);
  const [dyS0, dyS1, dyS2] = [outHeight * outWidth * outChannels, outWidth * outChannels, outChannels];
  const chMul = outChannels / inChannels;
  const [fS0, fS1, fS2] = [FW * inChannels * chMul, inChannels * chMul, chMul];
  const [dxS0, dxS1, dxS2] = [inHeight * inWidth * inChannels, inWidth * inChannels, inChannels];
  const topPad = FH - 1 - info.padInfo.top, leftPad = FW - 1 - info.padInfo.left;
  for (let b = 0; b < batchSize; ++b) {
    for (let d1 = 0; d1 < inChannels; ++d1) {
      for (let xR = 0; xR < inHeight; ++xR) {
        const xRCorner = xR - topPad;
        const xRMin = Math.max(0, Math.ceil(xRCorner / SH));
        const yRMax = Math.min(outHeight, (FH + xRCorner) / SH);
        for (let xC = 0; xC < inWidth; ++xC) {
          const xCCorner = xC - leftPad;
          const xCMin = Math.max(0, Math.ceil(xCCorner / SW));
          const yCMax = Math.min(outWidth, (FW + xCCorner) / SW);
          let dot = 0;
          for (let yR = xRMin; yR < yRMax; ++yR) {
            const wR = yR * SH - xRCorner;
            for (let yC = xCMin; yC < yCMax; ++yC) {
              const wC = yC * SW - xCCorner;
              const dyOff = dyS0 * b + dyS1 * yR + dyS2 * yC;
              const fOff = fS0 * (FH - 1 - wR) + fS1 * (FW - 1 - wC) + fS2 * d1;
              for (let dm = 0; dm < chMul; ++dm) {
                dot += (dyv[dyOff + d1 * chMul + dm] as number) * (fv[fOff + dm] as number);
              }
            }
          }
          dxv[dxS0 * b + dxS1 * xR + dxS2 * xC + d1] = dot;
        }
      }
    }
  }
  return out;
}

/** `DepthwiseConv2dNativeBackpropFilter` (NHWC), a port of tfjs-cpu's loop onto the wasm heap. */
function _depthwiseBackpropFilter(args: _KernelArgs): tf.TensorInfo {
  const be = _wasm(args);
  const attrs = args.attrs ?? {};
  const x = _in(args, "x"), dy = _in(args, "dy");
  const info = _depthwiseInfo(x.shape, attrs.filterShape as number[], attrs);
  const { batchSize, filterHeight: FH, filterWidth: FW, inChannels, inHeight, inWidth } = info;
  const { outChannels, outHeight, outWidth, strideHeight: SH, strideWidth: SW } = info;
  const out = be.makeOutput(info.filterShape, "float32");
  const xv = _f32(be, x), dyv = _f32(be, dy), dwv = _f32(be, out);
  const chMul = outChannels / inChannels;
  const topPad = info.padInfo.top, leftPad = info.padInfo.left;
  for (let wR = 0; wR < FH; ++wR) {
    const yRMin = Math.max(0, Math.ceil((topPad - wR) / SH));
    const yRMax = Math.min(outHeight, (inHeight + topPad - wR) / SH);
    for (let wC = 0; wC < FW; ++wC) {
      const yCMin = Math.max(0, Math.ceil((leftPad - wC) / SW));
      const yCMax = Math.min(outWidth, (inWidth + leftPad - wC) / SW);
      for (let d2 = 0; d2 < outChannels; ++d2) {
        const d1 = Math.trunc(d2 / chMul), dm = d2 % chMul;
        let dot = 0;
        for (let b = 0; b < batchSize; ++b) {
          for (let yR = yRMin; yR < yRMax; ++yR) {
            const xR = wR + yR * SH - topPad;
            for (let yC = yCMin; yC < yCMax; ++yC) {
              const xC = wC + yC * SW - leftPad;
              dot += (xv[((b * inHeight + xR) * inWidth + xC) * inChannels + d1] as number) *
                (dyv[((b * outHeight + yR) * outWidth + yC) * outChannels + d2] as number);
            }
          }
        }
        dwv[((wR * FW + wC) * inChannels + d1) * chMul + dm] = dot;
      }
    }
  }
  return out;
}

/** `Einsum`, the tfjs-cpu algorithm (transpose, broadcast-multiply, sum) on wasm kernels. */
function _einsum(args: _KernelArgs): tf.TensorInfo {
  const be = _wasm(args);
  const equation = String(args.attrs?.equation);
  const tensors = Object.keys(args.inputs).map((k) => _in(args, k));
  const bu = tf.backend_util;
  const { allDims, summedDims, idDims } = bu.decodeEinsumEquation(equation, tensors.length);
  bu.checkEinsumDimSizes(allDims.length, idDims, tensors as unknown as tf.Tensor[]);
  const { path, steps } = bu.getEinsumComputePath(summedDims, idDims);
  let out: tf.TensorInfo | null = null;
  let remaining = allDims.length;
  const temps: tf.TensorInfo[] = [];
  for (let i = 0; i < steps.length; ++i) {
    for (const idTerm of steps[i] ?? []) {
      const { permutationIndices: perm, expandDims } = bu.getEinsumPermutation(
        remaining,
        idDims[idTerm] ?? [],
      );
      let x = tensors[idTerm] as tf.TensorInfo;
      if (!bu.isIdentityPermutation(perm)) {
        x = _call("Transpose", { inputs: { x }, backend: be, attrs: { perm } });
        temps.push(x);
      }
      const target = x.shape.slice();
      for (const d of expandDims) target.splice(d, 0, 1);
      if (!tf.util.arraysEqual(x.shape, target)) {
        x = _call("Reshape", { inputs: { x }, backend: be, attrs: { shape: target } });
        temps.push(x);
      }
      if (out === null) {
        out = x;
      } else {
        out = _call("Multiply", { inputs: { a: x, b: out }, backend: be });
        temps.push(out);
      }
    }
    if (i < steps.length - 1) {
      const p = path[i] ?? -1;
      if (p >= 0 && out !== null) {
        out = _call("Sum", {
          inputs: { x: out },
          backend: be,
          attrs: { axis: p - (allDims.length - remaining), keepDims: false },
        });
        temps.push(out);
      }
      remaining--;
    }
  }
  if (out === null) throw new Error(`Einsum (wasm): empty equation ${JSON.stringify(equation)}`);
  for (const t of temps) if (t !== out) be.disposeData(t.dataId);
  // A result that is one of the inputs must be a new reference, as every kernel output is.
  if (tensors.includes(out)) out = _call("Identity", { inputs: { x: out }, backend: be });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Fast transposed matmul: transpose explicitly, then the (fast) untransposed wasm kernel
// ---------------------------------------------------------------------------------------------------

function _wrapTransposedMatMul(original: tf.KernelConfig): _KernelFn {
  const orig = original.kernelFunc as unknown as _KernelFn;
  const batched = original.kernelName === "BatchMatMul";
  return (args) => {
    const attrs = args.attrs ?? {};
    const ta = attrs.transposeA === true, tb = attrs.transposeB === true;
    const a = _in(args, "a"), b = _in(args, "b");
    const isBatch = batched && (a.shape.length > 2 || b.shape.length > 2);
    if (!ta && !tb && !isBatch) return orig(args);
    const be = _wasm(args);
    const temps: tf.TensorInfo[] = [];
    const a2 = ta ? _transposeInfo(be, a, _swapLast2(a.shape.length)) : a;
    if (ta) temps.push(a2);
    const b2 = tb ? _transposeInfo(be, b, _swapLast2(b.shape.length)) : b;
    if (tb) temps.push(b2);
    const plain = { ...attrs, transposeA: false, transposeB: false };
    try {
      if (isBatch) return _batchedMatMul(be, orig, a2, b2);
      return orig({ ...args, inputs: { ...args.inputs, a: a2, b: b2 }, attrs: plain });
    } finally {
      for (const t of temps) be.disposeData(t.dataId);
    }
  };
}

/**
 * Batched matmul (untransposed operands) as 2-D wasm matmuls: tfjs-wasm 4.22 runs a batch > 1 at
 * ≈ 1.5 GFLOP/s, a loop of 2-D products at 10–25. A right operand without batch (x[…,M,K]·W[K,N]) is one
 * flat [(…·M), K]·[K, N] product; otherwise each batch slice is copied out, multiplied, copied back.
 */
function _batchedMatMul(
  be: _WasmBackend,
  orig: _KernelFn,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
): tf.TensorInfo {
  const ra = a.shape.length, rb = b.shape.length;
  const M = a.shape[ra - 2] as number, K = a.shape[ra - 1] as number, N = b.shape[rb - 1] as number;
  if ((b.shape[rb - 2] as number) !== K) {
    throw new Error(`matMul: inner dimensions differ, shapes ${a.shape} and ${b.shape} (after transposes)`);
  }
  const aBatch = a.shape.slice(0, -2), bBatch = b.shape.slice(0, -2);
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const outShape = [...outBatch, M, N];
  const nb = tf.util.sizeFromShape(outBatch);
  const plain = { transposeA: false, transposeB: false };
  const f32 = "float32" as const;
  if (a.dtype !== "float32" || b.dtype !== "float32") {
    throw new Error("BatchMatMul for non non-float32 tensors not yet supported.");
  }
  const bSize = tf.util.sizeFromShape(bBatch), aSize = tf.util.sizeFromShape(aBatch);
  if (bSize === 1 && aSize === nb) {
    const flat = orig({
      inputs: {
        a: { dataId: a.dataId, shape: [nb * M, K], dtype: f32 },
        b: { dataId: b.dataId, shape: [K, N], dtype: f32 },
      },
      backend: be,
      attrs: plain,
    }) as tf.TensorInfo;
    return { dataId: flat.dataId, shape: outShape, dtype: f32 };
  }
  // Flat batch index of each operand for each output batch index (numpy broadcasting).
  const index = (shape: number[]) => {
    const idx = new Int32Array(nb);
    const off = outBatch.length - shape.length;
    for (let o = 0; o < nb; o++) {
      let rem = o, flat = 0, stride = 1;
      for (let d = outBatch.length - 1; d >= 0; d--) {
        const od = outBatch[d] as number, c = rem % od;
        rem = (rem - c) / od;
        const j = d - off;
        if (j >= 0) {
          const sd = shape[j] as number;
          flat += (sd === 1 ? 0 : c) * stride;
          stride *= sd;
        }
      }
      idx[o] = flat;
    }
    return idx;
  };
  const ia = index(aBatch), ib = index(bBatch);
  const out = be.makeOutput(outShape, f32);
  // A slice gets a fresh buffer whenever its content changes: the wasm kernel caches packed weights by
  // the right operand's tensor id, so refilling one buffer would silently reuse stale weights.
  const slice = (src: tf.TensorInfo, i: number, rows: number, cols: number) => {
    const t = be.makeOutput([rows, cols], f32);
    _f32(be, t).set(_f32(be, src).subarray(i * rows * cols, (i + 1) * rows * cols));
    return t;
  };
  let as: tf.TensorInfo | null = null, bs: tf.TensorInfo | null = null;
  try {
    let lastA = -1, lastB = -1;
    for (let o = 0; o < nb; o++) {
      const i = ia[o] as number, j = ib[o] as number;
      if (i !== lastA || as === null) {
        if (as !== null) be.disposeData(as.dataId);
        as = null;
        as = slice(a, i, M, K);
      }
      if (j !== lastB || bs === null) {
        if (bs !== null) be.disposeData(bs.dataId);
        bs = null;
        bs = slice(b, j, K, N);
      }
      lastA = i;
      lastB = j;
      const r = orig({ inputs: { a: as, b: bs }, backend: be, attrs: plain }) as tf.TensorInfo;
      _f32(be, out).set(_f32(be, r), o * M * N);
      be.disposeData(r.dataId);
    }
  } finally {
    if (as !== null) be.disposeData(as.dataId);
    if (bs !== null) be.disposeData(bs.dataId);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Gradients
// ---------------------------------------------------------------------------------------------------

/** Comparison / logical ops: piecewise constant, so zero gradient (TensorFlow's `NotDifferentiable`). */
const _NON_DIFFERENTIABLE: ReadonlyArray<readonly [string, readonly string[]]> = [
  // tfjs 4.22 has these for GreaterEqual, IsNan, IsInf, IsFinite only.
  ["Greater", ["a", "b"]],
  ["Less", ["a", "b"]],
  ["LessEqual", ["a", "b"]],
  ["Equal", ["a", "b"]],
  ["NotEqual", ["a", "b"]],
  ["LogicalAnd", ["a", "b"]],
  ["LogicalOr", ["a", "b"]],
  ["LogicalXor", ["a", "b"]],
  ["LogicalNot", ["x"]],
];

function _zeroGrad(kernelName: string, inputs: readonly string[]): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: [...inputs],
    gradFunc: (_dy, saved) => {
      const grads: Record<string, () => tf.Tensor> = {};
      inputs.forEach((name, i) => {
        const shape = (saved[i] as tf.Tensor).shape;
        grads[name] = () => tf.zeros(shape, "float32");
      });
      return grads;
    },
  };
}

/** Sums a broadcast gradient back to the (batch-broadcast) shape of its input. */
function _reduceTo(g: tf.Tensor, shape: number[]): tf.Tensor {
  if (tf.util.arraysEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < lead; i++) axes.push(i);
  for (let j = 0; j < shape.length - 2; j++) {
    if (shape[j] === 1 && g.shape[lead + j] !== 1) axes.push(lead + j);
  }
  return tf.reshape(axes.length > 0 ? tf.sum(g, axes) : g, shape);
}

/**
 * `BatchMatMul` gradient that handles broadcast batch dimensions: tfjs 4.22 returns the gradient of a
 * broadcast operand with the broadcast shape and the tape throws ("gradient of input 'b' has shape
 * '2,6,3', which does not match … '6,3'") — i.e. `tf.matMul(x[B,T,D], W[D,E])` could not be trained.
 * For that common case (left operand of rank > 2, not transposed; right operand a matrix) dW is one
 * flattened matmul, (B·T×D)ᵀ·(B·T×E), instead of B batched ones and a sum.
 */
function _batchMatMulGrad(): tf.GradConfig {
  return {
    kernelName: "BatchMatMul",
    inputsToSave: ["a", "b"],
    gradFunc: (dy, saved, attrs) => {
      const a = saved[0] as tf.Tensor, b = saved[1] as tf.Tensor, g = dy as tf.Tensor;
      const ta = attrs.transposeA === true, tb = attrs.transposeB === true;
      const mm = (x: tf.Tensor, y: tf.Tensor, tx: boolean, ty: boolean) =>
        tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, tx, ty);
      const da = () => {
        const r = !ta ? mm(g, b, false, !tb) : mm(b, g, tb, true);
        return _reduceTo(r, a.shape);
      };
      const db = () => {
        if (!ta && a.rank > 2 && b.rank === 2) {
          const k = a.shape[a.rank - 1] as number, n = g.shape[g.rank - 1] as number;
          const a2 = tf.reshape(a, [-1, k]), g2 = tf.reshape(g, [-1, n]);
          return tb ? mm(g2, a2, true, false) : mm(a2, g2, true, false);
        }
        const r = !tb ? mm(a, g, !ta, false) : mm(g, a, true, ta);
        return _reduceTo(r, b.shape);
      };
      return { a: da, b: db };
    },
  };
}

/**
 * Gradients that tfjs computes from the *saved output* y. The engine records the clone that saves y
 * before the op itself, so a second differentiation cannot find the path x → y and throws. These
 * versions save the input and recompute y (one extra element-wise kernel); first-order values are
 * bit-identical to tfjs's, except Elu (e^{min(x,0)} instead of y + 1: equal up to float32 rounding).
 */
function _replacedGrads(): tf.GradConfig[] {
  const one = () => tf.scalar(1);
  return [
    _batchMatMulGrad(),
    {
      kernelName: "Sigmoid",
      inputsToSave: ["x"],
      gradFunc: (dy, saved) => {
        const x = saved[0] as tf.Tensor;
        return {
          x: () => {
            const y = tf.sigmoid(x);
            return tf.mul(dy as tf.Tensor, tf.mul(y, tf.sub(one(), y)));
          },
        };
      },
    },
    {
      kernelName: "Tanh",
      inputsToSave: ["x"],
      gradFunc: (dy, saved) => {
        const x = saved[0] as tf.Tensor;
        return { x: () => tf.mul(tf.sub(one(), tf.square(tf.tanh(x))), dy as tf.Tensor) };
      },
    },
    {
      kernelName: "Exp",
      inputsToSave: ["x"],
      gradFunc: (dy, saved) => {
        const x = saved[0] as tf.Tensor;
        return { x: () => tf.mul(dy as tf.Tensor, tf.exp(x)) };
      },
    },
    {
      kernelName: "Softmax",
      inputsToSave: ["logits"],
      gradFunc: (dy, saved, attrs) => {
        const logits = saved[0] as tf.Tensor;
        const dim = Number(attrs.dim);
        return {
          logits: () => {
            const y = tf.softmax(logits, dim);
            const dyy = tf.mul(dy as tf.Tensor, y);
            return tf.sub(dyy, tf.mul(tf.sum(dyy, [dim], true), y));
          },
        };
      },
    },
    {
      // tfjs: EluGrad(dy, y) on the saved output, a kernel without a gradient. Here elu′(x) = e^{min(x, 0)}.
      kernelName: "Elu",
      inputsToSave: ["x"],
      gradFunc: (dy, saved) => {
        const x = saved[0] as tf.Tensor;
        return { x: () => tf.mul(dy as tf.Tensor, tf.exp(tf.minimum(x, 0))) };
      },
    },
    _minMaxGrad("Max", "reductionIndices", tf.max),
    _minMaxGrad("Min", "axis", tf.min),
    {
      kernelName: "Pow",
      inputsToSave: ["a", "b"],
      gradFunc: (dy, saved) => {
        const base = saved[0] as tf.Tensor, exp = saved[1] as tf.Tensor;
        const g = dy as tf.Tensor;
        const outShape = tf.broadcast_util.assertAndGetBroadcastShape(base.shape, exp.shape);
        const reduceTo = (t: tf.Tensor, shape: number[]) => {
          const axes = tf.broadcast_util.getReductionAxes(shape, outShape);
          return tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, shape);
        };
        return {
          a: () => {
            const e = tf.cast(exp, "float32");
            return reduceTo(tf.mul(g, tf.mul(e, tf.pow(base, tf.sub(e, one())))), base.shape);
          },
          b: () => {
            const logBase = tf.where(tf.greater(base, 0), tf.log(base), tf.zerosLike(base));
            return reduceTo(tf.mul(g, tf.mul(tf.pow(base, exp), logBase)), exp.shape);
          },
        };
      },
    },
  ];
}

function _minMaxGrad(
  kernelName: string,
  axisAttr: string,
  reduce: (x: tf.Tensor, axis: number[], keepDims: boolean) => tf.Tensor,
): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as tf.Tensor;
      const axes = tf.util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
      return {
        x: () => {
          const y = reduce(x, axes, true);
          let g = dy as tf.Tensor;
          if (g.rank < x.rank) g = tf.reshape(g, tf.backend_util.expandShapeToKeepDim(g.shape, axes));
          return tf.mul(g, tf.cast(tf.equal(x, y), g.dtype));
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Install / uninstall / status
// ---------------------------------------------------------------------------------------------------

const _NEW_KERNELS: ReadonlyArray<readonly [string, _KernelFn]> = [
  ["UnsortedSegmentSum", _unsortedSegmentSum],
  ["Conv2DBackpropFilter", _conv2DBackpropFilter],
  ["DepthwiseConv2dNativeBackpropInput", _depthwiseBackpropInput],
  ["DepthwiseConv2dNativeBackpropFilter", _depthwiseBackpropFilter],
  ["Einsum", _einsum],
];

/** Existing wasm kernels replaced by faster versions (the original is kept for uninstall). */
const _REPLACED_KERNELS: ReadonlyArray<readonly [string, (original: tf.KernelConfig) => _KernelFn]> = [
  ["BatchMatMul", _wrapTransposedMatMul],
  ["_FusedMatMul", _wrapTransposedMatMul],
  ["Conv2DBackpropInput", () => (args) => _conv2DBackpropInput(args)],
  ["Sign", () => (args) => _exactSign(args)],
  [
    "Identity",
    (original) => (args) =>
      _in(args, "x").dtype === "string"
        ? original.kernelFunc(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo
        : _aliasIdentity(args),
  ],
];
const _WRAPPED_KERNELS: readonly string[] = _REPLACED_KERNELS.map(([n]) => n);

/**
 * Installs every fill listed in this module's documentation: missing wasm kernels, the fast
 * transposed-matmul wrappers, and the gradient configs. Idempotent (each fill is marked and installed
 * once); safe before any backend is set (it registers for `wasm` by name; the kernels bind to the backend
 * when tfjs initializes it). `initTf()` calls it.
 *
 * Why globally and not as helper ops: so that library and notebook code uses plain `tf.gather`,
 * `tf.conv2d`, `tf.matMul`, `tf.leakyRelu`, layers and optimizers, and a gap has one fix, tested once.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { assert } from "@std/assert";
 * import { installWasmGapFills, wasmGapFillStatus } from "@lib/core/tf_ops.ts";
 * installWasmGapFills();
 * installWasmGapFills(); // idempotent
 * assert(tf.getKernel("UnsortedSegmentSum", "wasm") !== undefined);
 * assert(Object.values(wasmGapFillStatus()).every((ok) => ok));
 * ```
 */
export function installWasmGapFills(): void {
  for (const [name, fn] of _NEW_KERNELS) {
    const k = _kernel(name);
    if (k === undefined) {
      tf.registerKernel({
        kernelName: name,
        backendName: "wasm",
        kernelFunc: _mark((args: _KernelArgs) => fn(args), null) as unknown as tf.KernelFunc,
      });
    }
  }
  for (const [name, make] of _REPLACED_KERNELS) {
    const k = _kernel(name);
    if (k === undefined || _isMarked(k.kernelFunc)) continue;
    const wrapped = _mark(make(k), k);
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ ...k, kernelFunc: wrapped as unknown as tf.KernelFunc });
  }
  for (const [name, inputs] of _NON_DIFFERENTIABLE) {
    if (_gradient(name) === undefined) {
      const cfg = _zeroGrad(name, inputs);
      _mark(cfg.gradFunc, null);
      tf.registerGradient(cfg);
    }
  }
  for (const cfg of _replacedGrads()) {
    const old = _gradient(cfg.kernelName);
    if (old !== undefined && _isMarked(old.gradFunc)) continue;
    _mark(cfg.gradFunc, old ?? null);
    tf.registerGradient(cfg);
  }
}

/**
 * Undoes {@link installWasmGapFills}: unregisters the added kernels and gradients and restores tfjs's own
 * where one was replaced. For benchmarks ("before") and for tests that show a gap is still real upstream;
 * library code never calls it. Idempotent.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { assert } from "@std/assert";
 * import { installWasmGapFills, uninstallWasmGapFills } from "@lib/core/tf_ops.ts";
 * uninstallWasmGapFills();
 * assert(tf.getKernel("UnsortedSegmentSum", "wasm") === undefined); // the gap, as shipped by tfjs 4.22
 * installWasmGapFills();
 * assert(tf.getKernel("UnsortedSegmentSum", "wasm") !== undefined);
 * ```
 */
export function uninstallWasmGapFills(): void {
  for (const name of [..._NEW_KERNELS.map(([n]) => n), ..._WRAPPED_KERNELS]) {
    const k = _kernel(name);
    if (k === undefined || !_isMarked(k.kernelFunc)) continue;
    const original = _replaced(k.kernelFunc) as tf.KernelConfig | null;
    tf.unregisterKernel(name, "wasm");
    if (original !== null) tf.registerKernel(original);
  }
  const gradNames = [..._NON_DIFFERENTIABLE.map(([n]) => n), ..._replacedGrads().map((c) => c.kernelName)];
  for (const name of gradNames) {
    const g = _gradient(name);
    if (g === undefined || !_isMarked(g.gradFunc)) continue;
    const original = _replaced(g.gradFunc) as tf.GradConfig | null;
    tf.unregisterGradient(name);
    if (original !== null) tf.registerGradient(original);
  }
}

/**
 * Which fills are in place, by name: `"wasm:<Kernel>"` for kernels added or wrapped on the wasm backend,
 * `"grad:<Kernel>"` for gradient configs. All `true` after {@link installWasmGapFills}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { installWasmGapFills, wasmGapFillStatus } from "@lib/core/tf_ops.ts";
 * installWasmGapFills();
 * const status = wasmGapFillStatus();
 * assertEquals(status["wasm:BatchMatMul"], true);
 * assertEquals(status["grad:Greater"], true);
 * ```
 */
export function wasmGapFillStatus(): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const name of [..._NEW_KERNELS.map(([n]) => n), ..._WRAPPED_KERNELS]) {
    out[`wasm:${name}`] = _isMarked(_kernel(name)?.kernelFunc);
  }
  for (const name of [..._NON_DIFFERENTIABLE.map(([n]) => n), ..._replacedGrads().map((c) => c.kernelName)]) {
    out[`grad:${name}`] = _isMarked(_gradient(name)?.gradFunc);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Ops tfjs lacks or gets wrong in a way no registry entry can fix
// ---------------------------------------------------------------------------------------------------

function _checkTensor(where: string, name: string, x: unknown): tf.Tensor {
  if (!(x instanceof tf.Tensor)) typeError(where, name, "a tf.Tensor", x);
  if (x.isDisposed) rangeError(where, name, "a live tensor", "a disposed tensor");
  return x;
}

function _checkFloat(where: string, name: string, x: unknown): tf.Tensor {
  const t = _checkTensor(where, name, x);
  if (t.dtype !== "float32") rangeError(where, `${name}.dtype`, `"float32"`, t.dtype);
  return t;
}

const _stop = tf.customGrad((x) => ({
  value: (x as tf.Tensor).clone(),
  gradFunc: (dy) => tf.zerosLike(dy),
}));

/**
 * Identity in the forward pass, zero gradient in the backward pass: sg(x) = x, ∂sg(x)/∂x = 0
 * (TensorFlow's `stop_gradient`, JAX's `lax.stop_gradient`; tfjs 4.22 has none). Used for straight-through
 * estimators (x + sg(q − x)), target networks, and stable log-sum-exp shifts.
 *
 * @param x any tensor
 * @returns a new tensor equal to `x`, through which no gradient flows
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { assertEquals } from "@std/assert";
 * import { stopGradient } from "@lib/core/tf_ops.ts";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * await initTf();
 * const x = tf.tensor1d([1, 2, 3]);
 * // d/dx [x² + sg(x)·x] = 2x + sg(x) = 3x
 * const g = tf.grad((v: tf.Tensor) => v.square().add(stopGradient(v).mul(v)).sum())(x);
 * assertEquals(Array.from(g.dataSync()), [3, 6, 9]);
 * tf.dispose([x, g]);
 * ```
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  _checkTensor("stopGradient", "x", x);
  return _stop(x) as T;
}

/**
 * Element-wise log σ(x) = −softplus(−x) = −log(1 + e^{−x}), stable for large |x| (−x for x ≪ 0, −e^{−x}
 * for x ≫ 0), with gradient σ(−x) and twice differentiable. Use it instead of `tf.logSigmoid`, whose
 * gradient in tfjs 4.22 reads a disposed tensor and throws whenever its input is not a leaf
 * (e.g. `tf.logSigmoid(w.mul(x))` inside `optimizer.minimize`).
 *
 * @param x float32 tensor
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { assertAlmostEquals } from "@std/assert";
 * import { logSigmoid } from "@lib/core/tf_ops.ts";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * await initTf();
 * const x = tf.tensor1d([-200, 0, 200]);
 * const [a, b, c] = Array.from(logSigmoid(x).dataSync());
 * assertAlmostEquals(a!, -200, 1e-4);
 * assertAlmostEquals(b!, -Math.LN2, 1e-6);
 * assertAlmostEquals(c!, 0, 1e-6);
 * // gradient σ(−x) of a non-leaf input (tf.logSigmoid throws here)
 * const g = tf.grad((v: tf.Tensor) => logSigmoid(v.mul(2)).sum())(tf.scalar(0));
 * assertAlmostEquals(g.dataSync()[0]!, 1, 1e-6);
 * ```
 */
export function logSigmoid<T extends tf.Tensor>(x: T): T {
  _checkFloat("logSigmoid", "x", x);
  return tf.tidy(() => tf.neg(tf.softplus(tf.neg(x)))) as T;
}

/**
 * log softmax along `axis`: log p_i = x_i − m − log Σ_j e^{x_j − m} with m = sg(max_j x_j) (the shift
 * changes no value and, through {@link stopGradient}, no gradient). Unlike `tf.logSoftmax` (a
 * custom-gradient op, last axis only) it is twice differentiable and takes any axis.
 *
 * @param x float32 tensor of rank ≥ 1
 * @param axis the axis to normalize (default −1, the last)
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { assertAlmostEquals } from "@std/assert";
 * import { logSoftmax } from "@lib/core/tf_ops.ts";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * await initTf();
 * const lp = logSoftmax(tf.tensor2d([[0, 0], [1000, 0]]));
 * const v = lp.dataSync();
 * assertAlmostEquals(v[0]!, -Math.LN2, 1e-6);
 * assertAlmostEquals(v[2]!, 0, 1e-6);
 * assertAlmostEquals(v[3]!, -1000, 1e-3);
 * ```
 */
export function logSoftmax<T extends tf.Tensor>(x: T, axis = -1): T {
  const t = _checkFloat("logSoftmax", "x", x);
  if (t.rank < 1) rangeError("logSoftmax", "x.rank", "≥ 1", t.rank);
  if (!Number.isInteger(axis) || axis < -t.rank || axis >= t.rank) {
    rangeError("logSoftmax", "axis", `an integer in [${-t.rank}, ${t.rank - 1}]`, axis);
  }
  return tf.tidy(() => {
    const shifted = tf.sub(t, stopGradient(tf.max(t, axis, true)));
    return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
  }) as T;
}
