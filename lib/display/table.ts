/**
 * Tables with fixed number formatting: HTML, Markdown and aligned plain text.
 *
 * @module
 */
import { checkInt, rangeError, typeError } from "../core/validate.ts";
import { type Displayable, displayable } from "./displayable.ts";
import { formatNumber } from "./format.ts";
import type { Cell, Row } from "./types.ts";

/** Options of {@link table}. */
export interface TableOptions {
  /** Columns to show, in order. Default: every key, in order of first appearance. */
  columns?: string[];
  /** Significant digits for numbers (see {@link formatNumber}); one value or per column. Default 4. */
  digits?: number | Record<string, number>;
  /** A caption shown above the table. */
  title?: string;
}

/** What a missing value (`null` or an absent key) prints as. */
export const MISSING = "—";

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

function escapeMd(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function formatCell(v: Cell | undefined, digits: number): string {
  if (v === null || v === undefined) return MISSING;
  if (typeof v === "number") return formatNumber(v, digits);
  return String(v);
}

const width = (s: string) => [...s].length;

/** Validates rows of plain records; returns the rows typed. */
export function checkRows(where: string, rows: unknown, allowEmpty: boolean): Row[] {
  if (!Array.isArray(rows)) typeError(where, "rows", "an array of records", rows);
  if (!allowEmpty && rows.length === 0) rangeError(where, "rows.length", "≥ 1", 0);
  rows.forEach((r, i) => {
    if (r === null || typeof r !== "object" || Array.isArray(r)) {
      typeError(where, `rows[${i}]`, "a record of column → value", r);
    }
    for (const [k, v] of Object.entries(r as object)) {
      if (v !== null && typeof v !== "number" && typeof v !== "string" && typeof v !== "boolean") {
        typeError(where, `rows[${i}].${k}`, "a number, string, boolean or null", v);
      }
    }
  });
  return rows as Row[];
}

/**
 * Shows records as a table. Numbers are formatted with {@link formatNumber} (`digits`
 * significant digits, trailing zeros dropped, exponent form below 1e-4 and from 1e6; integers in
 * full) and right-aligned; strings and booleans are left-aligned; `null` or a missing key prints
 * as `—`. Strings are HTML-escaped in `text/html` and `|`-escaped in `text/markdown`.
 *
 * @param rows the records (may be empty when `columns` is given).
 * @param opts `columns`, `digits`, `title`.
 * @returns a Displayable with `text/html` (a plain `<table>`, the title as `<caption>`),
 *   `text/markdown` and `text/plain` (space-aligned columns).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bundleOf, table } from "@lib/display/mod.ts";
 * const t = table([{ opt: "Lion", loss: 0.352149 }, { opt: "Adam", loss: 1.5e-7 }]);
 * assertEquals(bundleOf(t)["text/plain"], "opt     loss\n----  ------\nLion  0.3521\nAdam  1.5e-7");
 * ```
 */
export function table(rows: Row[], opts: TableOptions = {}): Displayable {
  if (opts === null || typeof opts !== "object") typeError("table", "opts", "an object", opts);
  const data = checkRows("table", rows, opts.columns !== undefined);
  let columns: string[];
  if (opts.columns !== undefined) {
    if (!Array.isArray(opts.columns) || opts.columns.length === 0) {
      typeError("table", "opts.columns", "a non-empty array of column names", opts.columns);
    }
    opts.columns.forEach((c, i) => {
      if (typeof c !== "string") typeError("table", `opts.columns[${i}]`, "a string", c);
    });
    if (new Set(opts.columns).size !== opts.columns.length) {
      rangeError("table", "opts.columns", "distinct names", opts.columns);
    }
    columns = [...opts.columns];
  } else {
    const seen = new Set<string>();
    for (const r of data) for (const k of Object.keys(r)) seen.add(k);
    columns = [...seen];
    if (columns.length === 0) rangeError("table", "rows", "records with at least one key", rows);
  }
  const digitsOf = (c: string): number => {
    const d = opts.digits;
    if (d === undefined) return 4;
    if (typeof d === "number") return checkInt("table", "opts.digits", d, 1, 17);
    if (d === null || typeof d !== "object") typeError("table", "opts.digits", "a number or a record", d);
    const v = d[c];
    return v === undefined ? 4 : checkInt("table", `opts.digits.${c}`, v, 1, 17);
  };
  const digits = columns.map(digitsOf);
  if (opts.title !== undefined && typeof opts.title !== "string") {
    typeError("table", "opts.title", "a string", opts.title);
  }
  const numeric = columns.map((c) =>
    data.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === "number") &&
    data.some((r) => typeof r[c] === "number")
  );
  const cells = data.map((r) => columns.map((c, j) => formatCell(r[c], digits[j]!)));

  // text/plain: columns separated by two spaces, numbers right-aligned.
  const widths = columns.map((c, j) => Math.max(width(c), ...cells.map((row) => width(row[j]!))));
  const pad = (s: string, j: number) => {
    const fill = " ".repeat(widths[j]! - width(s));
    return numeric[j] ? fill + s : s + fill;
  };
  const line = (row: string[]) => row.map(pad).join("  ").trimEnd();
  const plain = [
    ...(opts.title ? [opts.title] : []),
    line(columns),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map(line),
  ].join("\n");

  // text/markdown
  const mdRow = (row: string[]) => `| ${row.map(escapeMd).join(" | ")} |`;
  const markdown = [
    ...(opts.title ? [`**${escapeMd(opts.title)}**`, ""] : []),
    mdRow(columns),
    `|${numeric.map((n) => (n ? "---:" : ":---")).join("|")}|`,
    ...cells.map(mdRow),
  ].join("\n");

  // text/html
  const align = (j: number) => ` style="text-align: ${numeric[j] ? "right" : "left"}"`;
  const html = [
    "<table>",
    ...(opts.title ? [`<caption>${escapeHtml(opts.title)}</caption>`] : []),
    `<thead><tr>${columns.map((c, j) => `<th${align(j)}>${escapeHtml(c)}</th>`).join("")}</tr></thead>`,
    "<tbody>",
    ...cells.map((row) => `<tr>${row.map((s, j) => `<td${align(j)}>${escapeHtml(s)}</td>`).join("")}</tr>`),
    "</tbody>",
    "</table>",
  ].join("\n");

  return displayable({ "text/html": html, "text/markdown": markdown, "text/plain": plain });
}
