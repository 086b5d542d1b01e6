/**
 * Cool Papers' listing core (O11) over a small arXiv-like listing that the project generates itself:
 * paper records, a simplified listing HTML (render and parse, no DOM), the union of categories with
 * de-duplication, category expressions with aliases, the in-page keyword filter and the [Copy] text.
 *
 * The HTML format is the project's own; it imitates only the structure of an arXiv listing: a `<h3>` day
 * heading, `<h4>` section headings, then `<dl>` with `<dt>` (identifier) / `<dd>` (title, authors,
 * subjects, abstract).
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { createRng } from "../core/rng.ts";
import { checkInt, checkRange, rangeError, typeError } from "../core/validate.ts";
import { canonicalArxivId } from "./arxiv_id.ts";

/** A listing section, in arXiv's order: new submissions, cross-lists, replacements. */
export type Section = "new" | "cross" | "replace";

/** One paper as listed on one day. `subjects` starts with `primary`. */
export type Paper = {
  id: string;
  title: string;
  authors: string[];
  abstract: string;
  primary: string;
  subjects: string[];
  section: Section;
  day: string;
};

/** Rank of a section: new < cross < replace. */
export const SECTION_ORDER: Readonly<Record<Section, number>> = { new: 0, cross: 1, replace: 2 };
const SECTION_TITLE: Record<Section, string> = {
  new: "New submissions",
  cross: "Cross-lists",
  replace: "Replacements",
};

/** Category aliases that arXiv merged (Cool Papers changelog 2024-10-17): alias → canonical name. */
export const CATEGORY_ALIASES: Readonly<Record<string, string>> = {
  "cs.NA": "math.NA",
  "cs.SY": "eess.SY",
  "math.IT": "cs.IT",
  "math.MP": "math-ph",
  "q-fin.EC": "econ.GN",
  "stat.TH": "math.ST",
};

/** A small subset of arXiv's category taxonomy (enough for the notebooks and tests). */
export const TAXONOMY: readonly string[] = [
  "cs.AI",
  "cs.CL",
  "cs.CV",
  "cs.CY",
  "cs.IR",
  "cs.IT",
  "cs.LG",
  "cs.NA",
  "cs.NE",
  "cs.SY",
  "econ.GN",
  "eess.AS",
  "eess.SY",
  "math.IT",
  "math.MP",
  "math.NA",
  "math.OC",
  "math.ST",
  "math-ph",
  "q-fin.EC",
  "stat.ME",
  "stat.ML",
  "stat.TH",
  "cond-mat.mes-hall",
  "cond-mat.stat-mech",
  "quant-ph",
  "hep-th",
  "physics.comp-ph",
  "q-bio.NC",
]; // deno-fmt-ignore

// ---------------------------------------------------------------------------------------------------
// generation

const WORDS = (
  "attention transformer diffusion model language vision sparse scaling law token embedding gradient " +
  "optimizer contrastive retrieval benchmark reasoning agent reward policy kernel graph neural network " +
  "memory context length position encoding quantization distillation pruning adapter prompt alignment " +
  "preference robust federated privacy causal inference bayesian variational latent generative flow " +
  "matching score sampling decoding speculative efficient linear recurrent state space mixture expert " +
  "routing calibration uncertainty evaluation dataset synthetic curriculum survey multimodal audio " +
  "speech image video segmentation detection planning"
).split(" ");
const HARD = ["&", "<", '"quoted"', "$x^2$", "Schrödinger", "O(n log n)", "→"];
const NAMES = [
  "Wei Zhang",
  "Li Na",
  "José García",
  "Zoë Müller",
  "Ana Ŝvec",
  "Priya Raman",
  "Kenji Sato",
  "Olu Adeyemi",
  "Marta Nowak",
  "Chen Jie",
  "Søren Dahl",
  "Amélie Roux",
  "Ivan Petrov",
  "Fatima Haddad",
  "Lucas Silva",
  "Hana Kim",
  "Tomás O'Neil",
  "Yuki Tanaka",
  "Noor Aziz",
  "Elif Şahin",
  "David Cohen",
  "Mei Lin",
  "Jonas Berg",
  "Aisha Bello",
]; // deno-fmt-ignore
const EXTRA_CATS = ["cs.CV", "cs.CY", "cs.NA", "math.OC"];

function _pick<T>(xs: readonly T[], rng: Rng): T {
  return xs[rng.int(xs.length)]!;
}

