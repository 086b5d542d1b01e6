/**
 * Kernels and training steps the notebooks spend their time in (issue 11): matmuls (plain and with a
 * transposed operand), attention forward+backward, one Adam step of each shared toy model, and plot
 * rendering. Workloads are defined in `bench/workloads.ts`; `deno task bench` prints time per call,
 * `deno run -A tools/bench/report.ts` the same as GFLOP/s and steps/s for 1 and 2 threads.
 *
 * Threads: `KEXUE_TF_THREADS=2 deno bench -A bench/models_bench.ts` (see `lib/core/tf_threads.ts`);
 * native OpenBLAS matmul on 2 threads: `KEXUE_TF_BLAS=2 deno bench -A bench/models_bench.ts` (see
 * `lib/core/tf_blas.ts`).
 */
import { initTf } from "@lib/core/tf_setup.ts";
import { tfThreads } from "@lib/core/tf_threads.ts";
import { tfBlasFromEnv, tfBlasInfo } from "@lib/core/tf_blas.ts";
import { WORKLOADS } from "./workloads.ts";
import { PLOT_WORKLOAD } from "./workloads_plot.ts";

await initTf();
const blas = tfBlasInfo();
if (tfBlasFromEnv() !== undefined && !blas.enabled) {
  throw new Error(`KEXUE_TF_BLAS is set but: ${blas.reason}`);
}
const threads = blas.enabled ? blas.threads : tfThreads();
const config = `${blas.enabled ? "blas" : "xnnpack"} ${threads} thread${threads > 1 ? "s" : ""}`;

for (const w of [...WORKLOADS, PLOT_WORKLOAD]) {
  const p = w.prepare();
  Deno.bench({
    name: `${w.id} [${config}]`,
    group: w.group,
    fn: async () => {
      await p.run();
    },
  });
}
