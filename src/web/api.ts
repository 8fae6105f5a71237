/**
 * @module The ui's JSON API: a thin transport over the one Engine, in the shapes `--json` already prints
 * (memoryToJson, recallHitToJson + explainJson, `cairn graph --json`, `cairn forget --json`'s receipt).
 */
import { MEMORY_TYPES } from "../domain/kinds.ts";
import { STATUSES } from "../domain/memory.ts";
import { memoryToJson, recallHitToJson } from "../domain/serialize.ts";
import { toIso } from "../domain/time.ts";
import type { Engine } from "../engine/engine.ts";
import { neighbourhoodJson } from "../engine/neighbourhood.ts";
import { CairnError, cairnError, damagedDatabaseError } from "../errors.ts";
import { explainJson } from "../retrieve/explain.ts";
import { RECALL_MODES, type RecallMode } from "../retrieve/channel.ts";
import { parseTagList } from "../capture/normalize.ts";
import { confirmDamage } from "../store/integrity-check.ts";
import { dashboard } from "./dashboard.ts";
import { filterParams, intParam } from "./params.ts";

export interface ApiContext {
  engine: Engine;
  dataDir: string;
  dbFile: string;
  defaultMode: RecallMode;
}

type Body = Record<string, unknown>;
/** The most memories the graph view draws, nearest hops first. */
const GRAPH_NODES = 150;

type Route = (ctx: ApiContext, q: URLSearchParams, body: Body) => unknown | Promise<unknown>;

const GET: Record<string, Route> = {
  "/api/meta": ({ engine, defaultMode }) => ({
    current_project: engine.project,
    projects: engine.projects().map((p) => ({ key: p.key, name: p.name, count: p.count })),
    types: MEMORY_TYPES,
    statuses: STATUSES,
    modes: RECALL_MODES,
    default_mode: defaultMode,
  }),
  "/api/recall": async ({ engine, defaultMode }, q) => {
    const mode = (q.get("mode") || defaultMode) as RecallMode;
    if (!RECALL_MODES.includes(mode)) throw cairnError("USAGE", [`Unknown mode "${mode}". Use ${RECALL_MODES.join(", ")}.`]);
    const { statuses: _ignored, ...filter } = filterParams(q, engine.now());
    const result = await engine.recall({ query: q.get("q") ?? "", mode, limit: intParam(q, "limit", 20, 1, 200), track: false, ...filter });
    return {
      results: result.results.map((r) => ({ ...recallHitToJson(r), ...explainJson(r), status: r.memory.status })),
      mode: result.mode,
      channels: result.channels,
      // Said on the page as the CLI says it (QA: "No matching memories" over 3,000 memories not yet embedded).
      warnings: [...new Set(result.warnings), ...(result.unembedded ? [unembeddedWarning(result.unembedded)] : [])],
      ...(result.unembedded ? { unembedded: result.unembedded } : {}),
      short_ids: Object.fromEntries(engine.shortIds(result.results.map((r) => r.memory.id))),
    };
  },
  "/api/list": ({ engine }, q) => {
    const { memories, total } = engine.list({
      ...filterParams(q, engine.now()),
      includeExpired: q.get("expired") === "1",
      limit: intParam(q, "limit", 50, 1, 500),
      offset: intParam(q, "offset", 0, 0, Number.MAX_SAFE_INTEGER),
      order: q.get("order") === "oldest" ? "oldest" : "newest",
    });
    return { memories: memories.map(memoryToJson), total, short_ids: Object.fromEntries(engine.shortIds(memories.map((m) => m.id))) };
  },
  "/api/memory": ({ engine }, q) => {
    const memory = engine.get(required(q.get("id"), "id"), { track: false });
    const links = engine.links(memory.id).map((l) => {
      const other = engine.store.get(l.id);
      return { relation: l.relation, direction: l.direction, id: l.id, type: other?.type ?? null, status: other?.status ?? null, content: other?.content.slice(0, 200) ?? null };
    });
    return {
      memory: memoryToJson(memory),
      short_id: engine.shortIds([memory.id]).get(memory.id),
      history: engine.history(memory.id).entries.map((e) => ({
        at: toIso(e.at), actor: e.actor, op: e.op, hash_before: e.hashBefore, hash_after: e.hashAfter, content_before: e.contentBefore, detail: e.detail,
      })),
      links,
    };
  },
  // A drawing of thousands of memories locks the browser's tab for half a minute and reads as a hairball (QA).
  "/api/graph": ({ engine }, q) => neighbourhoodJson(engine.neighbourhood(required(q.get("id"), "id"), intParam(q, "depth", 2, 1, 4), GRAPH_NODES)),
  "/api/dashboard": (ctx) => dashboard(ctx),
};

/**
 * Sent by the page with a change: the version of the memory it showed. One changed since (by an agent, the CLI) is
 * not overwritten, archived or erased (QA: an erase confirmed over the old text took the new one for good).
 */
