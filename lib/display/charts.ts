/**
 * Vega-Lite v5 spec builders: data → spec. Pass the result to `plot()` to show it.
 *
 * Conventions: width 420 × height 260 by default (facet panels 260 × 180); axis titles default
 * to the field names; continuous axes do not force zero into the domain (bars do); a field whose
 * values are all numbers is quantitative, anything else nominal (kept in order of appearance);
 * a numeric `color` field with ≤ 12 distinct values is shown as categories, otherwise as a
 * continuous scale. Only the fields a chart uses are copied into its inline data.
 *
 * @module
 */
import { checkFinite, checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { checkRows } from "./table.ts";
import type { Cell, Row, VegaLiteSpec } from "./types.ts";

export type { Row, VegaLiteSpec } from "./types.ts";

/** Encoding options shared by the x/y chart builders. */
export interface Enc {
  /** Field on the x axis. */
  x: string;
  /** Field on the y axis. */
  y: string;
  /** Field that colours the series (one line / colour per value). */
  color?: string;
  /** Field that splits the chart into small multiples (3 per row). */
  facet?: string;
  /** Log scale on x (all x must be > 0). */
  logX?: boolean;
  /** Log scale on y (all y must be > 0). */
  logY?: boolean;
  /** Chart title. */
  title?: string;
  /** x axis title (default: the field name). */
  xTitle?: string;
  /** y axis title (default: the field name). */
  yTitle?: string;
  /** Legend title (default: the field name). */
  colorTitle?: string;
  /** Fixed x domain [lo, hi]. */
  xDomain?: [number, number];
  /** Fixed y domain [lo, hi]. */
  yDomain?: [number, number];
  /** Plot width in pixels (default 420, facets 260). */
  width?: number;
  /** Plot height in pixels (default 260, facets 180). */
  height?: number;
}

/** Default chart size. */
export const DEFAULT_WIDTH = 420, DEFAULT_HEIGHT = 260;
const FACET_WIDTH = 260, FACET_HEIGHT = 180;
const MAX_HEATMAP_CELLS = 6400;
/** The heatmap subtitle when some cells are non-finite. */
export const MASKED_NOTE = "gray: masked (non-finite)";

type Obj = Record<string, unknown>;

/** A field reference for Vega-Lite: `.`, `[`, `]` and `\` in names are escaped (no nesting). */
function ref(field: string): string {
  return field.replace(/[.[\]\\]/g, (c) => "\\" + c);
}

function isPlainObject(x: unknown): x is Obj {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

function checkField(where: string, rows: Row[], field: unknown, arg: string): string {
  if (typeof field !== "string" || field === "") {
    typeError(where, arg, "a field name (non-empty string)", field);
  }
  rows.forEach((r, i) => {
    if (!(field in r)) rangeError(where, `rows[${i}].${field}`, `present (field of ${arg})`, undefined);
  });
  return field;
}

function isNumeric(rows: Row[], field: string): boolean {
  return rows.every((r) => r[field] === null || typeof r[field] === "number") &&
    rows.some((r) => typeof r[field] === "number");
}

function checkPositiveField(where: string, rows: Row[], field: string, arg: string): void {
  rows.forEach((r, i) => {
    const v = r[field];
    if (v === null) return;
    if (typeof v !== "number" || !(v > 0)) {
      rangeError(where, `rows[${i}].${field}`, `a number > 0 (${arg} is on a log scale)`, v);
    }
  });
}

function checkDomain(where: string, arg: string, d: unknown): [number, number] | undefined {
  if (d === undefined) return undefined;
  if (!Array.isArray(d) || d.length !== 2) typeError(where, arg, "[lo, hi]", d);
  const lo = checkFinite(where, `${arg}[0]`, d[0]), hi = checkFinite(where, `${arg}[1]`, d[1]);
  if (!(hi > lo)) rangeError(where, `${arg}[1]`, `> ${arg}[0] = ${lo}`, hi);
  return [lo, hi];
}

function checkSize(where: string, arg: string, v: unknown, dflt: number): number {
  return v === undefined ? dflt : checkInt(where, arg, v, 20, 4000);
}

function checkOptString(where: string, arg: string, v: unknown): string | undefined {
  if (v !== undefined && typeof v !== "string") typeError(where, arg, "a string", v);
  return v as string | undefined;
}

function checkOptBool(where: string, arg: string, v: unknown): boolean {
  if (v !== undefined && typeof v !== "boolean") typeError(where, arg, "a boolean", v);
  return v === true;
}

/** Copies only the used fields of each row (keeps the inline data small). */
function pick(rows: Row[], fields: (string | undefined)[]): Row[] {
  const fs = [...new Set(fields.filter((f): f is string => f !== undefined))];
  return rows.map((r) => {
    const o: Row = {};
    for (const f of fs) o[f] = r[f] as Cell;
    return o;
  });
}

function posEnc(
  rows: Row[],
  field: string,
  o: { title?: string; log?: boolean; domain?: [number, number]; zero?: boolean },
): Obj {
  const numeric = isNumeric(rows, field);
  const enc: Obj = { field: ref(field), type: numeric ? "quantitative" : "nominal", title: o.title ?? field };
  if (numeric) {
    const scale: Obj = {};
    if (o.log) scale.type = "log";
    else scale.zero = o.zero ?? false;
    if (o.domain) {
      scale.domain = o.domain;
      scale.clamp = true;
    }
    enc.scale = scale;
  } else {
    enc.sort = null;
  }
  return enc;
}

function colorEnc(rows: Row[], field: string, title?: string): Obj {
  const numeric = isNumeric(rows, field);
  const distinct = new Set(rows.map((r) => r[field])).size;
  if (numeric && distinct > 12) {
    return { field: ref(field), type: "quantitative", title: title ?? field, scale: { scheme: "viridis" } };
  }
  return numeric
    ? { field: ref(field), type: "ordinal", title: title ?? field, scale: { scheme: "category10" } }
    : { field: ref(field), type: "nominal", title: title ?? field, sort: null };
}

interface Common {
  rows: Row[];
  where: string;
  enc: Enc;
}

/** Validates the shared Enc fields; returns the unit spec pieces. */
function common(where: string, rowsIn: Row[], enc: Enc, extra: string[]): Common {
  const rows = checkRows(where, rowsIn, false);
  if (!isPlainObject(enc)) typeError(where, "enc", "an object { x, y, … }", enc);
  checkField(where, rows, enc.x, "enc.x");
  checkField(where, rows, enc.y, "enc.y");
  if (enc.color !== undefined) checkField(where, rows, enc.color, "enc.color");
  if (enc.facet !== undefined) checkField(where, rows, enc.facet, "enc.facet");
  for (const k of extra) {
    const f = (enc as unknown as Record<string, unknown>)[k];
    if (f !== undefined) checkField(where, rows, f, `enc.${k}`);
  }
  if (checkOptBool(where, "enc.logX", enc.logX)) checkPositiveField(where, rows, enc.x, "x");
  if (checkOptBool(where, "enc.logY", enc.logY)) checkPositiveField(where, rows, enc.y, "y");
  for (const k of ["title", "xTitle", "yTitle", "colorTitle"] as const) {
    checkOptString(where, `enc.${k}`, enc[k]);
  }
  checkDomain(where, "enc.xDomain", enc.xDomain);
  checkDomain(where, "enc.yDomain", enc.yDomain);
  return { rows, where, enc };
}

/** Wraps a unit (mark + encoding) into a full spec: data, size, title, optional facet. */
function finish(c: Common, unit: Obj, fields: (string | undefined)[]): VegaLiteSpec {
  const { rows, where, enc } = c;
  const data = { values: pick(rows, [enc.x, enc.y, enc.color, enc.facet, ...fields]) };
  const head: Obj = enc.title ? { title: enc.title } : {};
  if (enc.facet !== undefined) {
    return {
      ...head,
      data,
      facet: { field: ref(enc.facet), type: isNumeric(rows, enc.facet) ? "ordinal" : "nominal", sort: null },
      columns: 3,
      spec: {
        width: checkSize(where, "enc.width", enc.width, FACET_WIDTH),
        height: checkSize(where, "enc.height", enc.height, FACET_HEIGHT),
        ...unit,
      },
    };
  }
  return {
    ...head,
    width: checkSize(where, "enc.width", enc.width, DEFAULT_WIDTH),
    height: checkSize(where, "enc.height", enc.height, DEFAULT_HEIGHT),
    data,
    ...unit,
  };
}

function xyEncoding(c: Common, zeroY = false): Obj {
  const { rows, enc } = c;
  const e: Obj = {
    x: posEnc(rows, enc.x, { title: enc.xTitle, log: enc.logX, domain: enc.xDomain }),
    y: posEnc(rows, enc.y, { title: enc.yTitle, log: enc.logY, domain: enc.yDomain, zero: zeroY }),
  };
  if (enc.color !== undefined) e.color = colorEnc(rows, enc.color, enc.colorTitle);
  return e;
}

/**
 * A line chart (one line per `color` value, optionally dashed by `dash` and with point markers).
 * Rows with `null` y are gaps.
 *
 * @param rows the data, one record per point.
 * @param enc fields and options ({@link Enc}), plus `points` (draw markers) and `dash` (a field
 *   whose values get different dash patterns).
 * @returns a Vega-Lite spec.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lineChart } from "@lib/display/mod.ts";
 * const rows = [1, 2, 3].map((t) => ({ step: t, loss: 1 / t, opt: "Lion" }));
 * const spec = lineChart(rows, { x: "step", y: "loss", color: "opt", logY: true, title: "Loss" });
 * assertEquals((spec.mark as { type: string }).type, "line");
 * assertEquals(spec.title, "Loss");
 * ```
 */
export function lineChart(rows: Row[], enc: Enc & { points?: boolean; dash?: string }): VegaLiteSpec {
  const c = common("lineChart", rows, enc, ["dash"]);
  const points = checkOptBool("lineChart", "enc.points", enc.points);
  const e = xyEncoding(c);
  if (enc.dash !== undefined) {
    e.strokeDash = { field: ref(enc.dash), type: "nominal", title: enc.dash, sort: null };
  }
  const mark: Obj = { type: "line", strokeWidth: 1.75 };
  if (points) mark.point = { filled: true, size: 24 };
  return finish(c, { mark, encoding: e }, [enc.dash]);
}

/**
 * A scatter chart of filled circles.
 *
 * @param rows the data, one record per point.
 * @param enc fields and options ({@link Enc}), plus `size` (area in px², default 24) and
 *   `opacity` (default 0.7).
 * @returns a Vega-Lite spec.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { scatterChart } from "@lib/display/mod.ts";
 * const spec = scatterChart([{ a: 1, b: 2 }, { a: 2, b: 3 }], { x: "a", y: "b", size: 40 });
 * assertEquals((spec.mark as { size: number }).size, 40);
 * ```
 */
export function scatterChart(rows: Row[], enc: Enc & { size?: number; opacity?: number }): VegaLiteSpec {
  const c = common("scatterChart", rows, enc, []);
  const size = enc.size === undefined ? 24 : checkPositive("scatterChart", "enc.size", enc.size);
  const opacity = enc.opacity === undefined ? 0.7 : checkFinite("scatterChart", "enc.opacity", enc.opacity);
  if (opacity < 0 || opacity > 1) rangeError("scatterChart", "enc.opacity", "in [0, 1]", opacity);
  return finish(c, { mark: { type: "circle", size, opacity }, encoding: xyEncoding(c) }, []);
}

/**
 * A bar chart: categories on x (kept in order of appearance), values on y from zero. With
 * `color` and `grouped`, bars of one category stand side by side; `errLo`/`errHi` name fields
 * holding the ends of error bars (e.g. min/max over seeds).
 *
 * @param rows the data, one record per bar.
 * @param enc fields and options ({@link Enc}; `logX`/`logY` are not allowed), plus `grouped`, `errLo`,
 *   `errHi` (both or neither).
 * @returns a Vega-Lite spec.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { barChart } from "@lib/display/mod.ts";
 * const rows = [{ opt: "Adam", acc: 0.9, lo: 0.88, hi: 0.92 }, { opt: "Lion", acc: 0.91, lo: 0.9, hi: 0.93 }];
 * const spec = barChart(rows, { x: "opt", y: "acc", errLo: "lo", errHi: "hi" });
 * assertEquals((spec.layer as unknown[]).length, 2);
 * ```
 */
export function barChart(
  rows: Row[],
  enc: Enc & { grouped?: boolean; errLo?: string; errHi?: string },
): VegaLiteSpec {
  const where = "barChart";
  const c = common(where, rows, enc, ["errLo", "errHi"]);
  if (enc.logX) rangeError(where, "enc.logX", "false (bars need a categorical x)", enc.logX);
  if (enc.logY) {
    rangeError(
      where,
      "enc.logY",
      "false (bars start at 0; for a log scale use lineChart with points)",
      enc.logY,
    );
  }
  const grouped = checkOptBool(where, "enc.grouped", enc.grouped);
  if (grouped && enc.color === undefined) {
    rangeError(where, "enc.color", "a field when grouped is true", undefined);
  }
  if ((enc.errLo === undefined) !== (enc.errHi === undefined)) {
    rangeError(where, "enc.errLo/enc.errHi", "both given or both omitted", [
      enc.errLo ?? null,
      enc.errHi ?? null,
    ]);
  }
  const xField = enc.x;
  const x: Obj = {
    field: ref(xField),
    type: isNumeric(c.rows, xField) ? "ordinal" : "nominal",
    title: enc.xTitle ?? xField,
    sort: null,
    axis: { labelAngle: 0 },
  };
  const y = posEnc(c.rows, enc.y, { title: enc.yTitle, log: enc.logY, domain: enc.yDomain, zero: true });
  const base: Obj = { x };
  if (grouped) base.xOffset = { field: ref(enc.color!), sort: null };
  const bar: Obj = { mark: { type: "bar" }, encoding: { ...base, y } };
  if (enc.color !== undefined) (bar.encoding as Obj).color = colorEnc(c.rows, enc.color, enc.colorTitle);
  if (enc.errLo === undefined) return finish(c, bar, []);
  const err: Obj = {
    mark: { type: "errorbar", ticks: { size: 6 }, color: "#333" },
    encoding: {
      ...base,
      y: { field: ref(enc.errLo), type: "quantitative", title: enc.yTitle ?? enc.y },
      y2: { field: ref(enc.errHi!) },
    },
  };
  return finish(c, { layer: [bar, err] }, [enc.errLo, enc.errHi]);
}

/** A dense matrix in row-major order (`core/matrix.ts`'s `Matrix` fits). */
export interface MatrixLike {
  rows: number;
  cols: number;
  data: ArrayLike<number>;
}

/** Options of {@link heatmap}. */
export interface HeatmapOptions {
  title?: string;
  /** Colour scale domain [lo, hi] (values outside are clamped). Default: data min/max. */
  domain?: [number, number];
  /** A Vega colour scheme, e.g. "viridis" (default), "blueorange" (diverging), "greys". */
  scheme?: string;
  /** Axis titles (default "column" / "row"). */
  xTitle?: string;
  yTitle?: string;
  /** Legend title (default "value"). */
  colorTitle?: string;
  /** Tick labels for columns / rows (e.g. tokens); lengths must match. */
  xLabels?: string[];
  yLabels?: string[];
  /** Size of one cell in pixels (default: fits the larger side into ~360 px, 4…60 px). */
  cellSize?: number;
}

function axisFor(n: number, labels?: string[]): Obj {
  const axis: Obj = { labelAngle: 0 };
  if (labels) {
    axis.labelExpr = `${JSON.stringify(labels)}[datum.value]`;
    if (labels.some((l) => l.length > 3)) axis.labelAngle = -45;
  }
  // Thin out index ticks on big axes; labelled axes (tokens) show every label up to 48.
  if (n > (labels ? 48 : 16)) {
    const k = Math.ceil(n / 8);
    axis.values = Array.from({ length: Math.ceil(n / k) }, (_, i) => i * k);
  }
  return axis;
}

/** The gray rects of non-finite heatmap cells. */
function maskedUnit(x: Obj, y: Obj): Obj {
  return {
    transform: [{ filter: "!isValid(datum.value) || !isFinite(datum.value)" }],
    mark: { type: "rect", color: "#d0d0d0" },
    encoding: { x, y },
  };
}

/**
 * A heatmap of a matrix: row 0 at the top, column 0 on the left. Non-finite cells (±∞, NaN) are
 * drawn gray and the title gets the subtitle "gray: masked (non-finite)". At most 6400 cells (80×80): bigger matrices
 * make SVGs over ~1 MB; show them with `image()` instead.
 *
 * @param m a {@link MatrixLike} (`{ rows, cols, data }`) or `number[][]`.
 * @param opts title, colour `domain` and `scheme`, axis titles and labels, `cellSize`.
 * @returns a Vega-Lite spec.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { heatmap } from "@lib/display/mod.ts";
 * const spec = heatmap([[1, -Infinity], [0.5, 0.25]], { title: "attention" });
 * assertEquals(spec.title, { text: "attention", subtitle: "gray: masked (non-finite)" });
 * ```
 */
export function heatmap(m: MatrixLike | number[][], opts: HeatmapOptions = {}): VegaLiteSpec {
  const where = "heatmap";
  let rows: number, cols: number, at: (i: number, j: number) => number;
  if (Array.isArray(m)) {
    rows = m.length;
    if (rows === 0) rangeError(where, "m.length", "≥ 1 row", 0);
    if (!Array.isArray(m[0])) typeError(where, "m[0]", "an array of numbers", m[0]);
    cols = m[0].length;
    if (cols === 0) rangeError(where, "m[0].length", "≥ 1", 0);
    m.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== cols) {
        rangeError(where, `m[${i}].length`, String(cols), r?.length);
      }
    });
    at = (i, j) => m[i]![j]!;
  } else if (isPlainObject(m)) {
    rows = checkInt(where, "m.rows", m.rows, 1);
    cols = checkInt(where, "m.cols", m.cols, 1);
    if (m.data === null || typeof m.data !== "object" || m.data.length !== rows * cols) {
      rangeError(where, "m.data.length", `rows·cols = ${rows * cols}`, m.data?.length);
    }
    at = (i, j) => m.data[i * cols + j]!;
  } else {
    return typeError(where, "m", "a matrix { rows, cols, data } or number[][]", m);
  }
  if (rows * cols > MAX_HEATMAP_CELLS) {
    rangeError(
      where,
      "m",
      `at most ${MAX_HEATMAP_CELLS} cells (the SVG would exceed ~1 MB; use image() for big matrices)`,
      `${rows}×${cols}`,
    );
  }
  if (opts === null || typeof opts !== "object") typeError(where, "opts", "an object", opts);
  for (const k of ["title", "scheme", "xTitle", "yTitle", "colorTitle"] as const) {
    checkOptString(where, `opts.${k}`, opts[k]);
  }
  const domain = checkDomain(where, "opts.domain", opts.domain);
  for (const [k, n] of [["xLabels", cols], ["yLabels", rows]] as const) {
    const l = opts[k];
    if (l === undefined) continue;
    if (!Array.isArray(l) || l.length !== n || l.some((s) => typeof s !== "string")) {
      rangeError(where, `opts.${k}`, `${n} strings`, l);
    }
  }
  const cell = opts.cellSize === undefined
    ? Math.min(60, Math.max(4, 360 / Math.max(rows, cols)))
    : checkPositive(where, "opts.cellSize", opts.cellSize);
  const values: Row[] = [];
  let masked = false;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = at(i, j);
      if (typeof v !== "number") typeError(where, `m[${i}][${j}]`, "a number", v);
      if (!Number.isFinite(v)) masked = true;
      values.push({ row: i, col: j, value: Number.isFinite(v) ? v : null });
    }
  }
  const x = {
    field: "col",
    type: "ordinal",
    title: opts.xTitle ?? "column",
    axis: axisFor(cols, opts.xLabels),
  };
  const y = { field: "row", type: "ordinal", title: opts.yTitle ?? "row", axis: axisFor(rows, opts.yLabels) };
  const scale: Obj = { scheme: opts.scheme ?? "viridis" };
  if (domain) {
    scale.domain = domain;
    scale.clamp = true;
  }
  const cells: Obj = {
    transform: [{ filter: "isValid(datum.value) && isFinite(datum.value)" }],
    mark: { type: "rect" },
    encoding: {
      x,
      y,
      color: { field: "value", type: "quantitative", title: opts.colorTitle ?? "value", scale },
    },
  };
  const title = masked ? { text: opts.title ?? "", subtitle: MASKED_NOTE } : opts.title;
  const spec: VegaLiteSpec = {
    ...(title ? { title } : {}),
    width: Math.round(cols * cell),
    height: Math.round(rows * cell),
    data: { values },
  };
  if (!masked) return { ...spec, ...cells };
  if (values.every((r) => r.value === null)) return { ...spec, ...maskedUnit(x, y) };
  return { ...spec, layer: [cells, maskedUnit(x, y)] };
}

