/**
 * A seeded corpus of text snippets with known arXiv identifiers, and precision/recall of an extractor
 * against it (O12's experiment). Positives cover every era (0704–1412 four-digit, from 1501 five-digit,
 * old style with and without a subject class, with or without a version) in URL templates, free text,
 * or two per snippet; hard negatives are look-alikes that are not identifiers (prices, IPs, long digit
 * runs, month 00/13, new style before 0704, non-arXiv DOIs).
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkInt, typeError } from "../core/validate.ts";
import { canonicalArxivId, LEGACY_ARCHIVES } from "./arxiv_id.ts";

/** Snippet categories of the corpus. */
export type SnippetKind = "url" | "text" | "old" | "multi" | "negative";
/** A snippet with the canonical identifiers it contains. */
export type Snippet = { text: string; truth: string[]; kind: SnippetKind };

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** A random valid new-style id, canonical, from either era. */
function _newId(rng: Rng): string {
  if (rng() < 0.4) {
    const yymm = [7, 8, 9, 10, 11, 12, 13, 14][rng.int(8)]! * 100 + 1 + rng.int(12);
    const y = yymm < 800 ? 704 + rng.int(9) : yymm;
    return `${pad(y, 4)}.${pad(1 + rng.int(9999), 4)}`;
  }
  return `${pad((15 + rng.int(10)) * 100 + 1 + rng.int(12), 4)}.${pad(1 + rng.int(29999), 5)}`;
}

function _oldId(rng: Rng): { written: string; id: string } {
  const archs = LEGACY_ARCHIVES.filter((a) => a !== "math" && a !== "cs");
  const yy = [91, 92, 95, 98, 99, 0, 3, 5, 7][rng.int(9)]!, mm = yy === 7 ? 1 + rng.int(3) : 1 + rng.int(12);
  const num = pad(1 + rng.int(999), 3), digits = `${pad(yy, 2)}${pad(mm, 2)}${num}`;
  const r = rng();
  if (r < 0.3) {
    const arch = rng() < 0.5 ? "math" : "cs",
      sc = arch === "math" ? ["GT", "PR", "AG", "CO"] : ["AI", "LG", "CL"];
    return { written: `${arch}.${sc[rng.int(sc.length)]}/${digits}`, id: `${arch}/${digits}` };
  }
  const arch = archs[rng.int(archs.length)]!;
  return { written: `${arch}/${digits}`, id: `${arch}/${digits}` };
}

const ver = (rng: Rng) => (rng() < 0.4 ? `v${1 + rng.int(9)}` : "");
const URLS = [
  (id: string) => `https://arxiv.org/abs/${id}`,
  (id: string) => `https://arxiv.org/pdf/${id}.pdf`,
  (id: string) => `https://arxiv.org/html/${id}`,
  (id: string) => `https://huggingface.co/papers/${id}`,
  (id: string) => `https://doi.org/10.48550/arXiv.${id}`,
];
const TEXTS = [
  (id: string) => `We build on arXiv:${id} and extend it to longer contexts.`,
  (id: string) => `(see ${id} for the proof)`,
  (id: string) => `Preprint ${id}, submitted to ICML.`,
];

/** A look-alike that no valid identifier is hidden in. */
function _negative(rng: Rng): string {
  const d = (k: number) => pad(rng.int(10 ** k), k);
  const badMonth = () => `${pad(7 + rng.int(18), 2)}${rng() < 0.5 ? "00" : pad(13 + rng.int(87), 2)}`;
  switch (rng.int(7)) {
    case 0:
      return `Price: ${badMonth()}.${d(4 + rng.int(2))} CNY`;
    case 1:
      return `server at 10.${rng.int(256)}.${rng.int(256)}.${rng.int(256)} port ${1000 + rng.int(9000)}`;
    case 2:
      return `order ${1 + rng.int(9)}${d(5)}.${d(5)} shipped`;
    case 3:
      return `id ${badMonth()}.${d(5)}`;
    case 4:
      return `old scan 0${1 + rng.int(6)}${pad(1 + rng.int(12), 2)}.${d(4)}`;
    case 5:
      return `https://doi.org/10.1145/${3000000 + rng.int(999999)}.${3000000 + rng.int(999999)}`;
    default:
      return `version ${2000 + rng.int(30)}.${d(6)}`;
  }
}

