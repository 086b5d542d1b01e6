/**
 * The notebook standard (DESIGN.md), checked on the committed notebooks without executing them:
 * article metadata, executed outputs with no errors, a Claims cell whose claims all hold, figures as a
 * Vega-Lite v5 bundle with a static SVG copy, equations as KaTeX MathML, library imports through the
 * `@lib/` alias, and no absolute paths in outputs. (`deno task check` re-executes them.)
 */
import { assert, assertEquals, assertMatch } from "@std/assert";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

interface Nb {
  cells: {
    cell_type: string;
    source: string | string[];
    outputs?: Record<string, unknown>[];
    metadata: Record<string, unknown>;
    execution_count?: number | null;
  }[];
  metadata: { kexue?: { id?: string; url?: string | null; source?: string }; kernelspec?: { name?: string } };
}

const join = (x: unknown) => (Array.isArray(x) ? x.join("") : typeof x === "string" ? x : "");
const files = [...Deno.readDirSync(`${root}/notebooks`)].filter((e) => e.name.endsWith(".ipynb")).map((e) =>
  e.name
).sort();

Deno.test("there are notebooks, named <date>-<slug>.ipynb (undated-<slug> for sources without a date)", () => {
  assert(files.length >= 2, `found ${files.length}`);
  for (const f of files) assertMatch(f, /^(\d{4}-\d{2}-\d{2}|undated)-[a-z0-9-]+\.ipynb$/);
});

for (const f of files) {
  Deno.test(`notebook standard: ${f}`, () => {
    const nb = JSON.parse(Deno.readTextFileSync(`${root}/notebooks/${f}`)) as Nb;
    assertEquals(nb.metadata.kernelspec?.name, "deno", "kernelspec");
    assertMatch(nb.metadata.kexue?.id ?? "", /^[TOG]\d{2}$/, "metadata.kexue.id");
    const url = nb.metadata.kexue?.url;
    const first = nb.cells[0];
    assert(first?.cell_type === "markdown" && /^# /.test(join(first.source)), "starts with a title cell");
    if (url === null) {
      // A source that is not a kexue.fm article (T17, T18): its provenance must be stated instead.
      assert((nb.metadata.kexue?.source ?? "").length > 10, "metadata.kexue.source explains a null url");
    } else {
      assertMatch(url ?? "", /^https:\/\/kexue\.fm\/archives\/\d+$/, "metadata.kexue.url");
      assert(join(first.source).includes(url!), "the title cell links the article");
    }
    const code = nb.cells.filter((c) => c.cell_type === "code");
    const outputs = code.flatMap((c) => c.outputs ?? []);
    code.forEach((c, i) => assertEquals(c.execution_count, i + 1, `code cell ${i + 1} executed in order`));
    for (const c of code) {
      const src = join(c.source);
      assert(!/from\s+["'](\.\.\/)+lib\//.test(src), "imports the library through @lib/, not ../lib");
    }
    assert(!outputs.some((o) => o.output_type === "error"), "no error outputs");
    const text = JSON.stringify(outputs);
    assert(!/\/(work|tmp|root|home)\//.test(text), "no absolute paths in outputs");
    const bundles = outputs.map((o) => (o.data ?? {}) as Record<string, unknown>);
    assert(
      bundles.some((d) => d["application/vnd.vegalite.v5+json"] && d["image/svg+xml"]),
      "a Vega-Lite v5 figure with SVG",
    );
    assert(
      bundles.some((d) => join(d["text/html"]).includes("<math")),
      "an equation rendered as KaTeX MathML",
    );
    const lastCode = code.at(-1)!;
    const claims = (lastCode.outputs ?? []).map((o) =>
      join(((o.data ?? {}) as Record<string, unknown>)["text/plain"])
    )
      .map((t) => /Claims: (\d+)\/(\d+) ✔/.exec(t)).find((m) => m);
    assert(claims, "the last code cell shows the Claims table");
    assertEquals(claims[1], claims[2], "every claim holds");
    assert(Number(claims[2]) >= 3, "at least three claims");
  });
}
