/** @module The command table. Each command loads lazily, so `cairn version` never pays for the database. */
import type { CommandDef } from "citty";

type Loader = () => Promise<CommandDef<any>>;

export const COMMANDS: Record<string, { description: string; load: Loader }> = {
  remember: { description: "store a memory", load: () => import("./remember.ts").then((m) => m.default) },
  remind: { description: "set a reminder (--at/--in); --list, --done <id>, --cancel <id>", load: () => import("./remind.ts").then((m) => m.default) },
  recall: { description: "find memories relevant to a query", load: () => import("./recall.ts").then((m) => m.default) },
  get: { description: "show one memory (and its history)", load: () => import("./get.ts").then((m) => m.default) },
  graph: { description: "show a memory's links, hop by hop (text tree or --json)", load: () => import("./graph.ts").then((m) => m.default) },
  list: { description: "list memories by type, tag, project, time, status", load: () => import("./list.ts").then((m) => m.default) },
  edit: { description: "change a memory's content or fields", load: () => import("./edit.ts").then((m) => m.default) },
  forget: { description: "archive a memory, or purge it with --hard", load: () => import("./forget.ts").then((m) => m.default) },
  restore: { description: "bring a forgotten memory back", load: () => import("./restore.ts").then((m) => m.default) },
  stats: { description: "counts by type, project and status; database size", load: () => import("./stats.ts").then((m) => m.default) },
  import: { description: "import memories from JSONL (file or -), a markdown export folder, or another tool (--from mem0, mcp-memory, …)", load: () => import("./import.ts").then((m) => m.default) },
  export: { description: "export memories as JSONL", load: () => import("./export.ts").then((m) => m.default) },
  mcp: { description: "run the MCP server on stdio (for agents)", load: () => import("./mcp.ts").then((m) => m.default) },
  models: { description: "list, add, switch and re-embed models", load: () => import("./models.ts").then((m) => m.default) },
  setup: { description: "register cairn with agent clients (MCP server, Claude Code hooks)", load: () => import("./setup.ts").then((m) => m.default) },
  retention: { description: "set, show or clear retention rules (by type, project or tag)", load: () => import("./retention.ts").then((m) => m.default) },
  relate: { description: "link two memories (<from> supersedes|fixes|caused_by|… <to>)", load: () => import("./relate.ts").then((m) => m.default) },
  consolidate: { description: "fold near-copies and same-error groups into one memory (--dry-run, --undo <id>)", load: () => import("./consolidate.ts").then((m) => m.default) },
  sweep: { description: "apply retention now: expire, then purge after grace (--dry-run)", load: () => import("./sweep.ts").then((m) => m.default) },
  hold: { description: "legal holds: add (--project/--tag/--id --reason), list, release", load: () => import("./hold.ts").then((m) => m.default) },
  ui: { description: "open a local web page to see, search, fix and erase memories", load: () => import("./ui.ts").then((m) => m.default) },
  audit: { description: "verify the audit log's hash chain; head (an anchor); log", load: () => import("./audit.ts").then((m) => m.default) },
  init: { description: "create the store (--encrypt: start encrypted)", load: () => import("./init.ts").then((m) => m.default) },
  encrypt: { description: "encrypt the store under a new key (key file, --passphrase, --keychain)", load: () => import("./encrypt.ts").then((m) => m.default) },
  decrypt: { description: "turn an encrypted store back into a plain one", load: () => import("./decrypt.ts").then((m) => m.default) },
  key: { description: "key rotate: re-encrypt the store under a new key", load: () => import("./key.ts").then((m) => m.default) },
  sync: { description: "team memory: end-to-end encrypted sync over PostgreSQL (now, init, invite, join, status, share, unshare, leave, rotate)", load: () => import("./sync.ts").then((m) => m.default) },
  logs: { description: "show the hook and embedding-worker logs (sealed lines opened with the key)", load: () => import("./logs.ts").then((m) => m.default) },
  doctor: { description: "check the database, index, config and assets", load: () => import("./doctor.ts").then((m) => m.default) },
  config: { description: "show or change configuration", load: () => import("./config.ts").then((m) => m.default) },
  version: { description: "print the version", load: () => import("./version.ts").then((m) => m.default) },
};
