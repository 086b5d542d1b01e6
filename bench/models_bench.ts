/**
 * Kernels and training steps the notebooks spend their time in (issue 11): matmuls (plain and with a
 * transposed operand), attention forward+backward, one Adam step of each shared toy model, and plot
 * rendering. Workloads are defined in `bench/workloads.ts`; `deno task bench` prints time per call,
 * `deno run -A tools/bench/report.ts` the same as GFLOP/s and steps/s for 1 and 2 threads.
 *
 * Threads: `KEXUE_TF_THREADS=2 deno bench -A bench/models_bench.ts` (see `lib/core/tf_threads.ts`).
 */
import { initTf } from "@lib/core/tf_setup.ts";
import { tfThreads } from "@lib/core/tf_threads.ts";
import { WORKLOADS } from "./workloads.ts";
import { PLOT_WORKLOAD } from "./workloads_plot.ts";

await initTf();
const threads = tfThreads();

for (const w of [...WORKLOADS, PLOT_WORKLOAD]) {
  const p = w.prepare();
  Deno.bench({
    name: `${w.id} [${threads} thread${threads > 1 ? "s" : ""}]`,
    group: w.group,
    fn: async () => {
      await p.run();
    },
  });
}
