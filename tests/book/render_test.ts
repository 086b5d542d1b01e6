import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import {
  claimsOf,
  createMarkdown,
  mathStats,
  type Notebook,
  renderCells,
  renderOutput,
  styleClaimsHtml,
} from "../../tools/book/render.ts";
import { buildBook } from "../../tools/book/build.ts";

const md = createMarkdown();
const katexCount = (html: string) => (html.match(/class="katex"/g) ?? []).length;
const displayCount = (html: string) => (html.match(/class="katex-display"/g) ?? []).length;

Deno.test("markdown: inline and display math are pre-rendered by KaTeX", () => {
  const html = md.render("Energy $E=mc^2$ and\n\n$$\n\\int_0^1 x\\,dx = \\tfrac12\n$$\n\nend");
  assertEquals(katexCount(html), 2);
  assertEquals(displayCount(html), 1);
  assert(!html.includes("$"), html);
  assertStringIncludes(html, "<math"); // MathML kept for accessibility
});

Deno.test("markdown: $$…$$ inside a paragraph and on one line are display math", () => {
  const html = md.render("Text before\n$$a_1 * b_2 * c$$\nafter.\n\n$$x^2 \\tag{3}$$");
  assertEquals(displayCount(html), 2);
  assert(!html.includes("<em>"), "emphasis must not split math: " + html);
});

Deno.test("markdown: code spans, fences and escaped dollars are not math", () => {
  const html = md.render("costs \\$5 and `$x$` here\n\n```ts\nconst s = `$${1}$`;\n```");
  assertEquals(katexCount(html), 0);
  assertStringIncludes(html, "$5");
  assertStringIncludes(html, "<code>$x$</code>");
  assertStringIncludes(html, 'class="hljs"');
});

Deno.test("markdown: invalid TeX gives a KaTeX error element and is recorded", () => {
  const before = mathStats.errors.length;
  const html = md.render("bad $\\frac{1}{$ math");
  assertStringIncludes(html, "katex-error");
  assertEquals(mathStats.errors.length, before + 1);
});

Deno.test("markdown: MathJax-only commands are rewritten (\\label, \\eqref)", () => {
  const before = mathStats.errors.length;
  const html = md.render("$$x = 1 \\label{eq:a}$$ see $\\eqref{eq:a}$");
  assertEquals(mathStats.errors.length, before);
  assertEquals(katexCount(html), 2);
});

Deno.test("outputs: Vega-Lite keeps the spec (script-safe) and the static SVG", () => {
  const spec = { mark: "line", title: "</script><b>x" };
  const html = renderOutput({
    output_type: "execute_result",
    data: {
      "application/vnd.vegalite.v5+json": spec,
      "image/svg+xml": "<svg width='2' height='2'></svg>",
      "text/plain": "t",
    },
  }, md);
  assertMatch(html, /^<figure class="output figure vega" id="fig-\d+">/);
  assert(!html.includes("</script><b>"), "spec must not close its script element");
  assertStringIncludes(html, "\\u003c/script>");
  assertStringIncludes(html, "<svg width='2'");
});

Deno.test("outputs: PNG, LaTeX, stream, error, and missing data", () => {
  const png = renderOutput({
    output_type: "display_data",
    data: { "image/png": "iVBOR\nw0=", "text/plain": "img" },
  }, md);
  assertStringIncludes(png, 'src="data:image/png;base64,iVBORw0="');
  const tex = renderOutput({
    output_type: "execute_result",
    data: { "text/latex": "$$\\alpha$$", "text/html": "<math></math>", "text/plain": "\\alpha" },
  }, md);
  assertEquals(displayCount(tex), 1);
  const stream = renderOutput({ output_type: "stream", name: "stdout", text: ["a < b\n", "c"] }, md);
  assertEquals(stream, '<pre class="output stream">a &lt; b\nc</pre>');
  const err = renderOutput({
    output_type: "error",
    ename: "E",
    evalue: "v",
    traceback: ["\x1b[31mboom\x1b[0m"],
  }, md);
  assertEquals(err, '<pre class="output error">boom</pre>');
  const missing = renderOutput({ output_type: "display_data", data: { "application/x-unknown": 1 } }, md);
  assertStringIncludes(missing, 'class="output missing"');
});

const claimsHtml =
  '<table>\n<caption>Claims</caption>\n<tbody>\n<tr><td style="a">x</td><td style="a">✔</td></tr>\n' +
  "<tr><td>y</td><td>✘</td></tr>\n</tbody>\n</table>\n<p>Claims: 1/2 ✘</p>";

