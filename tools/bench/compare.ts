/**
 * tfjs (wasm, this repo's set-up) against PyTorch CPU, side by side in one run (issue 11):
 *
 *     deno task bench:compare [--threads 1,2] [--ids matmul1024_nn,toy_lm_adam_step] [--min-time 1] [--json out.json]
 *
 * For each thread count n and each workload of `bench/workloads.ts` that has a PyTorch twin in
 * `tools/bench/torch_ref.py`, it times the tfjs version in this process (`setTfThreads(n)`), then the
 * PyTorch version in a child `python3` (`torch.set_num_threads(n)`, `OMP_NUM_THREADS` and
 * `OPENBLAS_NUM_THREADS` = n), interleaved so that both see the same machine load, and prints the best
 * (min) and median time per call, the rate (GFLOP/s or steps/s) and the ratio tfjs time / torch time,
 * for tfjs as the notebooks run it (XNNPACK in wasm) and with the opt-in native OpenBLAS matmul
 * (`lib/core/tf_blas.ts`, when it loads). Debian's torch multiplies with the system OpenBLAS, whose
 * 0.3.21 falls back to generic SSE3 kernels on CPUs it does not know; both sides get the same
 * `OPENBLAS_CORETYPE` (chosen from the CPU flags unless set), so neither runs crippled kernels.
 * Pin both to the same cores from outside if wanted: `taskset -c 0,1 deno task bench:compare`.
 *
 * When python3 or torch is missing it prints why and exits 0 (torch is not part of CI).
 *
 * @module
 */
import { initTf } from "@lib/core/tf_setup.ts";
import { setTfThreads } from "@lib/core/tf_threads.ts";
import { disableTfBlas, enableTfBlas, openBlasCoreTypeHere, tfBlasUnavailable } from "@lib/core/tf_blas.ts";
import { rate, type Workload, WORKLOADS } from "../../bench/workloads.ts";
import { argValue, fmt3, loadAvg, parseThreads } from "./cli.ts";

/** Best and median seconds per call of a workload. */
export interface Timing {
  minS: number;
  medianS: number;
  n: number;
}

/** Times `run` (3 warm-up calls, then at least 5 calls and `minTime` seconds). */
export async function timeRuns(run: () => void | Promise<void>, minTime: number): Promise<Timing> {
  for (let i = 0; i < 3; i++) await run();
  const ts: number[] = [];
  const start = performance.now();
  while (performance.now() - start < minTime * 1000 || ts.length < 5) {
    const t0 = performance.now();
    await run();
    ts.push((performance.now() - t0) / 1000);
  }
  const sorted = [...ts].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { minS: sorted[0]!, medianS: median, n: ts.length };
}

const PYTHON = Deno.env.get("KEXUE_PYTHON") ?? "/usr/bin/python3";
const TORCH_REF = Deno.env.get("KEXUE_TORCH_REF") ?? new URL("./torch_ref.py", import.meta.url).pathname;

/** The OpenBLAS kernels both sides use (Debian's torch multiplies with the same OpenBLAS). */
const CORE_TYPE = openBlasCoreTypeHere();

