/** @module The model manifest format (models/manifest.json and the data dir's models/manifest.json), validated. */
import * as z from "zod/mini";

export const USE_LITE_SOURCE = "builtin-use-lite";

/**
 * The schemas are made at their first use (a user manifest read, `models add`): made when the module loads,
 * they cost every command ~1–2 ms of start-up, and most commands never validate a manifest.
 */
const entrySchema = () =>
  z.object({
    id: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/)),
    kind: z.enum(["embedder", "reranker"]),
    /** "builtin-use-lite", or a HuggingFace ONNX folder relative to the manifest's directory. */
    source: z.string().check(z.minLength(1)),
    pooling: z.optional(z.enum(["mean", "cls"])),
    normalize: z.optional(z.boolean()),
    maxLength: z.optional(z.int().check(z.minimum(1), z.maximum(8192))),
    dims: z.optional(z.int().check(z.minimum(1))),
    queryPrefix: z.optional(z.string()),
    documentPrefix: z.optional(z.string()),
    /** Cosine below which a dense match is noise for this model and is dropped (default 0: keep all). */
    minScore: z.optional(z.number().check(z.minimum(-1), z.maximum(1))),
    /** Base name of the ONNX file under onnx/ (default "model"). */
    onnxFile: z.optional(z.string().check(z.regex(/^[A-Za-z0-9._-]+$/))),
    description: z.optional(z.string()),
  });

const manifestSchema = (entry: ReturnType<typeof entrySchema>) => z.object({ $comment: z.optional(z.string()), models: z.array(entry) });

let made: { entry: ReturnType<typeof entrySchema>; manifest: ReturnType<typeof manifestSchema> } | undefined;

function schemas(): NonNullable<typeof made> {
  if (made) return made;
  const entry = entrySchema();
  return (made = { entry, manifest: manifestSchema(entry) });
}

/** One model's entry. */
export const modelEntrySchema = (): ReturnType<typeof entrySchema> => schemas().entry;
export type ModelEntry = z.infer<ReturnType<typeof entrySchema>>;

/** A manifest file. */
export const manifestFileSchema = (): ReturnType<typeof manifestSchema> => schemas().manifest;
export type Manifest = z.infer<ReturnType<typeof manifestSchema>>;

/** The files of a HuggingFace folder that loading needs (besides optional tokenizer_config.json etc.). */
export function folderFiles(entry: ModelEntry): { required: string[]; optional: string[] } {
  return {
    // transformers reads tokenizer_config.json to build the tokenizer: without it, `models add` leaked its
    // "undefined is not an object (evaluating 'i.tokenizer_class')" (QA).
    required: ["tokenizer.json", "tokenizer_config.json", "config.json", `onnx/${entry.onnxFile ?? "model"}.onnx`],
    optional: ["special_tokens_map.json"],
  };
}
