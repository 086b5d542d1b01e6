import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import {
  barChart,
  hconcat,
  heatmap,
  histogramChart,
  layer,
  lineChart,
  MASKED_NOTE,
  renderSvg,
  rule,
  scatterChart,
  vconcat,
  type VegaLiteSpec,
} from "@lib/display/mod.ts";
import { createRng } from "@lib/core/rng.ts";

type Obj = Record<string, unknown>;
const rng = createRng(3);
const curve = Array.from({ length: 60 }, (_, i) => ({
  step: i + 1,
  loss: 2 / Math.sqrt(i + 1) + 0.01 * rng(),
  opt: i % 3 === 0 ? "Adam" : i % 3 === 1 ? "Lion" : "Tiger",
  seed: i % 2,
}));

/** Every builder's output must compile and render without a single Vega-Lite / Vega warning. */
async function renders(spec: VegaLiteSpec): Promise<string> {
  const { svg } = await renderSvg(spec, { strict: true });
  assert(svg.startsWith("<svg"));
  return svg;
}

Deno.test("lineChart: encoding, log scales, titles, size, only used fields", async () => {
  const s = lineChart(curve, {
    x: "step",
    y: "loss",
    color: "opt",
    logX: true,
    logY: true,
    title: "Loss",
    yTitle: "train loss",
  });
  const enc = s.encoding as Record<string, Obj>;
  assertEquals(enc.x, { field: "step", type: "quantitative", title: "step", scale: { type: "log" } });
  assertEquals(enc.y!.title, "train loss");
  assertEquals(enc.color, { field: "opt", type: "nominal", title: "opt", sort: null });
  assertEquals([s.width, s.height, s.title], [420, 260, "Loss"]);
  assertEquals(Object.keys((s.data as { values: Obj[] }).values[0]!), ["step", "loss", "opt"]);
  const svg = await renders(s);
  assertStringIncludes(svg, "Loss");
  assertStringIncludes(svg, "train loss");
  await renders(lineChart(curve, { x: "step", y: "loss", color: "opt", dash: "seed", points: true }));
});

Deno.test("lineChart: facets, numeric colour as categories, escaped field names", async () => {
  const s = lineChart(curve, { x: "step", y: "loss", facet: "opt", color: "seed" });
  assertEquals((s.facet as Obj).field, "opt");
  assertEquals(((s.spec as Obj).encoding as Record<string, Obj>).color!.type, "ordinal");
  await renders(s);
  const dotted = lineChart([{ "a.b": 1, "y[0]": 2 }, { "a.b": 2, "y[0]": 3 }], { x: "a.b", y: "y[0]" });
  assertEquals((dotted.encoding as Record<string, Obj>).x!.field, "a\\.b");
  assertEquals((dotted.encoding as Record<string, Obj>).x!.title, "a.b");
  const svg = await renders(dotted);
  assertStringIncludes(svg, "y[0]");
});

Deno.test("chart builders validate their inputs", () => {
  assertThrows(() => lineChart([], { x: "a", y: "b" }), RangeError, "lineChart: rows.length must be ≥ 1");
  assertThrows(
    () => lineChart([{ a: 1 }], { x: "a", y: "b" }),
    RangeError,
    "lineChart: rows[0].b must be present",
  );
  assertThrows(
    () => lineChart([{ a: 0, b: 1 }], { x: "a", y: "b", logX: true }),
    RangeError,
    "rows[0].a must be a number > 0",
  );
  assertThrows(
    () => lineChart([{ a: 1, b: 1 }], { x: "a", y: "b", yDomain: [1, 0] }),
    RangeError,
    "enc.yDomain[1]",
  );
  assertThrows(() => lineChart([{ a: 1, b: 1 }], { x: "a", y: "b", width: 5 }), RangeError, "enc.width");
  assertThrows(
    () => scatterChart([{ a: 1, b: 1 }], { x: "a", y: "b", opacity: 2 }),
    RangeError,
    "enc.opacity",
  );
  assertThrows(
    () => barChart([{ a: "x", b: 1 }], { x: "a", y: "b", grouped: true }),
    RangeError,
    "enc.color",
  );
  assertThrows(
    () => barChart([{ a: "x", b: 1, lo: 0 }], { x: "a", y: "b", errLo: "lo" }),
    RangeError,
    "errHi",
  );
  assertThrows(
    () => barChart([{ a: "x", b: 1 }], { x: "a", y: "b", logY: true }),
    RangeError,
    "enc.logY must be false",
  );
  assertThrows(
    () => histogramChart([1, NaN], { bins: 3 }),
    RangeError,
    "histogramChart: values[1] must be a finite number",
  );
  assertThrows(() => histogramChart([1], { bins: 0 }), RangeError, "opts.bins");
  assertThrows(() => rule("z" as "x", 1), RangeError, 'rule: axis must be "x" or "y"');
  assertThrows(() => layer(), RangeError, "layer: specs");
  assertThrows(() => layer(hconcat(rule("x", 1))), TypeError, "facet/concat specs cannot be layered");
});

Deno.test("scatterChart: circles, continuous colour for many distinct values", async () => {
  const pts = Array.from({ length: 300 }, () => ({ x: rng.normal(), y: rng.normal(), t: rng() }));
  const s = scatterChart(pts, { x: "x", y: "y", color: "t", size: 10, opacity: 0.5, title: "samples" });
  assertEquals(s.mark, { type: "circle", size: 10, opacity: 0.5 });
  assertEquals((s.encoding as Record<string, Obj>).color!.type, "quantitative");
  await renders(s);
});

