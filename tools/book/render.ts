/**
 * Pieces of the HTML book: Markdown with pre-rendered KaTeX math, highlighted code, notebook outputs,
 * and the claims summary parsed from the last code cell.
 *
 * Everything here is pure (strings in, strings out) so that `tests/book/render_test.ts` can check it
 * without a browser.
 *
 * @module
 */
// @ts-types="@types/markdown-it"
import MarkdownIt from "markdown-it";
import hljs from "highlight.js";
import katex from "katex";
import { texRewrite } from "@lib/display/tex.ts";

/** One notebook output as stored in the .ipynb (nbformat 4). */
export interface NbOutput {
  output_type: string;
  data?: Record<string, unknown>;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

/** One notebook cell (the fields the book reads). */
export interface NbCell {
  cell_type: string;
  source: string | string[];
  outputs?: NbOutput[];
  metadata?: Record<string, unknown>;
}

/** The notebook fields the book reads. */
export interface Notebook {
  cells: NbCell[];
  metadata: { kexue?: { id?: string; url?: string; title?: string } } & Record<string, unknown>;
}

/** nbformat stores multi-line strings either as one string or as a list of lines. */
export function joinSource(s: string | string[] | unknown): string {
  if (Array.isArray(s)) return s.join("");
  return typeof s === "string" ? s : "";
}

/** HTML-escapes text for element content and double-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;",
  );
}

/** Counts KaTeX failures seen while rendering (the page then carries a `.katex-error` element). */
export const mathStats = { rendered: 0, errors: [] as string[] };

/** Renders TeX with KaTeX (HTML + MathML); invalid TeX gives KaTeX's red `.katex-error` span, never a throw. */
export function renderMath(src: string, display: boolean): string {
  const tex = texRewrite(src);
  mathStats.rendered++;
  try {
    return katex.renderToString(tex, {
      displayMode: display,
      throwOnError: true,
      strict: "ignore",
      output: "htmlAndMathml",
      trust: false,
    });
  } catch (e) {
    mathStats.errors.push(`${(e as Error).message} in ${JSON.stringify(src.slice(0, 80))}`);
    return katex.renderToString(tex, { displayMode: display, throwOnError: false, strict: "ignore" });
  }
}

// deno-lint-ignore no-explicit-any
type Any = any;

/**
 * A markdown-it plugin for `$…$` (inline) and `$$…$$` (display) math, as Jupyter reads them: a block
 * rule for `$$` starting a line (one or several lines), an inline rule for math inside a paragraph.
 */
export function mathPlugin(md: MarkdownIt): void {
  md.block.ruler.before("fence", "math_block", (state: Any, startLine: number, endLine: number, silent) => {
    if (state.sCount[startLine] - state.blkIndent >= 4) return false;
    const start = state.bMarks[startLine] + state.tShift[startLine];
    const first = state.src.slice(start, state.eMarks[startLine]);
    if (!first.startsWith("$$")) return false;
    const rest = first.slice(2).trimEnd();
    let content: string;
    let last = startLine;
    if (rest.endsWith("$$") && rest.length >= 2) {
      const inner = rest.slice(0, -2);
      if (inner.includes("$$")) return false;
      content = inner;
    } else {
      if (rest.includes("$$")) return false; // `$$a$$ text`: leave it to the inline rule
      const lines = [rest];
      let found = false;
      for (let l = startLine + 1; l < endLine; l++) {
        const text = state.src.slice(state.bMarks[l] + state.tShift[l], state.eMarks[l]).trimEnd();
        if (text.endsWith("$$")) {
          lines.push(text.slice(0, -2));
          last = l;
          found = true;
          break;
        }
        if (text.includes("$$")) return false;
        lines.push(text);
      }
      if (!found) return false;
      content = lines.join("\n");
    }
    if (silent) return true;
    const token = state.push("math_block", "math", 0);
    token.block = true;
    token.content = content;
    token.map = [startLine, last + 1];
    state.line = last + 1;
    return true;
  }, { alt: ["paragraph", "reference", "blockquote", "list"] });

  md.inline.ruler.before("escape", "math_inline", (state: Any, silent: boolean) => {
    const src: string = state.src;
    const pos: number = state.pos;
    if (src[pos] !== "$") return false;
    const display = src[pos + 1] === "$";
    const open = display ? 2 : 1;
    let end = pos + open;
    while (end < state.posMax) {
      if (src[end] === "\\") {
        end += 2;
        continue;
      }
      if (src[end] === "$" && (!display || src[end + 1] === "$")) break;
      end++;
    }
    if (end >= state.posMax) return false;
    const content = src.slice(pos + open, end);
    if (content.trim() === "") return false;
    if (!silent) {
      const token = state.push(display ? "math_inline_display" : "math_inline", "math", 0);
      token.content = content;
    }
    state.pos = end + open;
    return true;
  });

  md.renderer.rules.math_block = (tokens: Any, idx: number) =>
    `<div class="math-display">${renderMath(tokens[idx].content, true)}</div>\n`;
  md.renderer.rules.math_inline = (tokens: Any, idx: number) => renderMath(tokens[idx].content, false);
  md.renderer.rules.math_inline_display = (tokens: Any, idx: number) => renderMath(tokens[idx].content, true);
}

/** Syntax-highlights code with highlight.js (TypeScript unless told otherwise). */
export function highlight(code: string, language = "typescript"): string {
  const lang = hljs.getLanguage(language) ? language : "plaintext";
  return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
}

/** The book's Markdown renderer: CommonMark + tables, raw HTML allowed (notebooks are ours), math, highlighted fences. */
export function createMarkdown(): MarkdownIt {
  const md: MarkdownIt = new MarkdownIt({
    html: true,
    linkify: false,
    typographer: false,
    highlight: (code: string, lang: string) =>
      `<pre class="code"><code class="hljs">${highlight(code, lang || "plaintext")}</code></pre>`,
  });
  md.use(mathPlugin);
  // external links open in a new tab; they are never fetched by the page itself
  const defaultOpen = md.renderer.rules.link_open ??
    ((tokens: Any, idx: number, options: Any, _env: Any, self: Any) =>
      self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens: Any, idx: number, options: Any, env: Any, self: Any) => {
    const href = tokens[idx].attrGet("href") ?? "";
    if (/^https?:/.test(href)) {
      tokens[idx].attrSet("target", "_blank");
      tokens[idx].attrSet("rel", "noopener");
    }
    return defaultOpen(tokens, idx, options, env, self);
  };
  return md;
}

const VEGA = "application/vnd.vegalite.v5+json";
let figureCounter = 0;

/** Restarts figure numbering (one page = ids fig-1, fig-2, …). */
export function resetFigureIds(): void {
  figureCounter = 0;
}

/** Removes ANSI colour codes from terminal text (error tracebacks). */
export function stripAnsi(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
}

/** JSON that can sit inside a `<script>` element. */
function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(
    /\u2029/g,
    "\\u2029",
  );
}

