/**
 * Helpers shared by the benchmark drivers (`report.ts`, `compare.ts`): command-line values, the thread list,
 * number formatting and the load average.
 *
 * @module
 */

/** The value after flag `k` in `args`, or undefined. */
export function argValue(args: string[], k: string): string | undefined {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1] : undefined;
}

/** `--threads a,b,…` (default 1,2): integers in [1, 8]. */
export function parseThreads(args: string[]): number[] {
  const threads = (argValue(args, "--threads") ?? "1,2").split(",").map(Number);
  for (const t of threads) {
    if (!Number.isInteger(t) || t < 1 || t > 8) {
      throw new RangeError(`--threads: integers in [1, 8], got ${t}`);
    }
  }
  return threads;
}

/** A number with 3 significant-ish digits: 0 decimals from 100, 1 from 10, else 2. */
export function fmt3(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** The 1/5/15-minute load averages, or "n/a". */
export async function loadAvg(): Promise<string> {
  try {
    return (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  } catch {
    return "n/a";
  }
}
