/**
 * `deno task bench`: runs the `deno bench` suites of `bench/` and prints their results as rates.
 *
 *     deno task bench [--threads 1,2] [--only models|tf_ops|tokenize]
 *
 * - `bench/models_bench.ts` once per thread count (`KEXUE_TF_THREADS`, see `lib/core/tf_threads.ts`):
 *   GFLOP/s for kernels, steps/s for training steps, renders/s for plots, with the speed-up of each
 *   thread count over the first;
 * - `bench/tf_ops_bench.ts` (tfjs as shipped vs the fills of `lib/core/tf_ops.ts`) and
 *   `bench/tokenize_bench.ts` once, as ms per call and (tokenizer) characters per second.
 *
 * Rates use the fastest iteration (`min` of `deno bench --json`), the least disturbed by other load;
 * the load average is printed with each table because the numbers depend on it.
 *
 * @module
 */
import { rate, type Workload, WORKLOADS } from "../../bench/workloads.ts";
import { PLOT_WORKLOAD } from "../../bench/workloads_plot.ts";
import { argValue, fmt3, loadAvg, parseThreads } from "./cli.ts";

interface BenchStats {
  n: number;
  min: number;
  avg: number;
}
interface BenchEntry {
  name: string;
  group: string | null;
  results: Array<{ ok?: BenchStats; failed?: unknown }>;
}

const root = new URL("../../", import.meta.url).pathname;

/** Runs `deno bench --json` on one file and returns its entries (stderr passes through). */
async function runBench(file: string, env: Record<string, string> = {}): Promise<BenchEntry[]> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["bench", "-A", "--json", file],
    cwd: root,
    env,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (r.code !== 0) throw new Error(`deno bench ${file} failed with exit code ${r.code}`);
  return JSON.parse(new TextDecoder().decode(r.stdout)).benches as BenchEntry[];
}

function stats(e: BenchEntry): BenchStats | undefined {
  return e.results[0]?.ok;
}

function parseArgs(args: string[]) {
  const get = (k: string) => argValue(args, k);
  const threads = parseThreads(args);
  const only = get("--only");
  if (only !== undefined && !["models", "tf_ops", "tokenize"].includes(only)) {
    throw new RangeError(`--only: models, tf_ops or tokenize, got ${only}`);
  }
  return { threads, only };
}

if (import.meta.main) {
  const { threads, only } = parseArgs(Deno.args);
  if (only === undefined || only === "models") {
    const byId = new Map<string, Workload>([...WORKLOADS, PLOT_WORKLOAD].map((w) => [w.id, w]));
    const mins = new Map<string, number[]>(); // id → min seconds per thread count
    const loads: string[] = [];
    for (const t of threads) {
      loads.push(await loadAvg());
      for (const e of await runBench("bench/models_bench.ts", { KEXUE_TF_THREADS: String(t) })) {
        const id = e.name.replace(/ \[.*$/, ""), s = stats(e);
        if (!byId.has(id) || s === undefined) continue;
        if (!mins.has(id)) mins.set(id, []);
        mins.get(id)!.push(s.min / 1e9);
      }
    }
    console.log(`\n## Kernels and training steps (load average before each run: ${loads.join(" | ")})\n`);
    const head = threads.map((t) => `${t} thread${t > 1 ? "s" : ""}`);
    const speed = threads.slice(1).map((t) => `speed-up ${t}/${threads[0]}`);
    console.log(`| workload | ${[...head, ...speed].join(" | ")} |`);
    console.log(`|---|${[...head, ...speed].map(() => "---").join("|")}|`);
    for (const [id, secs] of mins) {
      const w = byId.get(id)!;
      const cells = secs.map((s) => `${fmt3(rate(w, s))} ${w.unit} (${fmt3(s * 1000)} ms)`);
      const ups = secs.slice(1).map((s) => `${(secs[0]! / s).toFixed(2)}×`);
      console.log(`| ${w.label} | ${[...cells, ...ups].join(" | ")} |`);
    }
  }
  if (only === undefined || only === "tf_ops") {
    const load = await loadAvg();
    console.log(`\n## tfjs as shipped vs lib/core/tf_ops.ts fills, 1 thread (load average ${load})\n`);
    console.log("| group | benchmark | ms per call | GFLOP/s |\n|---|---|---|---|");
    for (const e of await runBench("bench/tf_ops_bench.ts", { KEXUE_TF_THREADS: "1" })) {
      const s = stats(e);
      if (s === undefined) continue;
      const flops = e.group === "matmul512" ? 2 * 512 ** 3 : undefined;
      console.log(
        `| ${e.group ?? ""} | ${e.name} | ${fmt3(s.min / 1e6)} | ${flops ? fmt3(flops / s.min) : ""} |`,
      );
    }
  }
  if (only === undefined || only === "tokenize") {
    const load = await loadAvg();
    console.log(`\n## Tokenizer throughput (load average ${load})\n`);
    console.log("| benchmark | s per MB | chars/s |\n|---|---|---|");
    for (const e of await runBench("bench/tokenize_bench.ts")) {
      const s = stats(e), chars = Number(/\(([\d,]+) chars\)/.exec(e.name)?.[1]?.replaceAll(",", ""));
      if (s === undefined) continue;
      console.log(`| ${e.name} | ${fmt3(s.min / 1e9)} | ${chars ? fmt3(chars / (s.min / 1e9)) : ""} |`);
    }
  }
}
