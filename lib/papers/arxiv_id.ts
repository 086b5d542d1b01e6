/**
 * arXiv identifiers: a strict, canonicalising parser and the legacy pattern of the Cool Papers
 * Redirector, kept for comparison (O11, O12).
 *
 * Grammar (arXiv's identifier scheme):
 * - new style (April 2007 on): `YYMM.NNNN` for YYMM in 0704–1412 and `YYMM.NNNNN` from 1501, then an
 *   optional version `v[1-9]\d*`; MM in 01–12;
 * - old style (to March 2007): `archive(.SC)?/YYMMNNN` with `archive` one of the legacy archives; the
 *   subject class `.SC` is not part of the identifier and is dropped.
 *
 * Canonical form (the Cool Papers convention, changelog 2024-01-15): `1406.02661 ≡ 1406.2661` and
 * `2401.6769 ≡ 2401.06769`, i.e. the number is written with 4 digits up to 1412 and 5 digits from 1501.
 *
 * @module
 */
import { typeError } from "../core/validate.ts";

/** A parsed arXiv identifier. `id` is canonical and carries no version. */
export type ArxivId = { id: string; version: number | null; style: "new" | "old"; yymm: number };

/**
 * The archives that issued old-style identifiers (`archive/YYMMNNN`): every archive of arXiv's taxonomy
 * (`ARCHIVES` in arXiv's `arxiv/taxonomy/definitions.py`) that started before April 2007, without the
 * internal `test` archive. (q-fin, stat, econ and eess started later and only have new-style ids.)
 */
export const LEGACY_ARCHIVES: readonly string[] = [
  "acc-phys",
  "adap-org",
  "alg-geom",
  "ao-sci",
  "astro-ph",
  "atom-ph",
  "bayes-an",
  "chao-dyn",
  "chem-ph",
  "cmp-lg",
  "comp-gas",
  "cond-mat",
  "cs",
  "dg-ga",
  "funct-an",
  "gr-qc",
  "hep-ex",
  "hep-lat",
  "hep-ph",
  "hep-th",
  "math",
  "math-ph",
  "mtrl-th",
  "nlin",
  "nucl-ex",
  "nucl-th",
  "patt-sol",
  "physics",
  "plasm-ph",
  "q-alg",
  "q-bio",
  "quant-ph",
  "solv-int",
  "supr-con",
]; // deno-fmt-ignore

const ARCH_ALT = [...LEGACY_ARCHIVES].sort((a, b) => b.length - a.length).join("|").replace(/-/g, "\\-");
const NEW_BODY = String.raw`(\d{2})(\d{2})\.(\d{4,5})(?:v([1-9]\d*))?`;
const OLD_BODY = String.raw`(${ARCH_ALT})(?:\.[A-Za-z][A-Za-z\-]+)?\/(\d{2})(\d{2})(\d{3})(?:v([1-9]\d*))?`;
const NEW_ANCHORED = new RegExp(`^(?:arxiv:)?${NEW_BODY}$`, "i");
const OLD_ANCHORED = new RegExp(`^(?:arxiv:)?${OLD_BODY}$`, "i");
const NEW_SCAN = new RegExp(String.raw`(?<!\d)${NEW_BODY}(?!\d)`, "g");
const OLD_SCAN = new RegExp(String.raw`(?<![A-Za-z\-])${OLD_BODY}(?!\d)`, "g");

function _newId(yy: string, mm: string, num: string, v: string | undefined): ArxivId | null {
  const yymm = Number(yy + mm), month = Number(mm), n = Number(num);
  if (month < 1 || month > 12 || yymm < 704 || n === 0) return null;
  const width = yymm <= 1412 ? 4 : 5;
  if (num.length > width && !num.startsWith("0")) return null; // a 5-digit number before 1501
  return {
    id: `${yy}${mm}.${String(n).padStart(width, "0")}`,
    version: v === undefined ? null : Number(v),
    style: "new",
    yymm,
  };
}

function _oldId(arch: string, yy: string, mm: string, num: string, v: string | undefined): ArxivId | null {
  const y = Number(yy), month = Number(mm);
  if (!LEGACY_ARCHIVES.includes(arch)) return null;
  if (month < 1 || month > 12 || Number(num) === 0) return null;
  if (!(y >= 91 || y <= 7) || (y === 7 && month > 3)) return null;
  return {
    id: `${arch}/${yy}${mm}${num}`,
    version: v === undefined ? null : Number(v),
    style: "old",
    yymm: y * 100 + month,
  };
}

