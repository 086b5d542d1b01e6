/**
 * Executes a notebook cell by cell in the real Deno kernel and collects every output into its own cell.
 *
 * **The output race, closed by design.** The Deno kernel 2.9.6 may publish `status: idle` for a cell
 * before that cell's last stream or display messages (stdout/stderr and displays travel on their own
 * queues inside the kernel), and it stamps late stream messages with the parent of whatever request
 * is current, so a client that stops at idle loses outputs or files them under the next cell. This
 * executor never relies on idle or on parent headers for completeness. After each cell it sends a
 * *barrier* request whose code writes a unique token to stdout, to stderr and as a display message.
 * Each of the kernel's output queues is first-in first-out, so once all three tokens have arrived,
 * every output the cell produced on every queue has arrived before them. Everything received between
 * the cell's request and the tokens belongs to the cell, whatever its parent header says.
 *
 * The barrier also reports unhandled promise rejections and uncaught errors trapped by a prelude the
 * executor installs first (the kernel otherwise swallows them silently).
 *
 * @module
 */
import { type JMessage, KernelClient, KernelDied } from "./client.ts";

/** A notebook (nbformat 4) as JSON. */
export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** A notebook cell. */
export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  metadata: Record<string, unknown> & { tags?: string[] };
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
  attachments?: unknown;
}

/** One cell output (nbformat 4). */
export type Output = Record<string, unknown> & { output_type: string };

/** Why a run failed. */
export interface Failure {
  kind: "error" | "syntax" | "rejection" | "claims" | "timeout" | "kernel-died" | "start";
  /** 1-based index of the code cell, counting code cells only (0 = before any cell). */
  cell: number;
  message: string;
}

/** Result of {@link executeNotebook}. */
export interface ExecResult {
  notebook: Notebook;
  failure: Failure | null;
  seconds: number;
  /** Claims summary found in the outputs, if the notebook has a Claims cell. */
  claims: { passed: number; total: number } | null;
  /** Per code cell wall time (seconds). */
  cellSeconds: number[];
  /**
   * Outputs that arrived after their cell's `idle` status: what a client that stops listening at idle
   * would have lost or misfiled (kept here by the barrier; reported for diagnostics).
   */
  lateOutputs: number;
}

/** Options for {@link executeNotebook}. */
export interface ExecOptions {
  /** Directory holding the kernelspec's kernel.json. */
  specDir: string;
  /** Working directory of the kernel (the notebook's folder). */
  cwd: string;
  /** Time limit for the whole notebook, seconds. */
  timeoutSec: number;
  /** Extra kernel environment. */
  env?: Record<string, string>;
  /** Called with the result before the kernel is shut down and the sockets closed. */
  onResult?: (r: ExecResult) => void | Promise<void>;
}

const PRELUDE = `{
  const g = globalThis;
  g.__kexueTrapped = [];
  g.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    const r = e.reason;
    g.__kexueTrapped.push("Unhandled promise rejection: " + (r && r.stack ? r.stack : String(r)));
  });
  g.addEventListener("error", (e) => {
    e.preventDefault();
    const r = e.error;
    g.__kexueTrapped.push("Uncaught error: " + (r && r.stack ? r.stack : String(e.message)));
  });
}`;

function barrierCode(token: string): string {
  // One token per output path of the kernel: stdout, stderr, displays (broadcast) and results
  // (execute_result is published by the kernel's request handler, after idle, on its own path).
  return `await (async () => {
  const t = ${JSON.stringify(token)};
  const trapped = globalThis.__kexueTrapped ? globalThis.__kexueTrapped.splice(0) : [];
  console.log(t);
  console.error(t);
  await Deno.jupyter.broadcast("display_data", { data: { "text/plain": t, "application/x-kexue-trapped+json": trapped }, metadata: {}, transient: {} });
})();
${JSON.stringify(token)}`;
}

