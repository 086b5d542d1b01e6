/**
 * The pthread worker of tfjs-backend-wasm's threaded SIMD build, for Deno (see `tf_threads.ts`).
 *
 * Under Deno the backend's Emscripten glue runs in its Node mode and starts each pthread with
 * `new (require("worker_threads").Worker)(path)`. tfjs passes a `blob:` URL of its own worker script,
 * which Deno's `worker_threads` rejects (ERR_WORKER_PATH), and that script would `importScripts` a Blob.
 * This module is started instead (`tf_threads.ts` hands out its file path) and speaks the same
 * protocol: `load` (instantiate the shared wasm module on the shared memory, then answer `loaded`),
 * `run` (enter a pthread's start routine), `cancel`, `processProxyingQueue`.
 *
 * Plain JavaScript on purpose: it is evaluated by `node:worker_threads`, and the glue it evaluates
 * refers to the bundle's module-scope names (`require$$0` … `commonjsGlobal`), provided here as globals.
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import perfHooks from "node:perf_hooks";
import { createRequire } from "node:module";

const g = globalThis;
const here = new URL(import.meta.url).pathname;
if (parentPort) {
  Object.assign(g, {
    require: createRequire(import.meta.url),
    require$$0: fs,
    require$$1: path,
    require$$3: perfHooks,
    require$$4: os,
    commonjsGlobal: g,
    __filename: here,
    __dirname: path.dirname(here),
    _scriptDir: here,
    self: g,
    // the glue tests `typeof importScripts` to know that it runs in a worker
    importScripts: () => {
      throw new Error("tf_threads_worker: importScripts is not available");
    },
  });
  g.postMessage = (msg) => parentPort.postMessage(msg);
  startPthreadWorker(parentPort);
}

function startPthreadWorker(port) {
  let mod = {};
  let entered = false;
  const pendingQueues = [];
  // called by the glue (free name `startWorker`) once the instance is ready
  g.startWorker = (instance) => {
    mod = instance;
    port.postMessage({ cmd: "loaded" });
  };

  async function handle(data) {
    if (data.cmd === "load") {
      mod.wasmModule = data.wasmModule;
      for (const h of data.handlers) {
        mod[h] = (...args) => port.postMessage({ cmd: "callHandler", handler: h, args });
      }
      mod.wasmMemory = data.wasmMemory;
      mod.buffer = data.wasmMemory.buffer;
      mod.ENVIRONMENT_IS_PTHREAD = true;
      mod.instantiateWasm = (info, receive) => {
        const instance = new WebAssembly.Instance(mod.wasmModule, info);
        receive(instance);
        mod.wasmModule = null;
        return instance.exports;
      };
      const source = typeof data.urlOrBlob === "string"
        ? fs.readFileSync(data.urlOrBlob, "utf8")
        : await data.urlOrBlob.text();
      (0, eval)(source); // defines the global factory `WasmBackendModuleThreadedSimd`
      g.WasmBackendModuleThreadedSimd(mod);
    } else if (data.cmd === "run") {
      mod.__emscripten_thread_init(data.pthread_ptr, 0, 0, 1);
      mod.establishStackSpace();
      mod.PThread.receiveObjectTransfer(data);
      mod.PThread.threadInitTLS();
      if (!entered) {
        for (const q of pendingQueues) mod.executeNotifiedProxyingQueue(q);
        pendingQueues.length = 0;
        entered = true;
      }
      try {
        mod.invokeEntryPoint(data.start_routine, data.arg);
      } catch (e) {
        if (e === "unwind") return;
        if (!(e instanceof mod.ExitStatus)) throw e;
        if (!mod.keepRuntimeAlive()) mod.__emscripten_thread_exit(e.status);
      }
    } else if (data.cmd === "cancel") {
      if (mod._pthread_self()) mod.__emscripten_thread_exit(-1);
    } else if (data.cmd === "processProxyingQueue") {
      if (entered) mod.executeNotifiedProxyingQueue(data.queue);
      else pendingQueues.push(data.queue);
    }
  }

  // messages are handled strictly in order (`load` awaits the script text)
  let chain = Promise.resolve();
  port.on("message", (data) => {
    chain = chain.then(() => handle(data));
  });
}
