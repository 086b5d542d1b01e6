/**
 * Hand-drawn SVG figures that Vega-Lite does not express well.
 *
 * `latticeSvg` draws a segmentation lattice: positions $0..L$ on a line, the symbols between them, and
 * one arc per token edge $(s,e,v)$ above the line, labelled with the token and $v=\log p$. A path (a
 * list of cut positions) can be highlighted. The lattice is taken as a structural type, so this file
 * does not import `lib/tokenize`.
 *
 * @module
 */
import { checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { type Displayable, displayable } from "./displayable.ts";

/** What {@link latticeSvg} needs from a lattice (e.g. `lib/tokenize/unigram.ts`'s `Lattice`). */
export interface LatticeLike {
  length: number;
  edges: readonly { s: number; e: number; v: number }[];
  symbols: readonly string[];
}

/** Options of {@link latticeSvg}. */
export interface LatticeSvgOptions {
  /** Cut positions of a path to highlight, from 0 to L ascending (e.g. `[0, 1, 3, 5]`). */
  highlight?: number[];
  /** Label arcs with token and log p (default true). */
  labels?: boolean;
  /** Width in pixels (default 640). */
  width?: number;
  /** Caption drawn on top and used as text/plain. */
  title?: string;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Draws a lattice as SVG; returns a Displayable with `image/svg+xml` and a `text/plain` summary.
 *
 * @param lat the lattice (positions 0..length, edges with 0 ≤ s < e ≤ length)
 * @param opts highlight path, labels, width, title
 * @example
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { bundleOf } from "@lib/display/displayable.ts";
 * import { latticeSvg } from "@lib/display/svg.ts";
 * const lat = { length: 2, symbols: ["a", "b"], edges: [{ s: 0, e: 1, v: -1 }, { s: 0, e: 2, v: -2 }, { s: 1, e: 2, v: -1 }] };
 * const svg = bundleOf(latticeSvg(lat, { highlight: [0, 2] }))["image/svg+xml"] as string;
 * assert(svg.startsWith("<svg"));
 * assertEquals(svg.match(/class="edge hl"/g)?.length, 1);
 * ```
 */
export function latticeSvg(lat: LatticeLike, opts: LatticeSvgOptions = {}): Displayable {
  if (lat === null || typeof lat !== "object" || !Array.isArray(lat.edges) || !Array.isArray(lat.symbols)) {
    typeError("latticeSvg", "lat", "{ length, edges, symbols }", lat);
  }
  const L = checkInt("latticeSvg", "lat.length", lat.length, 1);
  if (lat.symbols.length !== L) rangeError("latticeSvg", "lat.symbols.length", String(L), lat.symbols.length);
  const width = checkPositive("latticeSvg", "width", opts.width ?? 640);
  const labels = opts.labels ?? true;
  const hl = new Set<string>();
  if (opts.highlight !== undefined) {
    const h = opts.highlight;
    if (!Array.isArray(h) || h.length < 2 || h[0] !== 0 || h[h.length - 1] !== L) {
      rangeError("latticeSvg", "highlight", `cut positions from 0 to ${L}`, h);
    }
    for (let i = 1; i < h.length; i++) {
      if (!(h[i]! > h[i - 1]!)) rangeError("latticeSvg", "highlight", "strictly increasing", h);
      hl.add(`${h[i - 1]},${h[i]}`);
    }
  }
  let maxSpan = 1;
  for (const { s, e } of lat.edges) {
    if (!(Number.isInteger(s) && Number.isInteger(e) && s >= 0 && s < e && e <= L)) {
      rangeError("latticeSvg", "edge", `0 ≤ s < e ≤ ${L}`, `(${s}, ${e})`);
    }
    maxSpan = Math.max(maxSpan, e - s);
  }
  const margin = 30, unit = 34, top = opts.title ? 28 : 8;
  const y0 = top + unit * maxSpan + 24, height = y0 + 44;
  const x = (i: number) => margin + (i * (width - 2 * margin)) / L;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  );
  if (opts.title) {
    parts.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="13">${esc(opts.title)}</text>`);
  }
  parts.push(`<line x1="${x(0)}" y1="${y0}" x2="${x(L)}" y2="${y0}" stroke="#444"/>`);
  // non-highlighted edges first, so the path is drawn on top
  const ordered = [...lat.edges].sort((a, b) =>
    Number(hl.has(`${a.s},${a.e}`)) - Number(hl.has(`${b.s},${b.e}`))
  );
  for (const { s, e, v } of ordered) {
    const on = hl.has(`${s},${e}`);
    const x1 = x(s), x2 = x(e), xm = (x1 + x2) / 2, apex = y0 - unit * (e - s) + 6;
    const ctrl = 2 * apex - y0; // quadratic Bézier through the apex at t = 1/2
    parts.push(
      `<path class="edge${on ? " hl" : ""}" d="M${x1.toFixed(1)} ${y0} Q${xm.toFixed(1)} ${
        ctrl.toFixed(1)
      } ` +
        `${x2.toFixed(1)} ${y0}" fill="none" stroke="${on ? "#d62728" : "#8c8c8c"}" ` +
        `stroke-width="${on ? 2.5 : 1}"/>`,
    );
    if (labels) {
      const tok = lat.symbols.slice(s, e).join("");
      parts.push(
        `<text x="${xm.toFixed(1)}" y="${(apex - 3).toFixed(1)}" text-anchor="middle" ` +
          `fill="${on ? "#d62728" : "#333"}">${esc(tok)} ${v.toFixed(2)}</text>`,
      );
    }
  }
  for (let i = 0; i <= L; i++) {
    parts.push(
      `<circle cx="${x(i).toFixed(1)}" cy="${y0}" r="3.5" fill="#444"/>`,
      `<text x="${x(i).toFixed(1)}" y="${y0 + 36}" text-anchor="middle" fill="#666">${i}</text>`,
    );
  }
  for (let i = 0; i < L; i++) {
    parts.push(
      `<text x="${((x(i) + x(i + 1)) / 2).toFixed(1)}" y="${y0 + 18}" text-anchor="middle" font-size="15">` +
        `${esc(lat.symbols[i]!)}</text>`,
    );
  }
  parts.push("</svg>");
  const plain = `${opts.title ? opts.title + ": " : ""}lattice of "${lat.symbols.join("")}" ` +
    `(${lat.edges.length} edges${hl.size ? `, highlighted ${hl.size}` : ""})`;
  return displayable({ "image/svg+xml": parts.join("\n"), "text/plain": plain });
}
