/**
 * @module The sync outbox is filled by triggers (migration 7): every write path enqueues while sync records
 * (mode 1), none while it is off or applying pulled changes; access counts never enqueue; a hard erase
 * enqueues an erase and drops sealed, unsent copies of the text.
 */
import { expect, test } from "bun:test";
import { encryptedOptions, testEngine } from "../helpers/engine.ts";

test("writes of every kind enqueue the memory once, and only while recording", () => {
  const { engine, store } = testEngine();
  const off = engine.remember({ content: "written before sync was set up" });
  expect(store.sync.counts().outbox).toBe(0);
  store.sync.set("mode", 1);
  const a = engine.remember({ content: "the deploy needs the vpn" });
  const b = engine.remember({ content: "the cache expires hourly" });
  expect(store.sync.outbox(10).map((e) => e.memoryId).sort()).toEqual([a.id, b.id].sort());
  const before = store.sync.outboxEntry(a.id)!.hlc;
  engine.update(a.id, { tags: ["ops"] });
  expect(store.sync.outboxEntry(a.id)!.hlc).toBeGreaterThan(before);
  expect(store.sync.counts().outbox).toBe(2);
  // Reads count accesses; those are this device's own statistics and stay local.
  store.sync.dropOutbox(off.id);
  engine.get(off.id);
  expect(store.sync.outboxEntry(off.id)).toBeNull();
  engine.relate(off.id, b.id, "relates_to");
  expect(store.sync.outboxEntry(off.id)?.op).toBe("put");
  engine.forget(b.id);
  store.sync.addPending({ counter: 1, memoryId: b.id, mid: "x", erase: false, body: new Uint8Array([1]) });
  engine.forget(b.id, { hard: true });
  expect(store.sync.outboxEntry(b.id)?.op).toBe("erase");
  expect(store.sync.counts().pending).toBe(0);
  store.sync.set("mode", 2);
  engine.update(a.id, { tags: ["applied"] });
  store.sync.dropOutbox(a.id);
  engine.update(a.id, { tags: ["applied", "again"] });
  expect(store.sync.outboxEntry(a.id)).toBeNull();
  engine.close();
});

test("the clock never goes back: a pulled change far ahead moves later local stamps past it", () => {
  const { engine, store } = testEngine();
  store.sync.set("mode", 1);
  const future = (Date.now() + 3_600_000) * 1000;
  store.sync.observe(future);
  const r = engine.remember({ content: "written after seeing a change from a clock an hour ahead" });
  expect(store.sync.outboxEntry(r.id)!.hlc).toBe(future + 1);
  engine.close();
});

test("encrypt, key rotate and decrypt re-encode without queueing anything: no memory changed", () => {
  const { engine, store } = testEngine({ encrypted: false });
  store.sync.set("mode", 1);
  engine.remember({ content: "the deploy needs the vpn" });
  for (const e of store.sync.outbox(10)) store.sync.dropOutbox(e.memoryId);
  const { codec, newRecord } = encryptedOptions();
  store.recode(codec, newRecord);
  expect(store.sync.counts().outbox).toBe(0);
  expect(store.sync.get("mode")).toBe(1);
});
