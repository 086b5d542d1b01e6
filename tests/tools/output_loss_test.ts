/**
 * The output race of the Deno kernel (it may report a cell idle before the cell's last outputs) must
 * never lose or misplace an output: execute a notebook with many console.log lines, stderr lines and
 * displays 20 times while two busy processes load both cores, and require every output, in its own
 * cell, every time.
 */
import { assertEquals } from "@std/assert";
import { type Cell, executeNotebook, joinText, type Notebook } from "../../tools/jupyter/execute.ts";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const CELLS = 8;
const LINES = 40;

function cellCode(c: number): string {
  const awaitDisplay = c % 2 === 0 ? "await " : ""; // odd cells fire displays without awaiting them
  return `for (let i = 0; i < ${LINES}; i++) {
  console.log(\`c${c} log \${i}\`);
  if (i % 4 === 0) ${awaitDisplay}Deno.jupyter.display({ "text/plain": \`c${c} display \${i}\` }, { raw: true });
  if (i % 10 === 0) console.error(\`c${c} err \${i}\`);
}
"c${c} result"`;
}

function expected(c: number) {
  const range = Array.from({ length: LINES }, (_, i) => i);
  return {
    stdout: range.map((i) => `c${c} log ${i}\n`).join(""),
    stderr: range.filter((i) => i % 10 === 0).map((i) => `c${c} err ${i}\n`).join(""),
    displays: range.filter((i) => i % 4 === 0).map((i) => `c${c} display ${i}`),
    result: `"c${c} result"`,
  };
}

function observed(cell: Cell) {
  const outs = cell.outputs ?? [];
  const stream = (name: string) =>
    outs.filter((o) => o.output_type === "stream" && o.name === name).map((o) => joinText(o.text)).join("");
  const plain = (o: Record<string, unknown>) => joinText((o.data as Record<string, unknown>)["text/plain"]);
  return {
    stdout: stream("stdout"),
    stderr: stream("stderr"),
    displays: outs.filter((o) => o.output_type === "display_data").map(plain),
    result: outs.filter((o) => o.output_type === "execute_result").map(plain).join(""),
  };
}

Deno.test({
  name: "no output is lost or misplaced: 20 runs under CPU load, every output in its own cell",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const nb: Notebook = {
      cells: Array.from({ length: CELLS }, (_, c) => ({
        cell_type: "code" as const,
        id: `c${c}`,
        metadata: {},
        source: cellCode(c),
        outputs: [],
        execution_count: null,
      })),
      metadata: { kernelspec: { name: "deno" } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    const load = [0, 1].map(() =>
      new Deno.Command(Deno.execPath(), { args: ["eval", "for (;;) {}"], stdout: "null", stderr: "null" })
        .spawn()
    );
    const cwd = await Deno.makeTempDir({ prefix: "kexue-race-" });
    let late = 0;
    let first: string[] | null = null;
    try {
      for (let run = 0; run < 20; run++) {
        const res = await executeNotebook(nb, {
          specDir: `${root}/tools/jupyter/kernels/deno`,
          cwd,
          timeoutSec: 120,
          env: { KEXUE_DENO: Deno.execPath() },
        });
        assertEquals(res.failure, null, `run ${run}`);
        late += res.lateOutputs;
        res.notebook.cells.forEach((cell, c) => {
          assertEquals(observed(cell), expected(c), `run ${run}, cell ${c}`);
          assertEquals(cell.execution_count, c + 1);
        });
        // Cells that await their displays keep the same interleaving of logs and displays every run.
        const order = res.notebook.cells.filter((_, c) => c % 2 === 0).map((cell) =>
          JSON.stringify(cell.outputs)
        );
        first ??= order;
        assertEquals(order, first, `run ${run}: order of outputs differs from run 0`);
      }
    } finally {
      for (const p of load) p.kill();
      await Promise.all(load.map((p) => p.status));
      await Deno.remove(cwd, { recursive: true });
    }
    console.log(`outputs that arrived after their cell's idle (kept by the barrier): ${late} in 20 runs`);
  },
});
