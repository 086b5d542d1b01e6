/**
 * The redirect rules of the *Cool Papers Redirector* Chrome extension (O12): v0.1 (manifest 0.1.1,
 * 2024-02), v0.2 (2024-10) reproduced as the published extension behaves, and the project's strict
 * variant built on the validating identifier parser.
 *
 * All three look at the selected text, then the link under the cursor, then the page address (v0.2 and
 * strict also the frame address) and stop at the first text that yields an identifier:
 * $\text{id}=\text{first}\{\text{match}(t): t\in[\text{selection},\ \text{link},\ \text{page}],\ t\neq\varnothing\}$.
 * The target is `https://papers.cool/arxiv/<id>`.
 *
 * @module
 */
import { diagnoseArxivCandidates, findArxivIds, legacyArxivMatch } from "./arxiv_id.ts";
import { typeError } from "../core/validate.ts";

/** What Chrome passes to a context-menu click handler (the fields the extension reads). */
export type ClickContext = {
  selectionText?: string;
  linkUrl?: string;
  pageUrl: string;
  frameUrl?: string;
  /** The page is shown by Chrome's built-in PDF viewer (default: guessed from the URL). */
  pdfViewer?: boolean;
};

/** Where a redirect goes. `error` is set for kind "error" (where the original JS throws) and, as the
 * reason, for kind "none". `newTab` tells whether the target opens in a new tab (v0.2, strict). */
export type RedirectResult = {
  kind: "paper" | "venue" | "search" | "none" | "error";
  url: string | null;
  ids: string[];
  source: "selection" | "link" | "page" | "frame" | null;
  error?: string;
  newTab?: boolean;
};

const BASE = "https://papers.cool";
type Source = NonNullable<RedirectResult["source"]>;

function _texts(ctx: ClickContext, frame: boolean): [Source, string | undefined][] {
  if (ctx === null || typeof ctx !== "object") typeError("redirect", "ctx", "a ClickContext object", ctx);
  const t: [Source, string | undefined][] = [["selection", ctx.selectionText], ["link", ctx.linkUrl], [
    "page",
    ctx.pageUrl,
  ]];
  if (frame) t.push(["frame", ctx.frameUrl]);
  return t;
}

/**
 * v0.1: the first match of `/[0-9]{4}\.[0-9]{4,5}/` in the first non-empty text, opened in the same tab;
 * otherwise a "No arXiv ID found" notification (kind "none").
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { redirectV01 } from "@lib/papers/redirect.ts";
 * const r = redirectV01({ selectionText: "see 2312.00752 and 1706.03762", pageUrl: "https://example.com/" });
 * assertEquals([r.url, r.source], ["https://papers.cool/arxiv/2312.00752", "selection"]);
 * ```
 */
export function redirectV01(ctx: ClickContext): RedirectResult {
  for (const [source, text] of _texts(ctx, false)) {
    if (!text) continue;
    const m = legacyArxivMatch(text);
    if (m.length > 0) return { kind: "paper", url: `${BASE}/arxiv/${m[0]}`, ids: m, source, newTab: false };
  }
  return { kind: "none", url: null, ids: [], source: null, error: "No arXiv ID found (notification)" };
}

const V02_VENUES: { re: RegExp; key: (m: string) => string }[] = [
  { re: /(?<=openreview\.net\/.*?id=)([A-Za-z0-9]+)/g, key: (m) => `${m}@OpenReview` },
  {
    re: /(?<=ijcai\.org\/proceedings\/)(\d+)\/(\d+)/g,
    key: (m) => `${m.split("/")[1]!.replace(/^0+/, "")}@${m.split("/")[0]}@IJCAI`,
  },
  { re: /(?<=aclanthology.org\/)([A-Za-z0-9\-\.]+)(?=(\/|\.pdf))/g, key: (m) => `${m}@ACL` },
  {
    re: /(?<=proceedings\.mlr\.press\/)(v\d+)\/([A-Za-z0-9\-]+)(?=\.html)/g,
    key: (m) => `${m.split("/")[1]}@${m.split("/")[0]}@PMLR`,
  },
];

