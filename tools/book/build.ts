/**
 * `deno task book`: builds the static HTML book from the executed notebooks into `.cache/book/`.
 *
 * - `index.html`: every article of `data/catalog.json`, grouped by topic; articles with a notebook link
 *   to its page and show its claims (✔/✘ from the last cell's `Claims: N/M`) and code-cell count,
 *   planned ones are greyed out. A notebook whose id is not in the catalog still appears (under "other").
 * - `<notebook stem>.html`: the notebook, Markdown rendered by markdown-it, math pre-rendered with KaTeX,
 *   code highlighted by highlight.js, outputs embedded (SVG inline, PNG as data URI, Vega-Lite live
 *   through vega-embed with the static SVG as fallback).
 * - `assets/`: KaTeX CSS + fonts, vega/vega-lite/vega-embed builds and highlight.js themes, copied from
 *   the pinned npm packages (no CDN), and the book's own CSS/JS from `tools/book/static/`.
 *
 * Usage: `deno task book [--out DIR]`. Prints the page count and the build time.
 *
 * @module
 */
import {
  claimsBadge,
  claimsOf,
  createMarkdown,
  escapeHtml,
  isExecuted,
  mathStats,
  type Notebook,
  renderCells,
} from "./render.ts";

/** One article of `data/catalog.json`. */
export interface CatalogEntry {
  id: string;
  zh: string | null;
  en: string;
  date: string | null;
  url: string | null;
  topic: string;
}

/** The catalog file. */
export interface Catalog {
  topics: string[];
  articles: CatalogEntry[];
}

/** A notebook found in notebooks/, with what the index shows about it. */
export interface BookPage {
  file: string;
  page: string;
  id: string;
  title: string;
  url: string | null;
  codeCells: number;
  executed: boolean;
  claims: ReturnType<typeof claimsOf>;
}

/** Result of {@link buildBook}. */
export interface BuildResult {
  pages: BookPage[];
  out: string;
  ms: number;
  mathErrors: string[];
}

const ROOT = new URL("../../", import.meta.url);

/** npm packages whose browser files are copied into `assets/` (versions from deno.json's import map). */
const ASSET_PACKAGES = ["katex", "vega", "vega-lite", "vega-embed", "highlight.js"] as const;

/** Finds the unpacked npm package folders in Deno's cache, fetching them once if missing. */
async function packageDirs(): Promise<Record<string, string>> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
    .output();
  const npmCache: string = JSON.parse(new TextDecoder().decode(info.stdout)).npmCache;
  const dirs: Record<string, string> = {};
  for (const name of ASSET_PACKAGES) {
    const spec: string = config.imports[name];
    const m = /^npm:(@?[^@]+)@(.+)$/.exec(spec ?? "");
    if (!m) throw new Error(`deno.json: imports["${name}"] must be a pinned npm:name@version, got ${spec}`);
    const dir = `${npmCache}/registry.npmjs.org/${m[1]}/${m[2]}`;
    if (!(await exists(`${dir}/package.json`))) {
      const r = await new Deno.Command(Deno.execPath(), {
        args: ["info", spec],
        stdout: "null",
        stderr: "piped",
      })
        .output();
      if (!r.success || !(await exists(`${dir}/package.json`))) {
        throw new Error(`could not fetch ${spec}: ${new TextDecoder().decode(r.stderr)}`);
      }
    }
    dirs[name] = dir;
  }
  return dirs;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isFile) await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

/** Copies KaTeX, Vega, highlight.js themes and the book's own CSS/JS into `<out>/assets`. */
async function copyAssets(out: string): Promise<void> {
  const d = await packageDirs();
  const a = `${out}/assets`;
  await Deno.mkdir(`${a}/katex/fonts`, { recursive: true });
  await Deno.copyFile(`${d.katex}/dist/katex.min.css`, `${a}/katex/katex.min.css`);
  await copyDir(`${d.katex}/dist/fonts`, `${a}/katex/fonts`);
  await Deno.copyFile(`${d.vega}/build/vega.min.js`, `${a}/vega.min.js`);
  await Deno.copyFile(`${d["vega-lite"]}/build/vega-lite.min.js`, `${a}/vega-lite.min.js`);
  await Deno.copyFile(`${d["vega-embed"]}/build/vega-embed.min.js`, `${a}/vega-embed.min.js`);
  const light = await Deno.readTextFile(`${d["highlight.js"]}/styles/github.min.css`);
  const dark = await Deno.readTextFile(`${d["highlight.js"]}/styles/github-dark.min.css`);
  await Deno.writeTextFile(
    `${a}/highlight.css`,
    `/* highlight.js github + github-dark themes (BSD-3-Clause) */\n${light}\n` +
      `@media (prefers-color-scheme: dark) {\n${dark}\n}\n`,
  );
  const stat = new URL("static/", import.meta.url);
  for (const f of ["book.css", "book.js"]) await Deno.copyFile(new URL(f, stat), `${a}/${f}`);
}

