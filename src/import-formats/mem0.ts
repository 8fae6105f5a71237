/**
 * @module `--from mem0`: mem0's exported memories, the JSON its `get_all` returns — a list, or `{"results": […]}`
 * (mem0 ≥ 1.0 and the platform API) — each `{id, memory, hash?, metadata?, created_at?, updated_at?, user_id?,
 * agent_id?, run_id?, app_id?, categories?}`. A memory keeps its text, dates and metadata; who it belongs to
 * (user, agent, run, app) goes to metadata; categories become tags. mem0 memories describe a user, so they go
 * to the global scope unless `--project` says otherwise.
 */
import { basename } from "node:path";
import { badRecord, isPlainObject, readText } from "./read-source.ts";
import { tagSlug } from "./tag-slug.ts";
import { stableId } from "./stable-id.ts";
import type { Adapter, AdapterOptions, PeerBatch, PeerRecord } from "./types.ts";

const FORMAT = "mem0";
const OWNERS = ["user_id", "agent_id", "run_id", "app_id", "actor_id", "role"] as const;
/** mem0 writes "User prefers …", "Likes …": statements of taste are preferences, the rest facts. */
const PREFERENCE = /^(?:(?:the\s+)?user\s+)?(?:prefers?|likes?|loves?|dislikes?|hates?|enjoys?|favou?rite|would rather|wants?)\b/i;

export const adapter: Adapter = { read };

function read(path: string, opts: AdapterOptions): PeerBatch {
  const text = readText(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw badRecord(path, "the file", `not valid JSON (${(err as Error).message})`);
  }
  const list = Array.isArray(json) ? json : isPlainObject(json) && Array.isArray(json.results) ? json.results : null;
  if (!list) throw badRecord(path, "the file", 'expected a JSON array of memories, or an object with a "results" array');
  const project = opts.project === undefined ? null : opts.project;
  const batch: PeerBatch = { records: [], links: [], skipped: [] };
  const seen = new Map<string, string>();
  list.forEach((item: unknown, i: number) => {
    const where = `record ${i + 1}`;
    if (!isPlainObject(item)) throw badRecord(path, where, "expected a JSON object");
    if (typeof item.id !== "string" || item.id.trim() === "") throw badRecord(path, where, '"id" must be a non-empty string');
    const at = `${basename(path)} ${where} (id ${item.id})`;
    if (typeof item.memory !== "string") throw badRecord(path, `${where} (id ${item.id})`, '"memory" must be a string');
    if (item.metadata !== undefined && item.metadata !== null && !isPlainObject(item.metadata)) {
      throw badRecord(path, `${where} (id ${item.id})`, '"metadata" must be an object or null');
    }
    const earlier = seen.get(item.id);
    if (earlier !== undefined) return void batch.skipped.push({ where: at, reason: `repeats ${earlier}` });
    seen.set(item.id, at);
    if (item.memory.trim() === "") return void batch.skipped.push({ where: at, reason: "empty memory" });
    batch.records.push(toRecord(item, at, project, path, `${where} (id ${item.id})`));
  });
  return batch;
}

function toRecord(item: Record<string, unknown>, where: string, project: string | null, path: string, place: string): PeerRecord {
  const content = (item.memory as string).trim();
  const metadata: Record<string, unknown> = { source_format: FORMAT, source_id: item.id };
  for (const key of OWNERS) if (typeof item[key] === "string" && item[key] !== "") metadata[key] = item[key];
  if (typeof item.hash === "string") metadata.mem0_hash = item.hash;
  if (isPlainObject(item.metadata) && Object.keys(item.metadata).length > 0) metadata.mem0_metadata = item.metadata;
  const categories = Array.isArray(item.categories) ? item.categories.filter((c): c is string => typeof c === "string") : [];
  const record: PeerRecord = {
    // mem0's ids are its own (UUIDs): the scope keeps one export imported into two projects two sets of memories.
    id: stableId(FORMAT, `${project ?? ""}\u0000${item.id as string}`),
    content,
    type: PREFERENCE.test(content) ? "preference" : "fact",
    tags: ["mem0", ...categories.map(tagSlug).filter((t) => t !== "")],
    project,
    metadata,
    where,
  };
  const created = time(item.created_at, path, place, "created_at");
  const updated = time(item.updated_at, path, place, "updated_at");
  if (created) record.created_at = created;
  if (updated ?? created) record.updated_at = (updated ?? created)!;
  if (typeof item.agent_id === "string" && item.agent_id !== "") record.agent = item.agent_id;
  if (typeof item.run_id === "string" && item.run_id !== "") record.session_id = item.run_id;
  return record;
}

/** mem0 writes ISO times, sometimes with a UTC offset ("2024-07-01T10:00:00-07:00"); null means unknown. */
function time(value: unknown, path: string, place: string, field: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw badRecord(path, place, `"${field}" is not an ISO time: ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}
