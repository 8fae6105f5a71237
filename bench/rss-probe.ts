/** @module Child process for the footprint scenario: opens a database, runs recalls, reports its RSS. */
import { readFileSync } from "node:fs";
import { Engine } from "../src/engine/engine.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { selfPeakRss } from "./measure.ts";

const [db, project, queriesFile] = process.argv.slice(2);
if (!db || !project || !queriesFile) throw new Error("usage: rss-probe.ts <db> <project> <queries.json>");
const queries = JSON.parse(readFileSync(queriesFile, "utf8")) as string[];
const engine = new Engine({ store: new SqliteStore(db), project, actor: "bench" });
const baselineRssBytes = process.memoryUsage().rss;
for (const query of queries) await engine.recall({ query, limit: 10, mode: "keyword" });
engine.close();
process.stdout.write(`${JSON.stringify({ baselineRssBytes, peakRssBytes: selfPeakRss() })}\n`);
