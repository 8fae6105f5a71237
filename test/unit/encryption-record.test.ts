/** @module The store id an encrypted store had before its last key rotation: kept by a rotation, carried by a record that names it (a repair's new database), dropped by a decrypt. */
import { expect, test } from "bun:test";
import { PLAIN_CODEC } from "../../src/store/content-codec.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { encryptedOptions } from "../helpers/engine.ts";

test("a rotation records the id it leaves; a new database made with a record naming one keeps it; a decrypt drops it", () => {
  const first = encryptedOptions();
  const store = new SqliteStore(":memory:", first);
  try {
    expect(store.encryption()?.before).toBeUndefined();
    const next = encryptedOptions();
    store.recode(next.codec, next.newRecord);
    expect(store.encryption()).toMatchObject({ storeId: next.newRecord.storeId, before: first.newRecord.storeId });
    store.recode(PLAIN_CODEC, null);
    expect(store.encryption()).toBeNull();
  } finally {
    store.close();
  }
  const repaired = encryptedOptions();
  const copy = new SqliteStore(":memory:", { ...repaired, newRecord: { ...repaired.newRecord, before: "id-before-rotation" } });
  try {
    expect(copy.encryption()?.before).toBe("id-before-rotation");
  } finally {
    copy.close();
  }
});
