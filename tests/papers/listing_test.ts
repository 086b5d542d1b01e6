import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  canonicalCategory,
  decodeEntities,
  escapeHtml,
  filterPapers,
  formatCopyText,
  generateListing,
  highlight,
  listingView,
  mergeListings,
  type Paper,
  parseCategoryExpr,
  parseListingHtml,
  renderListingHtml,
  SECTION_ORDER,
  selectByCategories,
} from "@lib/papers/listing.ts";
import { multiDayPapers } from "@lib/papers/sample_data.ts";
import { createRng } from "@lib/core/rng.ts";

const CATS = ["cs.AI", "cs.CL", "cs.LG", "stat.ML"];
const big = generateListing({
  days: ["2023-12-20", "2023-12-21"],
  categories: CATS,
  seed: 5,
  perDay: [35, 40],
});

Deno.test("generateListing: ≥ 300 papers with hard strings, unique canonical ids, deterministic", () => {
  assert(big.length >= 300, `${big.length}`);
  assertEquals(new Set(big.map((p) => p.id)).size, big.length);
  const text = big.map((p) => p.title + p.abstract + p.authors.join()).join();
  for (const s of ["&", "<", '"', "$x^2$", "Schrödinger", "é"]) assert(text.includes(s), `contains ${s}`);
  const cross = big.filter((p) => p.subjects.length > 1).length / big.length;
  const repl = big.filter((p) => p.section === "replace").length / big.length;
  assert(cross > 0.2 && cross < 0.5, `cross share ${cross}`);
  assert(repl > 0.08 && repl < 0.22, `replace share ${repl}`);
  assertEquals(
    generateListing({ days: ["2023-12-20"], categories: CATS, seed: 5 }),
    generateListing({ days: ["2023-12-20"], categories: CATS, seed: 5 }),
  );
  assertThrows(() => generateListing({ days: ["20231220"], categories: CATS, seed: 1 }), RangeError, "days");
});

Deno.test("round trip: parse(render(P, c)) deep-equals the papers of P listed in c", () => {
  for (const c of CATS) {
    const view = listingView(big, c);
    assert(view.length > 50);
    assertEquals(parseListingHtml(renderListingHtml(big, c)), view);
  }
});

Deno.test("latest day: 20 of 70 entries on the multi-day page", () => {
  const html = renderListingHtml(multiDayPapers(), "cs.AI");
  assertEquals(parseListingHtml(html).length, 70);
  const latest = parseListingHtml(html, { latestDayOnly: true });
  assertEquals(latest.length, 20);
  assert(latest.every((p) => p.day === "2023-12-20"));
});

Deno.test("parseListingHtml rejects a malformed identifier and an unknown section", () => {
  const html = renderListingHtml(big.slice(0, 3), big[0]!.primary);
  assertThrows(
    () => parseListingHtml(html.replace(/arXiv:\d{4}\.\d{5}/, "arXiv:1313.12345")),
    RangeError,
    "identifier",
  );
  assertThrows(
    () => parseListingHtml(html.replace("New submissions", "Old stuff")),
    RangeError,
    "section heading",
  );
});

Deno.test("entities: escape then decode is the identity", () => {
  const s = `a<b>&"c"'d' Schrödinger $x^2$ &amp;`;
  assertEquals(decodeEntities(escapeHtml(s)), s);
});

Deno.test("mergeListings: unique, union, new wins over cross, order-independent, sorted", () => {
  const lists = CATS.map((c) => listingView(big.filter((p) => p.day === "2023-12-21"), c));
  const m = mergeListings(lists);
  assertEquals(new Set(m.map((p) => p.id)).size, m.length);
  assertEquals(new Set(m.map((p) => p.id)), new Set(lists.flat().map((p) => p.id)));
  const rev = mergeListings([...lists].reverse());
  assertEquals(rev, m);
  const shuffled = mergeListings(createRng(3).shuffle(lists.map((l) => [...l].reverse())));
  assertEquals(shuffled, m);
  for (let i = 1; i < m.length; i++) {
    const a = m[i - 1]!, b = m[i]!;
    assert(SECTION_ORDER[a.section] < SECTION_ORDER[b.section] || (a.section === b.section && a.id < b.id));
  }
  const crossed = big.find((p) =>
    p.section === "new" && p.subjects.length > 1 && CATS.includes(p.subjects[1]!)
  )!;
  const other = crossed.subjects[1]!;
  const mm = mergeListings([listingView([crossed], other), listingView([crossed], crossed.primary)]);
  assertEquals(listingView([crossed], other)[0]!.section, "cross");
  assertEquals(mm.map((p) => p.section), ["new"]);
});

