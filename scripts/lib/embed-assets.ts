/**
 * @module Build-time asset embedding: converts USE-lite if needed, picks this platform's onnxruntime
 * libraries, collects the HuggingFace folders the manifest lists and that are present, and returns Bun.build
 * plugins that (a) replace src/embed/assets.ts with `import … with { type: "file" }` statements for exactly
 * those files and (b) make @huggingface/transformers bundle into a compiled binary.
 */
import type { BunPlugin } from "bun";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { convertUseLite } from "../convert-use-lite.ts";
import { folderFiles, type Manifest, USE_LITE_SOURCE } from "../../src/embed/manifest.ts";
import { ORT_PLATFORMS, platformKey } from "../../src/embed/platforms.ts";

const root = new URL("../..", import.meta.url).pathname;

export interface AssetPlan {
  ortLibs: Array<{ name: string; path: string }>;
  useLite: { model: string; vocab: string; weights: string };
  folders: Record<string, Record<string, string>>;
}

export async function planAssets(log: (m: string) => void, modelsDir = join(root, "models")): Promise<AssetPlan> {
  const key = platformKey();
  const platform = ORT_PLATFORMS[key];
  if (!platform) throw new Error(`no onnxruntime-node assets known for ${key}; add it to src/embed/platforms.ts`);
  const binDir = join(dirname(require.resolve("onnxruntime-node/package.json")), "bin", "napi-v6", platform.dir);
  const ortLibs = platform.libs.map((name) => ({ name, path: join(binDir, name) }));
  for (const lib of ortLibs) if (!existsSync(lib.path)) throw new Error(`missing ${lib.path}; reinstall onnxruntime-node`);
  const converted = await convertUseLite(log);
  const useLite = { model: converted.ort, vocab: converted.vocab, weights: converted.weights };
  const manifest = JSON.parse(readFileSync(join(modelsDir, "manifest.json"), "utf8")) as Manifest;
  const folders: AssetPlan["folders"] = {};
  for (const entry of manifest.models) {
    if (entry.source === USE_LITE_SOURCE) continue;
    const dir = join(modelsDir, entry.source);
    const { required, optional } = folderFiles(entry);
    if (!required.every((f) => existsSync(join(dir, f)))) {
      log(`model ${entry.id}: models/${entry.source} not present, not embedded`);
      continue;
    }
    folders[entry.id] = Object.fromEntries([...required, ...optional.filter((f) => existsSync(join(dir, f)))].map((f) => [f, join(dir, f)]));
    log(`model ${entry.id}: embedding models/${entry.source}`);
  }
  return { ortLibs, useLite, folders };
}

/** The replacement source of src/embed/assets.ts inside the binary. */
export function assetsModule(plan: AssetPlan): string {
  const lines: string[] = [];
  let n = 0;
  const ref = (path: string) => {
    const name = `a${n++}`;
    lines.push(`import ${name} from ${JSON.stringify(path)} with { type: "file" };`);
    return name;
  };
  const libs = plan.ortLibs.map((l) => `{ name: ${JSON.stringify(l.name)}, path: ${ref(l.path)} }`);
  const useLite = `{ model: ${ref(plan.useLite.model)}, vocab: ${ref(plan.useLite.vocab)}, weights: ${ref(plan.useLite.weights)} }`;
  const folders = Object.entries(plan.folders).map(
    ([id, files]) => `${JSON.stringify(id)}: { ${Object.entries(files).map(([rel, p]) => `${JSON.stringify(rel)}: ${ref(p)}`).join(", ")} }`,
  );
  lines.push(
    `export const assets = { embedded: true, ortLibs: [${libs.join(", ")}], useLite: ${useLite}, folders: { ${folders.join(", ")} } };`,
    `export const SOURCE_MODELS_DIR = "";`,
  );
  return lines.join("\n");
}

export function embedPlugins(plan: AssetPlan): BunPlugin[] {
  const source = assetsModule(plan);
  return [
    {
      name: "cairn-embedded-assets",
      setup(build) {
        build.onLoad({ filter: /src[\\/]embed[\\/]assets\.ts$/ }, () => ({ contents: source, loader: "ts" }));
      },
    },
    {
      name: "transformers-in-a-binary",
      setup(build) {
        // Image support (sharp) is never used for text models; a stub keeps its native modules out.
        build.onResolve({ filter: /^sharp$/ }, () => ({ path: "sharp", namespace: "cairn-stub" }));
        build.onLoad({ filter: /.*/, namespace: "cairn-stub" }, () => ({
          contents: "export default function sharp() { throw new Error('image support is not bundled in cairn'); }",
          loader: "js",
        }));
        // transformers loads onnxruntime-node through createRequire(import.meta.url), which the bundler
        // cannot follow; a plain require lets it bundle the same onnxruntime-node that src/embed/ort.ts loads.
        build.onLoad({ filter: /transformers\.node\.mjs$/ }, async (args) => {
          const text = await Bun.file(args.path).text();
          const patched = text.replace('requireFromHere("onnxruntime-node")', 'require("onnxruntime-node")');
          if (patched === text) throw new Error("transformers-in-a-binary: requireFromHere(\"onnxruntime-node\") not found; update the plugin");
          return { contents: patched, loader: "js" };
        });
      },
    },
  ];
}