/** Options of {@link histogramChart}. */
export interface HistogramOptions {
  /** Number of equal-width bins over `range`. */
  bins: number;
  /** Bar heights as a probability density (area 1) instead of counts. */
  density?: boolean;
  /** Binning range [lo, hi]; values outside are left out. Default: data min/max. */
  range?: [number, number];
  /** A curve drawn over the bars, e.g. the exact density. */
  overlay?: { x: number; y: number }[];
  title?: string;
  xTitle?: string;
  yTitle?: string;
  width?: number;
  height?: number;
}

/**
 * A histogram with equal-width bins computed here (deterministic), optionally as a density and
 * with an overlaid curve.
 *
 * @param values the samples; all must be finite.
 * @param opts `bins` (required), `density`, `range`, `overlay`, titles, size.
 * @returns a Vega-Lite spec; its data rows are `{ lo, hi, count }` or `{ lo, hi, density }`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { histogramChart } from "@lib/display/mod.ts";
 * const spec = histogramChart([0, 0.1, 0.6, 0.9, 1], { bins: 2 });
 * assertEquals((spec.data as { values: unknown[] }).values, [{ lo: 0, hi: 0.5, count: 2 }, { lo: 0.5, hi: 1, count: 3 }]);
 * ```
 */
export function histogramChart(values: ArrayLike<number>, opts: HistogramOptions): VegaLiteSpec {
  const where = "histogramChart";
  if (values === null || typeof values !== "object" || typeof values.length !== "number") {
    typeError(where, "values", "an array of numbers", values);
  }
  if (values.length === 0) rangeError(where, "values.length", "≥ 1", 0);
  if (!isPlainObject(opts)) typeError(where, "opts", "an object { bins, … }", opts);
  const bins = checkInt(where, "opts.bins", opts.bins, 1, 1000);
  const density = checkOptBool(where, "opts.density", opts.density);
  for (const k of ["title", "xTitle", "yTitle"] as const) checkOptString(where, `opts.${k}`, opts[k]);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (typeof v !== "number" || !Number.isFinite(v)) rangeError(where, `values[${i}]`, "a finite number", v);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = checkDomain(where, "opts.range", opts.range);
  if (range) [lo, hi] = range;
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const w = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  let kept = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo || v > hi) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / w))]! += 1;
    kept++;
  }
  const yField = density ? "density" : "count";
  const rows = counts.map((n, b) => ({
    lo: lo + b * w,
    hi: b === bins - 1 ? hi : lo + (b + 1) * w,
    [yField]: density ? (kept > 0 ? n / (kept * w) : 0) : n,
  }));
  const yTitle = opts.yTitle ?? yField;
  const bars: Obj = {
    data: { values: rows },
    mark: { type: "bar", stroke: "white", strokeWidth: 0.5 },
    encoding: {
      x: {
        field: "lo",
        type: "quantitative",
        bin: "binned",
        title: opts.xTitle ?? "value",
        scale: { zero: false },
      },
      x2: { field: "hi" },
      y: { field: yField, type: "quantitative", title: yTitle },
    },
  };
  const head: Obj = {
    ...(opts.title ? { title: opts.title } : {}),
    width: checkSize(where, "opts.width", opts.width, DEFAULT_WIDTH),
    height: checkSize(where, "opts.height", opts.height, DEFAULT_HEIGHT),
  };
  if (opts.overlay === undefined) return { ...head, ...bars };
  if (!Array.isArray(opts.overlay) || opts.overlay.length === 0) {
    typeError(where, "opts.overlay", "a non-empty array of { x, y }", opts.overlay);
  }
  opts.overlay.forEach((p, i) => {
    if (!isPlainObject(p)) typeError(where, `opts.overlay[${i}]`, "{ x, y }", p);
    checkFinite(where, `opts.overlay[${i}].x`, p.x);
    checkFinite(where, `opts.overlay[${i}].y`, p.y);
  });
  const curve: Obj = {
    data: { values: opts.overlay.map((p) => ({ x: p.x, y: p.y })) },
    mark: { type: "line", color: "#d62728", strokeWidth: 2 },
    encoding: {
      x: { field: "x", type: "quantitative", title: opts.xTitle ?? "value" },
      y: { field: "y", type: "quantitative", title: yTitle },
    },
  };
  return { ...head, layer: [bars, curve] };
}

