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
import { output, progress } from "../output.ts";
import { removeStaleBackups } from "../../store/recode.ts";
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
      if (store.codec.encrypted) {
        // The natural retry of an encrypt killed after its commit: the copy it left holds the store in the clear (QA).
        const removed = removeStaleBackups(paths.dbFile);
        if (removed.length === 0) throw cairnError("ALREADY_ENCRYPTED", [paths.dbFile]);
        if (args.json) return output.json({ ok: true, encrypted: true, already: true, db: paths.dbFile, removed_backups: removed });
        return output.text(`The memory store ${paths.dbFile} is already encrypted. Removed the copy an interrupted encrypt left beside it, which held it in the clear: ${removed.join(", ")}.`);
      }
      const { key, report } = recodeUnderNewKey(store, { passphrase: args.passphrase, keychain: args.keychain }, args.json);
      dropSessionStates(paths.dataDir);
      reportRecode(args.json, "encrypted", paths.dbFile, report, { store_id: key.record.storeId, key: key.savedIn, kdf: key.record.kdf?.name ?? null });
      if (!args.json) progress(`Keep a copy of the key (${key.savedIn}) somewhere safe: without it these memories cannot be read.`);
    } finally {
      store.close();
    }
  },
});
