/**
 * The one contract between the library and the Jupyter kernel: a **Displayable** is an object
 * with a method `[Symbol.for("Jupyter.display")]()` that returns a MIME bundle
 * (`{ "text/plain": …, "text/html": …, … }`). The Deno kernel calls that method when such an
 * object is the last expression of a cell or is passed to `Deno.jupyter.display`.
 *
 * Nothing in `lib/display` references `Deno.jupyter` (it exists only inside the kernel), so every
 * helper is testable under `deno test` by reading the bundle with {@link bundleOf}.
 *
 * @module
 */
import { typeError } from "../core/validate.ts";

/** The well-known symbol the Deno Jupyter kernel looks for (`Symbol.for("Jupyter.display")`). */
export const DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** A MIME bundle: MIME type → data (strings, or JSON objects for `application/*+json`). */
export type MimeBundle = Record<string, unknown>;

/** An object the Deno Jupyter kernel knows how to show. */
export interface Displayable {
  /** Returns a fresh copy of the MIME bundle. */
  [DISPLAY](): MimeBundle;
}

/**
 * Wraps a MIME bundle as a {@link Displayable}. The bundle must contain `text/plain` (every
 * frontend can show it). `console.log(x)` and `String(x)` print the `text/plain` part.
 *
 * @param bundle MIME type → data; string values for text and base64 images.
 * @returns an object whose display method returns a shallow copy of `bundle`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bundleOf, displayable } from "@lib/display/displayable.ts";
 * const d = displayable({ "text/plain": "hi", "text/html": "<b>hi</b>" });
 * assertEquals(bundleOf(d)["text/html"], "<b>hi</b>");
 * assertEquals(String(d), "hi");
 * ```
 */
export function displayable(bundle: MimeBundle): Displayable {
  if (bundle === null || typeof bundle !== "object" || Array.isArray(bundle)) {
    typeError("displayable", "bundle", "an object of MIME type → data", bundle);
  }
  const plain = bundle["text/plain"];
  if (typeof plain !== "string") typeError("displayable", 'bundle["text/plain"]', "a string", plain);
  const frozen: MimeBundle = { ...bundle };
  return {
    [DISPLAY]: () => ({ ...frozen }),
    toString: () => plain,
    [Symbol.for("Deno.customInspect")]: () => plain,
  } as Displayable;
}

/** True when `x` has a callable `[Symbol.for("Jupyter.display")]` method. */
export function isDisplayable(x: unknown): x is Displayable {
  return typeof x === "object" && x !== null &&
    typeof (x as Record<symbol, unknown>)[DISPLAY] === "function";
}

/**
 * Reads the MIME bundle of a Displayable (what the kernel would send). For tests and tools.
 *
 * @param x a Displayable.
 * @returns its MIME bundle.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bundleOf, md } from "@lib/display/mod.ts";
 * assertEquals(bundleOf(md("*hi*"))["text/markdown"], "*hi*");
 * ```
 */
export function bundleOf(x: Displayable): MimeBundle {
  if (!isDisplayable(x)) typeError("bundleOf", "x", "a Displayable", x);
  const b = x[DISPLAY]();
  if (b === null || typeof b !== "object") typeError("bundleOf", "x's bundle", "an object", b);
  return b;
}
