/**
 * @module The sync server: a PostgreSQL database reached with Bun's built-in client (the one place in cairn
 * that opens a network connection). It holds an append-only log of sealed records per team: team id, random
 * device id, server sequence, device counter, an HMAC of the memory id (so an erase can compact away the
 * memory's earlier records), an erase flag, size, time and ciphertext. Nothing else, nothing in clear.
 */
import { SQL } from "bun";
import { CairnError, cairnError, describeError } from "../errors.ts";
import { redactUrl } from "./settings.ts";

export const SERVER_SCHEMA_VERSION = 1;

/**
 * `callS`: seconds a server call may take once connected (the connect itself has its own timeout). A connection
 * that stops answering (a half-open TCP connection behind a proxy, a stalled network) failed no call: `cairn
 * sync` hung until killed and the background sync of `cairn mcp` never ran again (QA). Tests lower it.
 */
export const SYNC_TIMEOUTS = { callS: 60 };

/** `compact`: the record carries its memory's history erased; the memory's earlier records are dropped. */
export interface OutgoingRecord { counter: number; mid: string; erase: boolean; compact?: boolean; body: Uint8Array }
export interface IncomingRecord { seq: number; device: string; counter: number; body: Uint8Array }
export interface DeviceSeen { device: string; records: number; lastAt: number }

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS cairn_sync_meta (key text PRIMARY KEY, value text NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS cairn_sync_records (
     seq     bigserial PRIMARY KEY,
     team    text NOT NULL,
     device  text NOT NULL,
     counter bigint NOT NULL,
     mid     text NOT NULL,
     erase   boolean NOT NULL,
     size    integer NOT NULL,
     at      timestamptz NOT NULL DEFAULT now(),
     body    bytea NOT NULL,
     UNIQUE (team, device, counter)
   )`,
  `CREATE INDEX IF NOT EXISTS cairn_sync_records_team_seq ON cairn_sync_records (team, seq)`,
  `CREATE INDEX IF NOT EXISTS cairn_sync_records_team_mid ON cairn_sync_records (team, mid)`,
  `CREATE INDEX IF NOT EXISTS cairn_sync_records_erased ON cairn_sync_records (team, mid) WHERE erase`,
];

/**
 * A server that answered only to say it is going away or not up yet: stopped by its operator, crashed,
 * starting, recovering (SQLSTATE class 57, or class 08 connection failures). The server is unreachable for
 * now, not refusing credentials (QA: a fast shutdown mid-sync said to check the user and password).
 */
export function goingAway(err: unknown): boolean {
  const state = String((err as { errno?: unknown }).errno ?? "");
  return /^(?:57P0[1-4]|08)/.test(state) || /terminating connection due to|the database system is (?:shutting down|starting up|in recovery)|server closed the connection/i.test(describeError(err));
}

export class SyncServer {
  readonly #sql: SQL;
  readonly url: string;
  /** Seconds a call may take (default {@link SYNC_TIMEOUTS}.callS). */
  readonly #callS: number | undefined;

  private constructor(sql: SQL, url: string, callS?: number) {
    this.#sql = sql;
    this.url = url;
    this.#callS = callS;
  }

  /** Connects (one connection) and proves the server answers; SYNC_UNREACHABLE otherwise. */
  static async connect(url: string, timeoutS = 5, callS?: number): Promise<SyncServer> {
    checkServerUrl(url);
    const sql = new SQL({ url: withSslMode(url), max: 1, connectionTimeout: timeoutS, idleTimeout: 30 });
    const server = new SyncServer(sql, url, callS);
    await server.#run(() => sql`SELECT 1`);
    return server;
  }

  /**
   * Runs a server call, turning connection failures into SYNC_UNREACHABLE; a call with no answer within
   * {@link SYNC_TIMEOUTS}.callS closes the connection and is one too (the caller backs off and reconnects).
   */
  async #run<T>(fn: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = Math.min(this.#callS ?? SYNC_TIMEOUTS.callS, SYNC_TIMEOUTS.callS);
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void this.#sql.close({ timeout: 0 }).catch(() => {});
        reject(cairnError("SYNC_UNREACHABLE", [redactUrl(this.url), `no answer within ${limit} s`]));
      }, limit * 1000);
    });
    try {
      return await Promise.race([fn(), stalled]);
    } catch (err) {
      const code = String((err as { code?: unknown }).code ?? "");
      if (err instanceof CairnError) throw err;
      if (/CONNECTION|ECONNREFUSED|TIMEOUT|ENOTFOUND|CLOSED/i.test(code) || /connect/i.test(describeError(err)) && !code.startsWith("ERR_POSTGRES_SERVER") || goingAway(err)) {
        throw cairnError("SYNC_UNREACHABLE", [redactUrl(this.url), describeError(err)], err);
      }
      // Refused logins, missing databases, permissions: the server answered, and says why.
      throw cairnError("SYNC_SERVER", [redactUrl(this.url), describeError(err)], err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Creates the schema if absent (idempotent, safe when several devices run it at once). */
  async ensureSchema(): Promise<void> {
    await this.#run(() =>
      this.#sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(7347286)`;
        for (const stmt of SCHEMA) await tx.unsafe(stmt);
        await tx`INSERT INTO cairn_sync_meta (key, value) VALUES ('schema_version', ${String(SERVER_SCHEMA_VERSION)}) ON CONFLICT (key) DO NOTHING`;
      }),
    );
    await this.checkSchema();
  }

  /** SYNC_NO_SCHEMA when the server was never set up, SYNC_SCHEMA_MISMATCH when another version made it. */
  async checkSchema(): Promise<void> {
    const rows = await this.#run(
      () => this.#sql`SELECT value FROM cairn_sync_meta WHERE key = 'schema_version'`.catch((err: unknown) => {
        if (/cairn_sync_meta.*does not exist/.test(describeError(err))) return [];
        throw err;
      }) as Promise<Array<{ value: string }>>,
    );
    if (rows.length === 0) throw cairnError("SYNC_NO_SCHEMA", [redactUrl(this.url)]);
    const found = Number(rows[0]!.value);
    if (found !== SERVER_SCHEMA_VERSION) throw cairnError("SYNC_SCHEMA_MISMATCH", [redactUrl(this.url), found, SERVER_SCHEMA_VERSION]);
  }

  /**
   * Appends records; a record already there (same team, device, counter: a push cut short and retried) is
   * skipped. Pushes of one team are serialised, so sequence order is commit order and no reader's cursor
   * can pass a sequence number still to be committed. Erased memories' other records are deleted.
   */
  /** Stores the records the server does not have yet; returns how many were new (a record sent before is skipped). */
  async push(team: string, device: string, records: readonly OutgoingRecord[], onDropped?: (mids: string[]) => void): Promise<number> {
    if (records.length === 0) return 0;
    const rows = records.map((r) => ({ team, device, counter: r.counter, mid: r.mid, erase: r.erase, size: r.body.byteLength, body: r.body }));
    const mids = [...new Set(records.map((r) => r.mid))];
    const droppedMids: string[] = [];
    const added = await this.#run(() =>
      this.#sql.begin(async (tx) => {
        droppedMids.length = 0;
        await tx`SELECT pg_advisory_xact_lock(hashtext(${team}))`;
        // Under the team's lock, as its retirement takes it: nothing is added to a retired team after it was emptied.
        if (((await tx`SELECT 1 FROM cairn_sync_meta WHERE key = ${`retired:${team}`}`) as unknown[]).length > 0) throw cairnError("SYNC_TEAM_RETIRED", [team, redactUrl(this.url)]);
        const added = (await tx`INSERT INTO cairn_sync_records ${tx(rows, "team", "device", "counter", "mid", "erase", "size", "body")}
                 ON CONFLICT (team, device, counter) DO NOTHING RETURNING counter`) as unknown[];
        // Two steps: one join let the planner loop over the team's records once per record (quadratic).
        const erased = (await tx`SELECT DISTINCT mid FROM cairn_sync_records
                                 WHERE team = ${team} AND erase AND mid = ANY(${tx.array(mids, "TEXT")})`) as Array<{ mid: string }>;
        if (erased.length > 0) {
          const gone = (await tx`DELETE FROM cairn_sync_records WHERE team = ${team} AND NOT erase AND mid = ANY(${tx.array(erased.map((e) => e.mid), "TEXT")})
                                 RETURNING device, counter, mid`) as Array<{ device: string; counter: string; mid: string }>;
          // A change of a memory the team erased is not kept: not counted as sent (QA sync: "1 change(s) sent").
          const ours = new Set((added as Array<{ counter: string }>).map((a) => Number(a.counter)));
          for (const g of gone) if (g.device === device && ours.has(Number(g.counter))) droppedMids.push(g.mid);
        }
        // A memory's history erased: its records before this one (each a whole earlier state) go.
        for (const r of records.filter((r) => r.compact)) {
          await tx`DELETE FROM cairn_sync_records WHERE team = ${team} AND mid = ${r.mid}
                   AND seq < (SELECT seq FROM cairn_sync_records WHERE team = ${team} AND device = ${device} AND counter = ${r.counter})`;
        }
        return added.length - droppedMids.length;
      }),
    );
    // Which of these the server dropped for an erase it holds: the caller checks the team really erased them.
    if (droppedMids.length > 0) onDropped?.(droppedMids);
    return added;
  }

  /** Records after sequence `after`, in order. */
  async pull(team: string, after: number, limit: number): Promise<IncomingRecord[]> {
    const rows = (await this.#run(
      () => this.#sql`SELECT seq, device, counter, body FROM cairn_sync_records WHERE team = ${team} AND seq > ${after} ORDER BY seq LIMIT ${limit}`,
    )) as Array<{ seq: string; device: string; counter: string; body: Uint8Array }>;
    return rows.map((r) => ({ seq: Number(r.seq), device: r.device, counter: Number(r.counter), body: r.body }));
  }

  /** The newest `limit` records of the team that other devices than `device` wrote, newest first. */
  async latestOfOthers(team: string, device: string, limit: number): Promise<IncomingRecord[]> {
    const rows = (await this.#run(
      () => this.#sql`SELECT seq, device, counter, body FROM cairn_sync_records WHERE team = ${team} AND device <> ${device} ORDER BY seq DESC LIMIT ${limit}`,
    )) as Array<{ seq: string; device: string; counter: string; body: Uint8Array }>;
    return rows.map((r) => ({ seq: Number(r.seq), device: r.device, counter: Number(r.counter), body: r.body }));
  }

  /** The devices that wrote to the team, with how many of their records remain and when they last wrote. */
  async devices(team: string): Promise<DeviceSeen[]> {
    const rows = (await this.#run(
      () => this.#sql`SELECT device, count(*)::int AS n, (extract(epoch FROM max(at)) * 1000)::float8 AS last
                      FROM cairn_sync_records WHERE team = ${team} GROUP BY device ORDER BY max(at) DESC`,
    )) as Array<{ device: string; n: number; last: number }>;
    return rows.map((r) => ({ device: r.device, records: r.n, lastAt: Math.round(r.last) }));
  }

  /** The bodies of `device`'s records numbered `counters` that the server holds, by number. */
  async bodies(team: string, device: string, counters: readonly number[]): Promise<Map<number, Uint8Array>> {
    if (counters.length === 0) return new Map();
    const rows = (await this.#run(
      () => this.#sql`SELECT counter, body FROM cairn_sync_records WHERE team = ${team} AND device = ${device} AND counter = ANY(${this.#sql.array(counters.map(String), "INT8")})`,
    )) as Array<{ counter: string; body: Uint8Array }>;
    return new Map(rows.map((r) => [Number(r.counter), r.body]));
  }

  /** The highest device counter the server holds for `device` (0 when none). */
  async maxCounter(team: string, device: string): Promise<number> {
    const rows = (await this.#run(
      () => this.#sql`SELECT coalesce(max(counter), 0)::text AS c FROM cairn_sync_records WHERE team = ${team} AND device = ${device}`,
    )) as Array<{ c: string }>;
    return Number(rows[0]?.c ?? 0);
  }

  /**
   * Records that `team` lives on this server (a meta row `team:<id>`; idempotent). `init` does it, and every
   * sync, so teams started by an earlier version are known too. A retired team is not registered again:
   * SYNC_TEAM_RETIRED.
   */
  async registerTeam(team: string): Promise<void> {
    if (await this.retired(team)) throw cairnError("SYNC_TEAM_RETIRED", [team, redactUrl(this.url)]);
    await this.#run(() => this.#sql`INSERT INTO cairn_sync_meta (key, value) VALUES (${`team:${team}`}, ${String(Date.now())}) ON CONFLICT (key) DO NOTHING`);
  }

  /** Whether `team` was retired here (`cairn sync rotate` moved the team to a new key). */
  async retired(team: string): Promise<boolean> {
    const rows = (await this.#run(() => this.#sql`SELECT 1 AS x FROM cairn_sync_meta WHERE key = ${`retired:${team}`}`)) as unknown[];
    return rows.length > 0;
  }

  /**
   * Retires `team`: its records are deleted, it is no longer registered, and it is marked retired, so no device
   * adds to it again (a push names the retirement instead). Under the team's lock, as pushes take it: a push
   * either committed before (its records are deleted too) or sees the mark. Idempotent.
   */
  async retireTeam(team: string): Promise<void> {
    await this.#run(() =>
      this.#sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(hashtext(${team}))`;
        await tx`DELETE FROM cairn_sync_records WHERE team = ${team}`;
        await tx`DELETE FROM cairn_sync_meta WHERE key = ${`team:${team}`}`;
        await tx`INSERT INTO cairn_sync_meta (key, value) VALUES (${`retired:${team}`}, ${String(Date.now())}) ON CONFLICT (key) DO NOTHING`;
      }),
    );
  }

  /** Whether `team` lives on this server: registered, or (started by an earlier version) holding records. */
  async hasTeam(team: string): Promise<boolean> {
    const rows = (await this.#run(
      () => this.#sql`SELECT EXISTS (SELECT 1 FROM cairn_sync_meta WHERE key = ${`team:${team}`})
                          OR EXISTS (SELECT 1 FROM cairn_sync_records WHERE team = ${team}) AS found`,
    )) as Array<{ found: boolean }>;
    return rows[0]?.found === true;
  }

  /** The team's last sequence number (0 when it has none). */
  async head(team: string): Promise<number> {
    const rows = (await this.#run(() => this.#sql`SELECT coalesce(max(seq), 0)::text AS head FROM cairn_sync_records WHERE team = ${team}`)) as Array<{ head: string }>;
    return Number(rows[0]?.head ?? 0);
  }

  async close(): Promise<void> {
    await this.#sql.close({ timeout: 1 }).catch(() => {});
  }
}

/**
 * `url` with `sslmode=prefer` when it names no mode: TLS whenever the server offers it, as psql does (Bun's client
 * connected in clear to a server offering TLS: QA). `require` or `verify-full` in the URL is kept as given.
 */
/** The sslmode values the PostgreSQL client takes. */
const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

/**
 * Refuses a URL the PostgreSQL client cannot use, saying what is wrong with it (QA: a port of 99999, a bad
 * %-escape, an unclosed [ or an unknown sslmode were "Internal error … Please report it").
 */
export function checkServerUrl(url: string): void {
  if (!/^postgres(ql)?:\/\//.test(url)) throw cairnError("SYNC_BAD_URL", [redactUrl(url)]);
  const bad = (why: string) => cairnError("SYNC_URL_PART", [redactUrl(url), why]);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad("it is not a well-formed URL (check the host, the port (1–65535), a [bracketed] IPv6 address, and any character that must be %-escaped)");
  }
  if (parsed.hostname === "" && !parsed.searchParams.has("host")) throw bad("it names no host");
  try {
    decodeURIComponent(parsed.username);
    decodeURIComponent(parsed.password);
    decodeURIComponent(parsed.pathname);
  } catch {
    throw bad("its user, password or database holds a % that starts no valid %-escape (write % itself as %25)");
  }
  const sslmode = parsed.searchParams.get("sslmode");
  if (sslmode !== null && !SSL_MODES.includes(sslmode)) throw bad(`sslmode must be one of ${SSL_MODES.join(", ")}`);
}

export function withSslMode(url: string): string {
  if (/[?&]sslmode=/i.test(url)) return url;
  return `${url}${url.includes("?") ? "&" : "?"}sslmode=prefer`;
}