/** The common page frame. */
function frame(title: string, body: string, withVega: boolean): string {
  const scripts = withVega
    ? `<script src="assets/vega.min.js"></script>\n<script src="assets/vega-lite.min.js"></script>\n` +
      `<script src="assets/vega-embed.min.js"></script>\n`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/highlight.css">
<link rel="stylesheet" href="assets/book.css">
</head>
<body>
${body}
${scripts}<script src="assets/book.js"></script>
</body>
</html>
`;
}

function articleLink(url: string | null): string {
  return url
    ? `<a class="orig" href="${escapeHtml(url)}" target="_blank" rel="noopener">${
      escapeHtml(url.replace(/^https:\/\//, ""))
    } ↗</a>`
    : `<span class="orig unknown">original link unknown</span>`;
}

/** Renders index.html. */
function renderIndex(catalog: Catalog, pages: BookPage[]): string {
  const byId = new Map(pages.map((p) => [p.id, p]));
  const known = new Set(catalog.articles.map((a) => a.id));
  const extra: CatalogEntry[] = pages.filter((p) => !known.has(p.id)).map((p) => ({
    id: p.id,
    zh: null,
    en: p.title,
    date: /^(\d{4}-\d\d-\d\d)/.exec(p.file)?.[1] ?? null,
    url: p.url,
    topic: "other",
  }));
  const all = [...catalog.articles, ...extra];
  const topics = [...catalog.topics, ...(extra.length ? ["other"] : [])];
  const written = pages.length;
  const claimsPass = pages.reduce((s, p) => s + p.claims.passed, 0);
  const claimsTotal = pages.reduce((s, p) => s + p.claims.total, 0);
  const sections = topics.map((topic) => {
    const rows = all.filter((a) => a.topic === topic).sort((a, b) =>
      (a.date ?? "9999").localeCompare(b.date ?? "9999") || a.id.localeCompare(b.id)
    );
    if (!rows.length) return "";
    const items = rows.map((a) => {
      const p = byId.get(a.id);
      const titleEn = p
        ? `<a class="title-en" href="${escapeHtml(p.page)}">${escapeHtml(a.en)}</a>`
        : `<span class="title-en">${escapeHtml(a.en)}</span>`;
      const zh = a.zh ? `<span class="title-zh" lang="zh">${escapeHtml(a.zh)}</span>` : "";
      const status = p
        ? `${claimsBadge(p.claims)} <span class="cells">${p.codeCells} code cells</span>`
        : `<span class="badge planned">planned</span>`;
      return `<li class="article${p ? "" : " planned"}" data-id="${a.id}">` +
        `<span class="id">${a.id}</span><span class="date">${a.date ?? "date unknown"}</span>` +
        `<span class="titles">${titleEn}${zh}</span>` +
        `<span class="meta">${articleLink(a.url)} ${status}</span></li>`;
    }).join("\n");
    return `<section class="topic"><h2>${
      escapeHtml(topic)
    }</h2>\n<ul class="articles">\n${items}\n</ul></section>`;
  }).join("\n");
  const body = `<header class="book-header"><h1>Kexue Notebooks</h1>
<p class="lede">Runnable TypeScript companions to research articles from Su Jianlin's blog
<em>Scientific Spaces</em> (<a href="https://kexue.fm" target="_blank" rel="noopener">kexue.fm ↗</a>).
Each page is an executed notebook: equations, code, figures, and a final table of the article's claims,
each checked numerically.</p>
<p class="stats">${written} of ${all.length} notebooks written · claims ${claimsPass}/${claimsTotal} ✔ ·
greyed-out entries are planned</p></header>
<main class="index">${sections}</main>`;
  return frame("Kexue Notebooks", body, false);
}

/** Renders one notebook page. */
function renderPage(
  nb: Notebook,
  p: BookPage,
  entry: CatalogEntry | undefined,
  md: ReturnType<typeof createMarkdown>,
): string {
  const zh = entry?.zh ? `<span class="title-zh" lang="zh">${escapeHtml(entry.zh)}</span>` : "";
  const header = `<header class="page-header"><nav><a href="index.html">← Kexue Notebooks</a></nav>
<div class="page-meta"><span class="id">${p.id}</span><span class="date">${entry?.date ?? ""}</span>` +
    `<span class="topic">${escapeHtml(entry?.topic ?? "")}</span>${claimsBadge(p.claims)}</div>
<div class="page-orig">${zh} ${articleLink(p.url)}</div></header>`;
  const note = p.executed
    ? ""
    : `<p class="not-run">This notebook has not been executed yet: no outputs.</p>`;
  const body = `${header}\n<main class="notebook">${note}\n${renderCells(nb, md)}</main>`;
  return frame(`${p.id} · ${p.title} — Kexue Notebooks`, body, true);
}

/** Options of {@link buildBook}. */
export interface BuildOptions {
  /** Output folder (emptied first); default `<repo>/.cache/book`. */
  out?: string;
  /** Folder of `.ipynb` files; default `<repo>/notebooks`. */
  notebooks?: string;
  /** Copy KaTeX/Vega/highlight.js assets (default true; the unit tests skip it). */
  assets?: boolean;
}

/**
 * Builds the book from every `*.ipynb` in the notebooks folder (no list to edit: the index reads each
 * notebook's `metadata.kexue`) and `<repo>/data/catalog.json` into `out`.
 */
export async function buildBook(opts: BuildOptions = {}): Promise<BuildResult> {
  const t0 = performance.now();
  const root = decodeURIComponent(ROOT.pathname).replace(/\/$/, "");
  const out = opts.out ?? `${root}/.cache/book`;
  const nbDir = opts.notebooks ?? `${root}/notebooks`;
  const catalog: Catalog = JSON.parse(await Deno.readTextFile(`${root}/data/catalog.json`));
  const entries = new Map(catalog.articles.map((a) => [a.id, a]));
  await Deno.remove(out, { recursive: true }).catch(() => {});
  await Deno.mkdir(out, { recursive: true });
  const assets = opts.assets === false ? Promise.resolve() : copyAssets(out);
  const files = [];
  for await (const e of Deno.readDir(nbDir)) {
    if (e.isFile && e.name.endsWith(".ipynb") && !e.name.endsWith(".tmp.ipynb")) files.push(e.name);
  }
  files.sort();
  const md = createMarkdown();
  mathStats.errors.length = 0;
  const pages: BookPage[] = [];
  for (const file of files) {
    const nb: Notebook = JSON.parse(await Deno.readTextFile(`${nbDir}/${file}`));
    const k = nb.metadata.kexue ?? {};
    const id = k.id ?? file.replace(/\.ipynb$/, "");
    const entry = entries.get(id);
    const p: BookPage = {
      file,
      page: file.replace(/\.ipynb$/, ".html"),
      id,
      title: entry?.en ?? k.title ?? id,
      url: k.url ?? entry?.url ?? null,
      codeCells: nb.cells.filter((c) => c.cell_type === "code").length,
      executed: isExecuted(nb),
      claims: claimsOf(nb),
    };
    const before = mathStats.errors.length;
    await Deno.writeTextFile(`${out}/${p.page}`, renderPage(nb, p, entry, md));
    for (const err of mathStats.errors.slice(before)) console.warn(`${file}: KaTeX: ${err}`);
    pages.push(p);
  }
  await Deno.writeTextFile(`${out}/index.html`, renderIndex(catalog, pages));
  await assets;
  return { pages, out, ms: performance.now() - t0, mathErrors: [...mathStats.errors] };
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--out");
  const r = await buildBook(i >= 0 ? { out: Deno.args[i + 1] } : {});
  const rel = r.out.startsWith(Deno.cwd()) ? r.out.slice(Deno.cwd().length + 1) : r.out;
  for (const p of r.pages) {
    const c = p.claims.status === "none" ? "not run" : `${p.claims.passed}/${p.claims.total}`;
    console.log(`  ${p.id.padEnd(4)} ${p.page.padEnd(48)} claims ${c}`);
  }
  console.log(
    `book: ${r.pages.length} notebook pages + index in ${rel}/ (${(r.ms / 1000).toFixed(2)} s)` +
      (r.mathErrors.length ? `, ${r.mathErrors.length} KaTeX errors` : ""),
  );
  console.log(`open ${rel}/index.html (file://) or serve the folder with any static server`);
}
