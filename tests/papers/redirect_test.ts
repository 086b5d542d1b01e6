import { assert, assertEquals } from "@std/assert";
import { findVenueIds, redirectStrict, redirectV01, redirectV02 } from "@lib/papers/redirect.ts";
import { REDIRECT_CASES, shortTarget } from "@lib/papers/redirect_cases.ts";
import { chromeMatchPattern, menuVisible } from "@lib/papers/match_pattern.ts";
import { findArxivIds, legacyArxivMatch } from "@lib/papers/arxiv_id.ts";
import { generateIdCorpus, scoreExtractor } from "@lib/papers/id_corpus.ts";
import { createRng } from "@lib/core/rng.ts";

for (const c of REDIRECT_CASES) {
  Deno.test(`reference row: ${c.name}`, () => {
    assertEquals(shortTarget(redirectV01(c.ctx)), c.v01, "v0.1");
    assertEquals(shortTarget(redirectV02(c.ctx)), c.v02, "v0.2");
    const s = redirectStrict(c.ctx);
    assertEquals(shortTarget(s), c.strict, "strict");
    if (s.kind === "none") {
      assert((s.error ?? "").startsWith("no valid arXiv id; "), "a rejection carries its reason");
    }
    if (s.kind === "paper") {
      for (const id of s.ids) assertEquals(findArxivIds(id)[0]?.id, id, "strict ids are valid and canonical");
    }
  });
}

Deno.test("strict never redirects a rejected look-alike to a paper", () => {
  for (const c of REDIRECT_CASES.filter((c) => c.strict === "none")) {
    const r = redirectStrict(c.ctx);
    assertEquals(r.url, null, c.name);
    assert(/rejected|nothing looks like/.test(r.error!), c.name);
  }
  assert(
    redirectStrict({ selectionText: "1313.12345", pageUrl: "https://x.org/" }).error!.includes("month 13"),
  );
});

Deno.test("v0.2 reports the original's TypeError; source priority selection > link > page", () => {
  assertEquals(
    redirectV02({ linkUrl: "https://example.com/page", pageUrl: "https://example.com/" }).kind,
    "error",
  );
  const ctx = {
    selectionText: "2401.06769",
    linkUrl: "https://arxiv.org/abs/2312.00752",
    pageUrl: "https://arxiv.org/abs/1706.03762",
  };
  for (const f of [redirectV01, redirectV02, redirectStrict]) {
    assertEquals([f(ctx).ids[0], f(ctx).source], ["2401.06769", "selection"]);
    assertEquals(f({ ...ctx, selectionText: undefined }).source, "link");
    assertEquals(f({ ...ctx, selectionText: undefined, linkUrl: undefined }).source, "page");
  }
  assertEquals(redirectV01(ctx).newTab, false);
  assertEquals(redirectV02(ctx).newTab, true);
  assertEquals(
    redirectStrict({ selectionText: "Attention", pageUrl: "https://x.org/" }, { searchFallback: false }).kind,
    "none",
  );
  assertEquals(
    redirectStrict({ pageUrl: "https://openreview.net/forum?id=abc" }, { venues: false }).kind,
    "none",
  );
});

Deno.test("findVenueIds: four venues, order of appearance", () => {
  const t = "https://aclanthology.org/P19-1001.pdf and https://www.ijcai.org/proceedings/2021/0042.pdf " +
    "and https://openreview.net/pdf?id=Xy_1-z and https://proceedings.mlr.press/v139/lee21b/lee21b.pdf";
  assertEquals(findVenueIds(t).map((v) => v.key), [
    "P19-1001@ACL",
    "42@2021@IJCAI",
    "Xy_1-z@OpenReview",
    "lee21b@v139@PMLR",
  ]);
  assertEquals(findVenueIds("https://example.com/?id=abc"), []);
});

Deno.test("chromeMatchPattern and menuVisible (spec checks)", () => {
  assert(chromeMatchPattern("https://arxiv.org/pdf/*", "https://arxiv.org/pdf/2312.00752"));
  assert(!chromeMatchPattern("https://arxiv.org/pdf/*", "https://www.arxiv.org/pdf/2312.00752"));
  assert(!chromeMatchPattern("https://arxiv.org/pdf/*", "http://arxiv.org/pdf/2312.00752"));
  assert(chromeMatchPattern("https://openreview.net/forum*", "https://openreview.net/forum?id=abc"));
  assert(chromeMatchPattern("*://*/*", "https://a.b/c"));
  assert(!chromeMatchPattern("https://*.google.com/*", "https://notgoogle.com/"));
  assert(!chromeMatchPattern("https://arxiv.org/abs/*", "not a url"));
  assertEquals(menuVisible("v0.1", { pageUrl: "https://arxiv.org/pdf/2312.00752" }), false);
  assertEquals(menuVisible("v0.2", { pageUrl: "https://arxiv.org/pdf/2312.00752" }), true);
  assertEquals(menuVisible("v0.1", { pageUrl: "https://arxiv.org/abs/2312.00752" }), true);
  assertEquals(menuVisible("v0.1", { pageUrl: "https://www.google.com/" }), false);
  assertEquals(menuVisible("v0.1", { pageUrl: "https://www.google.com/", selectionText: "x" }), true);
  assertEquals(
    menuVisible("v0.2", { pageUrl: "https://www.google.com/", linkUrl: "https://arxiv.org/abs/1" }),
    true,
  );
});

Deno.test("precision/recall on the generated corpus: strict 1/1, v0.1 < 0.8 recall and < 1 precision", () => {
  const corpus = generateIdCorpus(createRng(1));
  const v01 = scoreExtractor(corpus, (t) => legacyArxivMatch(t));
  const v02 = scoreExtractor(corpus, (t) => legacyArxivMatch(t, true));
  const strict = scoreExtractor(corpus, (t) => findArxivIds(t).map((a) => a.id));
  assertEquals([strict.precision, strict.recall], [1, 1]);
  assert(v01.recall < 0.8 && Math.abs(v01.recall - 2 / 3) < 0.01, `${v01.recall}`);
  assert(v01.precision < 1 && v02.precision < 1);
  assert(v02.recall > v01.recall);
  assertEquals(v01.byKind.old, 0);
});
