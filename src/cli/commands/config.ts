/** @module `cairn config`: show effective settings and where each comes from; get, set and unset keys in the file. */
import { defineCommand } from "citty";
import { existsSync } from "node:fs";
import * as z from "zod/mini";
import { CONFIG_KEYS, loadConfig, readConfigJson, saveConfigFile } from "../../config/load.ts";
import { resolvePaths } from "../../config/paths.ts";
import { type ConfigKey, configSchema, DESCRIPTIONS, ENV_NAMES } from "../../config/schema.ts";
import { cairnError } from "../../errors.ts";
import { parseConfigValue } from "../config-value.ts";
import { jsonFlag, onlyWords } from "../flags.ts";
import { own } from "../../domain/own.ts";
import { output } from "../output.ts";

export default defineCommand({
  meta: { name: "config", description: "Show settings (`cairn config`), or `config get <key>`, `config set <key> <value>`, `config unset <key>`, `config path`." },
  args: {
    action: { type: "positional", required: false, description: "show (default) | get | set | unset | path" },
    key: { type: "positional", required: false, description: "setting name" },
    value: { type: "positional", required: false, description: "new value (for set)" },
    explain: { type: "boolean", description: "with show: also the environment variable and description of each key" },
    ...jsonFlag,
  },
  run({ args, rawArgs }) {
    const paths = resolvePaths();
    const action = args.action ?? "show";
    // Words an action reads (an unknown action is named as such further on).
    const takes = own({ show: 0, path: 0, get: 1, unset: 1, set: 2 }, action);
    if (takes !== undefined) onlyWords("config", action, [args.key, args.value], takes);
    if (action === "path") return args.json ? output.json({ file: paths.configFile }) : output.text(paths.configFile);
    if (action === "show") {
      const config = loadConfig(paths.configFile);
      if (args.json) return output.json({ file: paths.configFile, values: config.values, sources: config.sources });
      return output.text(
        CONFIG_KEYS.map((k) => {
          const line = `${k.padEnd(9)} ${String(config.values[k]).padEnd(9)} (${config.sources[k]})`;
          return args.explain ? `${line}  ${ENV_NAMES[k]}: ${DESCRIPTIONS[k]}` : line;
        }).join("\n") + `\n\nfile: ${paths.configFile}${existsSync(paths.configFile) ? "" : " (not created yet)"}`,
      );
    }
    // Named before the key is asked for: `cairn config limit` was told "Give a key" (QA).
    if (action !== "get" && action !== "set" && action !== "unset") {
      if ((CONFIG_KEYS as string[]).includes(action)) throw cairnError("USAGE", [`${action} is a setting, not an action: \`cairn config get ${action}\` shows it, \`cairn config set ${action} <value>\` changes it.`]);
      throw cairnError("UNKNOWN_ACTION", ["config", action, "show, get, set, unset or path"]);
    }
    // `unset` of a key this version does not know removes it: the way out of a setting the file should not hold.
    const stray = action === "unset" && args.key !== undefined && !(CONFIG_KEYS as string[]).includes(args.key) && readConfigJson(paths.configFile)?.[args.key] !== undefined;
    const key = stray ? (args.key as ConfigKey) : checkKey(args.key);
    if (action === "get") {
      const config = loadConfig(paths.configFile);
      return args.json ? output.json({ key, value: config.values[key], source: config.sources[key] }) : output.text(String(config.values[key]));
    }
    // Rewritten from the file as it is: settings this version does not know are kept (a newer cairn's), and one
    // with a bad value can be set or unset (the way out the error names), whatever the others hold.
    const file = readConfigJson(paths.configFile) ?? {};
    let stored: string | number | undefined;
    if (action === "set") {
      // citty reads "-3" as a flag, not a value; a negative number must still get its own clear error.
      const value = args.value ?? rawArgs.find((a) => /^-\d/.test(a));
      if (value === undefined) throw cairnError("USAGE", [`Give a value: cairn config set ${key} <value>.`]);
      stored = parseConfigValue(key, value, paths.dataDir);
      const parsed = z.partial(configSchema()).safeParse({ [key]: stored });
      if (!parsed.success) throw cairnError("CONFIG_VALUE", [value, key, parsed.error.issues[0]?.message ?? "see `cairn config --explain`"]);
      saveConfigFile(paths.configFile, { ...file, [key]: stored });
    } else if (!(key in file)) {
      // Nothing to remove: said so, and the file is left as it is (QA: a second unset said "Removed" again).
      if (args.json) return output.json({ key, action, file: paths.configFile, unchanged: true });
      return output.text(`${key} was not set in ${paths.configFile}: nothing to remove (the default applies).`);
    } else {
      const { [key]: _removed, ...rest } = file;
      saveConfigFile(paths.configFile, rest);
    }
    if (args.json) return output.json({ key, action, file: paths.configFile });
    output.text(action === "set" ? `Set ${key} = ${stored} in ${paths.configFile}` : `Removed ${key} from ${paths.configFile}`);
  },
});

function checkKey(key: string | undefined): ConfigKey {
  if (key === undefined) throw cairnError("USAGE", [`Give a key: one of ${CONFIG_KEYS.join(", ")}.`]);
  if (!(CONFIG_KEYS as string[]).includes(key)) throw cairnError("CONFIG_KEY", [key, CONFIG_KEYS.join(", ")]);
  return key as ConfigKey;
}

