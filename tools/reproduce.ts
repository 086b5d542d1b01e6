/**
 * `deno task reproduce [--only PATTERN] [--jobs N] [--check | --claims-only] [--timeout S] [paths…]`
 *
 * Re-executes notebooks in place through the real Deno kernel (project-local kernelspec found on
 * `JUPYTER_PATH`, default `tools/jupyter`), in parallel, and prints a summary table.
 *
 * - A cell error, a syntax error, an unhandled rejection, a ✘ claim, a timeout or a dead kernel fails
 *   the run, naming the notebook and the cell; the notebook file is then left untouched.
 * - On success the executed notebook replaces the original atomically (write to a temp file, rename).
 *   When only the outputs of cells tagged `timing` changed, the file is left as it is, so a rerun
 *   leaves `git diff` empty.
 * - `--check` executes into memory and fails if any output differs from the committed one (cells
 *   tagged `timing` excepted): the determinism check CI runs.
 * - `--claims-only` executes into memory too, but passes a notebook whose outputs differ as long as it
 *   runs without error and every claim holds. `deno task shake` runs it with the native matmul
 *   (`KEXUE_TF_BLAS=1`, `lib/core/tf_blas.ts`): the same seeds with differently rounded matrix products,
 *   so a claim that fails there hangs on one training trajectory. Without OpenBLAS it says so and skips.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type Cell, type ExecResult, joinText, type Notebook, type Output } from "./jupyter/execute.ts";
import { notebookToJson, sortKeys } from "./jupyter/nbjson.ts";
import { threadsFromEnv } from "../lib/core/env.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

function rel(p: string): string {
  return p.startsWith(root + "/") ? p.slice(root.length + 1) : p;
}

/** Finds `kernels/<name>/kernel.json` on JUPYTER_PATH (then tools/jupyter). */
export function findKernelSpec(name: string): string {
  const dirs = (Deno.env.get("JUPYTER_PATH") ?? "").split(":").filter(Boolean);
  dirs.push(`${root}/tools/jupyter`);
  for (const d of dirs) {
    const abs = d.startsWith("/") ? d : `${Deno.cwd()}/${d}`;
    const dir = `${abs}/kernels/${name}`;
    try {
      Deno.statSync(`${dir}/kernel.json`);
      return dir;
    } catch { /* next */ }
  }
  throw new Error(`no kernelspec "${name}" found on JUPYTER_PATH (${dirs.join(":")})`);
}

function isTiming(c: Cell): boolean {
  return (c.metadata?.tags ?? []).includes("timing");
}

function comparable(outputs: Output[] | undefined): string {
  return JSON.stringify(sortKeys(
    (outputs ?? []).map((o) => {
      const copy: Record<string, unknown> = { ...o };
      if (copy.text) copy.text = joinText(copy.text);
      if (copy.data) {
        copy.data = Object.fromEntries(
          Object.entries(copy.data as Record<string, unknown>).map((
            [k, v],
          ) => [k, Array.isArray(v) ? v.join("") : v]),
        );
      }
      return copy;
    }),
  ));
}

/** Compares outputs cell by cell; returns a description of the first difference or null. */
export function diffOutputs(a: Notebook, b: Notebook, skipTiming: boolean): string | null {
  if (a.cells.length !== b.cells.length) return `cell count differs (${a.cells.length} vs ${b.cells.length})`;
  let n = 0;
  for (let i = 0; i < a.cells.length; i++) {
    const ca = a.cells[i] as Cell, cb = b.cells[i] as Cell;
    if (ca.cell_type !== "code") continue;
    n++;
    if (skipTiming && isTiming(ca)) continue;
    const sa = comparable(ca.outputs), sb = comparable(cb.outputs);
    if (sa !== sb) {
      let k = 0;
      while (k < sa.length && sa[k] === sb[k]) k++;
      const ctx = (s: string) => JSON.stringify(s.slice(Math.max(0, k - 60), k + 60));
      return `code cell ${n} (${(ca.id ?? "")}): outputs differ near\n    committed: ${
        ctx(sa)
      }\n    fresh:     ${ctx(sb)}`;
    }
    if (ca.execution_count !== cb.execution_count) return `code cell ${n}: execution_count differs`;
  }
  return null;
}

