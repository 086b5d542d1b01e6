/**
 * Markdown output from a code cell (e.g. a sentence with a computed number).
 *
 * @module
 */
import { typeError } from "../core/validate.ts";
import { type Displayable, displayable } from "./displayable.ts";

/**
 * Shows Markdown. The text is passed through unchanged (math as `$…$` is rendered by the
 * frontend).
 *
 * @param markdown the Markdown source.
 * @returns a Displayable with `text/markdown` and `text/plain` (both the source).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bundleOf, md } from "@lib/display/mod.ts";
 * const b = bundleOf(md("The loss is **0.35**."));
 * assertEquals(b["text/markdown"], "The loss is **0.35**.");
 * assertEquals(b["text/plain"], "The loss is **0.35**.");
 * ```
 */
export function md(markdown: string): Displayable {
  if (typeof markdown !== "string") typeError("md", "markdown", "a string", markdown);
  return displayable({ "text/markdown": markdown, "text/plain": markdown });
}