function _phrase(rng: Rng, n: number): string {
  const w: string[] = [];
  for (let i = 0; i < n; i++) w.push(_pick(WORDS, rng));
  if (rng() < 0.15) w.splice(rng.int(w.length + 1), 0, _pick(HARD, rng));
  return w.join(" ");
}

function _title(rng: Rng): string {
  const t = _phrase(rng, 3 + rng.int(5));
  return t.charAt(0).toUpperCase() + t.slice(1);
}

function _abstract(rng: Rng): string {
  const s: string[] = [];
  for (let k = 2 + rng.int(2); k > 0; k--) {
    const p = _phrase(rng, 6 + rng.int(8));
    s.push(p.charAt(0).toUpperCase() + p.slice(1) + ".");
  }
  return s.join(" ");
}

/** `YYMM` of an ISO day `YYYY-MM-DD`. */
function _yymm(day: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) rangeError("generateListing", "days", "ISO dates YYYY-MM-DD", day);
  return (Number(m[1]) % 100) * 100 + Number(m[2]);
}

/**
 * Generates a seeded arXiv-like listing: for each day and each category, a number of papers drawn
 * uniformly from `perDay` with that category as primary. Each is cross-listed with probability
 * `crossRate` to 1–2 other given categories (and, with probability 0.1, to one outside category), and is
 * a replacement of an older paper with probability `replaceRate`. New papers get consecutive 5-digit
 * numbers in the month of their day; replacements older numbers. Some titles and abstracts contain
 * hard strings (`&`, `<`, quotes, `$x^2$`, accents). Papers are returned with `section` relative to
 * their primary category (`new` or `replace`); see {@link listingView} for the other categories.
 *
 * @param opts `days` (ISO dates, oldest first), `categories`, `seed`; `perDay` [20, 40]; `crossRate` 0.3;
 *   `replaceRate` 0.15
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { generateListing } from "@lib/papers/listing.ts";
 * const a = generateListing({ days: ["2023-12-20"], categories: ["cs.AI", "cs.CL"], seed: 1 });
 * const b = generateListing({ days: ["2023-12-20"], categories: ["cs.AI", "cs.CL"], seed: 1 });
 * assertEquals(a, b);
 * assertEquals(new Set(a.map((p) => p.id)).size, a.length);
 * ```
 */
export function generateListing(opts: {
  days: string[];
  categories: string[];
  seed: number;
  perDay?: [number, number];
  crossRate?: number;
  replaceRate?: number;
}): Paper[] {
  const where = "generateListing";
  const { days, categories, seed } = opts;
  const [lo, hi] = opts.perDay ?? [20, 40];
  if (!Array.isArray(days) || days.length === 0) typeError(where, "days", "a non-empty array", days);
  if (!Array.isArray(categories) || categories.length === 0) {
    typeError(where, "categories", "a non-empty array", categories);
  }
  checkInt(where, "perDay[0]", lo, 1);
  checkInt(where, "perDay[1]", hi, lo);
  const crossRate = checkRange(where, "crossRate", opts.crossRate ?? 0.3, 0, 1);
  const replaceRate = checkRange(where, "replaceRate", opts.replaceRate ?? 0.15, 0, 1);
  const rng = createRng(seed), used = new Set<string>(), out: Paper[] = [];
  const counter = new Map<number, number>();
  for (const day of days) {
    const yymm = _yymm(day);
    for (const cat of categories) {
      for (let k = lo + rng.int(hi - lo + 1); k > 0; k--) {
        let id: string, section: Section = "new";
        if (rng() < replaceRate) {
          section = "replace";
          do id = `${String(yymm - 1 - rng.int(3)).padStart(4, "0")}.${
            String(1 + rng.int(19999)).padStart(5, "0")
          }`; while (used.has(id));
        } else {
          const c = (counter.get(yymm) ?? 10000 + rng.int(5000)) + 1;
          counter.set(yymm, c);
          id = `${String(yymm).padStart(4, "0")}.${String(c).padStart(5, "0")}`;
        }
        used.add(id);
        const subjects = [cat];
        if (rng() < crossRate) {
          const others = rng.shuffle(categories.filter((c) => c !== cat));
          subjects.push(...others.slice(0, Math.min(others.length, 1 + rng.int(2))));
        }
        if (rng() < 0.1) subjects.push(_pick(EXTRA_CATS, rng));
        const authors = Array.from({ length: 1 + rng.int(4) }, () => _pick(NAMES, rng));
        out.push({
          id,
          title: _title(rng),
          authors: [...new Set(authors)],
          abstract: _abstract(rng),
          primary: cat,
          subjects: [...new Set(subjects)],
          section,
          day,
        });
      }
    }
  }
  return out;
}

