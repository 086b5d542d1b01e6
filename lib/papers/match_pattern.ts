/**
 * Chrome match patterns and the visibility of the extension's context-menu item (O12).
 *
 * v0.1 (manifest 0.1.1) registers two entries: context `page` limited to `documentUrlPatterns`
 * `https://arxiv.org/abs/*`, `https://arxiv.org/pdf/*`, `https://huggingface.co/papers/*`; and contexts
 * `selection`, `link` on every page. v0.2 limits `page` to arXiv abs/html, Hugging Face papers and
 * OpenReview forum pages, keeps `selection`/`link`, and adds context `all` on `https://arxiv.org/pdf/*`
 * and `https://openreview.net/pdf*`. Model of the PDF quirk (from Su's v0.2 report, Chrome's internals
 * not checked): on a page shown by Chrome's PDF viewer only `all`-context entries appear.
 *
 * @module
 */
import type { ClickContext } from "./redirect.ts";
import { rangeError, typeError } from "../core/validate.ts";

function _glob(glob: string, s: string): boolean {
  const re = new RegExp(
    "^" + glob.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$",
    "s",
  );
  return re.test(s);
}

/**
 * Whether a URL matches a Chrome match pattern `<scheme>://<host><path>`: scheme `*` means http or
 * https; host `*` is any host and `*.example.com` is example.com or any subdomain; the path is a glob
 * where `*` matches any run, matched against path plus query. `<all_urls>` matches http(s), file, ftp.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { chromeMatchPattern } from "@lib/papers/match_pattern.ts";
 * assertEquals(chromeMatchPattern("https://arxiv.org/pdf/*", "https://arxiv.org/pdf/2312.00752"), true);
 * assertEquals(chromeMatchPattern("https://arxiv.org/pdf/*", "https://www.arxiv.org/pdf/2312.00752"), false);
 * assertEquals(chromeMatchPattern("*://*.example.com/*", "http://a.b.example.com/x?y=1"), true);
 * ```
 */
export function chromeMatchPattern(pattern: string, url: string): boolean {
  if (typeof pattern !== "string") typeError("chromeMatchPattern", "pattern", "a string", pattern);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const scheme = u.protocol.slice(0, -1);
  if (pattern === "<all_urls>") return ["http", "https", "file", "ftp"].includes(scheme);
  const m = /^(\*|https?|file|ftp):\/\/(\*|\*\.[^/*]+|[^/*]*)(\/.*)$/.exec(pattern);
  if (!m) rangeError("chromeMatchPattern", "pattern", "<scheme>://<host>/<path>", pattern);
  const [, ps, ph, pp] = m;
  if (ps === "*" ? !["http", "https"].includes(scheme) : ps !== scheme) return false;
  const host = u.hostname;
  if (ph !== "*") {
    if (ph!.startsWith("*.")) {
      const base = ph!.slice(2);
      if (host !== base && !host.endsWith("." + base)) return false;
    } else if (host !== ph) return false;
  }
  return _glob(pp!, u.pathname + u.search);
}

type MenuEntry = { contexts: ("page" | "selection" | "link" | "all")[]; patterns?: string[] };

/** The context-menu entries of each version. */
export const MENU_ENTRIES: Readonly<Record<"v0.1" | "v0.2", MenuEntry[]>> = {
  "v0.1": [
    {
      contexts: ["page"],
      patterns: ["https://arxiv.org/abs/*", "https://arxiv.org/pdf/*", "https://huggingface.co/papers/*"],
    },
    { contexts: ["selection", "link"] },
  ],
  "v0.2": [
    {
      contexts: ["page"],
      patterns: [
        "https://arxiv.org/abs/*",
        "https://arxiv.org/html/*",
        "https://huggingface.co/papers/*",
        "https://openreview.net/forum*",
      ],
    },
    { contexts: ["selection", "link"] },
    { contexts: ["all"], patterns: ["https://arxiv.org/pdf/*", "https://openreview.net/pdf*"] },
  ],
};

/** Whether Chrome shows this page in its PDF viewer: `ctx.pdfViewer`, else guessed from the URL. */
export function isPdfViewer(ctx: ClickContext): boolean {
  if (ctx.pdfViewer !== undefined) return ctx.pdfViewer;
  return /^https:\/\/arxiv\.org\/pdf\//.test(ctx.pageUrl) ||
    /^https:\/\/openreview\.net\/pdf/.test(ctx.pageUrl) ||
    /\.pdf($|[?#])/.test(ctx.pageUrl);
}

/**
 * Whether the "Redirect to Cool Papers" item appears for a right-click. The click's contexts are
 * `selection` (text selected), `link` (a link under the cursor), or `page` (neither). An entry shows if
 * it lists one of them (or `all`) and the page URL matches one of its patterns (if it has any); in the
 * PDF viewer only `all` entries show.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { menuVisible } from "@lib/papers/match_pattern.ts";
 * assertEquals(menuVisible("v0.1", { pageUrl: "https://arxiv.org/pdf/2312.00752" }), false); // the v0.1 PDF bug
 * assertEquals(menuVisible("v0.2", { pageUrl: "https://arxiv.org/pdf/2312.00752" }), true);
 * assertEquals(menuVisible("v0.1", { pageUrl: "https://www.google.com/", selectionText: "x" }), true);
 * ```
 */
export function menuVisible(version: "v0.1" | "v0.2", ctx: ClickContext): boolean {
  const entries = MENU_ENTRIES[version];
  if (!entries) rangeError("menuVisible", "version", '"v0.1" or "v0.2"', version);
  const click = ctx.selectionText ? ["selection"] : [];
  if (ctx.linkUrl) click.push("link");
  if (click.length === 0) click.push("page");
  const pdf = isPdfViewer(ctx);
  return entries.some((e) =>
    (pdf ? e.contexts.includes("all") : e.contexts.some((c) => c === "all" || click.includes(c))) &&
    (!e.patterns || e.patterns.some((p) => chromeMatchPattern(p, ctx.pageUrl)))
  );
}