Deno.test("parseCategoryExpr: operators, names with '-', aliases, unknown names", () => {
  assertEquals(parseCategoryExpr("cs.AI+cs.LG-cs.CY-econ.GN"), {
    include: ["cs.AI", "cs.LG"],
    exclude: ["cs.CY", "econ.GN"],
  });
  assertEquals(parseCategoryExpr("cs.LG-math-ph"), { include: ["cs.LG"], exclude: ["math-ph"] });
  assertEquals(parseCategoryExpr("cond-mat.mes-hall,cs.AI"), {
    include: ["cond-mat.mes-hall", "cs.AI"],
    exclude: [],
  });
  assertEquals(parseCategoryExpr("cs.NA"), { include: ["math.NA"], exclude: [] });
  assertEquals(parseCategoryExpr("cs.AI-q-fin.EC"), { include: ["cs.AI"], exclude: ["econ.GN"] });
  assertEquals(canonicalCategory("stat.TH"), "math.ST");
  assertThrows(() => parseCategoryExpr("cs.AI+cs.FOO"), RangeError, "unknown category");
  assertThrows(() => parseCategoryExpr("cs.AIcs.LG"), RangeError);
  assertThrows(() => parseCategoryExpr(""), TypeError);
});

Deno.test("selectByCategories: include OR, exclude wins, aliases", () => {
  const day = big.filter((p) => p.day === "2023-12-21");
  const sel = selectByCategories(day, "cs.AI+cs.LG-stat.ML");
  assert(sel.length > 0);
  for (const p of sel) {
    assert(p.subjects.includes("cs.AI") || p.subjects.includes("cs.LG"));
    assert(!p.subjects.includes("stat.ML"));
  }
  const expected = day.filter((p) =>
    (p.subjects.includes("cs.AI") || p.subjects.includes("cs.LG")) && !p.subjects.includes("stat.ML")
  );
  assertEquals(sel, expected);
  assertEquals(selectByCategories(big, "math.NA"), selectByCategories(big, "cs.NA"));
  assert(selectByCategories(big, "math.NA").length > 0);
});

Deno.test("filterPapers: OR ⊇ AND, exclusion, case-insensitive; highlight; copy text", () => {
  const q = { include: ["diffusion", "attention"], exclude: ["survey"] };
  const or = filterPapers(big, q), and = filterPapers(big, { ...q, mode: "and" });
  assert(and.length < or.length && and.length > 0);
  assert(and.every((p) => or.includes(p)));
  const hay = (p: Paper) => (p.title + "\n" + p.authors.join(", ") + "\n" + p.abstract).toLowerCase();
  assert(
    or.every((p) =>
      !hay(p).includes("survey") && (hay(p).includes("diffusion") || hay(p).includes("attention"))
    ),
  );
  assertEquals(filterPapers(big, {}).length, big.length);
  assertEquals(filterPapers(big, { include: ["DIFFUSION"] }), filterPapers(big, { include: ["diffusion"] }));
  assertThrows(() => filterPapers(big, { mode: "xor" as "or" }), RangeError, "q.mode");
  assertEquals(highlight("a<b diffusion", ["DIFF"]), "a&lt;b <mark>diff</mark>usion");
  const t = formatCopyText(big[0]!);
  assert(t.startsWith(big[0]!.title + "\n") && t.endsWith(big[0]!.id));
});
