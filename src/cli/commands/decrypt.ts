/** @module `cairn decrypt`: turns an encrypted store back into a plain one, in place and atomically (store/recode.ts). */
import { defineCommand } from "citty";
import { dropSessionStates } from "../../hooks/state.ts";
import { cairnError } from "../../errors.ts";
import { PLAIN_CODEC } from "../../store/content-codec.ts";
import { SqliteStore } from "../../store/sqlite-store.ts";
import { jsonFlag } from "../flags.ts";
import { recodeProgress, reportRecode } from "../encryption-output.ts";
import { CLI_UNLOCK, loadCliConfig, requireStore } from "../session.ts";

export default defineCommand({
  meta: { name: "decrypt", description: "Turn an encrypted store back into a plain one (needs its key); atomic, a backup is kept until it succeeded." },
  args: { ...jsonFlag },
  run({ args }) {
    const { paths } = loadCliConfig();
    requireStore(paths);
    const store = new SqliteStore(paths.dbFile, { unlock: CLI_UNLOCK });
    try {
      if (!store.codec.encrypted) throw cairnError("NOT_ENCRYPTED", [paths.dbFile]);
      const from = store.keySource;
      const report = store.recode(PLAIN_CODEC, null, recodeProgress(args.json));
      dropSessionStates(paths.dataDir);
      reportRecode(args.json, "decrypted", paths.dbFile, report, { key_no_longer_needed: from });
    } finally {
      store.close();
    }
  },
});
