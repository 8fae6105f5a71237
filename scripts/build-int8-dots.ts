/**
 * Assembles src/embed/int8-dots.wat (the WebAssembly SIMD row scorer) with wabt and writes its bytes,
 * base64, to src/embed/int8-dots-wasm.ts, so the binary embeds them with no asset file. The generated
 * file is committed; test/unit/int8-dots.test.ts fails when it no longer matches the source.
 *
 *   node scripts/bun.mjs run scripts/build-int8-dots.ts [--check]
 */
import { assembleInt8Dots, generatedModule, WASM_TS } from "./lib/int8-dots-asm.ts";

const text = generatedModule(await assembleInt8Dots());
if (process.argv.includes("--check")) {
  const current = await Bun.file(WASM_TS).text();
  if (current !== text) {
    console.error(`${WASM_TS} is out of date: run scripts/build-int8-dots.ts`);
    process.exit(1);
  }
} else {
  await Bun.write(WASM_TS, text);
  console.error(`wrote ${WASM_TS}`);
}
