/**
 * Opt-in multi-threaded tfjs `wasm` backend under Deno (issue 11, "use both cores").
 *
 * tfjs-backend-wasm 4.22 ships a threaded SIMD build (`tfjs-backend-wasm-threaded-simd.wasm`,
 * XNNPACK on a `pthreadpool`) but never uses it under Deno, for three reasons found by reading its
 * Node bundle (`dist/tf-backend-wasm.node.js`, the file Deno loads):
 *
 * 1. the flag `WASM_HAS_MULTITHREAD_SUPPORT` returns `false` whenever `IS_NODE` is true, and Deno
 *    exposes `process.versions.node`, so tfjs believes it runs in Node (its TODO cites tfjs#3830);
 * 2. with the flag forced on, the Emscripten glue (in Node mode) starts its 8 pool workers with
 *    `require("worker_threads").Worker(blobUrl)`; Deno's `worker_threads` accepts only file paths
 *    (`ERR_WORKER_PATH`), and the worker script would then `importScripts` a Blob;
 * 3. once workers start, the C++ side caps the pool at `emscripten_num_logical_cores() / 2`
 *    (`os.cpus().length / 2` in Node mode), i.e. one thread on a 2-core machine.
 *
 * {@link setTfThreads} fixes all three for the duration of the backend's start-up only: it sets the
 * flag, hands the glue the path of `tf_threads_worker.js` (a worker speaking the same pthread
 * protocol) in place of the Blob URL, and reports `2·threads` logical cores to the glue. Nothing of
 * tfjs is modified on disk. If anything fails (no `SharedArrayBuffer`, workers cannot start, fewer
 * threads than asked) it falls back to the ordinary single-threaded SIMD build and says why.
 *
 * Results are bit-identical to one thread for what was tested (`tests/core/tf_threads_test.ts`):
 * XNNPACK splits matmuls/convolutions over output tiles, never over the summed dimension, and every
 * other kernel of the backend is single-threaded C++ or the JS fills of `tf_ops.ts`.
 *
 * Opt-in: the default (`initTf()`) stays single-threaded. Use `initTf("wasm", { threads: 2 })`, call
 * {@link setTfThreads} before creating tensors, or set `KEXUE_TF_THREADS=2` in the environment.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import * as tfWasm from "@tensorflow/tfjs-backend-wasm";
import os from "node:os";
import { Worker as NodeWorker } from "node:worker_threads";
import { rangeError } from "./validate.ts";
import { threadsFromEnv } from "./env.ts";

/** What {@link setTfThreads} achieved. */
export interface TfThreadsInfo {
  /** threads asked for */
  requested: number;
  /** threads XNNPACK's pool actually has (1 = the single-threaded SIMD build) */
  threads: number;
  /** true when the threaded SIMD build is the active `wasm` backend */
  threaded: boolean;
  /** why fewer threads than requested are in use, if so */
  reason?: string;
}

/** Options of {@link setTfThreads}. */
export interface SetTfThreadsOptions {
  /**
   * Absolute file path of the pthread worker script (default: `tf_threads_worker.js` next to this
   * module). Tests pass a missing file to exercise the fallback.
   */
  workerPath?: string;
}

/** The most threads the tfjs build can use (it pre-creates 8 workers). */
export const MAX_TF_THREADS = 8;

/** Environment variable read by `initTf` to opt in: `KEXUE_TF_THREADS=2`. */
export const TF_THREADS_ENV = "KEXUE_TF_THREADS";

let current: TfThreadsInfo = { requested: 1, threads: 1, threaded: false };
let configured = false;

/**
 * Threads the active `wasm` backend uses (1 unless {@link setTfThreads} started the threaded build).
 *
 * @example
 * ```ts
 * import { tfThreads } from "@lib/core/tf_threads.ts";
 * console.log(tfThreads()); // 1 unless threads were switched on
 * ```
 */
export function tfThreads(): number {
  return current.threads;
}