/**
 * v0.2, as published (2024-10): per text (selection, link, page, frame), the arXiv pattern and then four
 * venue patterns are tried; the first pattern that hits gives *all* its matches, comma-joined, in a new
 * tab. Otherwise the words of the selection (`[\p{L}\p{N}]{2,}`) go to the search page, unencoded. When
 * there is no selection at all the original reads `info.selectionText.match` on `undefined` and throws a
 * TypeError: reported as kind "error".
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { redirectV02 } from "@lib/papers/redirect.ts";
 * assertEquals(redirectV02({ linkUrl: "https://www.ijcai.org/proceedings/2023/0001.pdf", pageUrl: "https://x.org/" }).url,
 *   "https://papers.cool/venue/1@2023@IJCAI");
 * assertEquals(redirectV02({ linkUrl: "https://example.com/page", pageUrl: "https://example.com/" }).kind, "error");
 * ```
 */
export function redirectV02(ctx: ClickContext): RedirectResult {
  for (const [source, text] of _texts(ctx, true)) {
    if (!text) continue;
    const ids = text.match(/[0-9]{4}\.[0-9]{4,5}/g);
    if (ids) return { kind: "paper", url: `${BASE}/arxiv/${ids.join(",")}`, ids, source, newTab: true };
    for (const v of V02_VENUES) {
      const ms = text.match(v.re);
      if (ms) {
        const keys = ms.map(v.key);
        return { kind: "venue", url: `${BASE}/venue/${keys.join(",")}`, ids: keys, source, newTab: true };
      }
    }
  }
  if (ctx.selectionText === undefined) {
    return {
      kind: "error",
      url: null,
      ids: [],
      source: null,
      error: "TypeError: Cannot read properties of undefined (reading 'match')",
    };
  }
  const kw = ctx.selectionText.match(/[\p{L}\p{N}]{2,}/gu);
  if (kw) {
    return {
      kind: "search",
      url: `${BASE}/arxiv/search?highlight=1&query=${kw.join(" ")}`,
      ids: [],
      source: "selection",
      newTab: true,
    };
  }
  return { kind: "none", url: null, ids: [], source: null, error: "No Paper ID found (notification)" };
}

/** A paper of a venue as Cool Papers keys it (`rJXMpikCZ@OpenReview`, `1@2023@IJCAI`, …). */
export type VenueId = { venue: "OpenReview" | "IJCAI" | "ACL" | "PMLR"; key: string };

