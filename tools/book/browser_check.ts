/**
 * Browser test of the HTML book: `deno task test:book`. The file name does not match Deno's test
 * pattern (`*_test.ts`), so a bare `deno test` and `deno task test` (which tests `lib` and `tests`) skip it.
 *
 * Builds the book, then opens every page in Debian's chromium driven by playwright-core, twice: from
 * `file://` and from a local static server (plus index and two pages in dark mode). Fails on any console
 * error or uncaught page error, any request leaving the machine, any failed local request (a missing
 * font, script or stylesheet), any figure or output with zero size, any KaTeX error element, any cell
 * whose rendered outputs do not match the notebook, any Vega-Lite figure that did not turn interactive.
 * Saves screenshots to `.cache/book-test/`.
 *
 * Chromium: `CHROMIUM_PATH`, else /usr/lib/chromium/chromium or /usr/bin/chromium (apt-get install chromium).
 *
 * @module
 */
import { chromium, type Page } from "playwright-core";
import { assert, assertEquals } from "@std/assert";
import { buildBook } from "./build.ts";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");
const SHOTS = `${ROOT}/.cache/book-test`;

function chromiumPath(): string {
  const candidates = [Deno.env.get("CHROMIUM_PATH"), "/usr/lib/chromium/chromium", "/usr/bin/chromium"];
  for (const c of candidates) {
    if (!c) continue;
    try {
      if (Deno.statSync(c).isFile) return c;
    } catch { /* next */ }
  }
  throw new Error("chromium not found: apt-get install -y chromium, or set CHROMIUM_PATH");
}

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  css: "text/css",
  js: "text/javascript",
  woff2: "font/woff2",
  woff: "font/woff",
  ttf: "font/ttf",
  png: "image/png",
  svg: "image/svg+xml",
};

/** A minimal static file server on 127.0.0.1 (random port) for the built book. */
function serve(dir: string): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.includes("..")) return new Response("bad path", { status: 400 });
    const file = dir + (path.endsWith("/") ? path + "index.html" : path);
    try {
      const body = await Deno.readFile(file);
      const ext = file.split(".").pop() ?? "";
      return new Response(body, { headers: { "content-type": TYPES[ext] ?? "application/octet-stream" } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}

/** What one page load found wrong (empty = fine), plus counts for the report. */
interface PageCheck {
  problems: string[];
  figures: number;
  katex: number;
}

/** Loads a page and runs every check on it. */
async function checkPage(page: Page, url: string, localPrefix: string): Promise<PageCheck> {
  const problems: string[] = [];
  page.removeAllListeners();
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (!r.url().startsWith("data:")) problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith(localPrefix) || u.startsWith("data:") || u.startsWith("blob:")) return route.continue();
    problems.push(`request leaving the machine: ${u}`);
    return route.abort();
  });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => document.documentElement.dataset.ready === "1", null, { timeout: 30_000 });
  await page.evaluate(() => document.fonts.ready);
  const found = await page.evaluate(() => {
    const out: string[] = [];
    const size = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    };
    const name = (el: Element) => (el.closest("[id]")?.id ?? el.tagName.toLowerCase());
    document.querySelectorAll(".katex-error").forEach((el) => out.push(`KaTeX error: ${el.textContent}`));
    const figures = Array.from(document.querySelectorAll("figure.figure"));
    for (const f of figures) if (!size(f)) out.push(`zero-size figure in ${name(f)}`);
    for (const f of Array.from(document.querySelectorAll("figure.vega"))) {
      if (!f.classList.contains("live")) {
        out.push(`Vega-Lite figure ${f.id} not interactive (static fallback)`);
      }
      const svg = f.querySelector(f.classList.contains("live") ? ".vega-live svg" : ".vega-static svg");
      if (!svg || !size(svg)) out.push(`Vega-Lite figure ${f.id} has no visible SVG`);
    }
    for (const img of Array.from(document.querySelectorAll("img"))) {
      if (!img.complete || img.naturalWidth === 0 || !size(img)) out.push(`broken image in ${name(img)}`);
    }
    for (const cell of Array.from(document.querySelectorAll("section.code-cell"))) {
      const expected = Number((cell as HTMLElement).dataset.outputs);
      const outputs = Array.from(cell.querySelectorAll(".outputs > .output"));
      if (outputs.length !== expected) {
        out.push(`${cell.id}: ${outputs.length} outputs shown, notebook has ${expected}`);
      }
      for (const o of outputs) {
        if (o.classList.contains("missing")) out.push(`${cell.id}: missing output (${o.textContent})`);
        else if (!size(o)) out.push(`${cell.id}: zero-size output`);
      }
    }
    return { problems: out, figures: figures.length, katex: document.querySelectorAll(".katex").length };
  });
  return { problems: [...problems, ...found.problems], figures: found.figures, katex: found.katex };
}