async function listNotebooks(paths: string[], only: string | undefined): Promise<string[]> {
  let files: string[] = [];
  if (paths.length) files = paths.map((p) => (p.startsWith("/") ? p : `${Deno.cwd()}/${p}`));
  else {
    for await (const e of Deno.readDir(`${root}/notebooks`)) {
      if (e.isFile && e.name.endsWith(".ipynb")) files.push(`${root}/notebooks/${e.name}`);
    }
  }
  files.sort();
  if (only) {
    const re = new RegExp(
      only.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, "."),
      "i",
    );
    files = files.filter((f) => {
      if (re.test(rel(f))) return true;
      try {
        const nb = JSON.parse(Deno.readTextFileSync(f)) as Notebook;
        return re.test(String((nb.metadata.kexue as { id?: string } | undefined)?.id ?? ""));
      } catch {
        return false;
      }
    });
  }
  return files;
}

interface Row {
  path: string;
  res: ExecResult | null;
  status: string;
  ok: boolean;
  detail?: string;
}

/** Executes a notebook in a child process (see jupyter/run_one.ts); retries once if that process crashes. */
async function executeIsolated(
  path: string,
  specDir: string,
  timeoutSec: number,
): Promise<ExecResult & { retried: boolean }> {
  const out = await Deno.makeTempFile({ prefix: "kexue-run-", suffix: ".json" });
  try {
    let crash = "";
    for (let attempt = 0; attempt < 2; attempt++) {
      await Deno.writeTextFile(out, "");
      const p = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          `${root}/tools/jupyter/run_one.ts`,
          "--spec",
          specDir,
          "--timeout",
          String(timeoutSec),
          "--out",
          out,
          path,
        ],
        stdout: "inherit",
        stderr: "inherit",
      }).output();
      const text = await Deno.readTextFile(out);
      const how = p.signal ? `signal ${p.signal}` : `code ${p.code}`;
      if (text) {
        // The result is complete once written; a crash while closing sockets afterwards is only noted.
        if (!p.success) {
          console.error(`  ! ${rel(path)}: the kernel client exited with ${how} after its result was saved`);
        }
        return { ...(JSON.parse(text) as ExecResult), retried: attempt > 0 };
      }
      crash = `the runner's kernel client exited with ${how} before saving a result`;
      console.error(`  ! ${rel(path)}: ${crash}${attempt === 0 ? "; retrying once" : ""}`);
    }
    throw new Error(`${crash} twice`);
  } finally {
    await Deno.remove(out).catch(() => {});
  }
}

type Mode = "write" | "check" | "claims-only";

async function runOne(path: string, mode: Mode, timeoutSec: number): Promise<Row> {
  const text = await Deno.readTextFile(path);
  const nb = JSON.parse(text) as Notebook;
  const kernelName = String((nb.metadata.kernelspec as { name?: string } | undefined)?.name ?? "deno");
  const specDir = findKernelSpec(kernelName);
  const res = await executeIsolated(path, specDir, timeoutSec);
  if (res.failure) {
    const f = res.failure;
    const where = f.cell ? `code cell ${f.cell}` : "notebook";
    return { path, res, ok: false, status: `FAILED (${f.kind})`, detail: `${where}: ${f.message}` };
  }
  const fresh = notebookToJson(res.notebook);
  const note = res.retried ? " (after a runner crash, retried)" : "";
  if (mode === "check") {
    const d = diffOutputs(nb, res.notebook, true);
    return d
      ? { path, res, ok: false, status: "DIFFERS", detail: d }
      : { path, res, ok: true, status: "same" };
  }
  if (mode === "claims-only") {
    const same = diffOutputs(nb, res.notebook, true) === null;
    return { path, res, ok: true, status: same ? "claims hold (same)" : "claims hold (digits differ)" };
  }
  if (fresh === text) return { path, res, ok: true, status: `unchanged${note}` };
  if (diffOutputs(nb, res.notebook, true) === null && sameSources(nb, res.notebook)) {
    return { path, res, ok: true, status: `unchanged (timings differ)${note}` };
  }
  const tmp = `${path}.${Deno.pid}.tmp.ipynb`;
  await Deno.writeTextFile(tmp, fresh);
  await Deno.rename(tmp, path);
  return { path, res, ok: true, status: `written${note}` };
}

