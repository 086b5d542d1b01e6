import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { Mlp } from "@lib/nn/mlp.ts";

await initTf();

Deno.test("Mlp: forward pass equals a hand-written Float64 forward pass (all activations)", () => {
  const acts: Record<string, (x: number) => number> = {
    relu: (x) => Math.max(0, x),
    tanh: Math.tanh,
    silu: (x) => x / (1 + Math.exp(-x)),
    leaky02: (x) => (x > 0 ? x : 0.2 * x),
  };
  for (const [act, f] of Object.entries(acts)) {
    const m = new Mlp({ inDim: 3, hidden: [5, 4], outDim: 2, act: act as "relu" }, 7);
    const W = m.variables.map((v) => Array.from(v.dataSync()));
    const x = [0.5, -1.2, 2];
    let h = x;
    const sizes = [3, 5, 4, 2];
    for (let l = 0; l < 3; l++) {
      const out = new Array(sizes[l + 1]!).fill(0).map((_, o) =>
        h.reduce((s, hv, i) => s + hv * W[2 * l]![i * sizes[l + 1]! + o]!, W[2 * l + 1]![o]!)
      );
      h = l < 2 ? out.map(f) : out;
    }
    const y = m.predict(Float64Array.from(x));
    for (let o = 0; o < 2; o++) assertAlmostEquals(y[o]!, h[o]!, 1e-4);
    m.dispose();
  }
});

Deno.test("Mlp: seeded init is reproducible, JSON round trip, no tensor leak in predict", () => {
  const a = new Mlp({ inDim: 2, hidden: [8], outDim: 2, act: "silu" }, 3);
  const b = new Mlp({ inDim: 2, hidden: [8], outDim: 2, act: "silu" }, 3);
  const X = Float64Array.of(0.1, 0.2, -0.3, 0.4);
  assertEquals(Array.from(a.predict(X)), Array.from(b.predict(X)));
  const c = Mlp.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
  assertEquals(Array.from(c.predict(X)), Array.from(a.predict(X)));
  const before = tf.memory().numTensors;
  a.predict(X);
  assertEquals(tf.memory().numTensors, before);
  [a, b, c].forEach((m) => m.dispose());
});

Deno.test("Mlp: construction allocates only its variables, and dispose frees them all", () => {
  const before = tf.memory().numTensors;
  const m = new Mlp({ inDim: 3, hidden: [5, 4], outDim: 2, act: "relu" }, 1);
  assertEquals(tf.memory().numTensors - before, m.variables.length);
  m.dispose();
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("Mlp: validation", () => {
  assertThrows(
    () => new Mlp({ inDim: 0, hidden: [], outDim: 1, act: "relu" }, 0),
    RangeError,
    "Mlp: spec.inDim must be an integer ≥ 1, got 0",
  );
  assertThrows(
    () => new Mlp({ inDim: 1, hidden: [], outDim: 1, act: "gelu" as "relu" }, 0),
    RangeError,
    "spec.act must be relu | silu | tanh | leaky02",
  );
  const m = new Mlp({ inDim: 2, hidden: [], outDim: 1, act: "relu" }, 0);
  assertThrows(
    () => m.predict(Float64Array.of(1, 2, 3)),
    RangeError,
    "Mlp.predict: X.length must be a positive multiple of inDim = 2",
  );
  m.dispose();
});
