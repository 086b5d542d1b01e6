/**
 * Vega-Lite spec → MIME bundle: the spec itself (interactive in JupyterLab / VS Code) and a
 * static SVG rendered headless with Vega (shown by GitHub, nbconvert and the HTML book).
 *
 * Byte-identical output: numbers are rounded to 6 significant digits before rendering, the
 * element ids Vega numbers with process-wide counters (`clip3`, `gradient_7`) are renamed from a
 * hash of the SVG, and text is measured with Vega's built-in estimate (no canvas, no fonts).
 *
 * @module
 */
import { checkInt, rangeError, typeError } from "../core/validate.ts";
import { type Displayable, displayable } from "./displayable.ts";
import { roundSig } from "./format.ts";
import type { VegaLiteSpec } from "./types.ts";

/** The `$schema` every bundled spec carries. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** Default SVG size limit (bytes). */
export const MAX_SVG_BYTES = 1_000_000;

/** Options of {@link plot} and {@link renderSvg}. */
export interface PlotOptions {
  /** Throw when the SVG is larger than this many bytes (default 1 000 000). */
  maxSvgBytes?: number;
  /** Throw on Vega-Lite / Vega warnings instead of printing them with `console.warn`. */
  strict?: boolean;
  /** Significant digits kept for numbers in the spec (default 6). */
  digits?: number;
}

type Vega = typeof import("vega");
type VegaLite = typeof import("vega-lite");
let modules: Promise<{ vega: Vega; vl: VegaLite }> | undefined;

/** Loads vega and vega-lite once, without the `punycode` deprecation warning one of their
 * dependencies prints under Deno. */
function load(): Promise<{ vega: Vega; vl: VegaLite }> {
  modules ??= (async () => {
    const process = (await import("node:process")).default as unknown as { noDeprecation?: boolean };
    const before = process.noDeprecation;
    process.noDeprecation = true;
    try {
      const [vega, vl] = await Promise.all([import("vega"), import("vega-lite")]);
      return { vega, vl };
    } finally {
      process.noDeprecation = before;
    }
  })();
  return modules;
}

function normalizeValue(x: unknown, digits: number): unknown {
  if (typeof x === "number") return Number.isFinite(x) ? roundSig(x, digits) : null;
  if (Array.isArray(x)) return x.map((v) => normalizeValue(v, digits));
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    return Array.from(x as unknown as ArrayLike<number>, (v) => normalizeValue(v, digits));
  }
  if (x !== null && typeof x === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (v !== undefined) o[k] = normalizeValue(v, digits);
    return o;
  }
  return x;
}

/**
 * The spec as it is bundled and rendered: a deep copy with every number rounded to `digits`
 * significant digits (non-finite numbers become `null`, i.e. missing), `undefined` keys dropped,
 * `$schema` set to Vega-Lite v5, and `config.aria: false` unless the spec sets `config.aria`
 * (no per-mark ARIA labels: halves the SVG of a heatmap).
 *
 * @param spec a Vega-Lite spec.
 * @param digits significant digits (default 6).
 * @returns the normalized copy.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { normalizeSpec } from "@lib/display/plot.ts";
 * const s = normalizeSpec({ data: { values: [{ x: 0.1 + 0.2, y: NaN }] }, mark: "point" });
 * assertEquals(s.data, { values: [{ x: 0.3, y: null }] });
 * ```
 */
export function normalizeSpec(spec: VegaLiteSpec, digits = 6): VegaLiteSpec {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    typeError("plot", "spec", "a Vega-Lite spec object", spec);
  }
  checkInt("plot", "digits", digits, 1, 17);
  const { $schema: _old, ...rest } = normalizeValue(spec, digits) as Record<string, unknown>;
  const config = (rest.config ?? {}) as Record<string, unknown>;
  return { $schema: VEGA_LITE_SCHEMA, ...rest, config: { aria: false, ...config } };
}

/** 32-bit FNV-1a hash as 8 hex digits. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/**
 * Renames element ids (and their `url(#…)` / `href="#…"` references) to `<stem>_<hash>_<k>`:
 * the same chart gets the same ids in any process, and different charts on one page never share
 * an id.
 */
function canonicalIds(svg: string): string {
  const ids: string[] = [];
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!ids.includes(m[1]!)) ids.push(m[1]!);
  if (ids.length === 0) return svg;
  const index = new Map(ids.map((id, k) => [id, k]));
  const sub = (f: (k: number, id: string) => string) =>
    svg.replace(
      /(\sid=")([^"]+)(")|(url\(#)([^)]+)(\))|(href="#)([^"]+)(")/g,
      (all, a1, id1, a3, b1, id2, b3, c1, id3, c3) => {
        const id = id1 ?? id2 ?? id3;
        const k = index.get(id);
        if (k === undefined) return all;
        const open = a1 ?? b1 ?? c1, close = a3 ?? b3 ?? c3;
        return `${open}${f(k, id)}${close}`;
      },
    );
  const hash = fnv1a(sub((k) => `@${k}`));
  return sub((k, id) => `${id.replace(/[_\d]+$/, "") || "id"}_${hash}_${k + 1}`);
}

