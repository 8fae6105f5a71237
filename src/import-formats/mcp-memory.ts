/**
 * @module `--from mcp-memory`: the official MCP memory server's memory.jsonl, one JSON object a line,
 * `{"type":"entity","name","entityType","observations":[…]}` or `{"type":"relation","from","to","relationType"}`.
 * Each entity becomes a fact ("<name> is a <entityType>"), each observation a fact "<name>: <observation>"
 * linked `part_of` its entity. Relation types are free text ("works_at") and cairn's links are a closed set,
 * so a relation whose type is one of cairn's (depends_on, part_of …) links the two entities directly, and any
 * other becomes a fact of its own ("A works at B") linked `relates_to` both entities.
 * The file is the server's whole graph: what an import of it made before that it no longer holds (an
 * observation deleted or reworded, an entity or relation removed) is retired by the next import of it.
 */
import { basename } from "node:path";
import { redactSecrets } from "../capture/redact.ts";
import { isRelation, relationName } from "../domain/edge.ts";
import { badRecord, isPlainObject, readText } from "./read-source.ts";
import { tagSlug } from "./tag-slug.ts";
import { realPath, sourceKey, stableId } from "./stable-id.ts";
import type { Adapter, AdapterOptions, PeerBatch, PeerRecord } from "./types.ts";
import { cutText } from "../text/cut.ts";

const FORMAT = "mcp-memory";
/** `supersedes` would retire the target memory; an entity graph never means that. */
const DIRECT = (relation: string) => isRelation(relation) && relation !== "supersedes";

export const adapter: Adapter = { read };

function read(path: string, opts: AdapterOptions): PeerBatch {
  const file = basename(path);
  const project = opts.project === undefined ? null : opts.project;
  const source = sourceKey(project, path);
  // Named by its real path: another memory.jsonl (another server's graph) retires nothing of this one's.
  const real = realPath(path);
  const batch: PeerBatch = { records: [], links: [], skipped: [], whole: { format: FORMAT, project, tag: FORMAT, covers: (f) => f === real } };
  const seen = new Map<string, string>();
  const entityIds = new Map<string, string>();
  const relations: Array<{ from: string; to: string; relationType: string; where: string }> = [];
  const add = (record: PeerRecord): boolean => {
    const earlier = seen.get(record.id);
    if (earlier !== undefined) {
      batch.skipped.push({ where: record.where, reason: `repeats ${earlier}` });
      return false;
    }
    seen.set(record.id, record.where);
    batch.records.push(record);
    return true;
  };
  readText(path).split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const where = `line ${i + 1}`;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch (err) {
      throw badRecord(path, where, `not valid JSON (${(err as Error).message})`);
    }
    if (!isPlainObject(item)) throw badRecord(path, where, "expected a JSON object");
    if (item.type === "entity") {
      const name = text(item.name, path, where, '"name"');
      const entityType = text(item.entityType, path, where, `"entityType" of entity "${name}"`);
      const observations = item.observations;
      if (!Array.isArray(observations) || observations.some((o) => typeof o !== "string")) {
        throw badRecord(path, where, `"observations" of entity "${name}" must be an array of strings`);
      }
      const tags = [FORMAT, tagSlug(entityType), tagSlug(name)].filter((t) => t !== "");
      const meta = { source_format: FORMAT, file: real, entity: name, entity_type: entityType };
      const entityId = stableId(FORMAT, `${source}entity:${name}`);
      add(fact(entityId, `${name} is ${/^[aeiou]/i.test(entityType) ? "an" : "a"} ${entityType}.`, tags, project, meta, `${file} ${where} (entity "${name}")`));
      entityIds.set(name, entityId);
      for (const observation of observations as string[]) {
        const obs = observation.trim();
        const at = `${file} ${where} (entity "${name}", observation "${short(obs)}")`;
        if (obs === "") {
          batch.skipped.push({ where: at, reason: "empty observation" });
          continue;
        }
        const id = stableId(FORMAT, `${source}entity:${name}:observation:${obs}`);
        if (add(fact(id, `${name}: ${obs}`, tags, project, meta, at))) batch.links.push({ from: id, to: entityId, relation: "part_of", where: at });
      }
    } else if (item.type === "relation") {
      const from = text(item.from, path, where, '"from" of a relation');
      const to = text(item.to, path, where, '"to" of a relation');
      const relationType = text(item.relationType, path, where, '"relationType" of a relation');
      relations.push({ from, to, relationType, where: `${file} ${where} (relation "${from}" ${relationType} "${to}")` });
    } else {
      batch.skipped.push({ where: `${file} ${where}`, reason: `type ${JSON.stringify(item.type)} is neither "entity" nor "relation"` });
    }
  });
  // Relations after all entities: the server writes entities first, but a hand-edited file may not.
  for (const r of relations) {
    const fromId = entityIds.get(r.from);
    const toId = entityIds.get(r.to);
    const direct = relationName(r.relationType);
    if (fromId && toId && DIRECT(direct)) {
      if (fromId !== toId) batch.links.push({ from: fromId, to: toId, relation: direct, where: r.where });
      else batch.skipped.push({ where: r.where, reason: "an entity related to itself: cairn links two memories, so there is no link to make" });
      continue;
    }
    const id = stableId(FORMAT, `${source}relation:${r.from}\u0000${r.relationType}\u0000${r.to}`);
    const tags = [FORMAT, "relation", tagSlug(r.relationType), tagSlug(r.from), tagSlug(r.to)].filter((t) => t !== "");
    const meta = { source_format: FORMAT, file: real, relation: { from: r.from, to: r.to, relation_type: r.relationType } };
    if (!add(fact(id, `${r.from} ${r.relationType.replace(/_/g, " ")} ${r.to}`, tags, project, meta, r.where))) continue;
    if (fromId) batch.links.push({ from: id, to: fromId, relation: "relates_to", where: r.where });
    if (toId && toId !== fromId) batch.links.push({ from: id, to: toId, relation: "relates_to", where: r.where });
    if (!fromId || !toId) batch.skipped.push({ where: r.where, reason: `no entity "${!fromId ? r.from : r.to}" in the file: the relation is kept as a fact, without a link to it` });
  }
  return batch;
}

function fact(id: string, content: string, tags: string[], project: string | null, metadata: Record<string, unknown>, where: string): PeerRecord {
  return { id, content, type: "fact", tags, project, metadata, where };
}

function text(value: unknown, path: string, where: string, field: string): string {
  if (typeof value !== "string" || value.trim() === "") throw badRecord(path, where, `${field} must be a non-empty string`);
  return value.trim();
}

/** An observation as a record's place names it: redacted before it is cut (a secret cut short is no longer found). */
function short(s: string): string {
  const text = redactSecrets(s).text;
  return text.length > 40 ? `${cutText(text, 39)}…` : text;
}
