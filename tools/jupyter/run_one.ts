/**
 * Executes one notebook in a child process of the runner and writes the {@link ExecResult} as JSON to
 * `--out`. `tools/reproduce.ts` runs each notebook through this so that a crash of the ZeroMQ native
 * addon (seen once under heavy load: a segfault in zeromq's addon.node) takes down only this process;
 * the runner then retries that notebook once and says so.
 *
 * usage: deno run -A tools/jupyter/run_one.ts --spec DIR --timeout S --out FILE notebook.ipynb
 *
 * @module
 */
import { parseArgs } from "node:util";
import { executeNotebook, type Notebook } from "./execute.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: { spec: { type: "string" }, timeout: { type: "string" }, out: { type: "string" } },
  allowPositionals: true,
});
const path = positionals[0];
if (!path || !values.spec || !values.out || !values.timeout) {
  console.error("usage: run_one.ts --spec DIR --timeout S --out FILE notebook.ipynb");
  Deno.exit(2);
}
const nb = JSON.parse(await Deno.readTextFile(path)) as Notebook;
const cwd = path.slice(0, path.lastIndexOf("/")) || ".";
const out = values.out;
await executeNotebook(nb, {
  specDir: values.spec,
  cwd,
  timeoutSec: Number(values.timeout),
  env: { KEXUE_DENO: Deno.execPath() },
  // Written (atomically) before the sockets close, so a crash while closing cannot lose it.
  onResult: async (res) => {
    await Deno.writeTextFile(`${out}.part`, JSON.stringify(res));
    await Deno.rename(`${out}.part`, out);
  },
});
