/**
 * The final "Claims" cell of every notebook: each claim of the article that the notebook
 * reproduces is checked numerically, shown as a table ✔/✘, and any ✘ fails the run loudly.
 *
 * @module
 */
import { typeError } from "../core/validate.ts";
import { bundleOf, type Displayable, displayable } from "./displayable.ts";
import { formatNumber } from "./format.ts";
import { table } from "./table.ts";

/** Measured / expected values shown next to a claim. */
export interface ClaimDetail {
  /** What the notebook measured (numbers are printed with 4 significant digits). */
  measured?: number | string;
  /** What the article says, e.g. `"< 1e-6"` or `"≈ 0.5"`. */
  expected?: number | string;
}

/** One recorded claim. */
export interface ClaimResult {
  name: string;
  pass: boolean;
  measured: string;
  expected: string;
}

function showValue(where: string, name: string, v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "string") return v;
  return typeError(where, name, "a number or a string", v);
}

/**
 * Collects the claims of one notebook.
 *
 * @example
 * ```ts
 * import { assertStringIncludes, assertThrows } from "@std/assert";
 * import { bundleOf, Claims } from "@lib/display/mod.ts";
 * const claims = new Claims();
 * claims.check("Tiger with β1 = β2 equals Lion", 3e-9 < 1e-6, { measured: 3e-9, expected: "< 1e-6" });
 * assertStringIncludes(bundleOf(claims.report())["text/plain"] as string, "Claims: 1/1 ✔");
 * claims.check("loss decreases", false, { measured: 0.9, expected: "< 0.5" });
 * assertThrows(() => claims.report(), Error, "loss decreases");
 * ```
 */
export class Claims {
  #results: ClaimResult[] = [];

  /**
   * Records one claim.
   *
   * @param name a short statement of the claim (unique within the notebook).
   * @param pass the check's outcome; must be a boolean (a comparison with NaN is `false`, so it
   *   fails as it should), anything else throws a `TypeError`.
   * @param detail optional `measured` and `expected` values for the table.
   * @returns `pass`.
   */
  check(name: string, pass: boolean, detail: ClaimDetail = {}): boolean {
    if (typeof name !== "string" || name.trim() === "") {
      typeError("Claims.check", "name", "a non-empty string", name);
    }
    if (typeof pass !== "boolean") {
      typeError("Claims.check", `pass (claim ${JSON.stringify(name)})`, "a boolean", pass);
    }
    if (detail === null || typeof detail !== "object") {
      typeError("Claims.check", "detail", "an object { measured?, expected? }", detail);
    }
    if (this.#results.some((r) => r.name === name)) {
      throw new RangeError(`Claims.check: claim ${JSON.stringify(name)} was already checked`);
    }
    this.#results.push({
      name,
      pass,
      measured: showValue("Claims.check", "detail.measured", detail.measured),
      expected: showValue("Claims.check", "detail.expected", detail.expected),
    });
    return pass;
  }

  /** The claims recorded so far, in order. */
  get results(): readonly ClaimResult[] {
    return this.#results.map((r) => ({ ...r }));
  }

  /**
   * The table headed "Claims" (columns claim / measured / expected / result, result ✔ or ✘).
   * Throws an `Error` listing every failed claim with its measured and expected values if any
   * failed, and also when no claim was checked.
   *
   * @returns a Displayable: `text/html`, `text/markdown`, and `text/plain` starting with
   *   `Claims: N/M ✔`.
   */
  report(): Displayable {
    const rs = this.#results;
    if (rs.length === 0) throw new Error("Claims.report: no claims were checked");
    const ok = rs.filter((r) => r.pass).length;
    const summary = `Claims: ${ok}/${rs.length} ✔`;
    const t = table(
      rs.map((r) => ({
        claim: r.name,
        measured: r.measured,
        expected: r.expected,
        result: r.pass ? "✔" : "✘",
      })),
      { title: "Claims" },
    );
    const b = bundleOf(t);
    // The plain-text table is headed by the summary line instead of the bare title.
    const plain = [summary, ...(b["text/plain"] as string).split("\n").slice(1)].join("\n");
    if (ok < rs.length) {
      const failed = rs.filter((r) => !r.pass).map((r) =>
        `  ✘ ${r.name}: measured ${r.measured || "(not given)"}, expected ${r.expected || "(not given)"}`
      );
      throw new Error(`${rs.length - ok} of ${rs.length} claims failed:\n${failed.join("\n")}\n\n${plain}`);
    }
    return displayable({
      "text/html": `${b["text/html"]}\n<p>${summary}</p>`,
      "text/markdown": `${b["text/markdown"]}\n\n${summary}`,
      "text/plain": plain,
    });
  }
}
