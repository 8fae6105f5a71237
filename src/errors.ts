/** @module The error catalog: every failure cairn reports has a code, an actionable message and an exit class. */

/**
 * Message templates. `{0}`, `{1}` … are replaced by the arguments given to {@link cairnError}.
 * Every message says what to do next: the MCP SDK hands a thrown message to the agent word for word.
 */
const catalog = {
  USAGE: "{0}",
  NOT_FOUND: 'No memory with id "{0}". Run `cairn list` or `cairn recall <words>` to find the right id.',
  AMBIGUOUS_ID: 'Id prefix "{0}" matches {1} memories. Give more characters of the id.',
  EMPTY_CONTENT: "Memory content is empty. Give the text to remember, e.g. `cairn remember \"we use pnpm\"`.",
  CONTENT_TOO_LARGE: "Memory content is {0} bytes; the limit is {1}. Split it into smaller memories.",
  BAD_TYPE: 'Unknown memory type "{0}". Use one of: {1}.',
  BAD_TIME: 'Cannot read "{0}" as a time. Use ISO 8601 (2024-05-01, 2024-05-01T14:30:00Z) or a relative time like 3d, 12h, 2w.',
  BAD_NUMBER: 'Option --{0} needs a whole number{2}, got "{1}".',
  BAD_STATUS: 'Unknown status "{0}". Use one of: active, superseded, archived, all.',
  BAD_IMPORT_LINE: "Import stopped at line {0}: {1}. Nothing was imported; fix that line and run the import again.",
  IMPORT_READ: 'Cannot read import file "{0}": {1}.',
  NOT_ACTIVE: 'Memory "{0}" is {1}; only active memories can be edited. Restore it first or remember the text anew.',
  BAD_RELATION: 'Unknown relation "{0}". Use one of: {1} (read as "from <relation> to").',
  SELF_LINK: "Memory {0} cannot be linked to itself. Give two different memory ids.",
  NOTHING_TO_UPDATE: "Nothing to change: give new content or at least one of --type, --tags, --priority, --event-time.",
  DB_OPEN: 'Cannot open the memory database at "{0}": {1}. Check the path and its permissions, or set CAIRN_HOME.',
  DB_TOO_NEW: "The memory database has schema version {0}, newer than this cairn understands ({1}). Upgrade cairn.",
  DB_BUSY: "The memory database stayed locked for {0} ms by other cairn processes. Try again; if it persists, run `cairn doctor`.",
  DB_EMPTY:
    'The memory database "{0}" is empty (0 bytes): it was truncated or overwritten, since cairn never leaves an empty database file. ' +
    "Restore it from a backup; to start over with no memories instead, run `cairn doctor --repair` (it keeps the empty file aside) or delete it.",
  DB_CORRUPT:
    'The memory database "{0}" is damaged ({1}); writes to it are refused so nothing more is lost. Restore it from a backup, ' +
    "or run `cairn doctor --repair` to copy every readable memory into a new database (the damaged file is kept beside it).",
  CONFIG_INVALID: 'Invalid configuration in {0}: {1}. Fix or delete the file, or run `cairn config --explain`.',
  CONFIG_KEY: 'Unknown configuration key "{0}". Known keys: {1}.',
  MODEL_UNAVAILABLE: 'Model "{0}" is unavailable: {1}. Recall runs keyword-only meanwhile; run `cairn doctor`, or pick another model with `cairn models use <id>`.',
  MODEL_NOT_FOUND: 'No model "{0}". Run `cairn models list` to see the models you can use.',
  MODEL_INVALID: 'Cannot use the model folder "{0}": {1}.',
  INTERNAL: "Internal error: {0}. Please report it with the output of `cairn doctor`.",
} as const;

export type ErrorCode = keyof typeof catalog;

/** Codes that mean "the caller asked wrongly" (exit code 2) rather than "something failed" (exit code 1). */
const usageCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "USAGE",
  "EMPTY_CONTENT",
  "CONTENT_TOO_LARGE",
  "NOTHING_TO_UPDATE",
  "BAD_TYPE",
  "BAD_TIME",
  "BAD_NUMBER",
  "BAD_STATUS",
  "BAD_RELATION",
  "SELF_LINK",
  "CONFIG_KEY",
  "MODEL_NOT_FOUND",
  "MODEL_INVALID",
]);

export class CairnError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CairnError";
    this.code = code;
  }
  /** True when the error is the caller's input, not a failure of cairn or its data. */
  get isUsage(): boolean {
    return usageCodes.has(this.code);
  }
}

/** Builds a {@link CairnError} from the catalog. */
export function cairnError(code: ErrorCode, args: ReadonlyArray<string | number> = [], cause?: unknown): CairnError {
  const message = catalog[code].replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? ""));
  return new CairnError(code, message, cause === undefined ? undefined : { cause });
}

/** One-line description of any thrown value, for logs and error output. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * A SQLite failure that means the database file itself is damaged ("database disk image is malformed", "file is
 * not a database") as DB_CORRUPT for `file`, so it reaches the user with a way out instead of "Internal error".
 */
export function damagedDatabaseError(err: unknown, file: string): CairnError | null {
  if (err instanceof CairnError) return null;
  const code = String((err as { code?: unknown } | null)?.code ?? "");
  if (!code.startsWith("SQLITE_CORRUPT") && code !== "SQLITE_NOTADB") return null;
  return cairnError("DB_CORRUPT", [file, describeError(err)], err);
}