/** A page with one planted fault per check; the self-test step expects each to be reported. */
const SELFTEST_PAGE = `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="assets/missing.css"></head><body>
<span class="katex-error">\\frac{</span>
<img src="https://example.invalid/remote.png" alt="remote">
<figure class="output figure" style="display:block;width:0;height:0;overflow:hidden"></figure>
<section class="cell code-cell" id="cell-9" data-outputs="2"><div class="outputs"><div class="output">one</div></div></section>
<script>console.error("planted console error")</script>
<script src="assets/book.js"></script></body></html>`;
const SELFTEST_EXPECTED = [
  "KaTeX error",
  "request leaving the machine: https://example.invalid/remote.png",
  "broken image",
  "zero-size figure",
  "cell-9: 1 outputs shown, notebook has 2",
  "console error: planted console error",
  "request failed:",
];

Deno.test({
  name: "HTML book: every page renders, offline, without errors",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const built = await buildBook();
    console.log(`built ${built.pages.length} pages in ${(built.ms / 1000).toFixed(2)} s`);
    assert(built.ms < 30_000, `building the book took ${built.ms} ms (limit 30 s)`);
    assertEquals(built.mathErrors, [], "KaTeX errors during the build");
    const pages = ["index.html", ...built.pages.map((p) => p.page)];
    await Deno.mkdir(SHOTS, { recursive: true });
    const server = serve(built.out);
    const http = `http://127.0.0.1:${server.addr.port}`;
    const browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: Deno.uid() === 0 ? ["--no-sandbox"] : [],
    });
    try {
      await t.step("self-test: the checks catch planted faults", async () => {
        await Deno.writeTextFile(`${built.out}/_selftest.html`, SELFTEST_PAGE);
        const context = await browser.newContext();
        const r = await checkPage(
          await context.newPage(),
          `file://${built.out}/_selftest.html`,
          `file://${built.out}/`,
        );
        await context.close();
        await Deno.remove(`${built.out}/_selftest.html`);
        for (const expected of SELFTEST_EXPECTED) {
          assert(
            r.problems.some((p) => p.includes(expected)),
            `not caught: ${expected}\n${r.problems.join("\n")}`,
          );
        }
      });
      const modes = [
        {
          name: "file://",
          base: `file://${built.out}`,
          prefix: `file://${built.out}/`,
          scheme: "light" as const,
        },
        { name: "http", base: http, prefix: `${http}/`, scheme: "light" as const },
      ];
      for (const mode of modes) {
        const context = await browser.newContext({
          viewport: { width: 1200, height: 900 },
          colorScheme: mode.scheme,
        });
        const page = await context.newPage();
        for (const p of pages) {
          await t.step(`${mode.name} ${p}`, async () => {
            const r = await checkPage(page, `${mode.base}/${p}`, mode.prefix);
            assertEquals(r.problems, [], `${mode.name} ${p}`);
            if (p !== "index.html") assert(r.katex > 0, `${p}: no KaTeX math on the page`);
          });
        }
        await context.close();
      }
      // screenshots (what a reader sees) + dark mode
      const shots = [
        { page: "index.html", file: "index" },
        { page: built.pages.find((p) => p.id === "T01")?.page ?? built.pages[0]!.page, file: "page1" },
        { page: built.pages.find((p) => p.id === "O02")?.page ?? built.pages[1]!.page, file: "page2" },
      ];
      for (const scheme of ["light", "dark"] as const) {
        const context = await browser.newContext({
          viewport: { width: 1200, height: 900 },
          colorScheme: scheme,
        });
        const page = await context.newPage();
        for (const s of shots) {
          await t.step(`${scheme} screenshot ${s.page}`, async () => {
            const r = await checkPage(page, `file://${built.out}/${s.page}`, `file://${built.out}/`);
            assertEquals(r.problems, [], `${scheme} ${s.page}`);
            await page.screenshot({ path: `${SHOTS}/${s.file}-${scheme}.png`, fullPage: s.file === "index" });
            const fig = page.locator("figure.vega").first();
            if (await fig.count()) {
              await fig.scrollIntoViewIfNeeded();
              await page.evaluate(() => globalThis.scrollBy(0, -120));
              await page.screenshot({ path: `${SHOTS}/${s.file}-${scheme}-figure.png` });
            }
            const claims = page.locator("table.claims").first();
            if (await claims.count()) {
              await claims.screenshot({ path: `${SHOTS}/${s.file}-${scheme}-claims.png` });
            }
          });
        }
        await context.close();
      }
    } finally {
      await browser.close();
      await server.shutdown();
    }
  },
});
