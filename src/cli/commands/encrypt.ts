/**
 * @module `cairn encrypt`: turns a plain store into an encrypted one, in place and atomically (store/recode.ts),
 * under a new key (cli/key-setup.ts: a key file by default, `--passphrase`, `--keychain`, or CAIRN_KEY).
 */
import { defineCommand } from "citty";
import { dropSessionStates } from "../../hooks/state.ts";
import { cairnError } from "../../errors.ts";
import { SqliteStore } from "../../store/sqlite-store.ts";
import { jsonFlag } from "../flags.ts";
import { recodeUnderNewKey } from "../key-setup.ts";
import { progress } from "../output.ts";
import { CLI_UNLOCK, loadCliConfig, requireStore } from "../session.ts";
import { keyFlags, reportRecode } from "../encryption-output.ts";

export default defineCommand({
  meta: { name: "encrypt", description: "Encrypt an existing store (AES-256-GCM) under a new key; atomic, a backup is kept until it succeeded." },
  args: { ...keyFlags, ...jsonFlag },
  run({ args }) {
    const { paths } = loadCliConfig();
    requireStore(paths);
    const store = new SqliteStore(paths.dbFile, { unlock: CLI_UNLOCK });
    try {
      if (store.codec.encrypted) throw cairnError("ALREADY_ENCRYPTED", [paths.dbFile]);
      const { key, report } = recodeUnderNewKey(store, { passphrase: args.passphrase, keychain: args.keychain }, args.json);
      dropSessionStates(paths.dataDir);
      reportRecode(args.json, "encrypted", paths.dbFile, report, { store_id: key.record.storeId, key: key.savedIn, kdf: key.record.kdf?.name ?? null });
      if (!args.json) progress(`Keep a copy of the key (${key.savedIn}) somewhere safe: without it these memories cannot be read.`);
    } finally {
      store.close();
    }
  },
});
