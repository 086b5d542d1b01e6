/**
 * Input validation at the library's public boundary.
 *
 * Every message names the argument, what was expected and what was received, e.g.
 * `lion: beta1 must be in [0, 1), got 1.2`.
 *
 * @module
 */

function show(x: unknown): string {
  if (typeof x === "number" || typeof x === "boolean" || x === null || x === undefined) return String(x);
  if (typeof x === "string") return JSON.stringify(x);
  if (Array.isArray(x)) return `[${x.slice(0, 8).map(show).join(", ")}${x.length > 8 ? ", …" : ""}]`;
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}(${(x as unknown as ArrayLike<number>).length})`;
  return typeof x;
}

/** Throws `RangeError("<where>: <name> must be <expected>, got <actual>")`. */
export function rangeError(where: string, name: string, expected: string, actual: unknown): never {
  throw new RangeError(`${where}: ${name} must be ${expected}, got ${show(actual)}`);
}

/** Throws `TypeError("<where>: <name> must be <expected>, got <actual>")`. */
export function typeError(where: string, name: string, expected: string, actual: unknown): never {
  throw new TypeError(`${where}: ${name} must be ${expected}, got ${show(actual)}`);
}

/**
 * Requires a finite number.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { checkFinite } from "@lib/core/validate.ts";
 * checkFinite("f", "x", 1.5);
 * assertThrows(() => checkFinite("f", "x", NaN), RangeError, "f: x must be a finite number, got NaN");
 * ```
 */
export function checkFinite(where: string, name: string, x: unknown): number {
  if (typeof x !== "number") typeError(where, name, "a finite number", x);
  if (!Number.isFinite(x)) rangeError(where, name, "a finite number", x);
  return x;
}

/** Requires an integer in [min, max] (both inclusive; defaults 0 and +∞). */
export function checkInt(where: string, name: string, x: unknown, min = 0, max = Infinity): number {
  if (typeof x !== "number") typeError(where, name, "an integer", x);
  if (!Number.isInteger(x) || x < min || x > max) {
    const range = max === Infinity ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    rangeError(where, name, range, x);
  }
  return x;
}

/** Requires a finite number in a range; `lo`/`hi` are inclusive unless `open` says otherwise. */
export function checkRange(
  where: string,
  name: string,
  x: unknown,
  lo: number,
  hi: number,
  open: "none" | "lo" | "hi" | "both" = "none",
): number {
  checkFinite(where, name, x);
  const v = x as number;
  const loOk = open === "lo" || open === "both" ? v > lo : v >= lo;
  const hiOk = open === "hi" || open === "both" ? v < hi : v <= hi;
  if (!loOk || !hiOk) {
    const l = open === "lo" || open === "both" ? "(" : "[";
    const r = open === "hi" || open === "both" ? ")" : "]";
    rangeError(where, name, `in ${l}${lo}, ${hi}${r}`, v);
  }
  return v;
}

/** Requires a finite number > 0. */
export function checkPositive(where: string, name: string, x: unknown): number {
  checkFinite(where, name, x);
  if ((x as number) <= 0) rangeError(where, name, "a positive number", x);
  return x as number;
}

/** Requires a finite number ≥ 0. */
export function checkNonNegative(where: string, name: string, x: unknown): number {
  checkFinite(where, name, x);
  if ((x as number) < 0) rangeError(where, name, "a non-negative number", x);
  return x as number;
}

/** Requires an array-like of numbers of exactly `length` entries (when given) and at least 1 entry. */
export function checkLength(where: string, name: string, x: ArrayLike<number>, length?: number): void {
  if (x === null || typeof x !== "object" || typeof x.length !== "number") {
    typeError(where, name, "an array of numbers", x);
  }
  if (length !== undefined && x.length !== length) {
    rangeError(where, `${name}.length`, String(length), x.length);
  }
  if (length === undefined && x.length === 0) rangeError(where, `${name}.length`, "≥ 1", 0);
}