/**
 * The last result of {@link setTfThreads} (a copy).
 *
 * @example
 * ```ts
 * import { tfThreadsInfo } from "@lib/core/tf_threads.ts";
 * const info = tfThreadsInfo();
 * console.log(info.threaded, info.threads);
 * ```
 */
export function tfThreadsInfo(): TfThreadsInfo {
  return { ...current };
}

/**
 * Parses `KEXUE_TF_THREADS` (or the given value): an integer in [1, {@link MAX_TF_THREADS}], or
 * undefined when unset/empty or when the environment cannot be read.
 *
 * @param value the raw value; default: the environment variable
 * @throws RangeError for a value that is set but not such an integer
 *
 * @example
 * ```ts
 * import { tfThreadsFromEnv } from "@lib/core/tf_threads.ts";
 * console.log(tfThreadsFromEnv("2")); // 2
 * console.log(tfThreadsFromEnv("")); // undefined
 * ```
 */
export function tfThreadsFromEnv(value?: string): number | undefined {
  return threadsFromEnv("tfThreadsFromEnv", TF_THREADS_ENV, MAX_TF_THREADS, value);
}

function defaultWorkerPath(): string | undefined {
  const url = new URL("./tf_threads_worker.js", import.meta.url);
  if (url.protocol !== "file:") return undefined;
  return decodeURIComponent(url.pathname);
}

function wasmInitialized(): boolean {
  const registry = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
  return "wasm" in registry;
}

/** Drops the wasm backend instance (terminating its workers) and registers its factory again. */
function resetWasmBackend(): void {
  const factory = tf.findBackendFactory("wasm");
  if (factory == null) throw new Error("setTfThreads: the tfjs wasm backend is not registered");
  const wasActive = tf.getBackend() === "wasm";
  tf.removeBackend("wasm");
  tf.registerBackend("wasm", factory, 2);
  if (wasActive) {
    // the engine forgets the active backend with it; anything created before is gone as well
    (tf.engine() as unknown as { backendName: string | null }).backendName = null;
  }
}

/**
 * The glue `ref()`s a worker while it runs a pthread, and XNNPACK's pool threads run for the backend's
 * lifetime, so a program would never exit: unref them (they still work while the program runs).
 */
function unrefWorkers(): void {
  type W = { unref?: () => void };
  const pt = (tf.backend() as unknown as { wasm?: { PThread?: { runningWorkers: W[]; unusedWorkers: W[] } } })
    .wasm?.PThread;
  for (const w of [...(pt?.runningWorkers ?? []), ...(pt?.unusedWorkers ?? [])]) w.unref?.();
}

