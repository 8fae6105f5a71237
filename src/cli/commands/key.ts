/**
 * @module `cairn key rotate`: re-encrypts an encrypted store under a new key (a new store id, so a new default
 * key file), atomically; the old key file is removed once the store no longer needs it.
 */
import { defineCommand } from "citty";
import { dropSessionStates } from "../../hooks/state.ts";
import { rmSync } from "node:fs";
import { cairnError } from "../../errors.ts";
import { keyFilePath, leftKeyFile } from "../../keys/key-file.ts";
import { SqliteStore } from "../../store/sqlite-store.ts";
import { actionArg, jsonFlag } from "../flags.ts";
import { recodeUnderNewKey, rotationKeyEnv } from "../key-setup.ts";
import { keyFlags, reportRecode } from "../encryption-output.ts";
import { CLI_UNLOCK, loadCliConfig, requireStore } from "../session.ts";

export default defineCommand({
  meta: { name: "key", description: "Manage the key of an encrypted store: `cairn key rotate` re-encrypts it under a new key." },
  args: { action: { type: "positional", required: true, description: "rotate" }, ...keyFlags, ...jsonFlag },
  run({ args }) {
    actionArg("key", args.action, ["rotate"]);
    const { paths } = loadCliConfig();
    requireStore(paths);
    const store = new SqliteStore(paths.dbFile, { unlock: CLI_UNLOCK });
    try {
      const old = store.encryption();
      if (!store.codec.encrypted || !old) throw cairnError("NOT_ENCRYPTED", [paths.dbFile]);
      const oldFile = process.env.CAIRN_KEY_FILE ? null : keyFilePath(old.storeId);
      const { env, choice, from } = rotationKeyEnv(process.env, old.kdf !== null, { passphrase: args.passphrase, keychain: args.keychain });
      const { key, report } = recodeUnderNewKey(store, choice, args.json, env);
      dropSessionStates(paths.dataDir);
      const removed = oldFile !== null && store.keySource === `the key file ${oldFile}` ? (rmSync(oldFile, { force: true }), oldFile) : null;
      // The key an earlier rotation left when it was killed after the switch (doctor says so too).
      const earlier = leftKeyFile(old);
      if (earlier) rmSync(earlier, { force: true });
      reportRecode(args.json, "rekeyed", paths.dbFile, report, { store_id: key.record.storeId, key: from ?? key.savedIn, old_key_file_removed: removed, ...(earlier ? { earlier_key_file_removed: earlier } : {}) });
    } finally {
      store.close();
    }
  },
});
