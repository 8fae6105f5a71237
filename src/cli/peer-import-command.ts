/** @module The run of `cairn import --from <format> <path>`: read with the format's adapter, plan, then dry-run report or import. */
import { resolve } from "node:path";
import { detectProjectKey } from "../config/project.ts";
import { cairnError } from "../errors.ts";
import { isPeerFormat, PEER_FORMATS } from "../import-formats/registry.ts";
import type { PeerBatch } from "../import-formats/types.ts";
import { redactSecrets } from "../capture/redact.ts";
import { output, progress } from "./output.ts";
import { applyPeerImport, type PeerPlan, planPeerImport, type PeerReport } from "./peer-import.ts";
import { type CliSession, loadCliConfig, withEngine } from "./session.ts";
import { homeMissing } from "../config/paths.ts";
import { Engine } from "../engine/engine.ts";
import { SqliteStore } from "../store/sqlite-store.ts";
import { cutText } from "../text/cut.ts";

interface PeerArgs {
  file: string;
  from?: string;
  "dry-run"?: boolean;
  project?: string;
  global?: boolean;
  quiet?: boolean;
  embed?: boolean;
  json?: boolean;
}

type Embed = (session: CliSession, quiet: boolean) => Promise<{ embedded: number; remaining: number; error?: string }>;

export async function runPeerImport(args: PeerArgs, embed: Embed): Promise<void> {
  const format = String(args.from).trim();
  if (!isPeerFormat(format)) throw cairnError("PEER_FORMAT", [format, Object.keys(PEER_FORMATS).join(", ")]);
  if (args.project !== undefined && args.global) throw cairnError("ONE_OF", ["--project and --global"]);
  if (args.file === "-") throw cairnError("USAGE", [`--from ${format} reads a path (${PEER_FORMATS[format]!.input}), not stdin.`]);
  const path = resolve(args.file);
  const adapter = await PEER_FORMATS[format]!.load();
  const dryRun = Boolean(args["dry-run"]);
  const started = performance.now();
  const read = (engine: Engine) => {
    const project = args.global ? null : args.project !== undefined ? engine.resolveProject(args.project, "write") : undefined;
    const batch = withPlacesRedacted(adapter.read(path, { project, projectOfDir: (dir) => detectProjectKey(dir) }));
    return { batch, plan: planPeerImport(engine, path, batch) };
  };
  const loaded = loadCliConfig();
  if (dryRun && homeMissing(loaded.paths)) {
    // Before the first import there is no store to plan against (QA: NO_STORE, which advised the real import):
    // an empty one in memory says the same as the store the import would create.
    const engine = new Engine({ store: new SqliteStore(":memory:"), project: detectProjectKey(), actor: "cli" });
    try {
      const { batch, plan } = read(engine);
      return report(args, format, path, batch, plan, planned(plan), null, started);
    } finally {
      engine.close();
    }
  }
  await withEngine(async (session) => {
    const { engine } = session;
    const { batch, plan } = read(engine);
    if (dryRun) return report(args, format, path, batch, plan, planned(plan), null, started);
    const done = await applyPeerImport(engine, path, batch, plan, (n) => {
      if (!args.quiet) progress(`import: ${n}/${batch.records.length} written`);
    });
    const vectors = args.embed === false ? null : await embed(session, Boolean(args.quiet));
    report(args, format, path, batch, plan, done, vectors, started);
  }, { create: !dryRun, loaded });
}

/**
 * `batch` with what locates each record, link and left-out record redacted: it quotes the source ("entity "AKIA…",
 * observation "has token ghp_…""), and the report and any error naming a record are read by an agent into its
 * transcript (QA). Records' texts are redacted as they are stored (peer-import.ts).
 */
function withPlacesRedacted(batch: PeerBatch): PeerBatch {
  const clean = (text: string) => redactSecrets(text).text;
  return {
    ...batch,
    records: batch.records.map((r) => ({ ...r, where: clean(r.where) })),
    links: batch.links.map((l) => ({ ...l, where: clean(l.where) })),
    skipped: batch.skipped.map((s) => ({ where: clean(s.where), reason: clean(s.reason) })),
  };
}

