/**
 * LaTeX → MathML with KaTeX (no CSS or fonts needed), plus the same formula as Markdown math.
 *
 * Article equations use MathJax-only commands. {@link texRewrite} turns them into plain TeX
 * before rendering, for both the HTML and the Markdown copy:
 *
 * | input | becomes |
 * |---|---|
 * | `\label{…}`, `\require{…}` | removed |
 * | `\eqref{x}` | `\text{(x)}` |
 * | `\ref{x}` | `\text{x}` |
 * | `\style{css}{body}`, `\class{c}{body}`, `\cssId{id}{body}`, `\bbox[opts]{body}` | `{body}` |
 *
 * `\tag`, `\boldsymbol`, `\text`, `aligned`, `align`, `equation`, `\nonumber` are native KaTeX.
 *
 * @module
 */
import katex from "katex";
import { typeError } from "../core/validate.ts";
import { type Displayable, displayable } from "./displayable.ts";

/** Options of {@link tex}. */
export interface TexOptions {
  /** Display (block) math — `$$…$$` — rather than inline `$…$`. Default true. */
  display?: boolean;
  /** KaTeX macros, e.g. `{ "\\E": "\\mathbb{E}" }`; also written as `\def`s into the Markdown copy. */
  macros?: Record<string, string>;
}

/** Escapes characters that are special in TeX text mode. */
function escapeText(s: string): string {
  return s.replace(/[\\{}_#%&$^~]/g, (c) => {
    switch (c) {
      case "\\":
        return "\\backslash{}";
      case "^":
        return "\\^{}";
      case "~":
        return "\\~{}";
      default:
        return "\\" + c;
    }
  });
}

/** Reads a balanced `{…}` group starting at `i` (after optional spaces); returns [content, end]. */
function readGroup(s: string, i: number): [string, number] | null {
  let k = i;
  while (k < s.length && /\s/.test(s[k]!)) k++;
  if (s[k] !== "{") return null;
  let depth = 0;
  for (let j = k; j < s.length; j++) {
    const c = s[j]!;
    if (c === "\\") {
      j++; // skip the escaped character (\{, \}, \\)
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) return [s.slice(k + 1, j), j + 1];
    }
  }
  return null;
}

/** Reads an optional `[…]` argument starting at `i` (after optional spaces); returns the end index. */
function skipOptional(s: string, i: number): number {
  let k = i;
  while (k < s.length && /\s/.test(s[k]!)) k++;
  if (s[k] !== "[") return i;
  const close = s.indexOf("]", k);
  return close < 0 ? i : close + 1;
}

type Rule = { args: number; optional?: boolean; out: (a: string[]) => string };
const RULES: Record<string, Rule> = {
  label: { args: 1, out: () => "" },
  require: { args: 1, out: () => "" },
  eqref: { args: 1, out: ([x]) => `\\text{(${escapeText(x!.trim())})}` },
  ref: { args: 1, out: ([x]) => `\\text{${escapeText(x!.trim())}}` },
  style: { args: 2, out: ([, b]) => `{${texRewrite(b!)}}` },
  class: { args: 2, out: ([, b]) => `{${texRewrite(b!)}}` },
  cssId: { args: 2, out: ([, b]) => `{${texRewrite(b!)}}` },
  bbox: { args: 1, optional: true, out: ([b]) => `{${texRewrite(b!)}}` },
};

/**
 * Rewrites MathJax-only commands into TeX that KaTeX (and any MathJax) renders: drops `\label`
 * and `\require`, turns `\eqref{x}` into `\text{(x)}` and `\ref{x}` into `\text{x}`, and keeps
 * only the body of `\style`, `\class`, `\cssId` and `\bbox`. A command with a missing argument is
 * left as it is (KaTeX then reports it).
 *
 * @param latex the TeX source.
 * @returns the rewritten source.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { texRewrite } from "@lib/display/tex.ts";
 * assertEquals(texRewrite(String.raw`x \label{eq:a} = \eqref{eq:b}`), String.raw`x  = \text{(eq:b)}`);
 * assertEquals(texRewrite(String.raw`\style{color:red}{x^2}`), "{x^2}");
 * ```
 */