function isBarrierToken(m: JMessage, token: string): boolean {
  const c = m.content;
  if (m.header.msg_type === "stream") return String(c.text ?? "").includes(token);
  return joinText((c.data as Record<string, unknown> | undefined)?.["text/plain"]).includes(token);
}

/** Joins a notebook string field (string or list of lines). */
export function joinText(x: unknown): string {
  if (Array.isArray(x)) return x.join("");
  return typeof x === "string" ? x : "";
}

/** Splits text into nbformat's list-of-lines form (each line keeps its "\n"). */
export function splitLines(s: string): string[] {
  const out = s.split(/(?<=\n)/);
  return out.length === 1 && out[0] === "" ? [] : out;
}

const BINARY_MIMES = new Set(["image/png", "image/jpeg", "image/gif"]);

function normalizeData(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [mime, v] of Object.entries(data)) {
    if (typeof v === "string" && !BINARY_MIMES.has(mime)) out[mime] = splitLines(v);
    else out[mime] = v;
  }
  return out;
}

class CellCollector {
  outputs: Output[] = [];
  failureText: string[] = [];
  /** display_id → outputs that show it (for update_display_data). */
  constructor(private displays: Map<string, Output[]>) {}

  addStream(name: string, text: string) {
    if (!text) return;
    const last = this.outputs.at(-1);
    if (last && last.output_type === "stream" && last.name === name) {
      last.text = (last.text as string) + text;
    } else {
      this.outputs.push({ output_type: "stream", name, text });
    }
  }

  add(m: JMessage) {
    const c = m.content;
    switch (m.header.msg_type) {
      case "stream":
        this.addStream(String(c.name), String(c.text ?? ""));
        break;
      case "display_data":
      case "execute_result": {
        const o: Output = m.header.msg_type === "display_data"
          ? { output_type: "display_data", data: c.data ?? {}, metadata: c.metadata ?? {} }
          : {
            output_type: "execute_result",
            data: c.data ?? {},
            metadata: c.metadata ?? {},
            execution_count: null,
          };
        this.outputs.push(o);
        const id = (c.transient as { display_id?: string } | undefined)?.display_id;
        if (id) {
          const list = this.displays.get(id) ?? [];
          list.push(o);
          this.displays.set(id, list);
        }
        break;
      }
      case "update_display_data": {
        const id = (c.transient as { display_id?: string } | undefined)?.display_id;
        for (const o of (id && this.displays.get(id)) || []) {
          o.data = c.data ?? {};
          o.metadata = c.metadata ?? {};
        }
        break;
      }
      case "clear_output":
        this.outputs = [];
        break;
      case "error":
        this.outputs.push({
          output_type: "error",
          ename: String(c.ename ?? "Error"),
          evalue: String(c.evalue ?? ""),
          traceback: (c.traceback as string[] | undefined) ?? [],
        });
        break;
    }
  }
}

/** Finds "Claims: N/M" in a cell's outputs. */
export function findClaims(outputs: Output[]): { passed: number; total: number } | null {
  for (const o of outputs) {
    const data = o.data as Record<string, unknown> | undefined;
    const text = data ? joinText(data["text/plain"]) : joinText(o.evalue);
    const m = /Claims: (\d+)\/(\d+)/.exec(text);
    if (m) return { passed: Number(m[1]), total: Number(m[2]) };
  }
  return null;
}

async function syntaxDiagnostic(code: string): Promise<string> {
  // The kernel answers "Execution failed" with no details for code it cannot parse. `deno fmt`
  // parses TypeScript and names the line and column of a syntax error.
  try {
    const p = new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--ext", "ts", "-"],
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    const w = p.stdin.getWriter();
    await w.write(new TextEncoder().encode(code));
    await w.close();
    const { stderr } = await p.output();
    const text = new TextDecoder().decode(stderr).trim();
    return text.replace(/^error: /, "").replace(/\$deno\$stdin\.ts/g, "cell");
  } catch {
    return "";
  }
}

/**
 * Runs every code cell of `nb` in a fresh kernel; returns the executed copy (outputs, execution counts
 * 1…n) and the first failure, if any. Execution stops at the first failing cell.
 */
