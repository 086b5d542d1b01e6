/**
 * tfjs set-up: backend choice, verification, and the wasm gap-fillers.
 *
 * tfjs 4.22 under Deno: the `wasm` backend (SIMD, one thread) is ≈ 40 GFLOP/s on matmul, the pure-JS
 * `cpu` backend 20–40× slower. `tf.setBackend` fails *silently* (it resolves `false` and stays where it
 * was), so {@link initTf} checks `tf.getBackend()` afterwards and throws if the switch did not happen.
 * Two opt-ins make it faster at the price of an extra dependency: XNNPACK on several threads
 * (`tf_threads.ts`, bit-identical) and matmul on the native OpenBLAS (`tf_blas.ts`, 5–6× faster at 1024²,
 * last bits machine-dependent).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { installWasmGapFills } from "./tf_ops.ts";
import { setTfThreads, tfThreadsFromEnv } from "./tf_threads.ts";
import { disableTfBlas, enableTfBlas, tfBlasFromEnv } from "./tf_blas.ts";

/** Backends the library supports. */
export type TfBackend = "wasm" | "cpu";

let prodMode = false;

/** Options of {@link initTf}. */
export interface InitTfOptions {
  /**
   * Opt-in: run the wasm backend's XNNPACK kernels on this many threads (see `tf_threads.ts`; results
   * are bit-identical to one thread). Default: `KEXUE_TF_THREADS` from the environment, else untouched
   * (one thread).
   */
  threads?: number;
  /**
   * Opt-in: run `tf.matMul` (and every matmul gradient) on the native OpenBLAS through Deno FFI (see
   * `tf_blas.ts`): `true` = one BLAS thread, a number = that many threads, `false` = XNNPACK. Faster by
   * 5× and more on matmul-heavy work, but results move in the last bits between machines, so committed
   * notebooks do not use it. Default: `KEXUE_TF_BLAS` from the environment, else off. Where OpenBLAS
   * cannot load it stays off; `tfBlasInfo()` (`tf_blas.ts`) says why.
   */
  blas?: boolean | number;
}

/**
 * Selects and verifies a tfjs backend, silences the tfjs banner and installs the wasm gap-fillers
 * (see `tf_ops.ts`). Idempotent; call it once at the top of a notebook or test.
 *
 * @param backend "wasm" (default) or "cpu"
 * @param options opt-in threads or native BLAS for "wasm" (see {@link InitTfOptions})
 * @returns the active backend name
 * @throws Error if tfjs did not switch to the requested backend
 */
export async function initTf(backend: TfBackend = "wasm", options: InitTfOptions = {}): Promise<TfBackend> {
  if (backend !== "wasm" && backend !== "cpu") {
    throw new RangeError(`initTf: backend must be "wasm" or "cpu", got ${JSON.stringify(backend)}`);
  }
  if (!prodMode) {
    tf.enableProdMode();
    prodMode = true;
  }
  installWasmGapFills();
  const threads = backend === "wasm" ? options.threads ?? tfThreadsFromEnv() : undefined;
  if (threads !== undefined) await setTfThreads(threads);
  if (tf.getBackend() !== backend) {
    const ok = await tf.setBackend(backend);
    await tf.ready();
    const active = tf.getBackend();
    if (!ok || active !== backend) {
      throw new Error(
        `initTf: could not switch tfjs to the "${backend}" backend (setBackend returned ${ok}, active backend is "${active}")`,
      );
    }
  }
  if (backend === "wasm") {
    const blas = options.blas ?? tfBlasFromEnv();
    if (blas === false) disableTfBlas();
    else if (blas !== undefined) enableTfBlas({ threads: blas === true ? 1 : blas });
  }
  return backend;
}

export { tf };
