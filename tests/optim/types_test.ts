import { assertEquals } from "@std/assert";
import { isParamKind, kindFromName, PARAM_KINDS } from "@lib/optim/types.ts";

Deno.test("kindFromName understands tfjs-layers and bow_mlp variable names", () => {
  const cases: Array<[string, string | undefined]> = [
    ["dense_Dense1/kernel", "kernel"],
    ["dense_Dense1/bias", "bias"],
    ["layer_normalization_LayerNormalization1/gamma", "gamma"],
    ["layer_normalization_LayerNormalization1/beta", "beta"],
    ["embedding_Embedding1/embeddings", "embedding"],
    ["bow_mlp_0/embedding", "embedding"],
    ["x/kernel_2", "kernel"],
    ["kernel", "kernel"],
    ["x/kernelish", undefined],
    ["", undefined],
  ];
  for (const [name, kind] of cases) assertEquals(kindFromName(name), kind, name);
});

Deno.test("isParamKind", () => {
  assertEquals(PARAM_KINDS.map(isParamKind), [true, true, true, true, true]);
  assertEquals([isParamKind("weights"), isParamKind(1)], [false, false]);
});