Deno.test("barChart: order of appearance, zero-based y, grouped bars with error bars", async () => {
  const rows = ["task B", "task A"].flatMap((task) =>
    ["Adam", "Lion"].map((opt) => ({ task, opt, acc: 0.8 + 0.1 * rng(), lo: 0.75, hi: 0.95 }))
  );
  const s = barChart(rows, {
    x: "task",
    y: "acc",
    color: "opt",
    grouped: true,
    errLo: "lo",
    errHi: "hi",
    title: "Accuracy",
  });
  const [bar, err] = s.layer as Obj[];
  const enc = bar!.encoding as Record<string, Obj>;
  assertEquals(enc.x!.sort, null);
  assertEquals((enc.y!.scale as Obj).zero, true);
  assertEquals(enc.xOffset, { field: "opt", sort: null });
  assertEquals((err!.mark as Obj).type, "errorbar");
  await renders(s);
  await renders(barChart([{ k: 1, v: 2 }, { k: 2, v: 3 }], { x: "k", y: "v" }));
});

Deno.test("heatmap: matrix and nested arrays, masked cells, labels, size limit", async () => {
  const m = {
    rows: 3,
    cols: 4,
    data: Float64Array.from({ length: 12 }, (_, k) => (k === 5 ? -Infinity : k)),
  };
  const s = heatmap(m, { title: "scores", domain: [0, 11], scheme: "blues", xLabels: ["a", "b", "c", "d"] });
  assertEquals(s.title, { text: "scores", subtitle: MASKED_NOTE });
  const values = (s.data as { values: Obj[] }).values;
  assertEquals(values.length, 12);
  assertEquals(values[5], { row: 1, col: 1, value: null });
  assertEquals((s.layer as Obj[]).length, 2);
  const svg = await renders(s);
  assertStringIncludes(svg, MASKED_NOTE);
  const plain = heatmap([[1, 2], [3, 4]]);
  assertEquals(plain.layer, undefined);
  assertEquals((plain.mark as Obj).type, "rect");
  await renders(plain);
  const allMasked = heatmap([[NaN, Infinity]]);
  assertEquals((allMasked.mark as Obj).color, "#d0d0d0");
  await renders(allMasked);
  assertThrows(() => heatmap([[1, 2], [3]]), RangeError, "heatmap: m[1].length must be 2, got 1");
  assertThrows(() => heatmap({ rows: 2, cols: 2, data: [1] }), RangeError, "m.data.length");
  assertThrows(
    () => heatmap({ rows: 100, cols: 100, data: new Float64Array(10000) }),
    RangeError,
    "use image()",
  );
  assertThrows(() => heatmap([[1]], { xLabels: ["a", "b"] }), RangeError, "opts.xLabels");
});

Deno.test("heatmap: a 64×64 matrix renders under the 1 MB SVG limit", async () => {
  const data = Float64Array.from({ length: 64 * 64 }, (_, k) => Math.sin(k / 7));
  const svg = await renders(heatmap({ rows: 64, cols: 64, data }));
  assert(svg.length < 1_000_000, `${svg.length} bytes`);
});

Deno.test("histogramChart: counts, density integrates to 1, range, overlay", async () => {
  const xs = Array.from({ length: 1000 }, () => rng.normal());
  const s = histogramChart(xs, { bins: 20, density: true, range: [-3, 3], title: "N(0,1)" });
  const rows = (s.data as { values: { lo: number; hi: number; density: number }[] }).values;
  assertEquals(rows.length, 20);
  const area = rows.reduce((a, r) => a + r.density * (r.hi - r.lo), 0);
  assert(Math.abs(area - 1) < 1e-12, `area ${area}`);
  assertEquals([rows[0]!.lo, rows.at(-1)!.hi], [-3, 3]);
  await renders(s);
  const overlay = Array.from(
    { length: 61 },
    (_, i) => ({ x: -3 + i / 10, y: Math.exp(-((-3 + i / 10) ** 2) / 2) / Math.sqrt(2 * Math.PI) }),
  );
  const o = histogramChart(xs, { bins: 30, density: true, overlay });
  assertEquals((o.layer as Obj[]).length, 2);
  await renders(o);
  const c = histogramChart([5, 5, 5], { bins: 2 }); // constant data: a unit-wide range around it
  assertEquals((c.data as { values: Obj[] }).values, [{ lo: 4.5, hi: 5, count: 0 }, {
    lo: 5,
    hi: 5.5,
    count: 3,
  }]);
});

Deno.test("rule / layer / concat: hoisted size and title, labels, rendering", async () => {
  const base = lineChart(curve, { x: "step", y: "loss", color: "opt", title: "with rules", width: 400 });
  const s = layer(base, rule("y", 0.5, { dash: true, label: "target" }), rule("x", 10, { label: "warm-up" }));
  assertEquals([s.title, s.width, s.height], ["with rules", 400, 260]);
  const children = s.layer as Obj[];
  assertEquals(children.length, 3);
  assertEquals(children.every((c) => c.width === undefined && c.title === undefined), true);
  assertEquals(((children[1]!.layer as Obj[])[0]!.mark as Obj).strokeDash, [5, 4]);
  const svg = await renders(s);
  assertStringIncludes(svg, "target");
  assertStringIncludes(svg, "warm-up");
  const h = histogramChart([1, 2, 2, 3], { bins: 3, width: 200, height: 150 });
  const c = hconcat(h, vconcat(h, { ...h, $schema: "x", config: { axis: { grid: false } } }));
  assertEquals((c.hconcat as Obj[]).length, 2);
  assertEquals("$schema" in ((c.hconcat as Obj[])[1]!.vconcat as Obj[])[1]!, false);
  await renders(c);
});
