/**
 * Opt-in native matmul for the tfjs `wasm` backend: OpenBLAS `cblas_sgemm` through Deno FFI (issue 11,
 * "find a better-performing way to use all cores").
 *
 * The wasm backend multiplies with XNNPACK compiled to 128-bit wasm SIMD: 25–30 GFLOP/s at 1024² on one
 * thread here, 40–60 on two (`tf_threads.ts`). A native BLAS uses the machine's own vector width (AVX2,
 * AVX-512) and its own thread pool on the same data. {@link enableTfBlas} replaces the backend's
 * `BatchMatMul` kernel — the kernel behind `tf.matMul` and every matmul gradient — by one that calls
 *
 *     C_b = op(A_b) · op(B_b),   op(X) = X or Xᵀ,   b = 0 … batch−1   (cblas_sgemm, row-major)
 *
 * directly on the tensors' bytes in the wasm heap (no copies). Transposed operands cost nothing extra
 * (sgemm reads them in place), unlike XNNPACK, which transposes first. Batch dims broadcast when one
 * side has batch 1; any other case (non-float32, other broadcasts) goes to the original kernel.
 *
 * OpenBLAS 0.3.21 (Debian 12) does not recognise recent Xeons and falls back to its generic SSE3
 * "Prescott" kernels (≈ 21 GFLOP/s here). Unless `OPENBLAS_CORETYPE` is already set, the core type is
 * chosen from the CPU flags before the library loads ({@link openBlasCoreType}): with "Cooperlake"
 * kernels `tf.matMul` at 1024² runs at ≈ 180 GFLOP/s on one core of this machine and 240–320 on two
 * (`deno task bench`), and the toy-LM Adam step takes 15 ms instead of 29 (issue 11's note).
 *
 * **Why opt-in.** XNNPACK in wasm gives the same bits on every x86 or ARM machine; a native BLAS picks
 * kernels per CPU (FMA, AVX-512, summation blocking), so results move in the last bits between
 * machines. The committed notebooks therefore run on the default path; use this for exploration,
 * bigger runs and benchmarks: `initTf("wasm", { blas: true })` or `KEXUE_TF_BLAS=1`. Where OpenBLAS or
 * FFI is unavailable it falls back to XNNPACK and says why.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { rangeError } from "./validate.ts";
import { readEnv, threadsFromEnv } from "./env.ts";

/** What {@link enableTfBlas} achieved. */
export interface TfBlasInfo {
  /** true while `BatchMatMul` on `wasm` runs on the native BLAS */
  enabled: boolean;
  /** the shared library in use */
  library?: string;
  /** `openblas_get_config()`, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH … SkylakeX MAX_THREADS=64" */
  config?: string;
  /** OpenBLAS's kernel family, e.g. "SkylakeX" */
  coreName?: string;
  /** threads of the BLAS pool (1 = single-threaded) */
  threads: number;
  /** why the native path is not in use, if so */
  reason?: string;
}

/** Options of {@link enableTfBlas}. */
export interface EnableTfBlasOptions {
  /** BLAS threads, an integer in [1, 64] (default 1) */
  threads?: number;
  /** path of the shared library; default: `KEXUE_BLAS_LIB`, then the usual OpenBLAS locations */
  library?: string;
}

/** Environment variable read by `initTf` to opt in: `KEXUE_TF_BLAS=1` (or the thread count). */
export const TF_BLAS_ENV = "KEXUE_TF_BLAS";

/** Where OpenBLAS usually lives (Debian/Ubuntu x86-64 and arm64, Fedora, Homebrew). */
export const OPENBLAS_CANDIDATES: readonly string[] = [
  "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
  "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
  "/usr/lib64/libopenblas.so.0",
  "/usr/local/lib/libopenblas.so.0",
  "/usr/local/lib/libopenblas.so",
  "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
  "/usr/local/opt/openblas/lib/libopenblas.dylib",
];