/** Starts one worker from `workerPath` and waits until it runs (or fails, or 10 s pass). */
async function probeWorker(workerPath: string): Promise<string | undefined> {
  try {
    if (!Deno.statSync(workerPath).isFile) return `the worker script ${workerPath} is not a file`;
  } catch {
    return `the worker script ${workerPath} cannot be read`;
  }
  let worker: NodeWorker;
  try {
    worker = new NodeWorker(workerPath);
  } catch (e) {
    return `a worker cannot start (${(e as Error).message})`;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await new Promise<string | undefined>((resolve) => {
    worker.once("online", () => resolve(undefined));
    worker.once("error", (e: Error) => resolve(`a worker failed (${e.message})`));
    timer = setTimeout(() => resolve("a worker did not start within 10 s"), 10_000);
  });
  clearTimeout(timer);
  await worker.terminate();
  return outcome;
}

/** Starts the wasm backend once, with the start-up-only patches for the threaded build. */
async function startWasm(threads: number, workerPath: string | undefined): Promise<boolean> {
  const threaded = threads > 1;
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", threaded);
  tfWasm.setThreadsCount(threaded ? threads : -1);
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  if (threaded) {
    // the glue asks for its pthread worker script as a Blob URL of type application/javascript
    URL.createObjectURL = (obj: Blob) =>
      obj instanceof Blob && obj.type === "application/javascript" && workerPath !== undefined
        ? workerPath
        : createObjectURL(obj);
    const one = cpus()[0];
    (os as { cpus: () => os.CpuInfo[] }).cpus = () => Array.from({ length: 2 * threads }, () => one!);
  }
  const warn = console.warn;
  try {
    if (threaded) console.warn = () => {}; // tfjs logs its own failure; we report it in `reason`
    const ok = await tf.setBackend("wasm");
    await tf.ready();
    return ok && tf.getBackend() === "wasm";
  } catch {
    return false;
  } finally {
    console.warn = warn;
    URL.createObjectURL = createObjectURL;
    (os as { cpus: () => os.CpuInfo[] }).cpus = cpus;
  }
}

/**
 * Makes the tfjs `wasm` backend run XNNPACK (matmul, conv, …) on `threads` threads, or back on one.
 *
 * Re-creates the wasm backend when its thread count changes: call it before creating tensors (tensors
 * of the old backend become unusable). Leaves `wasm` as the active backend. Where threads cannot start
 * it falls back to one thread and fills `reason`; it throws only if even that fails.
 *
 * @param threads an integer in [1, {@link MAX_TF_THREADS}]; 1 = the default single-threaded SIMD build
 * @param options see {@link SetTfThreadsOptions}
 * @returns what is in use now
 * @throws RangeError for a bad `threads`; Error if the single-threaded backend cannot start either
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setTfThreads } from "@lib/core/tf_threads.ts";
 * const info = await setTfThreads(2);
 * console.log(info.threads, info.reason ?? "");
 * const y = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]));
 * console.log(y.dataSync()[0]); // 64
 * y.dispose();
 * await setTfThreads(1);
 * ```
 */
export async function setTfThreads(
  threads: number,
  options: SetTfThreadsOptions = {},
): Promise<TfThreadsInfo> {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_TF_THREADS) {
    rangeError("setTfThreads", "threads", `an integer in [1, ${MAX_TF_THREADS}]`, threads);
  }
  const workerPath = options.workerPath ?? defaultWorkerPath();
  if (wasmInitialized()) {
    if (configured && current.requested === threads && tf.getBackend() === "wasm") return tfThreadsInfo();
    if (!configured && threads === 1) {
      // started elsewhere (initTf), always single-threaded under Deno
      current = { requested: 1, threads: 1, threaded: false };
      configured = true;
      if (tf.getBackend() !== "wasm") await tf.setBackend("wasm");
      return tfThreadsInfo();
    }
    resetWasmBackend();
  }
  let reason: string | undefined;
  if (threads > 1) {
    if (typeof SharedArrayBuffer === "undefined") reason = "SharedArrayBuffer is not available";
    else if (workerPath === undefined) reason = "the worker script is not a local file";
    else if ((reason = await probeWorker(workerPath)) !== undefined) {
      // reason says why; fall through to one thread
    } else if (await startWasm(threads, workerPath)) {
      const got = tfWasm.getThreadsCount();
      if (got === threads) {
        unrefWorkers();
        current = { requested: threads, threads, threaded: true };
        configured = true;
        return tfThreadsInfo();
      }
      reason = `the threaded build started with ${got} thread(s)`;
      resetWasmBackend();
    } else {
      reason = "the threaded build did not start (its pthread workers failed)";
      if (wasmInitialized()) resetWasmBackend();
      else {
        const factory = tf.findBackendFactory("wasm");
        if (factory != null) {
          tf.removeBackend("wasm");
          tf.registerBackend("wasm", factory, 2);
        }
      }
    }
  }
  if (!(await startWasm(1, workerPath))) {
    throw new Error("setTfThreads: the single-threaded tfjs wasm backend did not start either");
  }
  current = { requested: threads, threads: 1, threaded: false, ...(reason === undefined ? {} : { reason }) };
  configured = true;
  return tfThreadsInfo();
}
