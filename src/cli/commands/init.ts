/**
 * @module `cairn init [--encrypt]`: creates the store now instead of at the first write; with `--encrypt` it
 * starts encrypted (a new key: cli/key-setup.ts), as it does under the config `newStores: encrypted`. An
 * existing store is left as it is.
 */
import { defineCommand } from "citty";
import { existsSync } from "node:fs";
import { cairnError } from "../../errors.ts";
import { SqliteStore } from "../../store/sqlite-store.ts";
import { jsonFlag } from "../flags.ts";
import { makeKey } from "../key-setup.ts";
import { keyFlags } from "../encryption-output.ts";
import { output, progress } from "../output.ts";
import { CLI_UNLOCK, loadCliConfig, refuseGoneDatabase } from "../session.ts";

export default defineCommand({
  meta: { name: "init", description: "Create the memory store; --encrypt makes it start encrypted under a new key." },
  args: { encrypt: { type: "boolean", description: "start encrypted (AES-256-GCM); the key goes to a key file unless --passphrase/--keychain/CAIRN_KEY" }, ...keyFlags, ...jsonFlag },
  run({ args }) {
    const { config, paths } = loadCliConfig();
    // A store deleted with its audit key left is not started anew by init either: the key says to move it away first.
    refuseGoneDatabase(paths);
    // The configuration may ask every new store to start encrypted (newStores: encrypted).
    const encrypt = args.encrypt || config.values.newStores === "encrypted";
    const existed = existsSync(paths.dbFile);
    if (existed) {
      const store = new SqliteStore(paths.dbFile, { unlock: CLI_UNLOCK });
      const encrypted = store.codec.encrypted;
      store.close();
      if (args.encrypt && !encrypted) throw cairnError("PLAIN_STORE_EXISTS", [paths.dbFile]);
      if (args.json) return output.json({ ok: true, created: false, db: paths.dbFile, encrypted });
      const hint = encrypt && !encrypted ? " The configuration says new stores start encrypted; `cairn encrypt` converts this one." : "";
      return output.text(`A store already exists at ${paths.dbFile} (${encrypted ? "encrypted" : "plain"}); nothing was changed.${hint}`);
    }
    if (!encrypt) {
      new SqliteStore(paths.dbFile).close();
      if (args.json) return output.json({ ok: true, created: true, db: paths.dbFile, encrypted: false });
      return output.text(`Created a plain store at ${paths.dbFile}.`);
    }
    const key = makeKey(paths.dbFile, { passphrase: args.passphrase, keychain: args.keychain });
    try {
      new SqliteStore(paths.dbFile, { codec: key.codec, newRecord: key.record }).close();
    } catch (err) {
      key.abort();
      throw err;
    }
    key.commit();
    if (args.json) return output.json({ ok: true, created: true, db: paths.dbFile, encrypted: true, store_id: key.record.storeId, key: key.savedIn });
    output.text(`Created an encrypted store at ${paths.dbFile}.\n  key: ${key.savedIn}`);
    progress(`Keep a copy of the key (${key.savedIn}) somewhere safe: without it these memories cannot be read.`);
  },
});