const VENUES: { venue: VenueId["venue"]; re: RegExp; key: (m: RegExpMatchArray) => string }[] = [
  {
    venue: "OpenReview",
    re: /openreview\.net\/(?:forum|pdf)\?(?:[^#\s]*?&)?id=([A-Za-z0-9_\-]+)/g,
    key: (m) => `${m[1]}@OpenReview`,
  },
  {
    venue: "IJCAI",
    re: /ijcai\.org\/proceedings\/(\d{4})\/(\d+)(?!\d)/g,
    key: (m) => `${Number(m[2])}@${m[1]}@IJCAI`,
  },
  {
    venue: "ACL",
    re: /aclanthology\.org\/([A-Za-z0-9][A-Za-z0-9\-.]*?)(?=\.pdf|\/|$|[?#\s])/g,
    key: (m) => `${m[1]}@ACL`,
  },
  {
    venue: "PMLR",
    re: /proceedings\.mlr\.press\/(v\d+)\/([A-Za-z0-9_\-]+)(?=\.html|\.pdf|\/)/g,
    key: (m) => `${m[2]}@${m[1]}@PMLR`,
  },
];

/**
 * Venue papers in a text (OpenReview, IJCAI, ACL Anthology, PMLR), in order of appearance and
 * deduplicated. Unlike v0.2, OpenReview ids may contain `-` and `_`, and the `id=` must belong to an
 * OpenReview forum/pdf URL.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { findVenueIds } from "@lib/papers/redirect.ts";
 * assertEquals(findVenueIds("https://proceedings.mlr.press/v202/smith23a.html"), [{ venue: "PMLR", key: "smith23a@v202@PMLR" }]);
 * assertEquals(findVenueIds("https://openreview.net/forum?id=H1-nGgWC-")[0]?.key, "H1-nGgWC-@OpenReview");
 * ```
 */
export function findVenueIds(text: string): VenueId[] {
  if (typeof text !== "string") typeError("findVenueIds", "text", "a string", text);
  const hits: { at: number; v: VenueId }[] = [];
  for (const v of VENUES) {
    for (const m of text.matchAll(v.re)) hits.push({ at: m.index!, v: { venue: v.venue, key: v.key(m) } });
  }
  hits.sort((a, b) => a.at - b.at);
  const seen = new Set<string>();
  return hits.filter((h) => !seen.has(h.v.key) && seen.add(h.v.key)).map((h) => h.v);
}

/**
 * The strict variant: the same source order as v0.2 (selection, link, page, frame), but identifiers come
 * from the validating {@link findArxivIds} (canonical, deduplicated, boundaries checked); then venue
 * papers (`venues`, default true); then, if there is a selection, a URL-encoded search
 * (`searchFallback`, default true) unless the selection holds a rejected identifier look-alike (an id typed
 * wrong is not a query). Never throws on a click: when nothing is found the result is kind
 * "none" with the reason, naming each rejected look-alike (e.g. `1313.12345: month 13 is not in 01–12`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { redirectStrict } from "@lib/papers/redirect.ts";
 * assertEquals(redirectStrict({ selectionText: "arXiv:2401.6769", pageUrl: "https://x.org/" }).url,
 *   "https://papers.cool/arxiv/2401.06769");
 * const r = redirectStrict({ pageUrl: "https://example.com/prices/1999.99999.html" });
 * assertEquals([r.kind, r.error], ["none", "no valid arXiv id; rejected 1999.99999: month 99 is not in 01–12"]);
 * ```
 */
export function redirectStrict(
  ctx: ClickContext,
  opts: { venues?: boolean; searchFallback?: boolean } = {},
): RedirectResult {
  const venues = opts.venues ?? true, search = opts.searchFallback ?? true;
  const rejected: string[] = [];
  for (const [source, text] of _texts(ctx, true)) {
    if (!text) continue;
    const ids = findArxivIds(text).map((a) => a.id);
    if (ids.length > 0) {
      return { kind: "paper", url: `${BASE}/arxiv/${ids.join(",")}`, ids, source, newTab: true };
    }
    if (venues) {
      const vs = findVenueIds(text).map((v) => v.key);
      if (vs.length > 0) {
        return { kind: "venue", url: `${BASE}/venue/${vs.join(",")}`, ids: vs, source, newTab: true };
      }
    }
    for (const d of diagnoseArxivCandidates(text)) rejected.push(`${d.candidate}: ${d.reason}`);
  }
  // a selection holding a rejected look-alike is an id typed wrong, not a query: reject it with the reason
  const badSelection = ctx.selectionText ? diagnoseArxivCandidates(ctx.selectionText).length > 0 : false;
  const kw = search && ctx.selectionText && !badSelection
    ? ctx.selectionText.match(/[\p{L}\p{N}]{2,}/gu)
    : null;
  if (kw) {
    const url = `${BASE}/arxiv/search?highlight=1&query=${encodeURIComponent(kw.join(" "))}`;
    return { kind: "search", url, ids: [], source: "selection", newTab: true };
  }
  const why = rejected.length > 0
    ? `rejected ${[...new Set(rejected)].join("; ")}`
    : "nothing looks like an id";
  return { kind: "none", url: null, ids: [], source: null, error: `no valid arXiv id; ${why}` };
}
