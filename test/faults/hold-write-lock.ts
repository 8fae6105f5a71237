/** @module Test helper process: holds the write lock of the SQLite database given as argument (BEGIN IMMEDIATE) until its stdin closes. */
import { Database } from "bun:sqlite";

const db = new Database(process.argv[2]!);
db.run("BEGIN IMMEDIATE");
await Bun.write(Bun.stdout, "locked\n");
// Reading to EOF keeps the connection (and its lock) referenced: Bun would otherwise collect and close it.
for await (const _ of Bun.stdin.stream()) void 0;
db.run("ROLLBACK");
db.close();