/** Adds the `claims` class and ✔/✘ cell classes to a claims table produced by `Claims.report()`. */
export function styleClaimsHtml(html: string): string {
  if (!/^<table>\s*<caption>Claims<\/caption>/.test(html)) return html;
  return html
    .replace(/^<table>/, '<table class="claims">')
    .replace(/<td([^>]*)>✔<\/td>/g, '<td$1 class="pass">✔</td>')
    .replace(/<td([^>]*)>✘<\/td>/g, '<td$1 class="fail">✘</td>')
    .replace(/<p>(Claims: \d+\/\d+ [✔✘])<\/p>/, '<p class="claims-summary">$1</p>');
}

/**
 * Renders one output as an element with class `output` (the browser test counts them). The richest
 * representation wins: Vega-Lite (interactive, static SVG fallback inside), SVG, PNG, LaTeX (KaTeX),
 * HTML, Markdown, plain text. An output with nothing to show becomes `.output.missing`.
 */
export function renderOutput(o: NbOutput, md: MarkdownIt): string {
  if (o.output_type === "stream") {
    const cls = o.name === "stderr" ? "stream stderr" : "stream";
    return `<pre class="output ${cls}">${escapeHtml(stripAnsi(joinSource(o.text)))}</pre>`;
  }
  if (o.output_type === "error") {
    const tb = (o.traceback ?? []).map(stripAnsi).join("\n") || `${o.ename}: ${o.evalue}`;
    return `<pre class="output error">${escapeHtml(tb)}</pre>`;
  }
  const data = o.data ?? {};
  const text = (m: string) => joinSource(data[m]);
  const plain = text("text/plain");
  const alt = escapeHtml(plain.split("\n")[0] ?? "");
  if (data[VEGA] !== undefined && data["image/svg+xml"] !== undefined) {
    const id = `fig-${++figureCounter}`;
    return `<figure class="output figure vega" id="${id}">` +
      `<script type="application/json" class="vega-spec">${scriptJson(data[VEGA])}</script>` +
      `<div class="vega-static svg-card" role="img" aria-label="${alt}">${text("image/svg+xml")}</div>` +
      `<div class="vega-live"></div></figure>`;
  }
  if (data["image/svg+xml"] !== undefined) {
    return `<figure class="output figure svg-card" role="img" aria-label="${alt}">${
      text("image/svg+xml")
    }</figure>`;
  }
  if (data["image/png"] !== undefined) {
    const b64 = text("image/png").replace(/\s+/g, "");
    return `<figure class="output figure png"><img alt="${alt}" src="data:image/png;base64,${b64}"></figure>`;
  }
  if (data["text/latex"] !== undefined) {
    const latex = text("text/latex").trim();
    const m = /^\$\$([\s\S]*)\$\$$/.exec(latex) ?? /^\$([\s\S]*)\$$/.exec(latex);
    if (m) {
      const display = latex.startsWith("$$");
      return `<div class="output math-output">${renderMath(m[1]!, display)}</div>`;
    }
  }
  if (data["text/html"] !== undefined) {
    return `<div class="output html">${styleClaimsHtml(text("text/html"))}</div>`;
  }
  if (data["text/markdown"] !== undefined) {
    return `<div class="output markdown">${md.render(text("text/markdown"))}</div>`;
  }
  if (plain !== "") return `<pre class="output text">${escapeHtml(plain)}</pre>`;
  return `<div class="output missing">output with no displayable data (${
    escapeHtml(Object.keys(data).join(", ") || "empty")
  })</div>`;
}

