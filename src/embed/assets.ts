/**
 * @module Where the model assets are. In a source run (tests, `npm run cairn`) they are read from
 * node_modules and the converter's output in `.cache/models`; `scripts/build.ts` REPLACES this module in the
 * compiled binary with `import … with { type: "file" }` statements, so the same names point into the binary.
 */
import { join } from "node:path";

export interface EmbeddedAssets {
  /** True inside the compiled binary. */
  embedded: boolean;
  /** Native libraries to extract and preload before the binding (empty when the OS loader finds them). */
  ortLibs: Array<{ name: string; path: string }>;
  /**
   * The converted USE-lite model (onnxruntime's format), its SentencePiece vocabulary (a flattened trie) and the
   * weights of its WebAssembly query path (use-lite-query.ts): scripts/convert-use-lite.ts.
   */
  useLite: { model: string; vocab: string; weights: string };
  /** HuggingFace folders built into the binary: model id → (relative file path → asset path). */
  folders: Record<string, Record<string, string>>;
}

const root = join(import.meta.dir, "..", "..");

export const assets: EmbeddedAssets = {
  embedded: false,
  // From source, onnxruntime-node's binding finds its library next to itself (rpath $ORIGIN).
  ortLibs: [],
  useLite: {
    model: join(root, ".cache", "models", "use-lite.ort"),
    vocab: join(root, ".cache", "models", "use-lite-vocab.trie"),
    weights: join(root, ".cache", "models", "use-lite.q8"),
  },
  folders: {},
};

/** The source tree's `models/` directory (HF folders listed in the manifest are looked up here in source runs). */
export const SOURCE_MODELS_DIR = join(root, "models");
