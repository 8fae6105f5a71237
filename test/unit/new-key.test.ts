/** @module Which key a new encryption takes: an explicit --keychain wins over a passphrase set only to unlock. */
import { expect, test } from "bun:test";
import { keychain } from "../../src/keys/keychain.ts";
import { makeKey } from "../../src/keys/new-key.ts";
import { codeOf } from "../helpers/errors.ts";

test("--passphrase and --keychain together are refused", () => {
  expect(codeOf(() => makeKey(":memory:", { passphrase: true, keychain: true }, { CAIRN_PASSPHRASE: "correct horse" }))).toBe("ONE_OF");
});

test("--keychain with CAIRN_PASSPHRASE or CAIRN_KEY set (to unlock the store being rotated) goes to the keychain", () => {
  // Where no keyring answers (CI, servers) the choice fails; it must never fall back to the passphrase or key.
  const kc = keychain();
  const where = (env: NodeJS.ProcessEnv) => {
    try {
      return makeKey(":memory:", { keychain: true }, env).savedIn;
    } catch (err) {
      return codeOf(() => {
        throw err;
      });
    }
  };
  const expected = "put" in kc ? [kc.name, "KEYCHAIN_UNAVAILABLE"] : ["KEYCHAIN_UNAVAILABLE"];
  expect(expected).toContain(where({ CAIRN_PASSPHRASE: "correct horse", CAIRN_KDF_LOG_N: "10" }));
  expect(expected).toContain(where({ CAIRN_KEY: "00".repeat(32) }));
  expect(makeKey(":memory:", {}, { CAIRN_PASSPHRASE: "correct horse", CAIRN_KDF_LOG_N: "10" }).savedIn).toBe("the passphrase (scrypt)");
});

test("a new key's passphrase from CAIRN_PASSPHRASE is held to the prompt's length", () => {
  expect(codeOf(() => makeKey(":memory:", { passphrase: true }, { CAIRN_PASSPHRASE: "a" }))).toBe("PASSPHRASE_SHORT");
  expect(makeKey(":memory:", { passphrase: true }, { CAIRN_PASSPHRASE: "eight ch", CAIRN_KDF_LOG_N: "10" }).savedIn).toBe("the passphrase (scrypt)");
});