const SYMBOLS = {
  cblas_sgemm: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f32",
      "buffer",
      "i32",
    ],
    result: "void",
  },
  openblas_set_num_threads: { parameters: ["i32"], result: "void" },
  openblas_get_num_threads: { parameters: [], result: "i32" },
  openblas_get_config: { parameters: [], result: "pointer" },
  openblas_get_corename: { parameters: [], result: "pointer" },
} as const;

type BlasLib = Deno.DynamicLibrary<typeof SYMBOLS>;

const ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

let lib: BlasLib | undefined;
let libPath: string | undefined;
let original: tf.KernelConfig | undefined;
let current: TfBlasInfo = { enabled: false, threads: 1 };

/**
 * The OpenBLAS kernel family to force for a CPU with these flags (`/proc/cpuinfo` names), or undefined
 * to let OpenBLAS decide: "Cooperlake" with AVX-512 BF16, "SkylakeX" with AVX-512 F/BW/DQ/VL,
 * "Haswell" with AVX2 + FMA. Only used on x86-64 and only when `OPENBLAS_CORETYPE` is unset.
 *
 * @param flags CPU feature flags
 *
 * @example
 * ```ts
 * import { openBlasCoreType } from "@lib/core/tf_blas.ts";
 * console.log(openBlasCoreType(new Set(["avx2", "fma"]))); // "Haswell"
 * ```
 */
export function openBlasCoreType(flags: ReadonlySet<string>): string | undefined {
  const all = (...f: string[]) => f.every((x) => flags.has(x));
  if (all("avx512f", "avx512bw", "avx512dq", "avx512vl")) {
    return all("avx512_bf16") ? "Cooperlake" : "SkylakeX";
  }
  if (all("avx2", "fma")) return "Haswell";
  return undefined;
}

/**
 * The OpenBLAS kernel family this process uses or will use: `OPENBLAS_CORETYPE` when set, else
 * {@link openBlasCoreType} of this CPU's flags (x86-64 Linux), else undefined (OpenBLAS decides).
 * `tools/bench/compare.ts` passes it to PyTorch's OpenBLAS so that both sides run the same kernels.
 *
 * @example
 * ```ts
 * import { openBlasCoreTypeHere } from "@lib/core/tf_blas.ts";
 * console.log(openBlasCoreTypeHere() ?? "OpenBLAS default");
 * ```
 */
export function openBlasCoreTypeHere(): string | undefined {
  const set = readEnv("OPENBLAS_CORETYPE");
  if (set) return set;
  return Deno.build.arch === "x86_64" ? openBlasCoreType(cpuFlags()) : undefined;
}

/**
 * Why the native kernel cannot be used here (no OpenBLAS, no FFI, no permission), or undefined when
 * OpenBLAS loads. Loads it as a side effect (once per process).
 *
 * @param library path of the shared library (default: as {@link enableTfBlas})
 *
 * @example
 * ```ts
 * import { tfBlasUnavailable } from "@lib/core/tf_blas.ts";
 * console.log(tfBlasUnavailable() ?? "OpenBLAS loads");
 * ```
 */
export function tfBlasUnavailable(library?: string): string | undefined {
  const l = load(library);
  return typeof l === "string" ? l : undefined;
}

