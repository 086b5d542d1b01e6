/**
 * The one place that fills tfjs-wasm gaps (placeholder; filled by the foundation work).
 *
 * @module
 */

/** Registers the kernels tfjs-wasm 4.22 lacks or runs badly. Idempotent. */
export function installWasmGapFills(): void {
}
