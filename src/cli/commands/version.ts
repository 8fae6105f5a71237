/** @module `cairn version`. */
import { defineCommand } from "citty";
import { VERSION } from "../../version.ts";
import { jsonFlag } from "../flags.ts";
import { output } from "../output.ts";

export default defineCommand({
  meta: { name: "version", description: "Print the cairn version." },
  args: { ...jsonFlag },
  run({ args }) {
    if (args.json) return output.json({ version: VERSION, bun: Bun.version, platform: `${process.platform}-${process.arch}` });
    output.text(`cairn ${VERSION}`);
  },
});
