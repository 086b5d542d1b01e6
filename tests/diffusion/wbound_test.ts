import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { twoComp1d } from "@lib/data/toy2d.ts";
import { gmmSample, makeGmm } from "@lib/prob/gmm.ts";
import { w2Exact1d } from "@lib/prob/wasserstein.ts";
import { gmmAt, gmmScore, vePath } from "@lib/diffusion/mod.ts";
import { gmmVelocityField } from "@lib/diffusion/samplers.ts";
import { logUniformGrid } from "@lib/diffusion/amed.ts";
import {
  integrateL,
  numericOneSidedLipschitz1d,
  oneSidedLipschitzVeGmm,
  smAtT,
  synchronousCoupling,
  wBound,
} from "@lib/diffusion/wbound.ts";

const ve = vePath(10);

Deno.test("oneSidedLipschitzVeGmm: a valid upper bound at 50 times, tight (5%) for t ≥ 0.3", () => {
  const q = makeGmm([0.5, 0.5], [[-0.8], [1.2]], 0.25);
  for (let i = 0; i < 50; i++) {
    const t = 0.01 * 1000 ** (i / 49);
    const L = oneSidedLipschitzVeGmm(q, t);
    const num = numericOneSidedLipschitz1d(
      (x) => t * gmmScore(q, ve, Math.max(t, 0.002), Float64Array.of(x))[0]!,
      -8,
      8,
      4001,
    );
    if (t < 0.002) continue;
    assert(L >= num - 1e-9, `t=${t}: L=${L} < numeric ${num}`);
    if (t >= 0.3 && Math.abs(L) > 1e-3) {
      assert(Math.abs(num - L) <= 0.05 * Math.abs(L), `t=${t}: ${num} vs ${L}`);
    }
  }
  assertThrows(
    () => oneSidedLipschitzVeGmm(makeGmm([1, 1], [[0], [1]], [[0.1], [0.2]]), 1),
    RangeError,
    "all equal",
  );
});

Deno.test("wBound: closed form for constant L and e; integrateL exact for linear L", () => {
  const ts = Float64Array.from({ length: 2001 }, (_, i) => 2 * i / 2000), lam = 0.7;
  const b = wBound({
    ts,
    velErrRms: new Float64Array(2001).fill(1),
    L: new Float64Array(2001).fill(lam),
    w2T: 0.5,
  });
  assertAlmostEquals(b.total, (Math.exp(2 * lam) - 1) / lam + Math.exp(2 * lam) * 0.5, 1e-5);
  assertAlmostEquals(b.running[2000]!, 0.5, 1e-15);
  assertAlmostEquals(integrateL((t) => 3 * t + 1, ts)[2000]!, 8, 1e-12);
  assertThrows(
    () => wBound({ ts: Float64Array.of(1, 0), velErrRms: Float64Array.of(0, 0), L: Float64Array.of(0, 0) }),
    RangeError,
    "strictly increasing",
  );
  assertThrows(
    () => wBound({ ts, velErrRms: Float64Array.of(1), L: new Float64Array(2001) }),
    RangeError,
    "velErrRms.length",
  );
});

Deno.test("1-D VE: W2 (sorted) = synchronous W̃2 ≤ bound, at every time; δ = 0 gives 0", () => {
  const P = twoComp1d(1, 0.5), f = gmmVelocityField(P, ve), n = 1000, N = 200;
  const Z = gmmSample(gmmAt(P, ve, 10), n, createRng(1));
  const down = logUniformGrid(10, 0.002, N), up = down.slice().reverse();
  for (const delta of [0, 0.3]) {
    const Q = makeGmm([0.5, 0.5], [[-1 + delta], [1 + delta]], 0.25), g = gmmVelocityField(Q, ve);
    const c = synchronousCoupling(f, g, Z, down, 1);
    const e = up.map((t, i) => Math.sqrt(smAtT((X) => f(X, t), (X) => g(X, t), c.trajX[N - i]!, 1)));
    const B = wBound({ ts: up, velErrRms: e, L: up.map((t) => oneSidedLipschitzVeGmm(Q, t)) });
    const w2 = w2Exact1d(c.X, c.Y), wt = c.wTildeByT[N]!;
    if (delta === 0) assertEquals([wt, B.total], [0, 0]);
    else {
      assertAlmostEquals(w2, wt, 1e-6 * w2);
      assert(wt <= B.total && B.total < 10 * wt, `${wt} ≤ ${B.total}`);
      const rev = c.wTildeByT.slice().reverse();
      rev.forEach((w, i) => assert(w <= B.running[i]! + 1e-12, `t=${up[i]}`));
    }
  }
});

Deno.test("synchronousCoupling / smAtT: bad input", () => {
  const f = (X: Float64Array) => X;
  assertThrows(
    () => synchronousCoupling(f, f, Float64Array.of(1, 2, 3), Float64Array.of(1, 0.5), 2),
    RangeError,
    "multiple of d = 2",
  );
  assertThrows(
    () => synchronousCoupling(f, f, Float64Array.of(1, 2), Float64Array.of(0.5, 1), 2),
    RangeError,
    "strictly decreasing",
  );
  assertThrows(() => smAtT(f, f, new Float64Array(0), 1), RangeError, "Xt.length");
  assertThrows(() => numericOneSidedLipschitz1d(Math.sin, 1, 0, 10), RangeError, "hi");
});
