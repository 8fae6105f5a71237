/** @module Project keys in the database: which projects hold memories, their aliases, and re-keying old path keys. */
import type { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { isAbsolute } from "node:path";
import { projectKeyOf } from "../domain/project.ts";
import type { ContentCodec } from "./content-codec.ts";
import { projectOf } from "./rows.ts";
import type { ProjectAlias, ProjectCount } from "./store.ts";

/** Every project key that holds memories, most memories first. */
export function projectCounts(db: Database, codec: ContentCodec): ProjectCount[] {
  const rows = db
    .query("SELECT project, count(*) AS count FROM memories WHERE project IS NOT NULL GROUP BY project ORDER BY count DESC, project")
    .all() as ProjectCount[];
  if (!codec.encrypted) return rows;
  // Stored names sort by ciphertext: order the names themselves, as a plain store does.
  return rows
    .map((r) => ({ project: projectOf(codec, r.project, "a project name")!, count: r.count }))
    .sort((a, b) => b.count - a.count || (a.project < b.project ? -1 : a.project > b.project ? 1 : 0));
}

/**
 * Every project key that holds memories, in order, without their counts: one seek of the scope index per project (the
 * counts above read every memory's entry: ~0.1 s at 1M memories, which resolving a project's name paid on each
 * recall that named it).
 */
export function projectKeys(db: Database, codec: ContentCodec): string[] {
  const rows = db
    .query(
      "WITH RECURSIVE k(p) AS (SELECT min(project) FROM memories WHERE project IS NOT NULL " +
        "UNION ALL SELECT (SELECT min(project) FROM memories WHERE project > k.p) FROM k WHERE k.p IS NOT NULL) " +
        "SELECT p FROM k WHERE p IS NOT NULL",
    )
    .values() as Array<[string]>;
  if (!codec.encrypted) return rows.map(([p]) => p);
  // Stored names sort by ciphertext: order the names themselves, as a plain store does.
  return rows.map(([p]) => projectOf(codec, p, "a project name")!).sort();
}

/** Other names a project was stored under (an old path key) → its key now. */
export function projectAliases(db: Database, codec: ContentCodec): ProjectAlias[] {
  const rows = db.query("SELECT alias, project FROM project_aliases ORDER BY alias").all() as ProjectAlias[];
  if (!codec.encrypted) return rows;
  const open = (v: string) => projectOf(codec, v, "a project alias")!;
  return rows.map((r) => ({ alias: open(r.alias), project: open(r.project) })).sort((a, b) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0));
}

/** Moves every memory of `from` to `to` and records `from` as an alias, so it still names the project. */
export function rekeyProject(db: Database, from: string, to: string): void {
  db.query("UPDATE memories SET project = ? WHERE project = ?").run(to, from);
  db.query("UPDATE project_aliases SET project = ? WHERE project = ?").run(to, from);
  db.query("INSERT OR REPLACE INTO project_aliases (alias, project) VALUES (?, ?)").run(from, to);
}

/**
 * Migration step: each path key whose directory still exists on this machine and has a git remote moves
 * to that remote's key. Paths that are gone, or have no remote, stay as they are: nothing is guessed.
 */
export function rekeyPathProjects(db: Database): void {
  const keys = db.query("SELECT DISTINCT project FROM memories WHERE project IS NOT NULL").all() as Array<{ project: string }>;
  for (const { project } of keys) {
    if (!isAbsolute(project) || !existsSync(project)) continue;
    const key = projectKeyOf(project.replace(/\/+$/, "") || project);
    if (key !== project) rekeyProject(db, project, key);
  }
}