function titleText(spec: VegaLiteSpec): string {
  const t = spec.title;
  const text = typeof t === "string" || Array.isArray(t)
    ? t
    : t !== null && typeof t === "object"
    ? (t as { text?: unknown }).text
    : undefined;
  if (typeof text === "string" && text !== "") return text;
  if (Array.isArray(text) && text.length > 0) return text.join(" ");
  return "Vega-Lite chart";
}

/** Rendered output of {@link renderSvg}. */
export interface Rendered {
  /** The normalized spec (see {@link normalizeSpec}). */
  spec: VegaLiteSpec;
  /** The SVG document. */
  svg: string;
  /** Vega-Lite and Vega warnings, in order. */
  warnings: string[];
}

/**
 * Compiles a Vega-Lite spec and renders it to SVG headless (no browser, no canvas). Warnings
 * are printed with `console.warn` (or thrown with `strict`).
 *
 * @param spec a Vega-Lite v5 spec (e.g. from `lineChart`).
 * @param opts `maxSvgBytes`, `strict`, `digits`.
 * @returns the normalized spec, the SVG and the warnings.
 *
 * @example
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { lineChart, renderSvg } from "@lib/display/mod.ts";
 * const r = await renderSvg(lineChart([{ t: 0, y: 1 }, { t: 1, y: 3 }], { x: "t", y: "y" }), { strict: true });
 * assertStringIncludes(r.svg, "<svg");
 * assertEquals(r.warnings, []);
 * ```
 */
export async function renderSvg(spec: VegaLiteSpec, opts: PlotOptions = {}): Promise<Rendered> {
  if (opts === null || typeof opts !== "object") typeError("plot", "opts", "an object", opts);
  const maxBytes = opts.maxSvgBytes === undefined
    ? MAX_SVG_BYTES
    : checkInt("plot", "opts.maxSvgBytes", opts.maxSvgBytes, 1);
  const norm = normalizeSpec(spec, opts.digits ?? 6);
  const { vega, vl } = await load();
  const warnings: string[] = [];
  const errors: string[] = [];
  const handler = (_method: string, level: string, input: readonly unknown[]) => {
    // `input` is an `arguments` object (array-like), not an array.
    const msg = Array.from(input, (x) => (x instanceof Error ? x.message : String(x))).join(" ");
    (level === "ERROR" ? errors : warnings).push(msg);
  };
  const logger = vega.logger(vega.Warn, undefined, handler);
  let compiled;
  try {
    compiled = vl.compile(norm as unknown as Parameters<VegaLite["compile"]>[0], { logger }).spec;
  } catch (e) {
    throw new Error(`plot: invalid Vega-Lite spec: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logger });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  if (errors.length > 0) throw new Error(`plot: Vega reported errors:\n${errors.join("\n")}`);
  svg = canonicalIds(svg);
  const unique = [...new Set(warnings)];
  if (unique.length > 0) {
    if (opts.strict) throw new Error(`plot: ${unique.length} warning(s):\n${unique.join("\n")}`);
    for (const w of unique) console.warn(`plot: ${w}`);
  }
  const bytes = new TextEncoder().encode(svg).length;
  if (bytes > maxBytes) {
    rangeError(
      "plot",
      "the SVG size",
      `≤ ${maxBytes} bytes (show big heatmaps with image(), aggregate the data, or raise opts.maxSvgBytes)`,
      bytes,
    );
  }
  return { spec: norm, svg, warnings: unique };
}

/**
 * Renders a Vega-Lite spec for a notebook: the last expression of a cell, `await plot(spec)`,
 * shows the chart.
 *
 * @param spec a Vega-Lite v5 spec (e.g. from `lineChart`, `heatmap`, `layer`).
 * @param opts `maxSvgBytes` (default 1 MB; larger throws a `RangeError`), `strict`, `digits`.
 * @returns a Displayable with `application/vnd.vegalite.v5+json` (the normalized spec),
 *   `image/svg+xml` (the static SVG) and `text/plain` (the title, or "Vega-Lite chart").
 *
 * @example
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { bundleOf, lineChart, plot } from "@lib/display/mod.ts";
 * const rows = [0, 1, 2].map((t) => ({ t, y: t * t }));
 * const b = bundleOf(await plot(lineChart(rows, { x: "t", y: "y", title: "y = t²" })));
 * assertEquals(b["text/plain"], "y = t²");
 * assertStringIncludes(b["image/svg+xml"] as string, "<svg");
 * ```
 */
export async function plot(spec: VegaLiteSpec, opts: PlotOptions = {}): Promise<Displayable> {
  const r = await renderSvg(spec, opts);
  return displayable({
    "application/vnd.vegalite.v5+json": r.spec,
    "image/svg+xml": r.svg,
    "text/plain": titleText(r.spec),
  });
}
