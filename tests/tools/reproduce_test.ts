/**
 * End-to-end tests of the notebook runner (tools/reproduce.ts) on must-fail canary notebooks:
 * every failure kind must make the run exit non-zero, name the failing cell, and leave the notebook
 * file untouched.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

async function reproduce(args: string[]): Promise<{ code: number; out: string }> {
  const p = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}/tools/reproduce.ts`, ...args],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: p.code, out: dec.decode(p.stdout) + dec.decode(p.stderr) };
}

const canaries: [string, string, string][] = [
  ["cell_error", "FAILED (error)", "code cell 2: Error: canary: a cell error"],
  ["syntax_error", "FAILED (syntax)", "code cell 2: Execution failed: SyntaxError"],
  [
    "unhandled_rejection",
    "FAILED (rejection)",
    "code cell 2: Unhandled promise rejection: Error: canary: nobody awaits me",
  ],
  ["claim_fail", "FAILED (claims)", "canary: pi is three"],
  ["kernel_death", "FAILED (kernel-died)", "code cell 2: the kernel died (exit code 3)"],
  ["timeout", "FAILED (timeout)", "code cell 2: timed out after 6 s"],
];

for (const [name, status, detail] of canaries) {
  Deno.test(`runner fails on the ${name.replace("_", " ")} canary, names the cell, leaves the file untouched`, async () => {
    const path = `tests/fixtures/canary/${name}.ipynb`;
    const before = await Deno.readTextFile(`${root}/${path}`);
    const { code, out } = await reproduce(["--timeout", "6", path]);
    assertEquals(code, 1, out);
    assertStringIncludes(out, status);
    assertStringIncludes(out, detail);
    assertStringIncludes(out, "0 passed, 1 failed");
    assertEquals(await Deno.readTextFile(`${root}/${path}`), before, "the notebook file must not change");
  });
}

Deno.test("runner: all canaries in one parallel run fail, each named", async () => {
  const paths = canaries.filter(([n]) => n !== "timeout").map(([n]) => `tests/fixtures/canary/${n}.ipynb`);
  const { code, out } = await reproduce(["--jobs", "2", ...paths]);
  assertEquals(code, 1);
  assertStringIncludes(out, `0 passed, ${paths.length} failed`);
  for (const p of paths) assertStringIncludes(out, `✘ ${p}: code cell 2`);
});

Deno.test("runner: bad arguments give a clear error", async () => {
  const { code, out } = await reproduce(["--jobs", "0", "tests/fixtures/canary/cell_error.ipynb"]);
  assert(code !== 0);
  assertStringIncludes(out, "--jobs must be a positive integer, got 0");
});