function planned(plan: PeerPlan): PeerReport {
  const create = plan.items.filter((i) => i.action === "create").length;
  const update = plan.items.filter((i) => i.action === "update").length;
  const linksNew = plan.links.filter((l) => l.action === "create").length;
  return {
    records: plan.items.length,
    created: create,
    already_present: plan.items.length - create - update,
    updated: update,
    links_created: linksNew,
    links_existing: plan.links.length - linksNew,
    retired: plan.retire.filter((r) => r.action === "retire").length,
  };
}

function report(
  args: PeerArgs,
  format: string,
  source: string,
  batch: PeerBatch,
  plan: PeerPlan,
  counts: PeerReport,
  vectors: { embedded: number; remaining: number; error?: string } | null,
  started: number,
): void {
  const dryRun = Boolean(args["dry-run"]);
  const seconds = Math.round(performance.now() - started) / 1000;
  if (args.json) {
    output.json({
      format,
      source,
      dry_run: dryRun,
      ...counts,
      left_out: batch.skipped,
      // A dry run lists every record; an import lists the created ones by id and place only (their text is the
      // store's now: a 100k-line source printed 58 MB of it; QA), the others with why.
      items: dryRun ? plan.items : plan.items.map((i) => (i.action === "create" ? { where: i.where, id: i.id, type: i.type, action: i.action } : i)),
      links: plan.links,
      no_longer_in_source: plan.retire,
      ...(vectors ? { vectors } : {}),
      seconds,
    });
    return;
  }
  const lines: string[] = [];
  const verb = (n: number) => (dryRun ? "would be" : n === 1 ? "was" : "were");
  // A dry run shows every record; an import shows only what did not become a new memory, and why.
  const shown = dryRun ? plan.items : plan.items.filter((i) => i.action !== "create");
  for (const item of shown.slice(0, dryRun ? Infinity : SHOWN)) {
    const what = item.action;
    const why = item.reason ? ` — ${item.reason}` : "";
    lines.push(`  ${what.padEnd(7)}  ${item.type.padEnd(10)} ${oneLine(item.content)}  [${item.where}]${why}`);
  }
  if (shown.length > SHOWN && !dryRun) lines.push(`  … and ${shown.length - SHOWN} more updated or already present (--json lists them all)`);
  for (const r of plan.retire) lines.push(`  ${r.action.padEnd(7)}  ${r.type.padEnd(10)} ${oneLine(r.content)}  [${r.where}] — ${r.reason}`);
  for (const s of batch.skipped.slice(0, dryRun ? Infinity : SHOWN)) lines.push(`  left out  ${s.where}: ${s.reason}`);
  if (batch.skipped.length > SHOWN && !dryRun) lines.push(`  … and ${batch.skipped.length - SHOWN} more left out (--json lists them all)`);
  const head = dryRun ? `Dry run of ${format} import from ${source}: nothing was written.` : `Imported ${format} from ${source} in ${seconds.toFixed(2)} s.`;
  lines.unshift(head);
  lines.push(
    `${counts.records} ${counts.records === 1 ? "record" : "records"}: ${counts.created} ${verb(counts.created)} created, ${counts.updated > 0 ? `${counts.updated} ${verb(counts.updated)} updated, ` : ""}${counts.already_present} already present` +
      `${counts.retired > 0 ? `; ${counts.retired} earlier ${counts.retired === 1 ? "memory" : "memories"} the source no longer holds ${verb(counts.retired)} archived (cairn restore <id> brings one back)` : ""}; ` +
      `links: ${counts.links_created} ${verb(counts.links_created)} created, ${counts.links_existing} already there; ${batch.skipped.length} left out.`,
  );
  if (vectors?.error) lines.push(`Vectors: not made (${vectors.error}); recall finds them by keyword until \`cairn models reembed\` succeeds.`);
  output.text(lines.join("\n"));
}

/** Lines of each kind a real import prints; the dry run prints all, --json always has all. */
const SHOWN = 20;

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 70 ? `${cutText(flat, 69)}…` : flat;
}
