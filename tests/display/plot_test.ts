import { assert, assertEquals, assertNotEquals, assertRejects, assertStringIncludes } from "@std/assert";
import {
  bundleOf,
  heatmap,
  lineChart,
  normalizeSpec,
  plot,
  renderSvg,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "@lib/display/mod.ts";

const rows = Array.from(
  { length: 200 },
  (_, i) => ({ t: i / 10, y: Math.sin(i / 10) / 3, s: i % 2 ? "a" : "b" }),
);

Deno.test("plot: bundle keys, $schema, svg and title", async () => {
  const b = bundleOf(await plot(lineChart(rows, { x: "t", y: "y", color: "s", title: "sin" })));
  assertEquals(Object.keys(b).sort(), ["application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"]);
  const spec = b["application/vnd.vegalite.v5+json"] as VegaLiteSpec;
  assertEquals(spec.$schema, VEGA_LITE_SCHEMA);
  assertEquals(spec.title, "sin");
  const svg = b["image/svg+xml"] as string;
  assert(svg.startsWith("<svg"), svg.slice(0, 40));
  assertStringIncludes(svg, "</svg>");
  assertEquals(b["text/plain"], "sin");
  const untitled = bundleOf(
    await plot({ data: { values: [{ a: 1 }] }, mark: "point", encoding: { x: { field: "a" } } }),
  );
  assertEquals(untitled["text/plain"], "Vega-Lite chart");
  const objTitle = bundleOf(
    await plot({ title: { text: "T", subtitle: "s" }, data: { values: [{ a: 1 }] }, mark: "point" }),
  );
  assertEquals(objTitle["text/plain"], "T");
});

Deno.test("plot: byte-identical output for the same spec, also with clip paths and gradients", async () => {
  const specs: VegaLiteSpec[] = [
    lineChart(rows, { x: "t", y: "y", color: "s", yDomain: [-0.2, 0.2] }), // clamped domain → clip path
    heatmap([[0, 1], [2, NaN]], { title: "h" }), // continuous legend → gradient
  ];
  for (const s of specs) {
    const a = bundleOf(await plot(s)), b = bundleOf(await plot(s));
    assertEquals(a["image/svg+xml"], b["image/svg+xml"]);
    assertEquals(JSON.stringify(a), JSON.stringify(b));
  }
  const withGradient = (await renderSvg(specs[1]!)).svg;
  const id = /\sid="([^"]+)"/.exec(withGradient)?.[1];
  assert(id && /^gradient_[0-9a-f]{8}_1$/.test(id), `canonical id, got ${id}`);
  assertStringIncludes(withGradient, `url(#${id})`);
});

Deno.test("plot: different charts get different element ids", async () => {
  const a = (await renderSvg(heatmap([[0, 1]]))).svg, b = (await renderSvg(heatmap([[1, 0], [0, 1]]))).svg;
  const ida = /\sid="([^"]+)"/.exec(a)?.[1], idb = /\sid="([^"]+)"/.exec(b)?.[1];
  assert(ida && idb);
  assertNotEquals(ida, idb);
});

Deno.test("normalizeSpec: rounds numbers, nulls non-finite, copies deeply, sets schema and aria", () => {
  const input = {
    $schema: "https://vega.github.io/schema/vega-lite/v4.json",
    data: { values: [{ x: 1 / 3, y: Infinity, z: undefined, w: 12345678 }] },
    mark: "point",
    config: { axis: { grid: false } },
  };
  const s = normalizeSpec(input as unknown as VegaLiteSpec);
  assertEquals(s, {
    $schema: VEGA_LITE_SCHEMA,
    data: { values: [{ x: 0.333333, y: null, w: 12345678 }] },
    mark: "point",
    config: { aria: false, axis: { grid: false } },
  });
  assertEquals(input.data.values[0]!.x, 1 / 3, "the input is not modified");
  assertEquals(normalizeSpec({ config: { aria: true } }).config, { aria: true });
  assertEquals(normalizeSpec({ data: { values: new Float64Array([0.1 + 0.2]) } }).data, { values: [0.3] });
});

Deno.test("plot: SVG larger than the limit throws with a hint", async () => {
  await assertRejects(
    () => plot(lineChart(rows, { x: "t", y: "y" }), { maxSvgBytes: 1000 }),
    RangeError,
    "image()",
  );
});

Deno.test("plot: invalid specs and warnings", async () => {
  await assertRejects(
    () => plot(null as unknown as VegaLiteSpec),
    TypeError,
    "plot: spec must be a Vega-Lite spec object",
  );
  await assertRejects(() => plot({ mark: "nonsense" }), Error, "plot: invalid Vega-Lite spec");
  const warn = {
    data: { values: [{ a: 1 }] },
    mark: "point",
    encoding: { x: { field: "a", type: "quantitative" }, nonsense: {} },
  };
  await assertRejects(() => plot(warn, { strict: true }), Error, "warning");
  const original = console.warn;
  const seen: string[] = [];
  console.warn = (...a: unknown[]) => void seen.push(a.join(" "));
  try {
    const r = await renderSvg(warn);
    assert(r.warnings.length > 0);
  } finally {
    console.warn = original;
  }
  assert(seen.length > 0 && seen[0]!.startsWith("plot: "));
});
