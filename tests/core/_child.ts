/**
 * Test helper: runs TypeScript in a fresh Deno process at the repository root (so `@lib/…` resolves) and
 * returns the JSON its last stdout line prints. For what one process cannot undo: a loaded shared
 * library, a backend started with other environment variables.
 */
import { assertEquals } from "@std/assert";

export async function runChildJson<T = Record<string, unknown>>(
  code: string,
  env: Record<string, string> = {},
): Promise<T> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    cwd: new URL("../../", import.meta.url).pathname,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(r.code, 0, new TextDecoder().decode(r.stderr));
  return JSON.parse(new TextDecoder().decode(r.stdout).trim().split("\n").at(-1)!) as T;
}
