import { assert, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import {
  CHE_BLANK,
  cheTasks,
  cycleNavigation,
  cycleNavigationTarget,
  evenPairs,
  formatChe,
  missingDuplicate,
  modularArithmeticSimple,
  modularArithmeticValue,
  parityCheck,
  reverseString,
} from "@lib/data/che_tasks.ts";

Deno.test("evenPairs: label = (#ab + #ba even) = (first == last), 1000 random strings", () => {
  const rng = createRng(0);
  let yes = 0;
  for (let t = 0; t < 1000; t++) {
    const s = evenPairs(1 + rng.int(30), rng), str = formatChe("evenPairs", s).input;
    const pairs = (str.match(/(?=ab|ba)/g) ?? []).length; // overlapping substring count
    assertEquals(s.target[0], pairs % 2 === 0 ? 1 : 0);
    assertEquals(s.target[0], str[0] === str[str.length - 1] ? 1 : 0);
    yes += s.target[0]!;
  }
  assert(yes > 400 && yes < 600, `balanced labels: ${yes}`);
  assertEquals(formatChe("evenPairs", { input: [0, 0, 1, 1, 0], target: [1] }).target, "yes");
});

Deno.test("parityCheck, cycleNavigation: the article's examples and a brute-force walk", () => {
  assertEquals(formatChe("parityCheck", { input: [0, 0, 0, 1, 1, 0], target: [1] }).target, "yes");
  const rng = createRng(1);
  for (let t = 0; t < 300; t++) {
    const p = parityCheck(1 + rng.int(20), rng);
    assertEquals(p.target[0], p.input.filter((c) => c === 1).length % 2 === 0 ? 1 : 0);
    const c = cycleNavigation(1 + rng.int(20), rng);
    let state = 0; // walk the cycle one step at a time
    for (const m of c.input) state = m === 1 ? (state + 1) % 5 : m === 2 ? (state + 4) % 5 : state;
    assertEquals(c.target[0], state);
  }
  assertEquals(cycleNavigationTarget([0, 1, 0, 2, 1, 1]), 2);
  assertThrows(() => cycleNavigationTarget([3]), RangeError, "moves[0]");
});

Deno.test("modular arithmetic: precedence × before ±, checked against an independent evaluator", () => {
  assertEquals(modularArithmeticValue([1, 5, 2, 6, 4]), 4); // 1 + 2 − 4 = −1 ≡ 4
  assertEquals(modularArithmeticValue([2, 5, 3, 7, 4]), 4); // 2 + 12 = 14 ≡ 4 (not (2+3)·4 = 20 ≡ 0)
  assertEquals(modularArithmeticValue([3]), 3);
  const rng = createRng(2), sym: Record<number, string> = { 5: "+", 6: "-", 7: "*" };
  for (let t = 0; t < 300; t++) {
    const s = modularArithmeticSimple(2 * rng.int(8) + 1, rng);
    const expr = s.input.map((x, i) => (i % 2 ? sym[x] : String(x))).join("");
    // independent: split into signed products, multiply exactly in BigInt
    const terms = expr.replace(/-/g, "+-").split("+").filter((x) => x !== "");
    const exact = terms.reduce((acc, term) => {
      const neg = term.startsWith("-");
      const prod = term.replace("-", "").split("*").reduce((p, d) => p * BigInt(d), 1n);
      return acc + (neg ? -prod : prod);
    }, 0n);
    assertEquals(s.target[0], Number(((exact % 5n) + 5n) % 5n), expr);
  }
  assertThrows(() => modularArithmeticSimple(4, rng), RangeError, "odd");
  assertThrows(() => modularArithmeticValue([1, 8, 2]), RangeError, "operator");
  assertThrows(() => modularArithmeticValue([5]), RangeError, "digit");
});

Deno.test("reverseString and missingDuplicate: the article's examples and round trips", () => {
  assertEquals(
    formatChe("reverseString", { input: [0, 0, 1, 1, 0], target: [0, 1, 1, 0, 0] }).target,
    "abbaa",
  );
  assertEquals(formatChe("missingDuplicate", { input: [0, 1, CHE_BLANK, 0, 1, 0], target: [0] }), {
    input: "ab_aba",
    target: "a",
  });
  const rng = createRng(3);
  for (let t = 0; t < 300; t++) {
    const r = reverseString(1 + rng.int(20), rng);
    assertEquals([...r.target].reverse(), r.input);
    const len = 2 * (1 + rng.int(10)), m = missingDuplicate(len, rng);
    assertEquals(m.input.filter((x) => x === CHE_BLANK).length, 1);
    const filled = m.input.map((x) => (x === CHE_BLANK ? m.target[0]! : x));
    assertEquals(filled.slice(0, len / 2), filled.slice(len / 2));
  }
  assertThrows(() => missingDuplicate(5, rng), RangeError, "even");
});

Deno.test("cheTasks registry: levels, lengths, determinism, validation", () => {
  assertEquals(Object.keys(cheTasks).length, 6);
  assertEquals(Object.values(cheTasks).map((t) => t.level).join(","), "R,R,R,R,DCF,CS");
  for (const [name, t] of Object.entries(cheTasks)) {
    const len = name === "missingDuplicate" ? 10 : 9;
    const a = t.gen(len, createRng(7)), b = t.gen(len, createRng(7));
    assertEquals(a, b, name);
    assertEquals(a.input.length, len);
    assert(a.input.every((x) => Number.isInteger(x) && x >= 0 && x < t.alphabet.length), name);
    formatChe(name, a);
  }
  assertThrows(() => evenPairs(0, createRng(0)), RangeError, "len");
  assertThrows(() => evenPairs(3, null as never), TypeError, "rng");
  assertThrows(() => formatChe("bogus", { input: [], target: [] }), RangeError, "task");
});
