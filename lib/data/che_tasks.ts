/**
 * Six generators of the Chomsky-hierarchy benchmark (CHE, Delétang et al., arXiv 2207.02098) that Su uses in
 * https://kexue.fm/archives/9444 to test length generalization: algorithmic tasks with fixed rules and inputs of
 * any length, graded by the automaton they need — R (regular: a finite-state machine), DCF (deterministic
 * context-free: a stack), CS (context-sensitive: a tape). Tokens are small integers; `alphabet` maps them to the
 * characters of the article's examples.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkInt, rangeError, typeError } from "../core/validate.ts";

/** One example: input tokens and target tokens. */
export interface CheSample {
  input: number[];
  target: number[];
}

function checkArgs(where: string, len: number, rng: Rng, min = 1): void {
  checkInt(where, "len", len, min);
  if (typeof rng !== "function") typeError(where, "rng", "an Rng", rng);
}

const bits = (len: number, rng: Rng, k = 2) => Array.from({ length: len }, () => rng.int(k));

/**
 * Even Pairs (R): a string over {a, b}; the label is 1 when the number of "ab" plus "ba" substrings is even,
 * which happens exactly when the first and last characters agree. Example: aabba → 2 pairs → 1.
 *
 * @param len string length ≥ 1
 * @param rng random source
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { evenPairs } from "@lib/data/che_tasks.ts";
 * const s = evenPairs(7, createRng(0));
 * assertEquals(s.target, [s.input[0] === s.input[6] ? 1 : 0]);
 * ```
 */
export function evenPairs(len: number, rng: Rng): CheSample {
  checkArgs("evenPairs", len, rng);
  const input = bits(len, rng);
  let changes = 0;
  for (let i = 1; i < len; i++) if (input[i] !== input[i - 1]) changes++;
  return { input, target: [changes % 2 === 0 ? 1 : 0] };
}

/**
 * Parity Check (R): a string over {a, b}; the label is 1 when the number of b's is even. Example: aaabba → 1.
 *
 * @param len string length ≥ 1
 * @param rng random source
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { parityCheck } from "@lib/data/che_tasks.ts";
 * const s = parityCheck(9, createRng(1));
 * assertEquals(s.target, [s.input.filter((c) => c === 1).length % 2 === 0 ? 1 : 0]);
 * ```
 */
export function parityCheck(len: number, rng: Rng): CheSample {
  checkArgs("parityCheck", len, rng);
  const input = bits(len, rng);
  return { input, target: [input.reduce((s, c) => s + c, 0) % 2 === 0 ? 1 : 0] };
}

/** The five states of Cycle Navigation and the moduli of the arithmetic tasks. */
export const CHE_MODULUS = 5;

/**
 * Cycle Navigation (R): tokens 0, 1, 2 mean "stay", "+1", "−1" on a cycle of 5 states starting at 0; the target
 * is the final state. Example: 010211 → 2.
 *
 * @param len number of moves ≥ 1
 * @param rng random source
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cycleNavigationTarget } from "@lib/data/che_tasks.ts";
 * assertEquals(cycleNavigationTarget([0, 1, 0, 2, 1, 1]), 2);
 * ```
 */
export function cycleNavigation(len: number, rng: Rng): CheSample {
  checkArgs("cycleNavigation", len, rng);
  const input = bits(len, rng, 3);
  return { input, target: [cycleNavigationTarget(input)] };
}

/**
 * Final state of Cycle Navigation for moves 0 (stay), 1 (+1), 2 (−1), modulo 5.
 *
 * @param moves tokens in {0, 1, 2}
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cycleNavigationTarget } from "@lib/data/che_tasks.ts";
 * assertEquals(cycleNavigationTarget([2]), 4);
 * ```
 */
export function cycleNavigationTarget(moves: readonly number[]): number {
  let s = 0;
  moves.forEach((m, i) => {
    if (m !== 0 && m !== 1 && m !== 2) rangeError("cycleNavigationTarget", `moves[${i}]`, "0, 1 or 2", m);
    s += m === 1 ? 1 : m === 2 ? -1 : 0;
  });
  return ((s % CHE_MODULUS) + CHE_MODULUS) % CHE_MODULUS;
}

/** Operator tokens of Modular Arithmetic (Simple): 5 = "+", 6 = "−", 7 = "×". */
export const CHE_OPS = { plus: 5, minus: 6, times: 7 } as const;

/**
 * Value modulo 5 of a flat expression d op d op … d (digits 0..4, ops 5 = +, 6 = −, 7 = ×) with the usual
 * precedence (× before ±): each product is a term, terms are added or subtracted left to right.
 *
 * @param tokens alternating digits and operators, odd length
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { modularArithmeticValue } from "@lib/data/che_tasks.ts";
 * assertEquals(modularArithmeticValue([1, 5, 2, 6, 4]), 4); // 1 + 2 − 4 = −1 ≡ 4
 * ```
 */
export function modularArithmeticValue(tokens: readonly number[]): number {
  const where = "modularArithmeticValue";
  if (!Array.isArray(tokens) || tokens.length % 2 !== 1) {
    rangeError(where, "tokens.length", "odd (digit, op, digit, …)", tokens?.length);
  }
  let total = 0, sign = 1, term = 1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (i % 2 === 0) {
      if (!Number.isInteger(t) || t < 0 || t >= CHE_MODULUS) {
        rangeError(where, `tokens[${i}]`, "a digit 0..4", t);
      }
      term = (term * t) % CHE_MODULUS;
    } else if (t === CHE_OPS.times) {
      continue;
    } else if (t === CHE_OPS.plus || t === CHE_OPS.minus) {
      total += sign * term;
      sign = t === CHE_OPS.plus ? 1 : -1;
      term = 1;
    } else {
      rangeError(where, `tokens[${i}]`, "an operator 5 (+), 6 (−) or 7 (×)", t);
    }
  }
  total += sign * term;
  return ((total % CHE_MODULUS) + CHE_MODULUS) % CHE_MODULUS;
}