/**
 * Generates the corpus: `units` positive snippets (40% one new-style id in a URL template, 20% one in
 * free text, 20% one old-style id, 20% two different new-style ids) followed by `negatives` hard
 * negatives. Identifiers are written canonically, with an optional version.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { generateIdCorpus } from "@lib/papers/id_corpus.ts";
 * const c = generateIdCorpus(createRng(0), 100, 50);
 * assertEquals(c.length, 150);
 * assertEquals(c.filter((s) => s.kind === "multi").every((s) => s.truth.length === 2), true);
 * ```
 */
export function generateIdCorpus(rng: Rng, units = 2000, negatives = 1000): Snippet[] {
  checkInt("generateIdCorpus", "units", units, 0);
  checkInt("generateIdCorpus", "negatives", negatives, 0);
  const out: Snippet[] = [];
  for (let i = 0; i < units; i++) {
    const kind: SnippetKind = i % 5 < 2 ? "url" : i % 5 === 2 ? "text" : i % 5 === 3 ? "old" : "multi";
    if (kind === "old") {
      const o = _oldId(rng), v = ver(rng);
      const text = rng() < 0.5
        ? `https://arxiv.org/abs/${o.written}${v}`
        : `cf. ${o.written}${v} (an early preprint)`;
      out.push({ text, truth: [o.id], kind });
    } else if (kind === "multi") {
      const a = _newId(rng);
      let b = _newId(rng);
      while (b === a) b = _newId(rng);
      out.push({ text: `Compare ${a}${ver(rng)} with arXiv:${b}${ver(rng)}.`, truth: [a, b], kind });
    } else {
      const id = _newId(rng),
        tpl = kind === "url" ? URLS[rng.int(URLS.length)]! : TEXTS[rng.int(TEXTS.length)]!;
      out.push({ text: tpl(id + ver(rng)), truth: [id], kind });
    }
  }
  for (let i = 0; i < negatives; i++) out.push({ text: _negative(rng), truth: [], kind: "negative" });
  return out;
}

/**
 * Precision and recall of an extractor over a corpus, against canonical ids: each returned string is
 * canonicalized (an invalid one counts as a false positive), duplicates within a snippet count once.
 * Also per-kind recall (negatives: the share of snippets with no output).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { scoreExtractor } from "@lib/papers/id_corpus.ts";
 * const c = [{ text: "1706.03762", truth: ["1706.03762"], kind: "text" as const }, { text: "1313.1", truth: [], kind: "negative" as const }];
 * assertEquals(scoreExtractor(c, (t) => [t]).precision, 0.5);
 * assertEquals(scoreExtractor(c, (t) => [t]).recall, 1);
 * ```
 */
export function scoreExtractor(
  corpus: Snippet[],
  extract: (text: string) => string[],
): {
  precision: number;
  recall: number;
  tp: number;
  fp: number;
  fn: number;
  byKind: Record<SnippetKind, number>;
} {
  if (typeof extract !== "function") typeError("scoreExtractor", "extract", "a function", extract);
  let tp = 0, fp = 0, fn = 0;
  const hit: Record<string, [number, number]> = {};
  for (const s of corpus) {
    const got = new Set(extract(s.text).map((x) => canonicalArxivId(x) ?? `invalid:${x}`));
    const t = new Set(s.truth);
    let ok = 0;
    for (const g of got) if (t.has(g)) ok++;
    tp += ok;
    fp += got.size - ok;
    fn += t.size - ok;
    const h = (hit[s.kind] ??= [0, 0]);
    if (s.kind === "negative") {
      h[0] += got.size === 0 ? 1 : 0;
      h[1] += 1;
    } else {
      h[0] += ok;
      h[1] += t.size;
    }
  }
  const byKind = Object.fromEntries(Object.entries(hit).map(([k, [a, b]]) => [k, a / b])) as Record<
    SnippetKind,
    number
  >;
  return { precision: tp / Math.max(1, tp + fp), recall: tp / Math.max(1, tp + fn), tp, fp, fn, byKind };
}