/**
 * A reference line at a fixed value: vertical (`axis: "x"`) or horizontal (`axis: "y"`), to be
 * combined with a chart by {@link layer}.
 *
 * @param axis "x" for a vertical line at x = value, "y" for a horizontal line at y = value.
 * @param value where the line goes.
 * @param opts `dash` (dashed line), `label` (text next to the line), `color` (default "#555").
 * @returns a Vega-Lite spec (a unit, or a layer of rule + text when labelled).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { layer, lineChart, rule } from "@lib/display/mod.ts";
 * const chart = layer(lineChart([{ t: 0, y: 1 }, { t: 1, y: 2 }], { x: "t", y: "y" }), rule("y", 1.5, { dash: true }));
 * assertEquals((chart.layer as unknown[]).length, 2);
 * ```
 */
export function rule(
  axis: "x" | "y",
  value: number,
  opts: { dash?: boolean; label?: string; color?: string } = {},
): VegaLiteSpec {
  const where = "rule";
  if (axis !== "x" && axis !== "y") rangeError(where, "axis", '"x" or "y"', axis);
  checkFinite(where, "value", value);
  if (!isPlainObject(opts)) typeError(where, "opts", "an object", opts);
  const dash = checkOptBool(where, "opts.dash", opts.dash);
  const label = checkOptString(where, "opts.label", opts.label);
  const color = checkOptString(where, "opts.color", opts.color) ?? "#555";
  const mark: Obj = { type: "rule", color, strokeWidth: 1.25 };
  if (dash) mark.strokeDash = [5, 4];
  const line: Obj = { data: { values: [{}] }, mark, encoding: { [axis]: { datum: value } } };
  if (label === undefined) return line;
  const text: Obj = {
    data: { values: [{}] },
    mark: axis === "x"
      ? { type: "text", color, align: "left", baseline: "top", dx: 4, dy: 4 }
      : { type: "text", color, align: "right", baseline: "bottom", dx: -4, dy: -3 },
    encoding: axis === "x"
      ? { x: { datum: value }, y: { value: 0 }, text: { value: label } }
      : { y: { datum: value }, x: { value: "width" }, text: { value: label } },
  };
  return { layer: [line, text] };
}