/**
 * Parses a whole string as one arXiv identifier (anchored; an optional `arXiv:` prefix is allowed), or
 * returns null when it is not a valid identifier. The result is canonical.
 *
 * @param s the candidate, e.g. `"2401.6769"`, `"math.GT/0309136v2"`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseArxivId } from "@lib/papers/arxiv_id.ts";
 * assertEquals(parseArxivId("2401.6769")?.id, "2401.06769");
 * assertEquals(parseArxivId("math.GT/0309136v2"), { id: "math/0309136", version: 2, style: "old", yymm: 309 });
 * assertEquals(parseArxivId("1313.12345"), null); // month 13
 * ```
 */
export function parseArxivId(s: string): ArxivId | null {
  if (typeof s !== "string") typeError("parseArxivId", "s", "a string", s);
  const m = NEW_ANCHORED.exec(s);
  if (m) return _newId(m[1]!, m[2]!, m[3]!, m[4]);
  const o = OLD_ANCHORED.exec(s);
  if (o) return _oldId(o[1]!.toLowerCase(), o[2]!, o[3]!, o[4]!, o[5]);
  return null;
}

/**
 * Finds every valid arXiv identifier in a text, in order of appearance, deduplicated by canonical id.
 * A candidate needs a non-digit (or the text's edge) on both sides, so `12345.67890` yields nothing.
 *
 * @param text any text: a selection, a URL
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { findArxivIds } from "@lib/papers/arxiv_id.ts";
 * const ids = findArxivIds("see 2312.00752 and 1706.03762 and 2312.00752v2").map((a) => a.id);
 * assertEquals(ids, ["2312.00752", "1706.03762"]);
 * assertEquals(findArxivIds("https://arxiv.org/abs/hep-th/9901001")[0]?.id, "hep-th/9901001");
 * ```
 */
export function findArxivIds(text: string): ArxivId[] {
  if (typeof text !== "string") typeError("findArxivIds", "text", "a string", text);
  const hits: { at: number; a: ArxivId }[] = [];
  for (const m of text.matchAll(NEW_SCAN)) {
    const a = _newId(m[1]!, m[2]!, m[3]!, m[4]);
    if (a) hits.push({ at: m.index!, a });
  }
  for (const m of text.matchAll(OLD_SCAN)) {
    const a = _oldId(m[1]!, m[2]!, m[3]!, m[4]!, m[5]);
    if (a) hits.push({ at: m.index!, a });
  }
  hits.sort((p, q) => p.at - q.at);
  const seen = new Set<string>();
  return hits.filter((h) => !seen.has(h.a.id) && seen.add(h.a.id)).map((h) => h.a);
}

/**
 * The canonical form of an identifier (no version), or null if it is not valid. Idempotent.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { canonicalArxivId } from "@lib/papers/arxiv_id.ts";
 * assertEquals(canonicalArxivId("1406.02661v3"), "1406.2661");
 * assertEquals(canonicalArxivId("1501.0001"), "1501.00001");
 * assertEquals(canonicalArxivId("0703.1234"), null); // new style began in 0704
 * ```
 */
export function canonicalArxivId(id: string): string | null {
  return parseArxivId(id)?.id ?? null;
}

/**
 * Writes an identifier back as text: the canonical id plus `vN` when it has a version.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatArxivId, parseArxivId } from "@lib/papers/arxiv_id.ts";
 * assertEquals(formatArxivId(parseArxivId("1706.03762v7")!), "1706.03762v7");
 * ```
 */
export function formatArxivId(a: ArxivId): string {
  return a.version === null ? a.id : `${a.id}v${a.version}`;
}

/**
 * The extension's original pattern `/[0-9]{4}\.[0-9]{4,5}/`: unanchored, no validation. With
 * `all = false` (v0.1) only the first match is returned; with `all = true` (v0.2) every match.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { legacyArxivMatch } from "@lib/papers/arxiv_id.ts";
 * assertEquals(legacyArxivMatch("12345.67890"), ["2345.67890"]); // false positive
 * assertEquals(legacyArxivMatch("version 2024.123456"), ["2024.12345"]);
 * assertEquals(legacyArxivMatch("a 2312.00752 b 1706.03762", true), ["2312.00752", "1706.03762"]);
 * ```
 */
