/**
 * Attention mask of a mixed text/image sequence in the style Su sketches (and Transfusion later used): text tokens
 * are causal, the patches of one image see each other bidirectionally, and every token sees all earlier segments.
 *
 * $$M_{ij}=1 \iff j\le i \ \text{ or }\ (i, j \text{ in the same image block}).$$
 *
 * @module
 */
import { checkInt, rangeError, typeError } from "../core/validate.ts";

/** One segment of a mixed-modal sequence. */
export interface ModalSegment {
  /** `text`: causal tokens; `image`: a block of patch tokens attending to each other in both directions. */
  kind: "text" | "image";
  /** Number of tokens (≥ 1). */
  len: number;
}

/**
 * The L×L mask (row i = query, column j = key; 1 = may attend), L = total length.
 *
 * @param segments the sequence as consecutive segments
 * @returns row-major L×L 0/1 entries
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { mixedModalMask } from "@lib/attention/mixed_modal_mask.ts";
 * const m = mixedModalMask([{ kind: "text", len: 1 }, { kind: "image", len: 2 }]);
 * assertEquals(Array.from(m), [1, 0, 0, 1, 1, 1, 1, 1, 1]);
 * ```
 */
export function mixedModalMask(segments: ModalSegment[]): Uint8Array {
  const where = "mixedModalMask";
  if (!Array.isArray(segments) || segments.length === 0) {
    typeError(where, "segments", "a non-empty array of segments", segments);
  }
  const blockEnd: number[] = [];
  segments.forEach((s, k) => {
    if (s?.kind !== "text" && s?.kind !== "image") {
      rangeError(where, `segments[${k}].kind`, '"text" or "image"', s?.kind);
    }
    checkInt(where, `segments[${k}].len`, s.len, 1);
    const start = blockEnd.length;
    for (let i = 0; i < s.len; i++) blockEnd.push(s.kind === "image" ? start + s.len - 1 : start + i);
  });
  const L = blockEnd.length, m = new Uint8Array(L * L);
  for (let i = 0; i < L; i++) for (let j = 0; j <= blockEnd[i]!; j++) m[i * L + j] = 1;
  return m;
}
