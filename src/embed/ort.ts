/**
 * @module Loads onnxruntime-node, also inside the compiled binary. Bun embeds the `.node` binding, but not
 * the shared library it links against; that library is embedded as a file asset, extracted once to the
 * cache, and dlopen'ed before the binding is required, so the loader finds it already resident (by soname).
 */
import { dlopen } from "bun:ffi";
import { cairnError, describeError } from "../errors.ts";
import { assets } from "./assets.ts";
import { contentKey, extractFile } from "./extract.ts";
import { disableOrtTelemetry } from "./no-telemetry.ts";
import { platformKey } from "./platforms.ts";

type Ort = typeof import("onnxruntime-node");
let loaded: Ort | undefined;
// Kept so the libraries stay mapped for the life of the process.
const handles: unknown[] = [];

export function loadOrt(): Ort {
  if (loaded) return loaded;
  try {
    // Before the library is mapped: it reads the switch once, when it initialises.
    disableOrtTelemetry();
    if (assets.ortLibs.length > 0) {
      const key = `${platformKey()}-${contentKey(assets.ortLibs.map((l) => l.path))}`;
      for (const lib of assets.ortLibs) {
        const real = extractFile(lib.path, "ort", key, lib.name);
        // Any exported symbol will do; OrtGetApiBase is the library's one C entry point.
        handles.push(dlopen(real, { OrtGetApiBase: { args: [], returns: "ptr" } }));
      }
    }
    loaded = require("onnxruntime-node") as Ort;
    return loaded;
  } catch (err) {
    throw cairnError("MODEL_UNAVAILABLE", ["onnxruntime", `the ONNX runtime could not be loaded for ${platformKey()} (${describeError(err)})`], err);
  }
}
