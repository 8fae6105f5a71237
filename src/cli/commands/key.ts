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
      const { env, choice } = rotationKeyEnv(process.env, old.kdf !== null, { passphrase: args.passphrase, keychain: args.keychain });
      const { key, report } = recodeUnderNewKey(store, choice, args.json, env);
      dropSessionStates(paths.dataDir);
      const removed = oldFile !== null && store.keySource === `the key file ${oldFile}` ? (rmSync(oldFile, { force: true }), oldFile) : null;
      // The key an earlier rotation left when it was killed after the switch (doctor says so too).
      const earlier = leftKeyFile(old);
      if (earlier) rmSync(earlier, { force: true });
      // A new secret from the environment opens the store only once it is given as the usual variable (QA: "key: CAIRN_KEY").
      const where = process.env.CAIRN_NEW_KEY && !choice.passphrase && !choice.keychain
        ? "the key in CAIRN_NEW_KEY (cairn stored it nowhere): give it as CAIRN_KEY from now on"
        : process.env.CAIRN_NEW_PASSPHRASE && choice.passphrase ? "the passphrase in CAIRN_NEW_PASSPHRASE (scrypt): give it as CAIRN_PASSPHRASE from now on" : key.savedIn;
      reportRecode(args.json, "rekeyed", paths.dbFile, report, { store_id: key.record.storeId, key: where, old_key_file_removed: removed, ...(earlier ? { earlier_key_file_removed: earlier } : {}) });
    } finally {
      store.close();
    }
  },
});