export function legacyArxivMatch(text: string, all = false): string[] {
  if (typeof text !== "string") typeError("legacyArxivMatch", "text", "a string", text);
  if (all) return text.match(/[0-9]{4}\.[0-9]{4,5}/g) ?? [];
  const m = text.match(/[0-9]{4}\.[0-9]{4,5}/);
  return m ? [m[0]] : [];
}

/** Why one candidate string is not a valid arXiv identifier (null if it is valid). */
function _whyNew(s: string): string | null {
  const m = /^(\d+)\.(\d+)(?:v(\d+))?$/.exec(s)!;
  const [a, b] = [m[1]!, m[2]!];
  if (a.length !== 4) return `prefix ${a} has ${a.length} digits, expected YYMM (4)`;
  if (b.length < 4 || b.length > 5) return `number ${b} has ${b.length} digits, expected 4 or 5`;
  const mm = Number(a.slice(2)), yymm = Number(a);
  if (mm < 1 || mm > 12) return `month ${a.slice(2)} is not in 01–12`;
  if (yymm < 704) return `YYMM ${a} is before 0704, when new-style identifiers began`;
  if (Number(b) === 0) return `number ${b} is never issued`;
  if (yymm <= 1412 && b.length === 5 && !b.startsWith("0")) {
    return `YYMM ${a} ≤ 1412 allows 4-digit numbers only`;
  }
  if (m[3] !== undefined && m[3].startsWith("0")) return `version v${m[3]} has a leading zero`;
  return null;
}

function _whyOld(arch: string, digits: string): string | null {
  const a = arch.toLowerCase().split(".")[0]!;
  if (!LEGACY_ARCHIVES.includes(a)) return `unknown archive "${a}" (old-style ids need a legacy archive)`;
  const yy = Number(digits.slice(0, 2)), mm = Number(digits.slice(2, 4));
  if (mm < 1 || mm > 12) return `month ${digits.slice(2, 4)} is not in 01–12`;
  if (!(yy >= 91 || yy <= 7)) return `year ${digits.slice(0, 2)} is outside 1991–2007`;
  if (yy === 7 && mm > 3) return "old-style identifiers end in March 2007 (0703)";
  if (Number(digits.slice(4)) === 0) return "number 000 is never issued";
  return null;
}

/**
 * Finds the strings in a text that look like arXiv identifiers but are not valid, each with the reason
 * (month 13, before 0704, digits running on, unknown archive, …). Valid identifiers are not listed.
 * Used to explain a rejected redirect.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { diagnoseArxivCandidates } from "@lib/papers/arxiv_id.ts";
 * assertEquals(diagnoseArxivCandidates("see 1313.12345"), [{ candidate: "1313.12345", reason: "month 13 is not in 01–12" }]);
 * assertEquals(diagnoseArxivCandidates("ok: 2312.00752"), []);
 * ```
 */
export function diagnoseArxivCandidates(text: string): { candidate: string; reason: string }[] {
  if (typeof text !== "string") typeError("diagnoseArxivCandidates", "text", "a string", text);
  const out: { candidate: string; reason: string; at: number }[] = [];
  for (const m of text.matchAll(/\d+\.\d+(?:v\d+)?/g)) {
    const at = m.index!, why = _whyNew(m[0]);
    const looksLikeId = /^\d{2,6}\.\d{3,6}/.test(m[0]);
    if (why && looksLikeId) out.push({ candidate: m[0], reason: why, at });
  }
  for (const m of text.matchAll(/(?<![A-Za-z\-])([A-Za-z][A-Za-z\-]*(?:\.[A-Za-z\-]+)?)\/(\d{7})(?!\d)/g)) {
    const why = _whyOld(m[1]!, m[2]!);
    if (why) out.push({ candidate: m[0], reason: why, at: m.index! });
  }
  return out.sort((p, q) => p.at - q.at).map(({ candidate, reason }) => ({ candidate, reason }));
}