function checkSpecs(where: string, specs: unknown[]): Obj[] {
  if (specs.length === 0) rangeError(where, "specs", "at least one spec", specs);
  specs.forEach((s, i) => {
    if (!isPlainObject(s)) typeError(where, `specs[${i}]`, "a Vega-Lite spec object", s);
  });
  return specs as Obj[];
}

/** Removes `$schema` and moves `config` up (merged, first wins). */
function hoistConfig(children: Obj[]): { children: Obj[]; config?: Obj } {
  let config: Obj | undefined;
  const out = children.map((s) => {
    const { $schema: _s, config: c, ...rest } = s;
    if (isPlainObject(c)) config = { ...c, ...config };
    return rest;
  });
  return config ? { children: out, config } : { children: out };
}

/**
 * Draws specs on top of each other with shared axes (e.g. a chart and {@link rule}s). The size
 * and title come from the first spec that has them.
 *
 * @param specs unit or layer specs (no facets or concatenations).
 * @returns a layered Vega-Lite spec.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { layer, scatterChart, rule } from "@lib/display/mod.ts";
 * const s = layer(scatterChart([{ a: 1, b: 1 }], { x: "a", y: "b", title: "T" }), rule("x", 0.5));
 * assertEquals([s.title, s.width], ["T", 420]);
 * ```
 */