function cpuFlags(): Set<string> {
  try {
    const text = Deno.readTextFileSync("/proc/cpuinfo");
    const line = text.split("\n").find((l) => l.startsWith("flags"));
    return new Set(line?.split(":")[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return new Set();
  }
}

function cString(p: Deno.PointerValue): string | undefined {
  return p === null ? undefined : new Deno.UnsafePointerView(p).getCString();
}

/** Loads OpenBLAS once (setting `OPENBLAS_CORETYPE` first where needed); a string says why it failed. */
function load(library: string | undefined): BlasLib | string {
  if (lib !== undefined) {
    if (library !== undefined && library !== libPath) {
      return `OpenBLAS is already loaded from ${libPath}; cannot switch to ${library} in this process`;
    }
    return lib;
  }
  if (typeof Deno === "undefined" || typeof Deno.dlopen !== "function") return "Deno FFI is not available";
  const fromEnv = readEnv("KEXUE_BLAS_LIB");
  const candidates = library !== undefined ? [library] : fromEnv ? [fromEnv] : [...OPENBLAS_CANDIDATES];
  const core = openBlasCoreTypeHere(); // OpenBLAS reads it once, when it loads
  if (core !== undefined && readEnv("OPENBLAS_CORETYPE") !== core) {
    try {
      Deno.env.set("OPENBLAS_CORETYPE", core);
    } catch (e) {
      return `the environment cannot be set (${(e as Error).message}); run with --allow-env`;
    }
  }
  const errors: string[] = [];
  for (const path of candidates) {
    try {
      Deno.statSync(path);
    } catch {
      errors.push(`${path}: not found`);
      continue;
    }
    try {
      lib = Deno.dlopen(path, SYMBOLS);
      libPath = path;
      return lib;
    } catch (e) {
      errors.push(`${path}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  return `no usable OpenBLAS (${errors.join("; ")}); on Debian: apt-get install libopenblas0-pthread`;
}

/**
 * `C = op(A)·op(B)` for row-major float32 matrices with OpenBLAS (`m×k` times `k×n`), the primitive of
 * the native kernel; loads the library if needed.
 *
 * @param a `m×k` (or `k×m` when `transA`)
 * @param b `k×n` (or `n×k` when `transB`)
 * @returns the `m×n` product
 * @throws RangeError for bad sizes; Error when no OpenBLAS can be loaded
 *
 * @example
 * ```ts ignore
 * import { blasMatMul } from "@lib/core/tf_blas.ts";
 * const c = blasMatMul(Float32Array.of(1, 2, 3, 4), Float32Array.of(1, 0, 0, 1), 2, 2, 2);
 * console.log(Array.from(c)); // [1, 2, 3, 4]
 * ```
 */
export function blasMatMul(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  transA = false,
  transB = false,
): Float32Array {
  for (const [name, v] of [["m", m], ["k", k], ["n", n]] as const) {
    if (!Number.isInteger(v) || v < 0) rangeError("blasMatMul", name, "a non-negative integer", v);
  }
  if (a.length !== m * k) rangeError("blasMatMul", "a.length", `m·k = ${m * k}`, a.length);
  if (b.length !== k * n) rangeError("blasMatMul", "b.length", `k·n = ${k * n}`, b.length);
  const l = load(undefined);
  if (typeof l === "string") throw new Error(`blasMatMul: ${l}`);
  const c = new Float32Array(m * n);
  sgemm(l, a, b, c, m, k, n, transA, transB);
  return c;
}

function sgemm(
  l: BlasLib,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    c.fill(0);
    return;
  }
  l.symbols.cblas_sgemm(
    ROW_MAJOR,
    ta ? TRANS : NO_TRANS,
    tb ? TRANS : NO_TRANS,
    m,
    n,
    k,
    1,
    a,
    ta ? m : k,
    b,
    tb ? k : n,
    0,
    c,
    n,
  );
}

interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(id: unknown): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  disposeData(dataId: unknown): void;
}

const prod = (s: readonly number[]) => s.reduce((p, q) => p * q, 1);

function nativeBatchMatMul(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo | tf.TensorInfo[] {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const ta = Boolean(args.attrs?.transposeA), tb = Boolean(args.attrs?.transposeB);
  const ra = a.shape.length, rb = b.shape.length;
  const batchA = prod(a.shape.slice(0, -2)), batchB = prod(b.shape.slice(0, -2));
  const broadcastOk = batchA === batchB || batchA === 1 || batchB === 1;
  if (
    lib === undefined || a.dtype !== "float32" || b.dtype !== "float32" || ra < 2 || rb < 2 || !broadcastOk
  ) {
    return original!.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
  }
  const m = ta ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = ta ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = tb ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = tb ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (k !== kb) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} ` +
        `and transposeA=${ta} and transposeB=${tb} must match.`,
    );
  }
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  if (prod(outer) !== Math.max(batchA, batchB)) {
    return original!.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
  }
  const backend = args.backend as WasmBackendLike;
  const batch = Math.max(batchA, batchB);
  const out = backend.makeOutput([...outer, m, n], "float32");
  // read the heap after makeOutput: its malloc may have grown (and replaced) the wasm memory
  const buf = backend.wasm.HEAPU8.buffer;
  if (!(buf instanceof ArrayBuffer)) {
    // threaded backend (shared heap) started after enableTfBlas: FFI does not take shared memory
    backend.disposeData(out.dataId);
    return original!.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
  }
  const offA = backend.dataIdMap.get(a.dataId).memoryOffset;
  const offB = backend.dataIdMap.get(b.dataId).memoryOffset;
  const offC = backend.dataIdMap.get(out.dataId).memoryOffset;
  const sa = m * k, sb = k * n, sc = m * n;
  for (let i = 0; i < batch; i++) {
    const av = new Float32Array(buf, offA + 4 * (batchA === 1 ? 0 : i * sa), sa);
    const bv = new Float32Array(buf, offB + 4 * (batchB === 1 ? 0 : i * sb), sb);
    const cv = new Float32Array(buf, offC + 4 * i * sc, sc);
    sgemm(lib, av, bv, cv, m, k, n, ta, tb);
  }
  return out;
}

/** `tf_ops.ts` marks its kernels with this symbol so that `installWasmGapFills` never wraps them twice. */
const FILL_MARK = Symbol.for("kexue.tf_ops.fill");

/** Marks this module's kernel function, so that {@link nativeActive} can recognise it in the registry. */
const NATIVE_MARK = Symbol("kexue.tf_blas.native");

/**
 * The registered kernel function: {@link nativeBatchMatMul}, marked as a `tf_ops.ts` fill replacing
 * tfjs's own kernel, so that a later `initTf()` (which re-installs the fills) leaves it alone and
 * `uninstallWasmGapFills()` restores tfjs's kernel.
 */
function nativeKernel(): tf.KernelFunc {
  const f =
    ((args: Parameters<typeof nativeBatchMatMul>[0]) => nativeBatchMatMul(args)) as unknown as tf.KernelFunc;
  const replaced = (original?.kernelFunc as unknown as Record<symbol, unknown> | undefined)?.[FILL_MARK] ??
    original;
  Object.defineProperty(f, FILL_MARK, { value: replaced ?? null, enumerable: false, configurable: true });
  Object.defineProperty(f, NATIVE_MARK, { value: true, enumerable: false });
  return f;
}

/** Whether the registered wasm `BatchMatMul` is this module's native kernel. */
function nativeActive(): boolean {
  const k = tf.getKernel("BatchMatMul", "wasm")?.kernelFunc as unknown as Record<symbol, unknown> | undefined;
  return k?.[NATIVE_MARK] === true;
}

/**
 * The last result of {@link enableTfBlas} / {@link disableTfBlas} (a copy), with `enabled` re-checked
 * against the kernel registry (false if the native kernel was unregistered meanwhile).
 *
 * @example
 * ```ts
 * import { tfBlasInfo } from "@lib/core/tf_blas.ts";
 * console.log(tfBlasInfo().enabled); // false unless switched on
 * ```
 */
export function tfBlasInfo(): TfBlasInfo {
  if (current.enabled && !nativeActive()) {
    return { ...current, enabled: false, reason: "BatchMatMul was re-registered by someone else" };
  }
  return { ...current };
}

/**
 * Parses `KEXUE_TF_BLAS` (or the given value): "1"/"on" → 1 thread, an integer n ≥ 1 → n threads,
 * "0"/"off"/unset → undefined (not opted in).
 *
 * @param value the raw value; default: the environment variable
 * @throws RangeError for any other value
 *
 * @example
 * ```ts
 * import { tfBlasFromEnv } from "@lib/core/tf_blas.ts";
 * console.log(tfBlasFromEnv("2"), tfBlasFromEnv("off")); // 2 undefined
 * ```
 */
export function tfBlasFromEnv(value?: string): number | undefined {
  return threadsFromEnv("tfBlasFromEnv", TF_BLAS_ENV, 64, value, true);
}

/**
 * Routes `BatchMatMul` on the tfjs `wasm` backend to OpenBLAS `cblas_sgemm` (see the module docs).
 * Safe to call again (to change threads). Falls back — leaving XNNPACK in place and filling `reason` —
 * when no OpenBLAS can be loaded or when the wasm backend runs threaded (its heap is a
 * `SharedArrayBuffer`, which FFI does not take).
 *
 * @param options threads and library path, see {@link EnableTfBlasOptions}
 * @returns what is in use now
 * @throws RangeError for a bad `threads`
 *
 * @example
 * ```ts ignore
 * import * as tf from "@tensorflow/tfjs";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { disableTfBlas, enableTfBlas } from "@lib/core/tf_blas.ts";
 * await initTf();
 * console.log(enableTfBlas({ threads: 2 }));
 * console.log(tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).dataSync()[0]); // 64
 * disableTfBlas();
 * ```
 */
export function enableTfBlas(options: EnableTfBlasOptions = {}): TfBlasInfo {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    rangeError("enableTfBlas", "threads", "an integer in [1, 64]", threads);
  }
  const heap = (tf.findBackend("wasm") as unknown as WasmBackendLike | null)?.wasm?.HEAPU8;
  if (
    heap !== undefined && typeof SharedArrayBuffer !== "undefined" && heap.buffer instanceof SharedArrayBuffer
  ) {
    disableTfBlas();
    current = {
      enabled: false,
      threads: 1,
      reason: "the wasm backend runs threaded (shared heap); use one or the other",
    };
    return tfBlasInfo();
  }
  const l = load(options.library);
  if (typeof l === "string") {
    disableTfBlas();
    current = { enabled: false, threads: 1, reason: l };
    return tfBlasInfo();
  }
  l.symbols.openblas_set_num_threads(threads);
  if (original === undefined || !nativeActive()) {
    // first call, or someone re-registered BatchMatMul meanwhile: what is registered becomes the fallback
    const registered = tf.getKernel("BatchMatMul", "wasm");
    if (registered === undefined) {
      current = {
        enabled: false,
        threads: 1,
        reason: "the wasm backend has no BatchMatMul kernel registered",
      };
      return tfBlasInfo();
    }
    original = registered;
    tf.unregisterKernel("BatchMatMul", "wasm");
    tf.registerKernel({ ...original, kernelFunc: nativeKernel() });
  }
  current = {
    enabled: true,
    library: libPath,
    config: cString(l.symbols.openblas_get_config()),
    coreName: cString(l.symbols.openblas_get_corename()),
    threads: l.symbols.openblas_get_num_threads(),
  };
  return tfBlasInfo();
}

/**
 * Puts XNNPACK's `BatchMatMul` back (no-op when the native kernel is not installed). The library stays
 * loaded for the life of the process.
 *
 * @example
 * ```ts
 * import { disableTfBlas, tfBlasInfo } from "@lib/core/tf_blas.ts";
 * disableTfBlas();
 * console.log(tfBlasInfo().enabled); // false
 * ```
 */
export function disableTfBlas(): void {
  if (original !== undefined) {
    if (nativeActive()) {
      tf.unregisterKernel("BatchMatMul", "wasm");
      tf.registerKernel(original);
    }
    original = undefined;
  }
  current = { enabled: false, threads: 1 };
}