export async function executeNotebook(nb: Notebook, opts: ExecOptions): Promise<ExecResult> {
  const t0 = performance.now();
  const deadline = t0 + opts.timeoutSec * 1000;
  const remaining = () => Math.max(1, deadline - performance.now());
  const out: Notebook = structuredClone(nb);
  for (const c of out.cells) {
    if (c.cell_type === "code") {
      c.outputs = [];
      c.execution_count = null;
    }
  }
  const cellSeconds: number[] = [];
  let lateOutputs = 0;
  const result = (failure: Failure | null): ExecResult => {
    let claims: ExecResult["claims"] = null;
    for (const c of out.cells) claims = (c.outputs && findClaims(c.outputs)) ?? claims;
    if (!failure && claims && claims.passed !== claims.total) {
      failure = { kind: "claims", cell: 0, message: `${claims.total - claims.passed} claim(s) ✘` };
    }
    return {
      notebook: out,
      failure,
      seconds: (performance.now() - t0) / 1000,
      claims,
      cellSeconds,
      lateOutputs,
    };
  };

  let kernel: KernelClient;
  try {
    kernel = await KernelClient.start({ specDir: opts.specDir, cwd: opts.cwd, env: opts.env });
  } catch (e) {
    return result({ kind: "start", cell: 0, message: `could not start the kernel: ${e}` });
  }
  // Route every IOPub message to whoever is collecting now.
  let sink: ((m: JMessage) => void) | null = null;
  kernel.iopubListeners.add((m) => sink?.(m));
  const displays = new Map<string, Output[]>();

  const request = async (code: string, silentHistory: boolean, msgId?: string): Promise<JMessage> => {
    const id = await kernel.shellRequest("execute_request", {
      code,
      silent: false,
      store_history: !silentHistory,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: false,
    }, msgId);
    return kernel.waitReply(id, remaining());
  };

  let failure: Failure | null = null;
  try {
    await kernel.waitReady(Math.min(60_000, remaining()));
    await request(PRELUDE, true);
    let n = 0;
    let barrierNo = 0;
    for (const cell of out.cells) {
      if (cell.cell_type !== "code") continue;
      n++;
      const code = joinText(cell.source);
      const cellStart = performance.now();
      const col = new CellCollector(displays);
      const token = `\u2063kexue-barrier-${++barrierNo}-${crypto.randomUUID()}\u2063`;
      const seen = { stdout: false, stderr: false, display: false, result: false };
      let trapped: string[] = [];
      let allSeen: () => void = () => {};
      const tokensArrived = new Promise<void>((r) => (allSeen = r));
      const barrierId = crypto.randomUUID();
      let cellMsgId = "";
      let idleSeen = false;
      sink = (m) => {
        const t = m.header.msg_type;
        if (t === "status" && m.parent_header.msg_id === cellMsgId && m.content.execution_state === "idle") {
          idleSeen = true;
        }
        if (t === "status" || t === "execute_input") return;
        if (idleSeen && !isBarrierToken(m, token)) lateOutputs++;
        if (m.parent_header.msg_id === barrierId && t === "execute_result" && isBarrierToken(m, token)) {
          seen.result = true;
        } else if (m.parent_header.msg_id === barrierId && t === "error") {
          // reported through the barrier's reply
        } else if (t === "stream" && !seen[m.content.name as "stdout" | "stderr"]) {
          const text = String(m.content.text ?? "");
          const at = text.indexOf(token);
          if (at >= 0) {
            col.addStream(String(m.content.name), text.slice(0, at));
            seen[m.content.name as "stdout" | "stderr"] = true;
          } else col.add(m);
        } else if (t === "stream") {
          // after this stream's token: only the barrier's own newline can follow
          const rest = String(m.content.text ?? "").replace(/^\n/, "");
          if (rest) col.addStream(String(m.content.name), rest);
        } else if (t === "display_data" && isBarrierToken(m, token)) {
          trapped =
            ((m.content.data as Record<string, unknown>)["application/x-kexue-trapped+json"] as string[]) ??
              [];
          seen.display = true;
        } else col.add(m);
        if (seen.stdout && seen.stderr && seen.display && seen.result) allSeen();
      };
      let reply: JMessage;
      try {
        cellMsgId = crypto.randomUUID();
        reply = await request(code, false, cellMsgId);
        const barrierReply = request(barrierCode(token), true, barrierId);
        const barrierFailed = barrierReply.then((r) =>
          r.content.status === "ok"
            ? tokensArrived
            : Promise.reject(new Error(`the runner's barrier failed in the kernel: ${r.content.evalue}`))
        );
        let timer: ReturnType<typeof setTimeout> | undefined;
        try {
          await Promise.race([
            tokensArrived,
            barrierFailed,
            kernel.exited.then((s) => Promise.reject(new KernelDied(s.code, kernel.stderrText()))),
            new Promise((_, rej) => {
              timer = setTimeout(() => rej(new Error(`no reply from the kernel (timeout)`)), remaining());
            }),
          ]);
        } finally {
          clearTimeout(timer);
        }
        await barrierReply;
      } finally {
        sink = null;
      }
      // The value and the error of a cell travel on the kernel's request path, not with the streams and
      // displays, so they may overtake them: they always end the cell, so put them last.
      const isFinal = (o: Output) => o.output_type === "execute_result" || o.output_type === "error";
      col.outputs = [...col.outputs.filter((o) => !isFinal(o)), ...col.outputs.filter(isFinal)];
      cell.execution_count = n;
      for (const o of col.outputs) {
        if (o.output_type === "execute_result") o.execution_count = n;
      }
      cellSeconds.push((performance.now() - cellStart) / 1000);
      const errorOut = col.outputs.find((o) => o.output_type === "error");
      if (reply.content.status !== "ok" && !errorOut) {
        const evalue = String(reply.content.evalue ?? "Execution failed");
        const diag = evalue === "Execution failed" ? await syntaxDiagnostic(code) : "";
        const message = `${evalue}${
          diag ? `: ${diag}` : " (the kernel gave no details; usually a syntax error)"
        }`;
        col.outputs.push({ output_type: "error", ename: "SyntaxError", evalue: message, traceback: [] });
        failure = { kind: "syntax", cell: n, message };
      } else if (errorOut) {
        const kind = /\bclaims? failed\b/.test(String(errorOut.evalue)) ? "claims" : "error";
        failure = { kind, cell: n, message: `${errorOut.ename}: ${errorOut.evalue}` };
      } else if (trapped.length) {
        const message = trapped.join("\n");
        col.outputs.push({
          output_type: "error",
          ename: "UnhandledRejection",
          evalue: message,
          traceback: [],
        });
        failure = { kind: "rejection", cell: n, message };
      }
      cell.outputs = col.outputs;
      if (failure) break;
    }
  } catch (e) {
    const cellNo = out.cells.filter((c) => c.cell_type === "code" && c.execution_count != null).length + 1;
    if (e instanceof KernelDied) failure = { kind: "kernel-died", cell: cellNo, message: e.message };
    else if (String(e).includes("no reply from the kernel")) {
      failure = { kind: "timeout", cell: cellNo, message: `timed out after ${opts.timeoutSec} s` };
    } else failure = { kind: "error", cell: cellNo, message: String(e) };
  }
  sink = null;
  // Finalize outputs into nbformat's stored form.
  for (const c of out.cells) {
    for (const o of c.outputs ?? []) {
      if (o.output_type === "stream") o.text = splitLines(o.text as string);
      if (o.data) o.data = normalizeData(o.data as Record<string, unknown>);
    }
  }
  const final = result(failure);
  // Hand the result over before tearing the sockets down: closing them is where the zeromq addon
  // has crashed (rarely, mostly after a killed kernel), and the result must survive that.
  await opts.onResult?.(final);
  await kernel.shutdown();
  return final;
}
