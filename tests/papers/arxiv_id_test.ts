import { assert, assertEquals } from "@std/assert";
import {
  canonicalArxivId,
  diagnoseArxivCandidates,
  findArxivIds,
  formatArxivId,
  LEGACY_ARCHIVES,
  legacyArxivMatch,
  parseArxivId,
} from "@lib/papers/arxiv_id.ts";
import { generateIdCorpus } from "@lib/papers/id_corpus.ts";
import { createRng } from "@lib/core/rng.ts";

Deno.test("parseArxivId: canonical forms of the spec", () => {
  const ids = (s: string) => parseArxivId(s)?.id;
  assertEquals(ids("2401.6769"), "2401.06769");
  assertEquals(ids("1406.02661"), "1406.2661");
  assertEquals(ids("1412.00001"), "1412.0001");
  assertEquals(ids("1501.0001"), "1501.00001");
  assertEquals(parseArxivId("math.GT/0309136v2"), {
    id: "math/0309136",
    version: 2,
    style: "old",
    yymm: 309,
  });
  assertEquals(ids("hep-th/9901001"), "hep-th/9901001");
  assertEquals(parseArxivId("1706.03762v7"), { id: "1706.03762", version: 7, style: "new", yymm: 1706 });
  assertEquals(ids("arXiv:0704.0001"), "0704.0001");
});

Deno.test("parseArxivId: rejects malformed ids", () => {
  for (
    const s of [
      "1313.12345",
      "0703.1234",
      "12345.67890",
      "2312.123456",
      "hep-th/0704001",
      "page/9901001",
      "2312.00752v0",
      "1406.12345",
      "2401.00000",
      "hep-th/9913001",
      "hep-th/8901001",
      " 2312.00752",
      "2312.00752 x",
      "",
    ]
  ) assertEquals(parseArxivId(s), null, s); // deno-fmt-ignore
});

Deno.test("legacy archive list: names and shape", () => {
  assertEquals(LEGACY_ARCHIVES.length, 34);
  assert(
    LEGACY_ARCHIVES.every((a) => /^[a-z]+(-[a-z]{2,})?$/.test(a)),
    "shape of arXiv's RE_ARXIV_OLD_ID archive",
  );
  for (const a of LEGACY_ARCHIVES) assertEquals(parseArxivId(`${a}/9901001`)?.id, `${a}/9901001`);
});

Deno.test("findArxivIds: order, dedupe, boundaries, old style inside URLs", () => {
  assertEquals(findArxivIds("see 2312.00752 and 1706.03762 and 2312.00752").map((a) => a.id), [
    "2312.00752",
    "1706.03762",
  ]);
  assertEquals(findArxivIds("12345.67890 2024.123456 1999.99999").length, 0);
  assertEquals(findArxivIds("https://arxiv.org/abs/cs/0506078v2 then 0704.0001").map((a) => a.id), [
    "cs/0506078",
    "0704.0001",
  ]);
  assertEquals(findArxivIds("10.48550/arXiv.1406.2661").map((a) => a.id), ["1406.2661"]);
});

Deno.test("legacyArxivMatch reproduces the extension's pattern", () => {
  assertEquals(legacyArxivMatch("12345.67890"), ["2345.67890"]);
  assertEquals(legacyArxivMatch("version 2024.123456"), ["2024.12345"]);
  assertEquals(legacyArxivMatch("https://arxiv.org/abs/hep-th/9901001"), []);
  assertEquals(legacyArxivMatch("1706.03762v7 and 2312.00752", true), ["1706.03762", "2312.00752"]);
});

Deno.test("canonicalArxivId is idempotent and parse(format(id)) round-trips on 1,000 generated ids", () => {
  const corpus = generateIdCorpus(createRng(7), 1000, 0);
  const all = corpus.flatMap((s) => s.truth);
  assert(all.length >= 1000);
  for (const id of all) {
    const c = canonicalArxivId(id);
    assertEquals(c, id);
    assertEquals(canonicalArxivId(c!), c);
    for (const v of [null, 3]) {
      const a = { ...parseArxivId(id)!, version: v };
      assertEquals(parseArxivId(formatArxivId(a)), a);
    }
  }
});

Deno.test("diagnoseArxivCandidates names the reason", () => {
  const why = (s: string) => diagnoseArxivCandidates(s).map((d) => d.reason).join(" | ");
  assert(why("0703.1234").includes("before 0704"));
  assert(why("12345.67890").includes("prefix 12345 has 5 digits"));
  assert(why("2024.123456").includes("6 digits"));
  assert(why("1406.12345").includes("4-digit numbers only"));
  assert(why("hep-th/0704001").includes("March 2007"));
  assert(why("page/9901001").includes('unknown archive "page"'));
  assertEquals(diagnoseArxivCandidates("2312.00752 and hep-th/9901001"), []);
});