/**
 * The papers a category's page lists, with the section as that page shows it: `replace` stays, a
 * paper whose primary is the category is `new`, any other paper with the category among its subjects is
 * `cross`. Order: day (newest first), then section, then id.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { listingView, type Paper } from "@lib/papers/listing.ts";
 * const p: Paper = { id: "2312.10001", title: "T", authors: ["A"], abstract: "x", primary: "cs.AI",
 *   subjects: ["cs.AI", "cs.CL"], section: "new", day: "2023-12-20" };
 * assertEquals(listingView([p], "cs.CL")[0]?.section, "cross");
 * assertEquals(listingView([p], "stat.ML"), []);
 * ```
 */
export function listingView(papers: Paper[], category: string): Paper[] {
  return _sortListing(
    papers.filter((p) => p.subjects.includes(category)).map((p) => ({
      ...p,
      section: p.section === "replace" ? "replace" : p.primary === category ? "new" : "cross",
    })),
  );
}

function _cmp(a: Paper, b: Paper): number {
  return SECTION_ORDER[a.section] - SECTION_ORDER[b.section] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function _sortListing(ps: Paper[]): Paper[] {
  return ps.sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0) || _cmp(a, b));
}

// ---------------------------------------------------------------------------------------------------
// HTML

/**
 * Escapes `& < > " '` for HTML text and attributes.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { escapeHtml } from "@lib/papers/listing.ts";
 * assertEquals(escapeHtml(`a<b & "c"`), "a&lt;b &amp; &quot;c&quot;");
 * ```
 */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/**
 * Decodes HTML character references: the named ones `&amp; &lt; &gt; &quot; &apos; &nbsp;` and numeric
 * `&#N;` / `&#xH;`. Unknown references are left as they are.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { decodeEntities } from "@lib/papers/listing.ts";
 * assertEquals(decodeEntities("Schr&#246;dinger &amp; &#x3c;b&gt; &foo;"), "Schrödinger & <b> &foo;");
 * ```
 */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (all, e: string) => {
    if (e[0] === "#") {
      const cp = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
    }
    return NAMED[e] ?? all;
  });
}

/**
 * Renders a category's listing page (all days present, newest first): per day a `<h3>` heading, per
 * section a `<h4>`, then a `<dl>` of `<dt>` identifier / `<dd>` title, authors, subjects, abstract.
 *
 * @param papers any papers; only those with `category` among their subjects are rendered
 * @param category e.g. `"cs.AI"`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { generateListing, listingView, parseListingHtml, renderListingHtml } from "@lib/papers/listing.ts";
 * const ps = generateListing({ days: ["2023-12-20"], categories: ["cs.AI", "cs.LG"], seed: 3 });
 * assertEquals(parseListingHtml(renderListingHtml(ps, "cs.LG")), listingView(ps, "cs.LG"));
 * ```
 */
export function renderListingHtml(papers: Paper[], category: string): string {
  if (typeof category !== "string" || category === "") {
    typeError("renderListingHtml", "category", "a category name", category);
  }
  const view = listingView(papers, category);
  const lines = [
    "<!DOCTYPE html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(category)} listing</title></head><body>`,
    `<h1>${escapeHtml(category)}</h1>`,
  ];
  let day = "", section = "", item = 0;
  for (const p of view) {
    if (p.day !== day || p.section !== section) {
      if (section !== "") lines.push("</dl>");
      if (p.day !== day) lines.push(`<h3>${escapeHtml(p.day)}</h3>`);
      day = p.day;
      section = p.section;
      lines.push(`<h4>${SECTION_TITLE[p.section]}</h4>`, "<dl>");
    }
    item++;
    const subj = p.subjects.map((s, i) =>
      i === 0 ? `<span class="primary">${escapeHtml(s)}</span>` : escapeHtml(s)
    );
    lines.push(
      `<dt><a name="item${item}">[${item}]</a> <a href="/abs/${p.id}">arXiv:${p.id}</a></dt>`,
      "<dd>",
      `  <div class="list-title">${escapeHtml(p.title)}</div>`,
      `  <div class="list-authors">${p.authors.map((a) => `<a>${escapeHtml(a)}</a>`).join(", ")}</div>`,
      `  <div class="list-subjects">${subj.join("; ")}</div>`,
      `  <p class="abstract">${escapeHtml(p.abstract)}</p>`,
      "</dd>",
    );
  }
  if (section !== "") lines.push("</dl>");
  lines.push("</body></html>", "");
  return lines.join("\n");
}