export function layer(...specs: VegaLiteSpec[]): VegaLiteSpec {
  const where = "layer";
  const { children, config } = hoistConfig(checkSpecs(where, specs));
  const top: Obj = {};
  const layers = children.map((s, i) => {
    if (!("mark" in s) && !("layer" in s)) {
      typeError(where, `specs[${i}]`, "a unit or layer spec (facet/concat specs cannot be layered)", s);
    }
    const { width, height, title, ...rest } = s;
    if (top.width === undefined && width !== undefined) top.width = width;
    if (top.height === undefined && height !== undefined) top.height = height;
    if (top.title === undefined && title !== undefined) top.title = title;
    return rest;
  });
  return { ...top, layer: layers, ...(config ? { config } : {}) };
}

/**
 * Places specs side by side.
 *
 * @param specs any Vega-Lite specs.
 * @returns an `hconcat` spec.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { hconcat, histogramChart } from "@lib/display/mod.ts";
 * const h = histogramChart([1, 2, 3], { bins: 3 });
 * assertEquals((hconcat(h, h).hconcat as unknown[]).length, 2);
 * ```
 */
export function hconcat(...specs: VegaLiteSpec[]): VegaLiteSpec {
  const { children, config } = hoistConfig(checkSpecs("hconcat", specs));
  return { hconcat: children, ...(config ? { config } : {}) };
}

/**
 * Stacks specs vertically.
 *
 * @param specs any Vega-Lite specs.
 * @returns a `vconcat` spec.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { histogramChart, vconcat } from "@lib/display/mod.ts";
 * const h = histogramChart([1, 2, 3], { bins: 3 });
 * assertEquals((vconcat(h, h).vconcat as unknown[]).length, 2);
 * ```
 */
export function vconcat(...specs: VegaLiteSpec[]): VegaLiteSpec {
  const { children, config } = hoistConfig(checkSpecs("vconcat", specs));
  return { vconcat: children, ...(config ? { config } : {}) };
}
