import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import {
  cabs,
  cadd,
  cexp,
  cmul,
  complex,
  conj,
  fromComplexPairs,
  toComplexPairs,
} from "@lib/core/complex.ts";
import { createRng } from "@lib/core/rng.ts";

Deno.test("cmul matches (a+bi)(c+di) and is commutative", () => {
  assertEquals(cmul(complex(1, 2), complex(3, 4)), { re: -5, im: 10 });
  const rng = createRng(3);
  for (let t = 0; t < 50; t++) {
    const a = complex(rng.normal(), rng.normal()), b = complex(rng.normal(), rng.normal());
    const ab = cmul(a, b), ba = cmul(b, a);
    assertAlmostEquals(ab.re, ba.re, 1e-15);
    assertAlmostEquals(ab.im, ba.im, 1e-15);
    assertAlmostEquals(cabs(ab), cabs(a) * cabs(b), 1e-12);
  }
});

Deno.test("Re[q k*] is the 2-D inner product", () => {
  const rng = createRng(4);
  for (let t = 0; t < 20; t++) {
    const q = complex(rng.normal(), rng.normal()), k = complex(rng.normal(), rng.normal());
    assertAlmostEquals(cmul(q, conj(k)).re, q.re * k.re + q.im * k.im, 1e-14);
  }
});

Deno.test("cexp: unit modulus, e^{ia}e^{ib} = e^{i(a+b)}", () => {
  const z = cmul(cexp(0.3), cexp(1.1)), w = cexp(1.4);
  assertAlmostEquals(z.re, w.re, 1e-15);
  assertAlmostEquals(z.im, w.im, 1e-15);
  assertAlmostEquals(cabs(cexp(123.4)), 1, 1e-15);
  assertEquals(cexp(0), { re: 1, im: 0 });
});

Deno.test("cadd, cabs on integers exact", () => {
  assertEquals(cadd(complex(1.5, -1), complex(-0.5, 3)), { re: 1, im: 2 });
  assertEquals(cabs(complex(7, 0)), 7);
  assertEquals(cabs(complex(-5, 12)), 13);
});

Deno.test("toComplexPairs / fromComplexPairs round trip", () => {
  const x = new Float64Array([1, -2, 3.5, 4, 0, 9]);
  assertEquals(fromComplexPairs(toComplexPairs(x)), x);
});

Deno.test("bad inputs throw clear errors", () => {
  assertThrows(() => complex(NaN), RangeError, "complex: re must be a finite number, got NaN");
  assertThrows(() => cmul({ re: 1 } as never, complex(1)), TypeError, "cmul: a must be a Complex");
  assertThrows(() => cexp(Infinity), RangeError, "cexp: theta must be a finite number, got Infinity");
  assertThrows(() => toComplexPairs([1, 2, 3]), RangeError, "toComplexPairs: x.length must be even, got 3");
  assertThrows(() => fromComplexPairs([]), RangeError, "fromComplexPairs: z.length must be ≥ 1, got 0");
});
