/**
 * End-to-end tests of the notebook runner (tools/reproduce.ts) on must-fail canary notebooks:
 * every failure kind must make the run exit non-zero, name the failing cell, and leave the notebook
 * file untouched.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

async function reproduce(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string }> {
  const p = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}/tools/reproduce.ts`, ...args],
    cwd: root,
    env: { NO_COLOR: "1", KEXUE_TF_BLAS: "", ...env },
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

Deno.test("runner --claims-only: digits that differ pass, a failed claim still fails; files untouched", async () => {
  const moved = "tests/fixtures/canary/differs_claims_hold.ipynb",
    bad = "tests/fixtures/canary/claim_fail.ipynb";
  const before = await Deno.readTextFile(`${root}/${moved}`);
  const strict = await reproduce(["--check", moved]);
  assertEquals(strict.code, 1, strict.out);
  assertStringIncludes(strict.out, "DIFFERS");
  const loose = await reproduce(["--claims-only", "--jobs", "2", moved, bad]);
  assertEquals(loose.code, 1, loose.out);
  assertStringIncludes(loose.out, "claims hold (digits differ)");
  assertStringIncludes(loose.out, "FAILED (claims)");
  assertStringIncludes(loose.out, "1 passed, 1 failed");
  assertEquals((await reproduce(["--claims-only", moved])).code, 0);
  assertEquals(await Deno.readTextFile(`${root}/${moved}`), before, "the notebook file must not change");
  const both = await reproduce(["--check", "--claims-only", moved]);
  assert(both.code !== 0);
  assertStringIncludes(both.out, "--check and --claims-only exclude each other");
});

Deno.test("runner --claims-only with KEXUE_TF_BLAS but no OpenBLAS: says so and skips", async () => {
  const { code, out } = await reproduce(["--claims-only", "tests/fixtures/canary/claim_fail.ipynb"], {
    KEXUE_TF_BLAS: "1",
    KEXUE_BLAS_LIB: "/nonexistent/libopenblas.so.0",
  });
  assertEquals(code, 0, out);
  assertStringIncludes(out, "skipped: KEXUE_TF_BLAS is set but the native matmul cannot load");
  assertStringIncludes(out, "/nonexistent/libopenblas.so.0: not found");
  assertStringIncludes(out, "0 passed, 0 failed");
});
