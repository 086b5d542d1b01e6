/**
 * The reference table of the O12 notebook: click contexts with the expected target of v0.1, v0.2 and
 * the strict variant. Expected targets are written as papers.cool paths (`/arxiv/1706.03762`), or
 * `"none"` (no redirect: a notification, or for strict a rejection with its reason), or `"error"`
 * (the original JS throws). The first 18 rows are the spec's table (v0.1/v0.2 columns verified there by
 * running the original extension code in node); the rest are the project's own.
 *
 * @module
 */
import type { ClickContext, RedirectResult } from "./redirect.ts";

/** One row of the reference table. */
export type RedirectCase = {
  name: string;
  ctx: ClickContext;
  v01: string;
  v02: string;
  strict: string;
  note: string;
};

const G = "https://www.google.com/search?q=paper";

/** The reference cases (see the module doc). */
export const REDIRECT_CASES: readonly RedirectCase[] = [
  {
    name: "abs page with version",
    ctx: { pageUrl: "https://arxiv.org/abs/1706.03762v7" },
    v01: "/arxiv/1706.03762",
    v02: "/arxiv/1706.03762",
    strict: "/arxiv/1706.03762",
    note: "version dropped",
  },
  {
    name: "pdf page",
    ctx: { pageUrl: "https://arxiv.org/pdf/2312.00752.pdf" },
    v01: "/arxiv/2312.00752",
    v02: "/arxiv/2312.00752",
    strict: "/arxiv/2312.00752",
    note: "",
  },
  {
    name: "Hugging Face papers page",
    ctx: { pageUrl: "https://huggingface.co/papers/2312.00752" },
    v01: "/arxiv/2312.00752",
    v02: "/arxiv/2312.00752",
    strict: "/arxiv/2312.00752",
    note: "",
  },
  {
    name: "two ids in a selection",
    ctx: { selectionText: "see 2312.00752 and 1706.03762", pageUrl: G },
    v01: "/arxiv/2312.00752",
    v02: "/arxiv/2312.00752,1706.03762",
    strict: "/arxiv/2312.00752,1706.03762",
    note: "v0.1 keeps the first only",
  },
  {
    name: "arXiv DOI link",
    ctx: { linkUrl: "https://doi.org/10.48550/arXiv.1406.2661", pageUrl: G },
    v01: "/arxiv/1406.2661",
    v02: "/arxiv/1406.2661",
    strict: "/arxiv/1406.2661",
    note: "",
  },
  {
    name: "unpadded 5-digit era id",
    ctx: { selectionText: "arXiv:2401.6769", pageUrl: G },
    v01: "/arxiv/2401.6769",
    v02: "/arxiv/2401.6769",
    strict: "/arxiv/2401.06769",
    note: "strict canonicalizes",
  },
  {
    name: "old-style id page",
    ctx: { pageUrl: "https://arxiv.org/abs/hep-th/9901001" },
    v01: "none",
    v02: "error",
    strict: "/arxiv/hep-th/9901001",
    note: "v0.2 reads selectionText of undefined; server support for old ids unverified",
  },
  {
    name: "6-digit prefix",
    ctx: { selectionText: "12345.67890", pageUrl: G },
    v01: "/arxiv/2345.67890",
    v02: "/arxiv/2345.67890",
    strict: "none",
    note: "false positive of the legacy pattern",
  },
  {
    name: "month 13",
    ctx: { selectionText: "1313.12345", pageUrl: G },
    v01: "/arxiv/1313.12345",
    v02: "/arxiv/1313.12345",
    strict: "none",
    note: "",
  },
  {
    name: "before 0704",
    ctx: { selectionText: "0703.1234", pageUrl: G },
    v01: "/arxiv/0703.1234",
    v02: "/arxiv/0703.1234",
    strict: "none",
    note: "new style began in April 2007",
  },
  {
    name: "6-digit number",
    ctx: { selectionText: "version 2024.123456", pageUrl: G },
    v01: "/arxiv/2024.12345",
    v02: "/arxiv/2024.12345",
    strict: "none",
    note: "legacy pattern cuts the number",
  },
  {
    name: "price in a page URL",
    ctx: { pageUrl: "https://example.com/prices/1999.99999.html" },
    v01: "/arxiv/1999.99999",
    v02: "/arxiv/1999.99999",
    strict: "none",
    note: "",
  },
  {
    name: "OpenReview link with a number",
    ctx: { linkUrl: "https://openreview.net/forum?id=abc&noteId=1234.5678", pageUrl: G },
    v01: "/arxiv/1234.5678",
    v02: "/arxiv/1234.5678",
    strict: "/venue/abc@OpenReview",
    note: "arXiv rule wins in v0.2; strict rejects 1234.5678, then finds the venue",
  },
  {
    name: "OpenReview forum page",
    ctx: { pageUrl: "https://openreview.net/forum?id=rJXMpikCZ" },
    v01: "none",
    v02: "/venue/rJXMpikCZ@OpenReview",
    strict: "/venue/rJXMpikCZ@OpenReview",
    note: "",
  },
  {
    name: "IJCAI link",
    ctx: {
      linkUrl: "https://www.ijcai.org/proceedings/2023/0001.pdf",
      pageUrl: "https://www.ijcai.org/proceedings/2023/",
    },
    v01: "none",
    v02: "/venue/1@2023@IJCAI",
    strict: "/venue/1@2023@IJCAI",
    note: "leading zeros dropped",
  },
  {
    name: "PMLR link",
    ctx: { linkUrl: "https://proceedings.mlr.press/v202/smith23a.html", pageUrl: G },
    v01: "none",
    v02: "/venue/smith23a@v202@PMLR",
    strict: "/venue/smith23a@v202@PMLR",
    note: "",
  },
  {
    name: "title selected",
    ctx: { selectionText: "Attention Is All You Need", pageUrl: G },
    v01: "none",
    v02: "/arxiv/search?highlight=1&query=Attention Is All You Need",
    strict: "/arxiv/search?highlight=1&query=Attention%20Is%20All%20You%20Need",
    note: "strict URL-encodes the query",
  },
  {
    name: "selection beats page",
    ctx: { selectionText: "1706.03762 ", pageUrl: "https://arxiv.org/abs/2312.00752" },
    v01: "/arxiv/1706.03762",
    v02: "/arxiv/1706.03762",
    strict: "/arxiv/1706.03762",
    note: "",
  },
  // the project's own
  {
    name: "old-style link (Firefox-port trap)",
    ctx: { linkUrl: "https://arxiv.org/abs/cs/0506078", pageUrl: G },
    v01: "none",
    v02: "error",
    strict: "/arxiv/cs/0506078",
    note: "a `[^/\\s?#]+` extractor would return just `cs`",
  },
  {
    name: "old style with subject class",
    ctx: { selectionText: "math.GT/0309136v2", pageUrl: G },
    v01: "none",
    v02: "/arxiv/search?highlight=1&query=math GT 0309136v2",
    strict: "/arxiv/math/0309136",
    note: "subject class and version dropped",
  },
  {
    name: "unknown archive",
    ctx: { pageUrl: "https://example.com/page/9901001" },
    v01: "none",
    v02: "error",
    strict: "none",
    note: "",
  },
  {
    name: "old style after 0703",
    ctx: { selectionText: "hep-th/0704001", pageUrl: G },
    v01: "none",
    v02: "/arxiv/search?highlight=1&query=hep th 0704001",
    strict: "none",
    note: "no search for a rejected id",
  },
  {
    name: "zero-padded 4-digit era id",
    ctx: { selectionText: "1406.02661", pageUrl: G },
    v01: "/arxiv/1406.02661",
    v02: "/arxiv/1406.02661",
    strict: "/arxiv/1406.2661",
    note: "strict canonicalizes",
  },
  {
    name: "same id twice",
    ctx: { selectionText: "2312.00752 vs 2312.00752v2", pageUrl: G },
    v01: "/arxiv/2312.00752",
    v02: "/arxiv/2312.00752,2312.00752",
    strict: "/arxiv/2312.00752",
    note: "strict deduplicates",
  },
  {
    name: "OpenReview id with '-'",
    ctx: { pageUrl: "https://openreview.net/forum?id=H1-nGgWC-" },
    v01: "none",
    v02: "/venue/H1@OpenReview",
    strict: "/venue/H1-nGgWC-@OpenReview",
    note: "v0.2 truncates the id: a wrong redirect",
  },
  {
    name: "ACL Anthology pdf link",
    ctx: { linkUrl: "https://aclanthology.org/2023.acl-long.1.pdf", pageUrl: G },
    v01: "none",
    v02: "/venue/2023.acl-long.1@ACL",
    strict: "/venue/2023.acl-long.1@ACL",
    note: "",
  },
  {
    name: "link, no selection, nothing found",
    ctx: { linkUrl: "https://example.com/page", pageUrl: "https://example.com/" },
    v01: "none",
    v02: "error",
    strict: "none",
    note: "the v0.2 TypeError",
  },
  {
    name: "IP address and a non-arXiv DOI",
    ctx: { selectionText: "192.168.1.10 doi:10.1145/3292500.3330701", pageUrl: G },
    v01: "/arxiv/2500.33307",
    v02: "/arxiv/2500.33307",
    strict: "none",
    note: "",
  },
]; // deno-fmt-ignore

/**
 * A result as the table writes it: the papers.cool path, `"none"` or `"error"`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { shortTarget } from "@lib/papers/redirect_cases.ts";
 * assertEquals(shortTarget({ kind: "paper", url: "https://papers.cool/arxiv/1", ids: ["1"], source: "page" }), "/arxiv/1");
 * ```
 */
export function shortTarget(r: RedirectResult): string {
  if (r.kind === "none" || r.kind === "error") return r.kind;
  return r.url!.replace("https://papers.cool", "");
}