async function python(args: string[], threads: number): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await new Deno.Command(PYTHON, {
      args: [TORCH_REF, ...args],
      env: {
        OMP_NUM_THREADS: String(threads),
        OPENBLAS_NUM_THREADS: String(threads),
        MKL_NUM_THREADS: String(threads),
        ...(CORE_TYPE === undefined ? {} : { OPENBLAS_CORETYPE: CORE_TYPE }),
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
  } catch (e) {
    return { code: 127, out: "", err: `cannot run ${PYTHON}: ${(e as Error).message}` };
  }
}

/** Times one workload in PyTorch; undefined when torch is unavailable. */
async function torchTiming(id: string, threads: number, minTime: number): Promise<Timing> {
  const r = await python(["--threads", String(threads), "--ids", id, "--min-time", String(minTime)], threads);
  if (r.code !== 0) throw new Error(`torch_ref.py ${id} failed (${r.code}): ${r.err.trim()}`);
  const res = JSON.parse(r.out).results[id];
  return { minS: res.min_s, medianS: res.median_s, n: res.n };
}

function fmtRate(w: Workload, s: number): string {
  const r = rate(w, s);
  return `${fmt3(r)} ${w.unit}`;
}

function fmtMs(s: number): string {
  return fmt3(s * 1000);
}

function parseArgs(args: string[]) {
  const get = (k: string) => argValue(args, k);
  const threads = parseThreads(args);
  const ids = get("--ids")?.split(",").filter((x) => x) ?? [];
  const minTime = Number(get("--min-time") ?? "1");
  if (!(minTime > 0)) {
    throw new RangeError(`--min-time: a positive number of seconds, got ${get("--min-time")}`);
  }
  return { threads, ids, minTime, json: get("--json") };
}

if (import.meta.main) {
  const { threads, ids, minTime, json } = parseArgs(Deno.args);
  const probe = await python(["--list"], 1);
  if (probe.code !== 0) {
    console.log(
      `bench:compare skipped: PyTorch is not available (${probe.err.trim() || `exit ${probe.code}`}).\n` +
        `Install it (Debian: apt-get install -y python3-torch libopenblas0-pthread) or set KEXUE_PYTHON.`,
    );
    Deno.exit(0);
  }
  const torchIds = new Set<string>(JSON.parse(probe.out));
  const chosen = WORKLOADS.filter((w) =>
    w.torch && torchIds.has(w.id) && (ids.length === 0 || ids.includes(w.id))
  );
  await initTf();
  const blasWhy = tfBlasUnavailable();
  console.log(
    `tfjs wasm vs PyTorch CPU — ${navigator.hardwareConcurrency} logical cores, load average ${await loadAvg()}; ` +
      `OpenBLAS kernels (torch and tfjs+BLAS): ${CORE_TYPE ?? "OpenBLAS's own choice"}` +
      (blasWhy === undefined ? "" : `\ntfjs+BLAS skipped: ${blasWhy}`),
  );
  const rows: Record<string, unknown>[] = [];
  const time = async (w: Workload) => {
    const p = w.prepare();
    try {
      return await timeRuns(() => p.run(), minTime);
    } finally {
      p.dispose();
    }
  };
  const cell = (w: Workload, t: Timing | undefined) =>
    t === undefined ? "— | —" : `${fmtMs(t.minS)} / ${fmtMs(t.medianS)} | ${fmtRate(w, t.minS)}`;
  for (const n of threads) {
    const info = await setTfThreads(n);
    const loadStart = await loadAvg();
    const xnn = new Map<string, Timing>();
    for (const w of chosen) xnn.set(w.id, await time(w));
    const blas = new Map<string, Timing>();
    if (blasWhy === undefined) {
      await setTfThreads(1); // the native kernel works on the single-threaded backend's heap
      const b = enableTfBlas({ threads: n });
      if (b.enabled) { for (const w of chosen) blas.set(w.id, await time(w)); }
      disableTfBlas();
    }
    console.log(
      `\n## ${n} thread${n > 1 ? "s" : ""} (tfjs XNNPACK: ${info.threads}${
        info.reason ? `, ${info.reason}` : ""
      }; load ${loadStart})\n`,
    );
    console.log(
      "| workload | tfjs ms (min / median) | tfjs rate | tfjs+BLAS ms | tfjs+BLAS rate | torch ms | torch rate " +
        "| tfjs ÷ torch | tfjs+BLAS ÷ torch |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|");
    for (const w of chosen) {
      const tt = await torchTiming(w.id, n, minTime);
      const tj = xnn.get(w.id)!, tb = blas.get(w.id);
      const ratio = tj.minS / tt.minS, ratioBlas = tb === undefined ? undefined : tb.minS / tt.minS;
      console.log(
        `| ${w.label} | ${cell(w, tj)} | ${cell(w, tb)} | ${cell(w, tt)} | ${ratio.toFixed(2)} | ${
          ratioBlas === undefined ? "—" : ratioBlas.toFixed(2)
        } |`,
      );
      rows.push({
        id: w.id,
        threads: n,
        tfjsThreads: info.threads,
        tfjs: tj,
        tfjsBlas: tb,
        torch: tt,
        ratio,
        ratioBlas,
        openblasCoreType: CORE_TYPE,
        load: await loadAvg(),
      });
    }
  }
  await setTfThreads(1);
  if (json) await Deno.writeTextFile(json, JSON.stringify({ date: new Date().toISOString(), rows }, null, 1));
}
