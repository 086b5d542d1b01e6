/**
 * Shared types of the optimizer area: parameter kinds and the options every optimizer accepts.
 *
 * A *kind* says what role a tensor plays in a model. Decoupled weight decay
 * $\theta \leftarrow \theta - \eta\lambda\theta$ is applied only to tensors whose kind is listed in
 * `decayKinds` (Tiger's rule, used for every optimizer of the shared benchmark: kernels and
 * embeddings decay, biases and LayerNorm gains/shifts do not).
 *
 * @module
 */

/** The role of a parameter tensor. */
export type ParamKind = "kernel" | "bias" | "gamma" | "beta" | "embedding";

/** All parameter kinds, in a fixed order. */
export const PARAM_KINDS: readonly ParamKind[] = ["kernel", "bias", "gamma", "beta", "embedding"];

/** The kinds that decay by default: `["kernel", "embedding"]`. */
export const DEFAULT_DECAY_KINDS: readonly ParamKind[] = ["kernel", "embedding"];

/**
 * How an optimizer learns the kind of a variable from its name: a function, a `Map`, or a plain
 * record `{ [variableName]: kind }`. Names it cannot classify (`undefined`) are never decayed.
 */
export type KindLookup =
  | ((variableName: string) => ParamKind | undefined)
  | ReadonlyMap<string, ParamKind>
  | Readonly<Record<string, ParamKind>>;

/** Options shared by the decoupled-decay optimizers of lib/optim. */
export interface DecayOptions {
  /** peak or current learning rate η (≥ 0); can be changed between steps via `opt.learningRate` */
  learningRate?: number;
  /** decoupled weight decay rate λ ≥ 0 (default 0) */
  weightDecay?: number;
  /** kinds that decay (default `["kernel", "embedding"]`) */
  decayKinds?: readonly ParamKind[];
  /** variable name → kind (default {@link kindFromName}: the last `/`-segment of the name) */
  kindOf?: KindLookup;
}

/**
 * The default kind rule: the last `/`-separated segment of a variable name, so it understands the
 * names tfjs-layers gives (`dense_Dense1/kernel`, `embedding_Embedding1/embeddings`,
 * `layer_normalization_LayerNormalization1/gamma`) and those of `lib/optim/bow_mlp.ts`.
 * A trailing `_<digits>` (tfjs de-duplication) is ignored. Anything else → `undefined`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { kindFromName } from "@lib/optim/types.ts";
 * assertEquals(kindFromName("dense_Dense1/kernel"), "kernel");
 * assertEquals(kindFromName("emb/embeddings_3"), "embedding");
 * assertEquals(kindFromName("step_counter"), undefined);
 * ```
 */
export function kindFromName(variableName: string): ParamKind | undefined {
  const last = (variableName.split("/").pop() ?? "").replace(/_\d+$/, "");
  switch (last) {
    case "kernel":
    case "bias":
    case "gamma":
    case "beta":
    case "embedding":
      return last;
    case "embeddings":
      return "embedding";
    default:
      return undefined;
  }
}

/** True when `x` is one of {@link PARAM_KINDS}. */
export function isParamKind(x: unknown): x is ParamKind {
  return typeof x === "string" && (PARAM_KINDS as readonly string[]).includes(x);
}
