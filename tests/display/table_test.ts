import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { bundleOf, table } from "@lib/display/mod.ts";

const rows = [
  { opt: "Lion", lr: 1e-4, loss: 0.352149, steps: 1000, ok: true },
  { opt: "Adam <β2=0.999>", lr: 3e-4, loss: 1.5e-7, steps: 1000, ok: false },
  { opt: "Tiger | x", lr: 0.01, loss: null, steps: 12, ok: null },
];

Deno.test("table: bundle keys and aligned plain text", () => {
  const b = bundleOf(table(rows, { title: "Runs" }));
  assertEquals(Object.keys(b).sort(), ["text/html", "text/markdown", "text/plain"]);
  assertEquals(
    b["text/plain"],
    [
      "Runs",
      "opt                  lr    loss  steps  ok",
      "---------------  ------  ------  -----  -----",
      "Lion             0.0001  0.3521   1000  true",
      "Adam <β2=0.999>  0.0003  1.5e-7   1000  false",
      "Tiger | x          0.01       —     12  —",
    ].join("\n"),
  );
});

Deno.test("table: markdown escapes pipes, right-aligns numeric columns", () => {
  const md = bundleOf(table(rows, { title: "Runs" }))["text/markdown"] as string;
  assertEquals(
    md.split("\n").slice(0, 5),
    [
      "**Runs**",
      "",
      "| opt | lr | loss | steps | ok |",
      "|:---|---:|---:|---:|:---|",
      "| Lion | 0.0001 | 0.3521 | 1000 | true |",
    ],
  );
  assertStringIncludes(md, "| Tiger \\| x |");
});

Deno.test("table: html is a plain escaped <table> with caption", () => {
  const html = bundleOf(table(rows, { title: "a<b" }))["text/html"] as string;
  assertStringIncludes(html, "<table>\n<caption>a&lt;b</caption>");
  assertStringIncludes(html, '<td style="text-align: left">Adam &lt;β2=0.999&gt;</td>');
  assertStringIncludes(html, '<td style="text-align: right">1.5e-7</td>');
  assertEquals(html.endsWith("</tbody>\n</table>"), true);
});

Deno.test("table: columns selects and orders; digits global and per column", () => {
  const b = bundleOf(table(rows, { columns: ["loss", "opt"], digits: { loss: 2 } }));
  assertEquals((b["text/plain"] as string).split("\n")[2], "  0.35  Lion");
  const c = bundleOf(table([{ x: Math.PI }], { digits: 7 }));
  assertEquals((c["text/plain"] as string).split("\n")[2], "3.141593");
  const empty = bundleOf(table([], { columns: ["a", "b"] }));
  assertEquals(empty["text/plain"], "a  b\n-  -");
});

Deno.test("table: validation", () => {
  assertThrows(() => table([]), RangeError, "table: rows.length must be ≥ 1");
  assertThrows(
    () => table([{ a: [1] as unknown as number }]),
    TypeError,
    "table: rows[0].a must be a number",
  );
  assertThrows(() => table([{ a: 1 }], { digits: 0 }), RangeError, "table: opts.digits");
  assertThrows(() => table([{ a: 1 }], { columns: ["a", "a"] }), RangeError, "distinct");
  assertThrows(() => table("x" as unknown as []), TypeError, "table: rows must be an array");
});
