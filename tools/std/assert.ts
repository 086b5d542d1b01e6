/**
 * A local stand-in for `jsr:@std/assert` (JSR is unreachable on our machines).
 *
 * Same names, argument orders and semantics as the real module for the subset we use, built on
 * `node:assert`. Switching to the real package is one line in `deno.json`
 * (`"@std/assert": "jsr:@std/assert@1"`).
 *
 * @module
 */
import nodeAssert from "node:assert";
import { isDeepStrictEqual } from "node:util";

/** Error thrown by every assertion here (the same class name as in `@std/assert`). */
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

function fmt(x: unknown): string {
  return Deno.inspect(x, { depth: 6, iterableLimit: 50, strAbbreviateSize: 400 });
}

function suffix(msg?: string): string {
  return msg ? `: ${msg}` : "";
}

/** Asserts that `expr` is truthy. */
export function assert(expr: unknown, msg = ""): asserts expr {
  if (!expr) throw new AssertionError(msg || "Expected value to be truthy");
}

/** Asserts that `expr` is falsy. */
export function assertFalse(expr: unknown, msg = ""): void {
  if (expr) throw new AssertionError(msg || `Expected value to be falsy, got ${fmt(expr)}`);
}

/** Deep equality (structural, strict on types), as `@std/assert`'s `assertEquals`. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  try {
    nodeAssert.deepStrictEqual(actual, expected);
  } catch {
    throw new AssertionError(
      `Values are not equal${suffix(msg)}\n  actual:   ${fmt(actual)}\n  expected: ${fmt(expected)}`,
    );
  }
}

/** Negation of {@link assertEquals}. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  let equal = true;
  try {
    nodeAssert.deepStrictEqual(actual, expected);
  } catch {
    equal = false;
  }
  if (equal) throw new AssertionError(`Expected actual to differ from ${fmt(expected)}${suffix(msg)}`);
}

/** `Object.is` equality. */
export function assertStrictEquals<T>(actual: unknown, expected: T, msg?: string): asserts actual is T {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(
      `Values are not strictly equal${suffix(msg)}\n  actual:   ${fmt(actual)}\n  expected: ${fmt(expected)}`,
    );
  }
}

/**
 * `|actual − expected| ≤ tolerance` (absolute, default 1e-7); NaN equals NaN and equal infinities pass,
 * as in `@std/assert`.
 */
export function assertAlmostEquals(actual: number, expected: number, tolerance = 1e-7, msg?: string): void {
  if (Object.is(actual, expected)) return;
  const delta = Math.abs(expected - actual);
  if (delta <= tolerance) return;
  throw new AssertionError(
    `Expected actual: "${actual}" to be close to "${expected}": delta "${delta}" is greater than "${tolerance}"${
      suffix(msg)
    }`,
  );
}

/** Asserts that `actual` is neither `null` nor `undefined`. */
export function assertExists<T>(actual: T, msg?: string): asserts actual is NonNullable<T> {
  if (actual === null || actual === undefined) {
    throw new AssertionError(`Expected actual: "${actual}" to not be null or undefined${suffix(msg)}`);
  }
}

/** `actual > expected`. */
export function assertGreater<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual > expected)) {
    throw new AssertionError(`Expect ${fmt(actual)} > ${fmt(expected)}${suffix(msg)}`);
  }
}

/** `actual >= expected`. */
export function assertGreaterOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual >= expected)) {
    throw new AssertionError(`Expect ${fmt(actual)} >= ${fmt(expected)}${suffix(msg)}`);
  }
}

/** `actual < expected`. */
export function assertLess<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual < expected)) {
    throw new AssertionError(`Expect ${fmt(actual)} < ${fmt(expected)}${suffix(msg)}`);
  }
}

/** `actual <= expected`. */
export function assertLessOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual <= expected)) {
    throw new AssertionError(`Expect ${fmt(actual)} <= ${fmt(expected)}${suffix(msg)}`);
  }
}

/** The string matches the regular expression. */
export function assertMatch(actual: string, expected: RegExp, msg?: string): void {
  if (!expected.test(actual)) {
    throw new AssertionError(`Expected actual: "${actual}" to match: "${expected}"${suffix(msg)}`);
  }
}

/** The string contains `expected`. */
export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (!actual.includes(expected)) {
    throw new AssertionError(`Expected actual: "${actual}" to contain: "${expected}"${suffix(msg)}`);
  }
}

/** Every element of `expected` occurs (deep-equal) in `actual`. */
export function assertArrayIncludes<T>(actual: ArrayLike<T>, expected: ArrayLike<T>, msg?: string): void {
  const a = Array.from(actual);
  for (const e of Array.from(expected)) {
    if (!a.some((x) => isDeepStrictEqual(x, e))) {
      throw new AssertionError(`Expected actual: ${fmt(a)} to include: ${fmt(e)}${suffix(msg)}`);
    }
  }
}

// deno-lint-ignore no-explicit-any
type AnyConstructor = new (...args: any[]) => any;

/** `actual instanceof expectedType`. */
export function assertInstanceOf<T extends AnyConstructor>(
  actual: unknown,
  expectedType: T,
  msg?: string,
): asserts actual is InstanceType<T> {
  if (!(actual instanceof expectedType)) {
    throw new AssertionError(`Expected object to be an instance of "${expectedType.name}"${suffix(msg)}`);
  }
}

function checkError(e: unknown, ErrorClass?: AnyConstructor, msgIncludes?: string): void {
  if (ErrorClass && !(e instanceof ErrorClass)) {
    throw new AssertionError(`Expected error to be instance of "${ErrorClass.name}", but was ${fmt(e)}`);
  }
  if (msgIncludes !== undefined) {
    const m = e instanceof Error ? e.message : String(e);
    if (!m.includes(msgIncludes)) {
      throw new AssertionError(`Expected error message to include "${msgIncludes}", but got "${m}"`);
    }
  }
}

/** Asserts that `fn` throws; optionally of class `ErrorClass` with a message containing `msgIncludes`. Returns the error. */
export function assertThrows(fn: () => unknown, msg?: string): unknown;
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  ErrorClass: new (...args: any[]) => E,
  msgIncludes?: string,
  msg?: string,
): E;
export function assertThrows(
  fn: () => unknown,
  classOrMsg?: AnyConstructor | string,
  msgIncludes?: string,
  msg?: string,
): unknown {
  const ErrorClass = typeof classOrMsg === "function" ? classOrMsg : undefined;
  const message = typeof classOrMsg === "string" ? classOrMsg : msg;
  try {
    fn();
  } catch (e) {
    checkError(e, ErrorClass, msgIncludes);
    return e;
  }
  throw new AssertionError(`Expected function to throw${suffix(message)}`);
}

/** Async counterpart of {@link assertThrows}. */
export async function assertRejects(
  fn: () => PromiseLike<unknown>,
  classOrMsg?: AnyConstructor | string,
  msgIncludes?: string,
  msg?: string,
): Promise<unknown> {
  const ErrorClass = typeof classOrMsg === "function" ? classOrMsg : undefined;
  const message = typeof classOrMsg === "string" ? classOrMsg : msg;
  try {
    await fn();
  } catch (e) {
    checkError(e, ErrorClass, msgIncludes);
    return e;
  }
  throw new AssertionError(`Expected function to reject${suffix(message)}`);
}

/** Always throws. */
export function fail(msg?: string): never {
  throw new AssertionError(`Failed assertion${suffix(msg)}`);
}

/** Marks code that must not be reached. */
export function unreachable(msg?: string): never {
  throw new AssertionError(msg ?? "unreachable");
}