/**
 * Modular Arithmetic, simple version (R): `len` alternating digits and operators (len odd), target the value
 * modulo 5 (see {@link modularArithmeticValue}). Example: 1+2−4 → 4.
 *
 * @param len expression length, odd ≥ 1
 * @param rng random source
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { modularArithmeticSimple, modularArithmeticValue } from "@lib/data/che_tasks.ts";
 * const s = modularArithmeticSimple(9, createRng(2));
 * assertEquals(s.target, [modularArithmeticValue(s.input)]);
 * ```
 */
export function modularArithmeticSimple(len: number, rng: Rng): CheSample {
  checkArgs("modularArithmeticSimple", len, rng);
  if (len % 2 !== 1) rangeError("modularArithmeticSimple", "len", "an odd integer", len);
  const input = Array.from({ length: len }, (_, i) => (i % 2 === 0 ? rng.int(CHE_MODULUS) : 5 + rng.int(3)));
  return { input, target: [modularArithmeticValue(input)] };
}

/**
 * Reverse String (DCF): a string over {a, b}; the target is the string reversed. Example: aabba → abbaa.
 *
 * @param len string length ≥ 1
 * @param rng random source
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { reverseString } from "@lib/data/che_tasks.ts";
 * const s = reverseString(5, createRng(3));
 * assertEquals(s.target, [...s.input].reverse());
 * ```
 */
export function reverseString(len: number, rng: Rng): CheSample {
  checkArgs("reverseString", len, rng);
  const input = bits(len, rng);
  return { input, target: input.slice().reverse() };
}

/** The blank token of Missing Duplicate ("_"). */
export const CHE_BLANK = 2;

/**
 * Missing Duplicate (CS): a string w w over {a, b} (len even) with one character replaced by the blank "_"; the
 * target is the hidden character. Example: ab_aba → a.
 *
 * @param len total length, even ≥ 2
 * @param rng random source
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { CHE_BLANK, missingDuplicate } from "@lib/data/che_tasks.ts";
 * const s = missingDuplicate(8, createRng(4));
 * const i = s.input.indexOf(CHE_BLANK), h = 4;
 * assertEquals(s.target, [s.input[(i + h) % 8]!]);
 * ```
 */
export function missingDuplicate(len: number, rng: Rng): CheSample {
  checkArgs("missingDuplicate", len, rng, 2);
  if (len % 2 !== 0) rangeError("missingDuplicate", "len", "an even integer", len);
  const half = bits(len / 2, rng), input = [...half, ...half], k = rng.int(len);
  const target = [input[k]!];
  input[k] = CHE_BLANK;
  return { input, target };
}

/** A CHE task: its level, token alphabet (for printing) and generator. */
export interface CheTask {
  level: "R" | "DCF" | "CS";
  alphabet: readonly string[];
  /** Characters of the target tokens (defaults to `alphabet`). */
  targetAlphabet?: readonly string[];
  /** Generator (Modular Arithmetic needs an odd, Missing Duplicate an even length). */
  gen: (len: number, rng: Rng) => CheSample;
}

/** Names of the implemented tasks. */
export type CheTaskName =
  | "evenPairs"
  | "parityCheck"
  | "cycleNavigation"
  | "modularArithmeticSimple"
  | "reverseString"
  | "missingDuplicate";

const AB = ["a", "b"] as const, YESNO = ["no", "yes"] as const;

/**
 * The six implemented tasks by name.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cheTasks, formatChe } from "@lib/data/che_tasks.ts";
 * assertEquals(formatChe("reverseString", { input: [0, 0, 1, 1, 0], target: [0, 1, 1, 0, 0] }), { input: "aabba", target: "abbaa" });
 * assertEquals(cheTasks.missingDuplicate.level, "CS");
 * ```
 */
export const cheTasks: Readonly<Record<CheTaskName, CheTask>> = {
  evenPairs: { level: "R", alphabet: AB, targetAlphabet: YESNO, gen: evenPairs },
  parityCheck: { level: "R", alphabet: AB, targetAlphabet: YESNO, gen: parityCheck },
  cycleNavigation: {
    level: "R",
    alphabet: ["0", "1", "2"],
    targetAlphabet: ["0", "1", "2", "3", "4"],
    gen: cycleNavigation,
  },
  modularArithmeticSimple: {
    level: "R",
    alphabet: ["0", "1", "2", "3", "4", "+", "−", "×"],
    gen: modularArithmeticSimple,
  },
  reverseString: { level: "DCF", alphabet: AB, gen: reverseString },
  missingDuplicate: { level: "CS", alphabet: ["a", "b", "_"], gen: missingDuplicate },
};

/**
 * Prints a sample with its task's alphabet (joined without separators, as in the article).
 *
 * @param task a key of {@link cheTasks}
 * @param s the sample
 */
export function formatChe(task: string, s: CheSample): { input: string; target: string } {
  const t = (cheTasks as Record<string, CheTask | undefined>)[task];
  if (t === undefined) rangeError("formatChe", "task", Object.keys(cheTasks).join(" | "), task);
  const ch = (al: readonly string[], x: number) =>
    al[x] ?? rangeError("formatChe", "token", `< ${al.length}`, x);
  const ta = t.targetAlphabet ?? t.alphabet;
  return {
    input: s.input.map((x) => ch(t.alphabet, x)).join(""),
    target: s.target.map((x) => ch(ta, x)).join(ta === YESNO ? " " : ""),
  };
}