function unchangedSinceShown(engine: Engine, b: Body): void {
  const shown = optionalString(b.updated_at, "updated_at");
  if (shown === undefined) return;
  const now = memoryToJson(engine.get(required(b.id, "id"), { track: false }));
  if (now.updated_at !== shown) throw cairnError("CHANGED_SINCE", [now.id, now.updated_at]);
}

const POST: Record<string, Route> = {
  "/api/edit": ({ engine }, _q, b) => {
    const priority = b.priority === undefined || b.priority === "" ? undefined : Number(b.priority);
    if (priority !== undefined && !Number.isInteger(priority)) throw cairnError("BAD_NUMBER", ["priority", String(b.priority), " from 1 to 5"]);
    unchangedSinceShown(engine, b);
    const m = engine.update(required(b.id, "id"), {
      content: optionalString(b.content, "content"),
      type: optionalString(b.type, "type"),
      tags: b.tags === undefined ? undefined : parseTagList(optionalString(b.tags, "tags") ?? ""),
      priority,
    });
    return { memory: memoryToJson(m) };
  },
  "/api/forget": ({ engine }, _q, b) => {
    unchangedSinceShown(engine, b);
    const r = engine.forget(required(b.id, "id"), { reason: optionalString(b.reason, "reason") });
    return { id: r.id, status: r.status };
  },
  "/api/restore": ({ engine }, _q, b) => {
    const { memory: m, superseded } = engine.restore(required(b.id, "id"));
    return { id: m.id, status: m.status, superseded };
  },
  "/api/erase": ({ engine }, _q, b) => {
    const id = required(b.id, "id");
    const memory = engine.get(id, { track: false });
    // The page asks first; the API still wants the full id typed back, so no stray request erases anything.
    if (b.confirm !== memory.id) throw cairnError("USAGE", ["Erasing needs `confirm` set to the memory's full id. Nothing was erased."]);
    // An erase confirmed over text the page showed must not take a newer text nobody saw (QA).
    unchangedSinceShown(engine, b);
    const result = engine.forget(memory.id, { hard: true });
    const r = result.receipt;
    return {
      id: result.id,
      status: result.status,
      ...(r ? { receipt: { content_hash: r.contentHash, at: new Date(r.at).toISOString(), audit_seq: r.auditSeq, audit_hash: r.auditHash } } : {}),
      ...(result.quoting ? { quoting: result.quoting } : {}),
      complete: !result.pendingWal,
    };
  },
};

/** Answers one API request (already past the guard); errors become `{error: {code, message}}`. */
export async function handleApi(ctx: ApiContext, req: Request, url: URL): Promise<Response> {
  const route = (req.method === "POST" ? POST : req.method === "GET" ? GET : {})[url.pathname];
  if (!route) return Response.json({ error: { code: "NOT_FOUND", message: `No ${req.method} ${url.pathname}.` } }, { status: 404 });
  try {
    const body = req.method === "POST" ? await readBody(req) : {};
    return Response.json(await route(ctx, url.searchParams, body));
  } catch (thrown) {
    // A damaged file is said as the CLI says it, with the way out, and marked so later requests are refused at once.
    const damaged = damagedDatabaseError(thrown, ctx.dbFile);
    if (damaged) setTimeout(() => confirmDamage(ctx.dbFile), 0);
    const err = damaged ?? thrown;
    if (err instanceof CairnError) {
      // A legal hold refusing the change is the memory's state, not a failure: 409, with the hold named.
      const status = err.code === "NOT_FOUND" ? 404 : err.code === "ERASED" ? 410 : err.code === "HELD" || err.code === "CHANGED_SINCE" ? 409 : err.isUsage ? 400 : 500;
      return Response.json({ error: { code: err.code, message: err.message } }, { status });
    }
    return Response.json({ error: { code: "INTERNAL", message: err instanceof Error ? err.message : String(err) } }, { status: 500 });
  }
}

async function readBody(req: Request): Promise<Body> {
  const text = await req.text();
  if (text.length > 2_000_000) throw cairnError("USAGE", ["Request body too large."]);
  let parsed: unknown;
  try {
    parsed = text === "" ? {} : JSON.parse(text);
  } catch {
    throw cairnError("USAGE", ["The request body is not valid JSON."]);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw cairnError("USAGE", ["The request body must be a JSON object."]);
  return parsed as Body;
}

function required(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") throw cairnError("USAGE", [`Give \`${name}\`.`]);
  return value.trim();
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw cairnError("USAGE", [`\`${name}\` must be text.`]);
  return value;
}

/** A partial semantic search, in words for the page. */
function unembeddedWarning(n: number): string {
  const them = n === 1 ? "it" : "them";
  return `${n} ${n === 1 ? "memory has" : "memories have"} no vector yet: keyword matches cover ${them}, matches in meaning not yet (the background worker embeds ${them}; \`cairn models reembed\` does it now).`;
}
