/** @module Test helper: an OMEGA omega.db built from one of the SQL fixtures in test/fixtures/peers/omega. */
import { Database } from "bun:sqlite";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const OMEGA_FIXTURES = join(import.meta.dir, "..", "fixtures", "peers", "omega");

/** Writes `<dir>/<name>.db` from `<name>.sql` and returns its path. */
export function omegaDb(dir: string, name: string): string {
  const path = join(dir, `${name}.db`);
  const db = new Database(path, { create: true });
  try {
    db.exec(readFileSync(join(OMEGA_FIXTURES, `${name}.sql`), "utf8"));
  } finally {
    db.close();
  }
  return path;
}
