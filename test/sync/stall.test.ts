/**
 * @module A sync server that stops answering once connected (a half-open connection: a proxy or a network that
 * drops packets after the login). Through a TCP proxy in front of a real PostgreSQL that stops forwarding on
 * demand, a sync fails within the call timeout, naming the server, instead of hanging until killed; the next
 * sync, with the path back, connects again and succeeds (QA: `cairn sync` hung, and `cairn mcp`'s background
 * sync never ran again).
 */
import { afterAll, expect, test } from "bun:test";
import type { Socket, TCPSocketListener } from "bun";
import { SYNC_TIMEOUTS, SyncServer } from "../../src/sync/server.ts";
import { usePostgres } from "../helpers/postgres.ts";
import { Device } from "../helpers/sync-devices.ts";

const postgres = usePostgres();
const saved = { ...SYNC_TIMEOUTS };
afterAll(() => Object.assign(SYNC_TIMEOUTS, saved));

/** A proxy to `port` on localhost; while `stalled`, bytes either way are dropped (the connections stay open). */
function proxy(port: number): { port: number; stall(on: boolean): void; stop(): void } {
  let stalled = false;
  const peers = new Map<Socket<unknown>, Promise<Socket<unknown>>>();
  const listener: TCPSocketListener<unknown> = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(client) {
        peers.set(
          client,
          Bun.connect({
            hostname: "127.0.0.1",
            port,
            socket: {
              data: (_, bytes) => void (!stalled && client.write(bytes)),
              close: () => void client.end(),
            },
          }),
        );
      },
      data: (client, bytes) => void peers.get(client)?.then((upstream) => !stalled && upstream.write(bytes)),
      close: (client) => void peers.get(client)?.then((upstream) => upstream.end()),
    },
  });
  return { port: listener.port, stall: (on) => void (stalled = on), stop: () => listener.stop(true) };
}

test("a server that stops answering after the login fails the sync within the call timeout; the next sync recovers", async () => {
  const pg = postgres.current();
  if (!pg) return;
  await pg.createDb("stall");
  const url = new URL(pg.url("stall"));
  const relay = proxy(Number(url.port));
  url.port = String(relay.port);
  const [a, b] = [new Device(), new Device()];
  try {
    await a.init(url.toString());
    await b.join(a.code(), url.toString());
    const r = a.engine.remember({ content: "the release branch is cut on Tuesdays" });
    SYNC_TIMEOUTS.callS = 2;
    // Connected, then silent: the first call after the login gets no answer.
    const server = await SyncServer.connect(url.toString());
    relay.stall(true);
    const started = performance.now();
    await expect(server.pull("none", 0, 1)).rejects.toThrow(/cannot be reached .*no answer within 2 s/);
    expect(performance.now() - started).toBeLessThan(10_000);
    await server.close();
    relay.stall(false);
    await a.sync();
    await b.sync();
    expect(b.engine.get(r.id, { track: false }).content).toBe("the release branch is cut on Tuesdays");
  } finally {
    a.close();
    b.close();
    relay.stop();
  }
});