Deno.test("claims: the table is styled, other tables are left alone", () => {
  const s = styleClaimsHtml(claimsHtml);
  assertStringIncludes(s, '<table class="claims">');
  assertStringIncludes(s, '<td style="a" class="pass">✔</td>');
  assertStringIncludes(s, '<td class="fail">✘</td>');
  assertStringIncludes(s, '<p class="claims-summary">Claims: 1/2 ✘</p>');
  const other = "<table>\n<caption>Results</caption><tr><td>✔</td></tr></table>";
  assertEquals(styleClaimsHtml(other), other);
});

function notebook(id: string, claims: string | null): Notebook {
  return {
    metadata: { kexue: { id, url: "https://kexue.fm/archives/1", title: `Title ${id}` } },
    cells: [
      { cell_type: "markdown", source: ["# Title ", id, "\n\n$a+b$"] },
      {
        cell_type: "code",
        source: "const x = 1;",
        outputs: claims === null
          ? []
          : [{ output_type: "execute_result", data: { "text/plain": `${claims}\nclaim  result` } }],
      },
    ],
  };
}

Deno.test("claims: parsed from the last code cell's text/plain", () => {
  assertEquals(claimsOf(notebook("A", "Claims: 7/7 ✔")), { status: "pass", passed: 7, total: 7 });
  assertEquals(claimsOf(notebook("A", "Claims: 6/7 ✘")), { status: "fail", passed: 6, total: 7 });
  assertEquals(claimsOf(notebook("A", null)), { status: "none", passed: 0, total: 0 });
});

Deno.test("cells: every code cell says how many outputs it must show", () => {
  const html = renderCells(notebook("A", "Claims: 1/1 ✔"), md);
  assertStringIncludes(html, 'data-outputs="1"');
  assertEquals((html.match(/class="output /g) ?? []).length, 1);
  assertStringIncludes(html, 'class="hljs-keyword"');
});

Deno.test("build: a notebook dropped into the folder appears in the index, no list edited", async () => {
  const dir = await Deno.makeTempDir({ prefix: "book_test_" });
  try {
    await Deno.mkdir(`${dir}/nb`);
    await Deno.writeTextFile(
      `${dir}/nb/2021-03-23-x.ipynb`,
      JSON.stringify(notebook("T01", "Claims: 3/3 ✔")),
    );
    await Deno.writeTextFile(`${dir}/nb/2030-01-01-new.ipynb`, JSON.stringify(notebook("Z99", null)));
    const r = await buildBook({ out: `${dir}/out`, notebooks: `${dir}/nb`, assets: false });
    assertEquals(r.pages.map((p) => p.id), ["T01", "Z99"]);
    const index = await Deno.readTextFile(`${dir}/out/index.html`);
    assertStringIncludes(index, 'href="2021-03-23-x.html"');
    assertStringIncludes(index, 'href="2030-01-01-new.html"'); // not in the catalog: listed under "other"
    assertStringIncludes(index, "<h2>other</h2>");
    assertStringIncludes(index, "3/3 ✔");
    assertStringIncludes(index, "not run");
    assertStringIncludes(index, "旋转式位置编码"); // Chinese title from data/catalog.json
    assertEquals((index.match(/class="article planned"/g) ?? []).length, 40); // 41 in the catalog, 1 written
    const page = await Deno.readTextFile(`${dir}/out/2030-01-01-new.html`);
    assertStringIncludes(page, "has not been executed yet");
    assert(!/(src|href)="https?:/.test(page.replace(/<a [^>]*>/g, "")), "no remote resources");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("catalog: 41 articles, unique ids, every topic listed", async () => {
  const cat = JSON.parse(await Deno.readTextFile(new URL("../../data/catalog.json", import.meta.url)));
  assertEquals(cat.articles.length, 41);
  assertEquals(new Set(cat.articles.map((a: { id: string }) => a.id)).size, 41);
  for (const a of cat.articles) {
    assert(cat.topics.includes(a.topic), `${a.id}: topic ${a.topic} not in topics`);
    assert(a.url === null || /^https:\/\/kexue\.fm\/archives\/\d+$/.test(a.url), `${a.id}: url ${a.url}`);
    assert(a.date === null || /^\d{4}-\d\d-\d\d$/.test(a.date), `${a.id}: date ${a.date}`);
  }
});
