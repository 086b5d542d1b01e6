/**
 * Number formatting shared by tables, progress lines and claims, and the rounding applied to
 * numbers in plot data. Both are pure functions of the value, so reruns are byte-identical.
 *
 * @module
 */
import { checkInt, typeError } from "../core/validate.ts";

/**
 * Formats a number for people: `digits` significant digits, trailing zeros dropped.
 *
 * - integers with |x| < 1e15 print in full (`1000`, `-42`);
 * - 1e-4 ≤ |x| < 1e6 print in fixed notation with `digits` significant digits, except that the
 *   integer part is never rounded away (`0.3521`, `0.0001235`, `12346`);
 * - other magnitudes print in exponent form (`1.5e-7`, `2.346e+9`);
 * - `NaN`, `∞`, `-∞`; `-0` prints as `0`.
 *
 * @param x the number.
 * @param digits significant digits, an integer in [1, 17] (default 4).
 * @returns the formatted string.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatNumber } from "@lib/display/format.ts";
 * assertEquals(formatNumber(Math.PI), "3.142");
 * assertEquals(formatNumber(0.5), "0.5");
 * assertEquals(formatNumber(1000), "1000");
 * assertEquals(formatNumber(1.23456e-7), "1.235e-7");
 * assertEquals(formatNumber(123456.7, 3), "123457");
 * ```
 */
export function formatNumber(x: number, digits = 4): string {
  if (typeof x !== "number") typeError("formatNumber", "x", "a number", x);
  checkInt("formatNumber", "digits", digits, 1, 17);
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "-∞";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (Number.isInteger(x) && a < 1e15) return String(x);
  if (a >= 1e-4 && a < 1e6) {
    const e = Math.floor(Math.log10(a));
    return stripZeros(x.toFixed(Math.max(0, digits - 1 - e)));
  }
  const [m, ex] = x.toExponential(digits - 1).split("e") as [string, string];
  return `${stripZeros(m)}e${ex}`;
}

function stripZeros(s: string): string {
  if (!s.includes(".")) return s === "-0" ? "0" : s;
  const t = s.replace(/0+$/, "").replace(/\.$/, "");
  return t === "-0" ? "0" : t;
}

/**
 * Rounds to `digits` significant digits and returns a number (for JSON that is small and stable).
 * Integers are returned unchanged; `-0` becomes `0`; non-finite values are returned unchanged.
 *
 * @param x the number.
 * @param digits significant digits, an integer in [1, 17] (default 6).
 * @returns the rounded number.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { roundSig } from "@lib/display/format.ts";
 * assertEquals(roundSig(0.1 + 0.2), 0.3);
 * assertEquals(roundSig(Math.PI, 3), 3.14);
 * assertEquals(roundSig(123456789), 123456789);
 * ```
 */
export function roundSig(x: number, digits = 6): number {
  if (typeof x !== "number") typeError("roundSig", "x", "a number", x);
  checkInt("roundSig", "digits", digits, 1, 17);
  if (!Number.isFinite(x) || Number.isInteger(x)) return x === 0 ? 0 : x;
  const r = Number(x.toPrecision(digits));
  return r === 0 ? 0 : r;
}