/** Claims summary of a notebook: from the `Claims: N/M` line of the last code cell's text/plain output. */
export interface ClaimsSummary {
  /** "pass" (N = M), "fail" (N < M), or "none" (the notebook has no outputs yet / no claims line). */
  status: "pass" | "fail" | "none";
  passed: number;
  total: number;
}

/** Reads `Claims: N/M` from the last code cell. */
export function claimsOf(nb: Notebook): ClaimsSummary {
  const code = nb.cells.filter((c) => c.cell_type === "code");
  const last = code[code.length - 1];
  for (const o of last?.outputs ?? []) {
    const plain = joinSource(o.data?.["text/plain"] ?? o.text);
    const m = /Claims: (\d+)\/(\d+)/.exec(plain);
    if (m) {
      const passed = Number(m[1]);
      const total = Number(m[2]);
      return { status: passed === total && total > 0 ? "pass" : "fail", passed, total };
    }
  }
  return { status: "none", passed: 0, total: 0 };
}

/** Whether any code cell carries outputs (an unexecuted notebook has none). */
export function isExecuted(nb: Notebook): boolean {
  return nb.cells.some((c) => c.cell_type === "code" && (c.outputs?.length ?? 0) > 0);
}

/** Renders the claims badge used on the index and page headers. */
export function claimsBadge(c: ClaimsSummary): string {
  if (c.status === "none") return `<span class="badge none">not run</span>`;
  const mark = c.status === "pass" ? "✔" : "✘";
  return `<span class="badge ${c.status}" title="claims checked in the last cell">${c.passed}/${c.total} ${mark}</span>`;
}

/** Renders the cells of a notebook (Markdown cells, code cells with their outputs). */
export function renderCells(nb: Notebook, md: MarkdownIt): string {
  resetFigureIds();
  const parts: string[] = [];
  nb.cells.forEach((cell, i) => {
    const src = joinSource(cell.source);
    if (cell.cell_type === "markdown") {
      parts.push(`<section class="cell md-cell" id="cell-${i}">${md.render(src)}</section>`);
    } else if (cell.cell_type === "code") {
      const outs = cell.outputs ?? [];
      const tags = (cell.metadata?.tags as string[] | undefined) ?? [];
      const timing = tags.includes("timing") ? ' data-timing="1"' : "";
      parts.push(
        `<section class="cell code-cell" id="cell-${i}" data-outputs="${outs.length}"${timing}>` +
          `<pre class="code"><code class="hljs language-typescript">${highlight(src)}</code></pre>` +
          (outs.length
            ? `<div class="outputs">${outs.map((o) => renderOutput(o, md)).join("\n")}</div>`
            : "") +
          `</section>`,
      );
    } else if (src.trim() !== "") {
      parts.push(`<section class="cell raw-cell" id="cell-${i}"><pre>${escapeHtml(src)}</pre></section>`);
    }
  });
  return parts.join("\n");
}