function sameSources(a: Notebook, b: Notebook): boolean {
  return JSON.stringify(a.cells.map((c) => [c.cell_type, joinText(c.source), c.metadata])) ===
      JSON.stringify(b.cells.map((c) => [c.cell_type, joinText(c.source), c.metadata])) &&
    JSON.stringify(a.metadata) === JSON.stringify(b.metadata);
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: {
      only: { type: "string" },
      jobs: { type: "string", default: String(Math.max(1, Math.min(2, navigator.hardwareConcurrency || 1))) },
      check: { type: "boolean", default: false },
      "claims-only": { type: "boolean", default: false },
      timeout: { type: "string", default: "240" },
      "timings-out": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(
      "usage: deno task reproduce [--only PATTERN] [--jobs N] [--check | --claims-only] [--timeout SECONDS] [--timings-out FILE] [notebook.ipynb …]",
    );
    return 0;
  }
  const jobs = Number(values.jobs);
  const timeoutSec = Number(values.timeout);
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new RangeError(`--jobs must be a positive integer, got ${values.jobs}`);
  }
  if (!(timeoutSec > 0)) {
    throw new RangeError(`--timeout must be a positive number of seconds, got ${values.timeout}`);
  }
  if (values.check && values["claims-only"]) {
    throw new RangeError("--check and --claims-only exclude each other");
  }
  const mode: Mode = values.check ? "check" : values["claims-only"] ? "claims-only" : "write";
  // the same reading as initTf's in the kernels (lib/core/tf_blas.ts, without loading tfjs here)
  const native = threadsFromEnv("reproduce", "KEXUE_TF_BLAS", 64, undefined, true) !== undefined;
  if (mode === "claims-only" && native) {
    // the kernels inherit KEXUE_TF_BLAS; without OpenBLAS they would quietly run XNNPACK
    const { tfBlasUnavailable } = await import("../lib/core/tf_blas.ts");
    const why = tfBlasUnavailable();
    if (why !== undefined) {
      console.log(`skipped: KEXUE_TF_BLAS is set but the native matmul cannot load (${why})`);
      console.log("0 passed, 0 failed");
      return 0;
    }
  }
  const files = await listNotebooks(positionals, values.only);
  if (!files.length) {
    console.error(`no notebooks matched${values.only ? ` --only ${values.only}` : ""}`);
    return 1;
  }
  const t0 = performance.now();
  console.error(
    `${
      mode === "write" ? "executing" : mode === "check" ? "checking" : "checking the claims of"
    } ${files.length} ` +
      `notebook(s) with ${jobs} job(s)${native ? ", native matmul (KEXUE_TF_BLAS)" : ""}…`,
  );
  const rows: Row[] = [];
  const queue = [...files];
  await Promise.all(
    Array.from({ length: Math.min(jobs, files.length) }, async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        let row: Row;
        try {
          row = await runOne(f, mode, timeoutSec);
        } catch (e) {
          row = { path: f, res: null, ok: false, status: "FAILED (runner)", detail: String(e) };
        }
        rows.push(row);
        console.error(
          `  ${row.ok ? "✔" : "✘"} ${rel(f)} ${
            row.res ? row.res.seconds.toFixed(1) + " s" : ""
          } ${row.status}`,
        );
      }
    }),
  );
  rows.sort((a, b) => a.path.localeCompare(b.path));
  const w = Math.max(8, ...rows.map((r) => rel(r.path).length));
  console.log(`\n${pad("notebook", w)}  seconds  claims  status`);
  for (const r of rows) {
    const cl = r.res?.claims ? `${r.res.claims.passed}/${r.res.claims.total}` : "—";
    const secs = r.res ? r.res.seconds.toFixed(1) : "—";
    console.log(`${pad(rel(r.path), w)}  ${secs.padStart(7)}  ${cl.padStart(6)}  ${r.status}`);
  }
  if (values["timings-out"]) {
    const timings = Object.fromEntries(
      rows.filter((r) => r.res).map((r) => [rel(r.path), Number(r.res!.seconds.toFixed(1))]),
    );
    await Deno.writeTextFile(values["timings-out"], JSON.stringify(timings, null, 1) + "\n");
  }
  const failed = rows.filter((r) => !r.ok);
  for (const r of failed) console.log(`\n✘ ${rel(r.path)}: ${r.detail}`);
  console.log(
    `\n${rows.length - failed.length} passed, ${failed.length} failed (${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s)`,
  );
  return failed.length ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
