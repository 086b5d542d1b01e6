/**
 * `deno task bench`: runs the `deno bench` suites of `bench/` and prints their results as rates.
 *
 *     deno task bench [--threads 1,2] [--matmul xnnpack,blas] [--only models|tf_ops|tokenize]
 *
 * - `bench/models_bench.ts` once per matmul kernel and thread count — XNNPACK in wasm on t threads
 *   (`KEXUE_TF_THREADS`, see `lib/core/tf_threads.ts`), and the opt-in native OpenBLAS on t threads
 *   (`KEXUE_TF_BLAS`, see `lib/core/tf_blas.ts`; skipped with the reason when it cannot load):
 *   GFLOP/s for kernels, steps/s for training steps, renders/s for plots, with the speed-up of each
 *   configuration over the first;
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
import { openBlasCoreTypeHere, tfBlasUnavailable } from "../../lib/core/tf_blas.ts";

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
  const matmul = (get("--matmul") ?? "xnnpack,blas").split(",").filter((x) => x);
  for (const m of matmul) {
    if (m !== "xnnpack" && m !== "blas") throw new RangeError(`--matmul: xnnpack and/or blas, got ${m}`);
  }
  return { threads, only, matmul };
}

if (import.meta.main) {
  const { threads, only, matmul } = parseArgs(Deno.args);
  if (only === undefined || only === "models") {
    const byId = new Map<string, Workload>([...WORKLOADS, PLOT_WORKLOAD].map((w) => [w.id, w]));
    const configs: { head: string; env: Record<string, string> }[] = [];
    for (const m of matmul) {
      if (m === "blas") {
        const why = tfBlasUnavailable();
        if (why !== undefined) {
          console.log(`native BLAS skipped: ${why}`);
          continue;
        }
      }
      for (const t of threads) {
        const th = `${t} thread${t > 1 ? "s" : ""}`;
        configs.push(
          m === "blas"
            ? { head: `OpenBLAS ${th}`, env: { KEXUE_TF_BLAS: String(t), KEXUE_TF_THREADS: "1" } }
            : { head: `XNNPACK ${th}`, env: { KEXUE_TF_THREADS: String(t) } },
        );
      }
    }
    const mins = new Map<string, number[]>(); // id → min seconds per configuration
    const loads: string[] = [];
    for (const c of configs) {
      loads.push(await loadAvg());
      for (const e of await runBench("bench/models_bench.ts", c.env)) {
        const id = e.name.replace(/ \[.*$/, ""), s = stats(e);
        if (!byId.has(id) || s === undefined) continue;
        if (!mins.has(id)) mins.set(id, []);
        mins.get(id)!.push(s.min / 1e9);
      }
    }
    const core = matmul.includes("blas")
      ? `; OpenBLAS kernels: ${openBlasCoreTypeHere() ?? "its own choice"}`
      : "";
    console.log(
      `\n## Kernels and training steps (load average before each run: ${loads.join(" | ")}${core})\n`,
    );
    const head = configs.map((c) => c.head);
    const speed = head.slice(1).map((h) => `speed-up ${h}`);
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