type Token = { kind: "open" | "close" | "text"; name: string; cls: string; text: string };

/** A minimal tag scanner: tags (name and class attribute) and decoded text; comments are skipped. */
function _tokens(html: string): Token[] {
  const out: Token[] = [];
  const re = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|([^<]+)|</g;
  for (const m of html.matchAll(re)) {
    if (m[2] !== undefined) {
      const cls = /\bclass\s*=\s*"([^"]*)"/.exec(m[3] ?? "")?.[1] ?? "";
      out.push({ kind: m[1] ? "close" : "open", name: m[2].toLowerCase(), cls, text: "" });
    } else if (m[4] !== undefined) out.push({ kind: "text", name: "", cls: "", text: decodeEntities(m[4]) });
    else if (m[0] === "<") out.push({ kind: "text", name: "", cls: "", text: "<" });
  }
  return out;
}

/**
 * Parses a listing page back into papers (no DOM: a small tag scanner with entity decoding). With
 * `latestDayOnly`, only the entries under the first (newest) `<h3>` day heading are kept: the fix of the
 * real bug in the Cool Papers changelog (2024-01-03), where older papers leaked in when the newest day
 * had fewer entries than a page.
 *
 * @param html a page from {@link renderListingHtml}
 * @param opts `latestDayOnly` (default false: every `<dt>` entry)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { generateListing, parseListingHtml, renderListingHtml } from "@lib/papers/listing.ts";
 * const ps = generateListing({ days: ["2023-12-19", "2023-12-20"], categories: ["cs.AI"], seed: 0 });
 * const html = renderListingHtml(ps, "cs.AI");
 * assertEquals(parseListingHtml(html).length, ps.length);
 * assertEquals(parseListingHtml(html, { latestDayOnly: true }).every((p) => p.day === "2023-12-20"), true);
 * ```
 */
