/**
 * Environment switches of the library (`KEXUE_TF_THREADS`, `KEXUE_TF_BLAS`, …), read the same way
 * everywhere: a variable that is unset, empty, or unreadable (no `--allow-env`) means "not opted in".
 *
 * @module
 */
import { rangeError } from "./validate.ts";

/**
 * The value of an environment variable, or undefined when it is unset or cannot be read.
 *
 * @param name the variable
 *
 * @example
 * ```ts
 * import { readEnv } from "@lib/core/env.ts";
 * console.log(readEnv("KEXUE_SURELY_UNSET")); // undefined
 * ```
 */
export function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env
  }
}

/**
 * A thread count from an environment switch: an integer in [1, max], or undefined when the switch is
 * unset or empty. With `onOff`, "0"/"off"/"false" also mean unset and "on"/"true" mean 1.
 *
 * @param where the calling function, for the error message
 * @param name the variable
 * @param max the largest count accepted
 * @param value the raw value (default: the variable's value)
 * @param onOff accept the on/off words
 * @throws RangeError for any other value
 *
 * @example
 * ```ts
 * import { threadsFromEnv } from "@lib/core/env.ts";
 * console.log(threadsFromEnv("demo", "KEXUE_DEMO", 8, "2")); // 2
 * console.log(threadsFromEnv("demo", "KEXUE_DEMO", 8, "off", true)); // undefined
 * ```
 */
export function threadsFromEnv(
  where: string,
  name: string,
  max: number,
  value: string | undefined = readEnv(name),
  onOff = false,
): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === "") return undefined;
  if (onOff && (v === "0" || v === "off" || v === "false")) return undefined;
  if (onOff && (v === "on" || v === "true")) return 1;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    const expected = onOff
      ? `"0"/"off", "1"/"on", or a thread count in [1, ${max}]`
      : `an integer in [1, ${max}]`;
    rangeError(where, name, expected, value);
  }
  return n;
}