export function texRewrite(latex: string): string {
  if (typeof latex !== "string") typeError("texRewrite", "latex", "a string", latex);
  let out = "";
  let i = 0;
  while (i < latex.length) {
    const c = latex[i]!;
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const m = /^\\([A-Za-z]+)/.exec(latex.slice(i, i + 40));
    if (!m) {
      out += latex.slice(i, i + 2); // \\, \{, \, …: copy the escape pair verbatim
      i += 2;
      continue;
    }
    const name = m[1]!;
    const rule = RULES[name];
    let end = i + m[0].length;
    if (rule) {
      if (rule.optional) end = skipOptional(latex, end);
      const args: string[] = [];
      for (let a = 0; a < rule.args; a++) {
        const g = readGroup(latex, end);
        if (!g) break;
        args.push(g[0]);
        end = g[1];
      }
      if (args.length === rule.args) {
        out += rule.out(args);
        i = end;
        continue;
      }
    }
    out += m[0];
    i += m[0].length;
  }
  return out;
}

function checkMacros(macros: unknown): Record<string, string> {
  if (macros === undefined) return {};
  if (macros === null || typeof macros !== "object" || Array.isArray(macros)) {
    typeError("tex", "opts.macros", "an object of macro name → definition", macros);
  }
  for (const [k, v] of Object.entries(macros)) {
    if (!/^\\[A-Za-z]+$/.test(k)) typeError("tex", "a macro name", "\\ followed by letters", k);
    if (typeof v !== "string") typeError("tex", `opts.macros[${JSON.stringify(k)}]`, "a string", v);
  }
  return macros as Record<string, string>;
}

/** `\def` lines reproducing KaTeX macros for the Markdown (MathJax) copy. */
function macroDefs(macros: Record<string, string>): string {
  return Object.entries(macros).map(([k, v]) => {
    let n = 0;
    for (const m of v.matchAll(/#([1-9])/g)) n = Math.max(n, Number(m[1]));
    const params = Array.from({ length: n }, (_, j) => `#${j + 1}`).join("");
    return `\\def${k}${params}{${v}}`;
  }).join(" ");
}

/**
 * Renders LaTeX with KaTeX to MathML. Throws a `SyntaxError` that quotes the input when KaTeX
 * cannot parse it (so a notebook never shows a red half-rendered formula).
 *
 * @param latex the formula, without `$` delimiters; `\label`, `\eqref`, `\style`, … are rewritten
 *   first (see {@link texRewrite}).
 * @param opts `display` (default true) and KaTeX `macros`.
 * @returns a Displayable with `text/html` (KaTeX MathML), `text/markdown` (`$$…$$` or `$…$`,
 *   rewritten source), `text/latex` (same) and `text/plain` (the original source).
 *
 * @example
 * ```ts
 * import { assertStringIncludes, assertThrows } from "@std/assert";
 * import { bundleOf, tex } from "@lib/display/mod.ts";
 * const b = bundleOf(tex(String.raw`\boldsymbol{m}_t = \beta_1 \boldsymbol{m}_{t-1} \label{eq:m}`));
 * assertStringIncludes(b["text/html"] as string, "<math");
 * assertStringIncludes(b["text/markdown"] as string, "$$");
 * assertThrows(() => tex(String.raw`\frac{1`), SyntaxError, String.raw`\frac{1`);
 * ```
 */
export function tex(latex: string, opts: TexOptions = {}): Displayable {
  if (typeof latex !== "string") typeError("tex", "latex", "a string", latex);
  if (latex.trim() === "") typeError("tex", "latex", "a non-empty string", latex);
  if (opts === null || typeof opts !== "object") typeError("tex", "opts", "an object", opts);
  const display = opts.display ?? true;
  if (typeof display !== "boolean") typeError("tex", "opts.display", "a boolean", display);
  const macros = checkMacros(opts.macros);
  const src = texRewrite(latex);
  let html: string;
  try {
    html = katex.renderToString(src, {
      output: "mathml",
      throwOnError: true,
      displayMode: display,
      strict: "ignore",
      macros: { ...macros }, // KaTeX mutates the object with \gdef; never share the caller's
    });
  } catch (e) {
    // KaTeX underlines the error position with U+0332; drop it to keep the message readable.
    const why = (e instanceof Error ? e.message : String(e)).replace(/\u0332/g, "");
    const shown = latex.length > 200 ? latex.slice(0, 200) + "…" : latex;
    throw new SyntaxError(`tex: cannot render ${JSON.stringify(shown)}: ${why}`, { cause: e });
  }
  const defs = macroDefs(macros);
  // Blank lines would end a Markdown paragraph in the middle of the formula.
  const body = (defs ? defs + " " : "") + src.trim().replace(/\n\s*\n/g, "\n");
  const markdown = display ? `$$${body}$$` : `$${body}$`;
  return displayable({
    "text/html": html,
    "text/markdown": markdown,
    "text/latex": markdown,
    "text/plain": latex,
  });
}