export function parseListingHtml(html: string, opts: { latestDayOnly?: boolean } = {}): Paper[] {
  const where = "parseListingHtml";
  if (typeof html !== "string") typeError(where, "html", "a string", html);
  const out: Paper[] = [];
  let day = "", section: Section | "" = "", field = "", text = "", firstDay = "";
  let cur: Partial<Paper> & { authors: string[] } = { authors: [] };
  for (const t of _tokens(html)) {
    if (t.kind === "text") {
      text += t.text;
      continue;
    }
    if (t.kind === "open") {
      if (["h3", "h4", "dt", "p"].includes(t.name) || (t.name === "div" && t.cls.startsWith("list-"))) {
        field = t.name === "div" ? t.cls : t.name;
        text = "";
      }
      if (t.name === "dt") cur = { authors: [] };
      if (t.name === "a" && field === "list-authors") text = "";
      continue;
    }
    const value = text.trim();
    if (t.name === "a" && field === "list-authors") cur.authors.push(value);
    else if (t.name === "dd") {
      if (!cur.id || cur.title === undefined || !cur.subjects || cur.abstract === undefined || !section) {
        rangeError(where, "entry", "a <dt> id and a <dd> with title, subjects, abstract", cur.id ?? "?");
      }
      if (!opts.latestDayOnly || day === firstDay) {
        out.push({
          id: cur.id,
          title: cur.title,
          authors: cur.authors,
          abstract: cur.abstract,
          primary: cur.subjects[0]!,
          subjects: cur.subjects,
          section,
          day,
        });
      }
    } else if (field !== "" && t.name === (field.startsWith("list-") ? "div" : field)) {
      if (field === "h3") {
        day = value;
        if (firstDay === "") firstDay = day;
      } else if (field === "h4") {
        const s = (Object.keys(SECTION_TITLE) as Section[]).find((k) => SECTION_TITLE[k] === value);
        if (!s) {
          rangeError(where, "section heading", `one of ${Object.values(SECTION_TITLE).join(", ")}`, value);
        }
        section = s;
      } else if (field === "dt") {
        const m = /arXiv:(\S+)/.exec(value);
        const id = m ? canonicalArxivId(m[1]!) : null;
        if (!id) rangeError(where, "identifier", "arXiv:<valid id>", value);
        cur.id = id;
      } else if (field === "list-title") cur.title = value;
      else if (field === "list-subjects") cur.subjects = value.split(";").map((x) => x.trim());
      else if (field === "p") cur.abstract = value;
      field = "";
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// union, categories, filter

/**
 * The union of several category listings with de-duplication,
 * $L(C_1\cup\dots\cup C_k)=\text{unique}_{\text{id}}\big(\text{concat}_j L(C_j)\big)$: a paper listed in
 * several categories is kept once with the smallest section (new < cross < replace); the result is
 * sorted by (section, id) and does not depend on the order of the lists.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { generateListing, listingView, mergeListings } from "@lib/papers/listing.ts";
 * const ps = generateListing({ days: ["2023-12-20"], categories: ["cs.AI", "cs.CL"], seed: 2 });
 * const u = mergeListings([listingView(ps, "cs.AI"), listingView(ps, "cs.CL")]);
 * assertEquals(u.length, ps.length); // every paper has cs.AI or cs.CL as primary
 * assertEquals(u.every((p) => p.section !== "cross"), true);
 * ```
 */
export function mergeListings(lists: Paper[][]): Paper[] {
  if (!Array.isArray(lists)) typeError("mergeListings", "lists", "an array of paper arrays", lists);
  const best = new Map<string, Paper>();
  for (const list of lists) {
    for (const p of list) {
      const b = best.get(p.id);
      if (!b || SECTION_ORDER[p.section] < SECTION_ORDER[b.section]) best.set(p.id, p);
    }
  }
  return [...best.values()].sort(_cmp);
}

/**
 * The canonical name of a category under the aliases of {@link CATEGORY_ALIASES}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { canonicalCategory } from "@lib/papers/listing.ts";
 * assertEquals(canonicalCategory("cs.NA"), "math.NA");
 * assertEquals(canonicalCategory("cs.AI"), "cs.AI");
 * ```
 */
export function canonicalCategory(c: string): string {
  if (typeof c !== "string") typeError("canonicalCategory", "c", "a string", c);
  return CATEGORY_ALIASES[c] ?? c;
}

/**
 * Parses a Cool Papers category expression: `,` or `+` joins included categories, `-` excludes one
 * (`cs.AI+cs.LG-cs.CY-econ.GN`: in cs.AI or cs.LG, in neither cs.CY nor econ.GN). Names may contain
 * `-` (`math-ph`, `cond-mat.mes-hall`), so each name is the longest taxonomy entry that is followed by
 * an operator or the end. Names come back canonical (aliases resolved), without duplicates.
 *
 * @param expr the expression
 * @param taxonomy the known category names (default {@link TAXONOMY})
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { parseCategoryExpr } from "@lib/papers/listing.ts";
 * assertEquals(parseCategoryExpr("cs.LG-math-ph"), { include: ["cs.LG"], exclude: ["math-ph"] });
 * assertThrows(() => parseCategoryExpr("cs.AI,cs.XX"), RangeError, "unknown category at 6");
 * ```
 */
export function parseCategoryExpr(
  expr: string,
  taxonomy: readonly string[] = TAXONOMY,
): { include: string[]; exclude: string[] } {
  const where = "parseCategoryExpr";
  if (typeof expr !== "string" || expr.trim() === "") typeError(where, "expr", "a non-empty string", expr);
  const names = [...taxonomy].sort((a, b) => b.length - a.length);
  const include: string[] = [], exclude: string[] = [];
  const s = expr.replace(/\s+/g, "");
  let i = 0;
  while (i < s.length) {
    let op = "+";
    if ("+,-".includes(s[i]!)) op = s[i++]!;
    else if (i > 0) rangeError(where, "expr", `an operator (+ , -) at ${i}`, expr);
    const name = names.find((n) =>
      s.startsWith(n, i) && (i + n.length === s.length || "+,-".includes(s[i + n.length]!))
    );
    if (!name) {
      rangeError(where, "expr", `a known category; unknown category at ${i}: "${s.slice(i)}" in`, expr);
    }
    const c = canonicalCategory(name), target = op === "-" ? exclude : include;
    if (!target.includes(c)) target.push(c);
    i += name.length;
  }
  return { include, exclude };
}

/**
 * Papers that match a category expression: some subject in `include` (every paper when `include` is
 * empty) and no subject in `exclude`, comparing canonical names. Input order is kept.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type Paper, selectByCategories } from "@lib/papers/listing.ts";
 * const p = (id: string, subjects: string[]): Paper => ({ id, title: "", authors: [], abstract: "",
 *   primary: subjects[0]!, subjects, section: "new", day: "2023-12-20" });
 * const ps = [p("2312.10001", ["cs.AI"]), p("2312.10002", ["cs.LG", "cs.NA"]), p("2312.10003", ["stat.ML"])];
 * assertEquals(selectByCategories(ps, "cs.AI+cs.LG-math.NA").map((x) => x.id), ["2312.10001"]);
 * ```
 */
export function selectByCategories(
  papers: Paper[],
  expr: string,
  taxonomy: readonly string[] = TAXONOMY,
): Paper[] {
  const { include, exclude } = parseCategoryExpr(expr, taxonomy);
  return papers.filter((p) => {
    const subj = p.subjects.map(canonicalCategory);
    return (include.length === 0 || subj.some((c) => include.includes(c))) &&
      !subj.some((c) => exclude.includes(c));
  });
}

function _haystack(p: Paper): string {
  return `${p.title}\n${p.authors.join(", ")}\n${p.abstract}`.toLowerCase();
}

/**
 * The in-page keyword filter: keep a paper iff it matches the include keywords (any of them in mode
 * `"or"`, all of them in mode `"and"`; no include keywords = every paper) and none of the exclude
 * keywords. Matching is a case-insensitive substring test over title, authors and abstract.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { filterPapers, type Paper } from "@lib/papers/listing.ts";
 * const p = (id: string, title: string): Paper => ({ id, title, authors: [], abstract: "", primary: "cs.LG",
 *   subjects: ["cs.LG"], section: "new", day: "2023-12-20" });
 * const ps = [p("2312.10001", "Diffusion attention"), p("2312.10002", "Attention survey"), p("2312.10003", "GNN")];
 * assertEquals(filterPapers(ps, { include: ["diffusion", "attention"] }).length, 2);
 * assertEquals(filterPapers(ps, { include: ["diffusion", "attention"], mode: "and" }).length, 1);
 * assertEquals(filterPapers(ps, { include: ["attention"], exclude: ["SURVEY"] }).length, 1);
 * ```
 */
export function filterPapers(
  papers: Paper[],
  q: { include?: string[]; exclude?: string[]; mode?: "or" | "and" },
): Paper[] {
  const inc = (q.include ?? []).map((w) => w.toLowerCase()).filter((w) => w !== "");
  const exc = (q.exclude ?? []).map((w) => w.toLowerCase()).filter((w) => w !== "");
  const mode = q.mode ?? "or";
  if (mode !== "or" && mode !== "and") rangeError("filterPapers", "q.mode", '"or" or "and"', mode);
  return papers.filter((p) => {
    const h = _haystack(p);
    const ok = inc.length === 0 ||
      (mode === "or" ? inc.some((w) => h.includes(w)) : inc.every((w) => h.includes(w)));
    return ok && !exc.some((w) => h.includes(w));
  });
}

/**
 * HTML-escapes a text and wraps every case-insensitive occurrence of the keywords in `<mark>`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { highlight } from "@lib/papers/listing.ts";
 * assertEquals(highlight("Attention & Diffusion", ["diffusion"]), "Attention &amp; <mark>Diffusion</mark>");
 * ```
 */
export function highlight(text: string, words: string[]): string {
  const ws = words.filter((w) => w !== "").map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (ws.length === 0) return escapeHtml(text);
  const re = new RegExp(`(${ws.join("|")})`, "gi");
  return text.split(re).map((
    part,
    i,
  ) => (i % 2 === 1 ? `<mark>${escapeHtml(part)}</mark>` : escapeHtml(part)))
    .join("");
}

/**
 * The [Copy] button's text: title, authors, abstract and link, one per line (the project's layout of
 * the "basic information" the article says is copied).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatCopyText, type Paper } from "@lib/papers/listing.ts";
 * const p: Paper = { id: "2312.10001", title: "T", authors: ["A", "B"], abstract: "X.", primary: "cs.AI",
 *   subjects: ["cs.AI"], section: "new", day: "2023-12-20" };
 * assertEquals(formatCopyText(p), "T\nAuthors: A, B\nX.\nhttps://papers.cool/arxiv/2312.10001");
 * ```
 */
export function formatCopyText(p: Paper): string {
  return `${p.title}\nAuthors: ${p.authors.join(", ")}\n${p.abstract}\nhttps://papers.cool/arxiv/${p.id}`;
}
