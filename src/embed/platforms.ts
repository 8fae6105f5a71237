/**
 * @module Per-platform onnxruntime-node assets, keyed by `${process.platform}-${process.arch}`. The build
 * embeds only the current target's entry, so a macOS or arm64 release build needs nothing but its own files.
 */

export interface OrtPlatform {
  /** Directory under `onnxruntime-node/bin/napi-v6/`. */
  dir: string;
  /** Shared libraries the native binding links against, in load order; preloaded before the binding. */
  libs: string[];
}

export const ORT_PLATFORMS: Readonly<Record<string, OrtPlatform>> = {
  "linux-x64": { dir: "linux/x64", libs: ["libonnxruntime.so.1"] },
  "linux-arm64": { dir: "linux/arm64", libs: ["libonnxruntime.so.1"] },
  "darwin-arm64": { dir: "darwin/arm64", libs: ["libonnxruntime.1.dylib"] },
  "win32-x64": { dir: "win32/x64", libs: ["onnxruntime.dll"] },
  "win32-arm64": { dir: "win32/arm64", libs: ["onnxruntime.dll"] },
};

export function platformKey(platform: string = process.platform, arch: string = process.arch): string {
  return `${platform}-${arch}`;
}
