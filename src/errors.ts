/** @module The error catalog: every failure cairn reports has a code, an actionable message and an exit class. */

/**
 * Message templates. `{0}`, `{1}` … are replaced by the arguments given to {@link cairnError}. Where the CLI
 * and MCP tools differ in how the reader would fix it (flags versus tool arguments), an entry has both.
 * Every message says what to do next: the MCP SDK hands a thrown message to the agent word for word.
 */
const catalog = {
  USAGE: "{0}",
  ERASED: {
    cli: "Memory {0} was erased on {1} (`forget --hard` or a retention purge; audit entry {2}): nothing of it is left to show or change. `cairn audit log --memory {0}` shows its entries.",
    mcp: "Memory {0} was erased on {1} (audit entry {2}): nothing of it is left to show or change.",
  },
  NOT_FOUND: {
    cli: 'No memory with id "{0}". Run `cairn list` or `cairn recall <words>` to find the right id.',
    mcp: 'No memory with id "{0}". Use the `recall` or `list` tool to find the right id.',
  },
  NO_ID: {
    cli: "Give a memory id (see `cairn list`).",
    mcp: "Give a memory id in the `id` argument (the `recall` and `list` tools show ids).",
  },
  AMBIGUOUS_ID: 'Id "{0}" matches {1} memories: {2}. Give more characters of the id.',
  EMPTY_CONTENT: {
    cli: 'Memory content is empty. Give the text to remember, e.g. `cairn remember "we use pnpm"`.',
    mcp: "Memory content is empty. Give the text to remember in the `content` argument.",
  },
  EMPTY_RANGE: {
    cli: "--since ({0}) is not before --until ({1}): no time is in between. Swap them, or leave one out.",
    mcp: "`since` ({0}) is not before `until` ({1}): no time is in between. Swap them, or leave one out.",
  },
  EMPTY_REMINDER: {
    cli: 'A reminder needs its text, e.g. `cairn remind "rotate the signing key" --in 2w`. Nothing was stored.',
    mcp: "A reminder needs its text in the `content` argument. Nothing was stored.",
  },
  EMPTY_QUERY: {
    cli: 'Give some words to recall, e.g. `cairn recall "database migrations"`.',
    mcp: "Give some words to look for in the `query` argument of `recall`.",
  },
  CONTENT_TOO_LARGE: "Memory content is {0} bytes; the limit is {1}. Split it into smaller memories.",
  CHECKPOINT_TOO_LARGE: "The checkpoint is {0} bytes written out (its task, progress, next steps and files); the limit is {1}. Shorten the progress or the lists; decisions are stored on their own and do not count. Nothing was saved.",
  BAD_PRIORITY: "Priority must be a whole number from 1 (low) to 5 (high), got {0}.",
  BAD_METADATA: 'Metadata must be a JSON object, e.g. {"ticket": "ABC-12"}.',
  METADATA_TOO_DEEP: "Metadata is nested more than {0} levels deep; the limit is {0}. Flatten it.",
  METADATA_TOO_LARGE: "Metadata is {0} bytes as JSON; the limit is {1}. Keep metadata small and put text in the content.",
  BAD_LIMIT: "Limit must be a positive whole number, got {0}.",
  REMINDER_TOO_LONG: "A reminder is {0} characters; keep it under {1} and store the detail as a memory the reminder names.",
  ONE_OF: "Use only one of {0}.",
  UNKNOWN_ACTION: 'Unknown {0} action "{1}". Use {2}.',
  BAD_TYPE: 'Unknown memory type "{0}". Use one of: {1}.',
  TAGS_TOO_LARGE: "{0} is more than a memory takes: at most {1} tags of {2} characters each. Nothing was stored.",
  BAD_TIME: 'Cannot read "{0}" as a time. Use ISO 8601 (2024-05-01, 2024-05-01T14:30:00Z) or a relative time like 3d, 12h, 2w.',
  TIME_OUT_OF_RANGE: '"{0}" is a time outside the years 0000–9999, which cairn stores and shows; nothing was changed. Give a time within them.',
  BAD_DUE_TIME: {
    cli: 'Cannot read "{0}" as a due time. Give a date and time (2027-03-01, 2027-03-01T09:00:00Z, tomorrow), or a delay with `--in` (30min, 3d, 2w). Nothing was changed.',
    mcp: 'Cannot read "{0}" as a due time. Give `at` as a date and time (2027-03-01, 2027-03-01T09:00:00Z), or a delay as `in` (30min, 3d, 2w). Nothing was changed.',
  },
  DAMAGED_UNDER_HOLD: "Memory {0} cannot be read (its sealed value fails its integrity check), so whether a legal hold covers it cannot be told, and a hold is in force: nothing was erased. Release the holds, or restore the store from a backup.",
  DATABASE_GONE: {
    cli: "{0} is not there, but its audit key {1} is: the store was deleted or moved, and nothing was created in its place. Restore the database from a backup (or point CAIRN_HOME at where it is); to start a new, empty store here, move {1} away first.",
    mcp: "{0} is not there, but its audit key {1} is: the store was deleted or moved, and nothing was created in its place. Ask the user to restore it from a backup, or to move the audit key away to start a new store.",
  },
  KEY_REUSED: "{0} is the same secret as {1}, which unlocks the store now: a rotation to it would leave the old secret opening the store. Give a new one in {0} (or leave it unset: a passphrase is asked at the terminal, a key goes to a new key file). Nothing was changed.",
  BAD_DURATION: 'Cannot read "{0}" as a duration. Use a number and a unit: 30min, 12h, 7d, 2w, 6mo, 1y.',
  AMBIGUOUS_DURATION: '"{0}" could mean minutes or months. Write {1}min for minutes or {1}mo for months. Nothing was changed.',
  DURATION_TOO_LONG: 'The duration "{0}" is longer than 1,000 years. Nothing was changed; give a shorter one (a lifetime also takes "never").',
  BAD_NUMBER: {
    cli: 'Option --{0} needs a whole number{2}, got "{1}".',
    mcp: 'The `{0}` argument needs a whole number{2}, got "{1}".',
  },
  BAD_STATUS: 'Unknown status "{0}". Use one of: active, superseded, archived, all.',
  // {2}, when the caller knows the file: " of <file>".
  BAD_IMPORT_LINE: "Import stopped at line {0}{2}: {1}. Nothing was imported; fix that line and run the import again.",
  BAD_IMPORT_FILE: "Import stopped at {0}: {1}. Nothing was imported; fix that file and run the import again.",
  IMPORT_READ: 'Cannot read import file "{0}": {1}.',
  EXPORT_FILE: 'Cannot write the export to "{0}": {1}. Nothing was written, and what was there is as it was; give a path in a directory that exists and that you may write to.',
  EXPORT_FULL: {
    cli: 'The disk holding "{0}" is full ({1}); the export was not written, and what was there is as it was. Free some space on that disk, or give --output a place on another disk, and export again.',
    mcp: 'The disk holding "{0}" is full ({1}); the export was not written, and what was there is as it was. Ask the user to free some space on that disk, then try again.',
  },
  PEER_FORMAT: 'Unknown import format "{0}". Formats cairn reads: {1}.',
  PEER_RECORD: "Import from {0} stopped at {1}: {2}. Nothing was imported; fix it and run the import again.",
  PROJECT_UNKNOWN: {
    cli: 'No project "{0}" holds memories. Known projects: {1}. Give one of these names or keys, a project directory, or a git remote URL to --project.',
    mcp: 'No project "{0}" holds memories. Known projects: {1}. Give the `project` argument one of these names or keys, a project directory, or a git remote URL.',
  },
  PROJECT_PIN: {
    cli: "This MCP server was started with --project \"{0}\", which fits several projects: {1}. Give --project a full key or the project directory.",
    mcp: "This MCP server was started pinned to project \"{0}\" (in the client's MCP settings), which fits several projects: {1}. Give this call a `project` argument (a full key, or \"global\"), or ask the user to pin the server to a full project key.",
  },
  PROJECT_AMBIGUOUS: {
    cli: 'Project name "{0}" fits several projects: {1}. Give --project the full key or the project directory instead.',
    mcp: 'Project name "{0}" fits several projects: {1}. Give the `project` argument the full key or the project directory instead.',
  },
  NOT_ACTIVE: {
    cli: 'Memory "{0}" is {1}; only active memories can be edited. Restore it first (`cairn restore {0}`) or remember the text anew.',
    mcp: 'Memory "{0}" is {1}; only active memories can be updated. Store the text anew with the `remember` tool, or ask the user to run `cairn restore {0}`.',
  },
  CONSOLIDATE_KIND: {
    cli: 'Unknown kind of group "{0}". --only takes: {1}.',
    mcp: 'Unknown kind of group "{0}". Use one of: {1}.',
  },
  NOT_CONSOLIDATED: {
    cli: "Memory {0} is not a consolidated memory (no sources recorded). Give the id `cairn consolidate` printed for a group.",
    mcp: "Memory {0} is not a consolidated memory (no sources recorded). Give the id of a memory a consolidation created.",
  },
  CONSOLIDATED_SINCE: {
    cli: "Memory {0} was consolidated again since, into {1}: undo that first (`cairn consolidate --undo {1}`), then this one. Nothing changed.",
    mcp: "Memory {0} was consolidated again since, into {1}: that consolidation has to be undone first, by the user's `cairn consolidate` command. Nothing changed.",
  },
  SETUP_PROJECT_HOME: {
    mcp: "A project's setup was asked for in {0}, which is not a project but {1}: the config files there are the user's own. Nothing changed.",
    cli: "`cairn setup --project` writes a project's own config files, and {0} is not a project but {1}: the files there are your user-level settings, which it would rewrite for a project (and delete on --uninstall). Run it inside the project's folder, or run `cairn setup` without --project to wire every project at once. Nothing changed.",
  },
  BAD_RELATION: 'Unknown relation "{0}". Use one of: {1} (read as "from <relation> to").',
  SELF_LINK: "Memory {0} cannot be linked to itself. Give two different memory ids.",
  REMINDER_NOT_SUPERSEDED: {
    cli: "Memory {0} is a reminder: it is acknowledged or withdrawn, not superseded (`cairn remind --done {0}` or `--cancel {0}`). Nothing was changed.",
    mcp: 'Memory {0} is a reminder: it is acknowledged or withdrawn, not superseded (the `remind` tool with action "done" or "cancel" and its id). Nothing was changed.',
  },
  SUPERSEDER_NOT_ACTIVE: "Memory {0} is {1}: only a current (active) memory can supersede another. `cairn restore {0}` first if it holds. Nothing was changed.",
  DISMISS_RELATION: {
    cli: "--dismiss settles a possible conflict, so it goes with contradicts (`cairn relate <later> contradicts <earlier> --dismiss`), not {0}. Nothing changed.",
    mcp: "`dismiss` settles a possible conflict, so it goes with the relation contradicts, not {0}. Nothing changed.",
  },
  NO_POSSIBLE_CONFLICT: {
    cli: "No possible conflict was noted on write between {0} and {1}, so there is nothing to dismiss; `cairn get {0}` lists its links. Nothing changed.",
    mcp: "No possible conflict was noted on write between {0} and {1}, so there is nothing to dismiss; the `get` tool lists a memory's links. Nothing changed.",
  },
  CONFLICT_CONFIRMED: {
    cli: "The conflict between {0} and {1} was confirmed (`relate … contradicts`); a confirmation is not undone by --dismiss. If one of them is no longer true, `cairn forget` it or relate the newer one `supersedes` the older. Nothing changed.",
    mcp: "The conflict between {0} and {1} was confirmed (`relate` contradicts); a confirmation is not undone by dismissing. If one of them is no longer true, forget it or relate the newer one with supersedes. Nothing changed.",
  },
  REMIND_WHEN: {
    cli: "A reminder needs exactly one of --at <time> (2026-05-01, 2026-05-01T09:00:00Z, now) or --in <delay> (30m, 2h, 3d); {0} given. Nothing was stored.",
    mcp: "A reminder needs exactly one of the `at` argument (a time: 2026-05-01, 2026-05-01T09:00:00Z, now) or the `in` argument (a delay: 30m, 2h, 3d); {0} given. Nothing was stored.",
  },
  REMIND_DELAY_PAST: {
    cli: 'The delay "{0}" points back in time ({1}, it is {2} now); nothing was stored. --in takes a delay from now: drop the "ago" (--in 3d).',
    mcp: 'The delay "{0}" points back in time ({1}, it is {2} now); nothing was stored. `in` takes a delay from now: drop the "ago" ("3d").',
  },
  REMIND_PAST: {
    cli: 'The reminder time "{0}" is {1}, already past (it is {2} now); nothing was stored. Give --at a time still to come (on its own, 3d means 3 days ago), or a delay to --in, e.g. --in 3d.',
    mcp: 'The reminder time "{0}" is {1}, already past (it is {2} now); nothing was stored. Give `at` a time still to come (on its own, 3d means 3 days ago), or a delay in the `in` argument, e.g. "3d".',
  },
  REMINDER_NEEDS_REMIND: {
    cli: 'A reminder needs a due time: use `cairn remind "<text>" --in <delay>` (or --at <time>) instead of remember. Nothing was stored.',
    mcp: "A reminder needs a due time: use the `remind` tool (with `in` or `at`) instead of remember. Nothing was stored.",
  },
  REMINDER_BY_EDIT: {
    cli: 'Memory {0} cannot become a reminder by an edit: a reminder needs a due time. `cairn remind "<text>" --in <delay>` (or --at <time>) stores one. Nothing was changed.',
    mcp: "Memory {0} cannot become a reminder by an update: a reminder needs a due time. Call the `remind` tool (with `in` or `at`) instead. Nothing was changed.",
  },
  REMINDER_DUE_EDIT: {
    cli: "Reminder {0} needs a due time still to come ({1} given); nothing was changed. `cairn remind --done {0}` acknowledges it, `cairn remind --cancel {0}` drops it.",
    mcp: "Reminder {0} needs a due time still to come ({1} given); nothing was changed. The `remind` tool acknowledges (done) or cancels it.",
  },
  NOT_A_REMINDER: {
    cli: 'Memory "{0}" is a {1}, not a reminder; nothing was changed. `cairn remind --list` shows reminders and their ids.',
    mcp: 'Memory "{0}" is a {1}, not a reminder; nothing was changed. Call the `remind` tool with action "list" to see reminders and their ids.',
  },
  DUPLICATE_EDIT: {
    cli: "Memory {0} would then say what memory {1} already says, in the same scope; nothing was changed. Keep {1} and `cairn forget {0}`, or word the edit differently.",
    mcp: "Memory {0} would then say what memory {1} already says, in the same scope; nothing was changed. Keep {1} and call the `forget` tool on {0}, or word the update differently.",
  },
  NOTHING_TO_UPDATE: {
    cli: "Nothing to change: give new content or at least one of --type, --tags, --priority, --event-time.",
    mcp: "Nothing to change: give `content` or at least one of `type`, `tags`, `priority`, `event_time`, `metadata`, `project`.",
  },
  MODE_UNAVAILABLE: {
    cli: 'Recall mode "{0}" needs the {1} channel, which is not available: no embedding model is installed. Use --mode keyword.',
    mcp: 'Recall mode "{0}" needs the {1} channel, which is not available: no embedding model is installed. Call `recall` with the `mode` argument "keyword".',
  },
  CONFIRM_HARD_FORGET: {
    cli: "`cairn forget --hard` erases memory {0} for good, and stdin is not a terminal to ask for confirmation. Pass --yes to confirm; nothing was deleted.",
    mcp: "Only the user can erase memory {0} for good, from a terminal; nothing was deleted. The `forget` tool archives it instead.",
  },
  HELD: {
    cli: 'Memory "{0}" is under legal hold {1} ({2}, reason: "{3}"); it cannot be {4} while the hold is in force, and nothing was changed. `cairn hold list` shows the holds; whoever placed it can lift it with `cairn hold release {1} --reason <why>`.',
    mcp: 'Memory "{0}" is under legal hold {1} ({2}, reason: "{3}"); it cannot be {4} while the hold is in force, and nothing was changed. Leave it as it is; only the user can release a hold, from a terminal.',
  },
  POLICY_TAMPERED: {
    cli: "Nothing was erased: the legal holds and retention rules stored here are not those the audit log put in force: {0}. Until they match, cairn purges nothing; `cairn doctor --repair` writes them back from the log.",
    mcp: "Nothing was erased: the legal holds and retention rules stored here are not those the audit log put in force: {0}. Until they match, nothing is purged; tell the user (`cairn audit verify` in a terminal reports it).",
  },
  HOLD_NOT_FOUND: 'No legal hold "{0}". Run `cairn hold list` to see the holds and their ids.',
  HOLD_RELEASED: 'Legal hold {0} was already released on {1} by {2}; nothing was changed. Run `cairn hold list` to see the holds in force.',
  GLOBAL_NOT_PROJECT: {
    cli: "A {0} names a project, and the global scope is not one. Give its memories a tag (`cairn edit <id> --tags <tag>`) and name the tag (--tag){1}. Nothing changed.",
    mcp: "A {0} names a project, and the global scope is not one. Give its memories a tag and name the tag instead. Nothing changed.",
  },
  HOLD_TARGET: {
    cli: "A legal hold covers exactly one of --project <name|dir>, --tag <tag> or --id <memory id>; {0} given. Nothing was stored.",
    mcp: "A legal hold covers exactly one project, tag or memory id; {0} given. Nothing was stored.",
  },
  REASON_REQUIRED: {
    cli: "Placing or releasing a legal hold needs a reason for the audit log: add --reason <text>. Nothing was changed.",
    mcp: "Placing or releasing a legal hold needs a reason for the audit log; nothing was changed.",
  },
  RULE_NOT_FOUND: 'No retention rule "{0}". Run `cairn retention show` to see the rules and their ids.',
  RULE_TARGET: {
    cli: "A retention rule applies to exactly one of --type <type>, --project <name|dir> or --tag <tag>; {0} given. Nothing was stored.",
    mcp: "A retention rule applies to exactly one type, project or tag; {0} given. Nothing was stored.",
  },
  TTL_NOT_POSITIVE: 'A time to live of zero would expire the memory as it is stored, and recall would never find it. Give a longer one (such as 7d), or "never". Nothing was stored.',
  RULE_KEEP: {
    cli: 'Retention needs how long to keep memories: --keep <duration> such as 90d, 12w or 1y (got "{0}"). Nothing was stored.',
    mcp: 'Retention needs how long to keep memories, a duration such as 90d, 12w or 1y (got "{0}"). Nothing was stored.',
  },
  NO_STORE_SERVER: "No cairn store exists at {0} (the data directory set by CAIRN_HOME); nothing was created. Check the path for a typo, or create the store there (`cairn init`), then restart the agent: this server looks for the store when it starts.",
  NO_STORE: "No cairn store exists at {0} (the data directory set by {1}); nothing was created. Check the path for a typo, or create a store there by storing something: `cairn remember <text>` or `cairn import <file>`.",
  DB_OPEN: 'Cannot open the memory database at "{0}": {1}. Check the path and its permissions, or set CAIRN_HOME.',
  DB_TOO_NEW: "The memory database has schema version {0}, newer than this cairn understands ({1}). Upgrade cairn.",
  DB_UPGRADE_PENDING: "The memory database has schema version {0} and this cairn upgrades it to {1} once, which takes seconds on a large store (about 20 s a million memories); a background cairn process does it, and this one answers nothing meanwhile.",
  DB_BUSY: "The memory database stayed locked for {0} ms by other cairn processes. Try again; if it persists, run `cairn doctor`.",
  DB_EMPTY: {
    cli:
      'The memory database "{0}" is empty (0 bytes): it was truncated or overwritten, since cairn never leaves an empty database file. ' +
      "Restore it from a backup; to start over with no memories instead, run `cairn doctor --repair` (it keeps the empty file aside) or delete it.",
    mcp:
      'The memory database "{0}" is empty (0 bytes): it was truncated or overwritten, since cairn never leaves an empty database file. ' +
      "Memory tools cannot work until the user restores it from a backup, or starts over by running `cairn doctor` in its repair mode (the empty file is kept aside).",
  },
  DB_CORRUPT: {
    cli:
      'The memory database "{0}" is damaged ({1}); cairn refuses it so nothing more is lost and no answer comes from half of it. Restore it from a backup, ' +
      "or run `cairn doctor --repair` to copy every readable memory into a new database (the damaged file is kept beside it).",
    mcp:
      'The memory database "{0}" is damaged ({1}); cairn refuses it so nothing more is lost and no answer comes from half of it. Ask the user to restore it from a backup ' +
      "or to run `cairn doctor` in its repair mode, which copies every readable memory into a new database and keeps the damaged file beside it.",
  },
  DB_READ_ONLY: {
    cli:
      'The memory database "{0}" is read-only ({1}); nothing was changed. Recall, list, get and export still work; ' +
      "remembering needs write access to {2}: make it writable (remount it read-write or fix its permissions), or point CAIRN_HOME at a writable copy.",
    mcp:
      'The memory database "{0}" is read-only ({1}); nothing was changed. The recall, list and get tools still work; ' +
      "storing or changing memories needs write access to {2}, which only the user can give.",
  },
  DB_FULL_PART_WAY: {
    cli: 'The disk holding the memory database "{0}" filled up ({1}) part-way through `cairn {3}`. Done before that, and kept: {4}; the rest was not done. Free some space on the disk of {2} and run it again to finish.',
    mcp: 'The disk holding the memory database "{0}" filled up ({1}) part-way through {3}. Done before that, and kept: {4}; the rest was not done. Ask the user to free some space on the disk of {2}.',
  },
  DB_FULL: {
    cli: 'The disk holding the memory database "{0}" is full ({1}); nothing was stored or changed. Recall still works; free some space on the disk of {2} and try again.',
    mcp:
      'The disk holding the memory database "{0}" is full ({1}); nothing was stored or changed. The recall, list and get tools still work; ' +
      "ask the user to free some space on the disk of {2}, then try again.",
  },
  CONFIG_UNWRITABLE: "Cannot write the configuration file {0} ({1}); nothing was changed. Make its folder writable, or set the value for one run with its CAIRN_ variable.",
  CONFIG_INVALID: {
    cli: "Invalid configuration in {0}: {1}. `cairn config set <key> <value>` or `cairn config unset <key>` fixes it, or edit or delete that file.",
    mcp: "Invalid configuration in {0}: {1}. Ask the user to fix or delete the file (`cairn config` shows every setting and where it comes from).",
  },
  CONFIG_UNREADABLE: {
    cli: "Cannot read the configuration file {0}: {1}. Edit it into a JSON object, or delete it (the defaults apply then).",
    mcp: "Cannot read the configuration file {0}: {1}. Ask the user to edit or delete that file.",
  },
  CONFIG_ENV_INVALID: "Invalid configuration in the environment variable {0}: {1}. Fix or unset it.",
  CAIRN_HOME_IS_HOME: 'CAIRN_HOME is "{0}", your home folder itself: cairn would make it private and put its files in it. Set it to a folder of its own inside it (such as ~/cairn); nothing was done.',
  CAIRN_HOME_RELATIVE: 'CAIRN_HOME is "{0}", a relative path: it would name another store in every working directory. Set it to an absolute path (or one starting with ~/); nothing was done.',
  CONFIG_KEY: 'Unknown configuration key "{0}". Known keys: {1}.',
  CONFIG_VALUE: 'Invalid value "{0}" for {1}; nothing was changed. Allowed: {2}.',
  MODEL_UNAVAILABLE: 'Model "{0}" is unavailable: {1}. Recall runs keyword-only meanwhile; run `cairn doctor`, or pick another model with `cairn models use <id>`.',
  RERANKER_UNAVAILABLE: 'Reranker "{0}" is unavailable: {1}. Recall still answers, in the order its channels ranked the results, without reranking; run `cairn models list` to see the installed rerankers, or `cairn config set reranker auto`.',
  MODEL_NOT_FOUND: 'No model "{0}". Run `cairn models list` to see the models you can use.',
  MODEL_INVALID: 'Cannot use the model folder "{0}": {1}.',
  KEY_MISSING: {
    cli: "The memory store {0} is encrypted and no key for it was found; nothing was read or written. {1}",
    mcp: "The memory store {0} is encrypted and this process found no key for it; nothing was read or written. Ask the user to make the key available and restart the MCP server. {1}",
  },
  KEY_WRONG: {
    cli: "The key given for the encrypted memory store {0} (from {1}) is not its key; nothing was read or written. Check which key file, CAIRN_KEY or passphrase belongs to this store.",
    mcp: "The key this cairn process was given for the encrypted memory store {0} (from {1}) is not its key; nothing was read or written. Ask the user to restart the MCP server with the right key.",
  },
  KEY_BAD: "The key from {0} is not a cairn key: {1}. A key is 64 hex digits (32 bytes), as in the key files cairn writes; a store made with a passphrase takes CAIRN_PASSPHRASE instead.",
  KEY_FILE_UNSAFE: "The key file {0} can be read by other users (mode {1}); it was not used and nothing was read or written. Run `chmod 600 {0}` and try again.",
  KEY_CHANGED: {
    cli: "The memory store {0} was {1} by another cairn process while this one had it open; nothing was written. Start what showed this again: run the command again, or stop `cairn ui` (Ctrl-C) and start it again.",
    mcp: "The memory store {0} was {1} by another cairn process while this server had it open; nothing was written. Ask the user to restart the MCP server.",
  },
  RECODED_THEN_FAILED: "The memory store {0} is now {1}: the re-encoding was committed, but a step after it failed ({2}). Do not run the command again, and keep the key it reported; free some disk space if the disk is full, then run `cairn doctor` to check the store.",
  TAMPERED: {
    cli: "{0} in the encrypted memory store {1} fails its integrity check: it was altered, moved from another row, or written under another key; nothing was written. Restore the store from a backup, or `cairn forget --hard` that memory.",
    mcp: "{0} in the encrypted memory store {1} fails its integrity check: it was altered, moved from another row, or written under another key; nothing was written. Ask the user to restore the store from a backup.",
  },
  ALREADY_ENCRYPTED: "The memory store {0} is already encrypted; nothing was changed. `cairn key rotate` changes its key; `cairn decrypt` turns it back into a plain store.",
  NOT_ENCRYPTED: "The memory store {0} is not encrypted; nothing was changed. `cairn encrypt` encrypts it.",
  PASSPHRASE_NEEDED: "A passphrase is needed: set CAIRN_PASSPHRASE (CAIRN_NEW_PASSPHRASE for the new one of `cairn key rotate`), or run the command at a terminal to type one. Nothing was changed.",
  PASSPHRASE_SHORT: "The passphrase is shorter than {0} characters; choose a longer one. Nothing was changed.",
  PASSPHRASE_MISMATCH: "The two passphrases differ. Nothing was changed.",
  KEY_FILE_EXISTS: "A key file already exists at {0}; move it away or set CAIRN_KEY_FILE to another path. Nothing was changed.",
  PLAIN_STORE_EXISTS: "A plain store already exists at {0}; run `cairn encrypt` to encrypt it. Nothing was changed.",
  KEYCHAIN_UNAVAILABLE: "No OS keychain is available here ({0}); nothing was stored in one. Use a key file (the default) or CAIRN_KEY / CAIRN_PASSPHRASE instead.",
  SYNC_NOT_SET_UP: {
    cli: "This data directory is not in a sync team. Start one with `cairn sync init --server <postgres url>`, or join one with `cairn sync join <code> --server <url>`.",
    mcp: "This data directory is not in a sync team; the user can start or join one with `cairn sync init` or `cairn sync join`.",
  },
  SYNC_UNSENT_ERASE: {
    cli: "{0} erase(s) made here are not sent to the team yet: leaving now, the team would keep what this device erased. Run `cairn sync` first, then leave; or `cairn sync leave --discard` to leave anyway. Nothing was changed.",
    mcp: "{0} erase(s) made here are not sent to the team yet; the user should run `cairn sync` before `cairn sync leave`. Nothing was changed.",
  },
  SYNC_ALREADY: "This data directory already syncs with team {0} through {1}. Run `cairn sync leave` first to start or join another team.",
  SYNC_BAD_URL: 'Cannot use "{0}" as a sync server: give a PostgreSQL URL, e.g. postgres://user:password@host:5432/db.',
  SYNC_URL_PART: 'Cannot use "{0}" as a sync server: {1}. Nothing was changed.',
  SYNC_BAD_CODE: "That join code is not valid (cut short or mistyped). Copy the whole code `cairn sync invite` printed (it starts with cairn-team1-).",
  SYNC_DROPPED: "The sync server dropped the change(s) of {0} memor{1} ({2}) as erased, but no erase of them came from the team: the server's records may have been altered (its erase flags are not sealed). The team does not have these changes; they stay here.",
  SYNC_UNREACHABLE: "The sync server {0} cannot be reached ({1}). Nothing is lost: local work continues and changes stay queued; run `cairn sync` again when the server is back (`cairn sync status` shows what waits).",
  SYNC_SETUP_FAILED: "Could not set up team sync through {0} ({1}). This device is in no team yet and nothing was changed: check the server URL (user, password, host, database) and run the command again.",
  SYNC_SERVER: "The sync server {0} refused the request: {1}. Check the user, password, database name and permissions in the server URL; local work continues and changes stay queued.",
  AUDIT_KEY_BAD: "{0} is not a cairn audit key (64 hex digits), so nothing can be written to the audit log. Restore it from a backup, or move it away (a new key is made; erase receipts from before can then no longer be checked).",
  SYNC_SHARE_UNKNOWN: {
    cli: 'No project "{0}" holds memories on this device yet, so `cairn sync {1} --project {0}` cannot share it; nothing was changed. For a project the team already shares: run `cairn sync {1}` without --project, then `cairn sync` to receive its memories, then `cairn sync share --project {0}`. Or give --project the project\'s directory or its remote key (host/owner/repo).',
    mcp: 'No project "{0}" holds memories on this device yet, so it cannot be shared with the team; nothing was changed. The user can set up the team first, sync to receive the project\'s memories, then share it.',
  },
  SYNC_WRONG_KEY: "The join code's key does not open any record of team {1} on {0}: the code was altered or made up. Ask a device of the team for a new code (`cairn sync invite`); nothing was changed on this device.",
  SYNC_SETTINGS_CHANGED: "The team settings changed while this sync ran (another cairn process rotated the team key, joined a team or left): it stopped there, and what it had not sent stays queued. Run `cairn sync` again.",
  SYNC_TEAM_RETIRED: {
    cli: "Team {0} on {1} was moved to a new key on another device (`cairn sync rotate`): nothing was sent or received. Ask a teammate for the new code (`cairn sync invite` on a device of the team) and run `cairn sync join <code> --server <url>` here; this device's changes are kept and sent then.",
    mcp: "Team {0} on {1} was moved to a new key (`cairn sync rotate` on another device); the user must join it again with the new code (`cairn sync join`), keeping this device's memories.",
  },
  SYNC_TEAM_UNKNOWN: {
    cli: "The sync server {0} holds no team {1}: check that --server names the database the team uses (the one `cairn sync init` ran against). Nothing was changed on this device.",
    mcp: "The sync server {0} holds no team {1}; the user must join through the server the team uses.",
  },
  SYNC_NO_SCHEMA: {
    cli: "The sync server {0} has no cairn schema. Run `cairn sync init --server <url>` once for the team, then join with its code.",
    mcp: "The sync server {0} has no cairn schema; the user must run `cairn sync init` once for the team.",
  },
  SYNC_SCHEMA_MISMATCH: "The sync server {0} has cairn sync schema version {1}; this cairn speaks version {2}. Upgrade cairn on every device of the team to the same version; nothing was sent or applied.",
  SYNC_BAD_RECORD: "Record {0} on the sync server (from device {1}) does not open with this team's key: that device wrote it under another key, or it was altered on the server (or this device's key is wrong: joined with another team's code?). Nothing of it was applied; check the join code with the team. Removing that record from the server lets sync go on, but the change it held then reaches no other device until device {1} changes that memory again.",
  SYNC_SETTINGS: {
    cli: 'Cannot read the sync settings "{0}": {1}. Fix or delete the file and join the team again (`cairn sync join <code> --server <url>`).',
    mcp: 'Cannot read the sync settings "{0}": {1}. The user must fix or delete the file and join the team again (`cairn sync join`).',
  },
  SYNC_KEY_MISSING: {
    cli: "This device is in team {0} (sync.json) but its database holds no team key: the database was replaced (a backup from before joining?). Run `cairn sync leave`, then `cairn sync join <code> --server <url>` with a code `cairn sync invite` prints on another device of the team.",
    mcp: "This device is in team {0} but its database holds no team key (the database was replaced). The user must run `cairn sync leave` and join the team again (`cairn sync join`).",
  },
  CHANGED_SINCE:
    "Memory {0} was changed since this page showed it (at {1}, by an agent or another window): nothing was changed here. Reload it to see the change, then do it again if it still applies.",
  INTERNAL: "Internal error: {0}. Please report it with the output of `cairn doctor`.",
} as const satisfies Record<string, string | { cli: string; mcp: string }>;

/** Who reads the message: a person at a shell (flags, commands) or an agent calling MCP tools (tool arguments). */
export type Audience = "cli" | "mcp";

export type ErrorCode = keyof typeof catalog;

/** Codes that mean "the caller asked wrongly" (exit code 2) rather than "something failed" (exit code 1). */
const usageCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "USAGE",
  "TIME_OUT_OF_RANGE",
  "TAGS_TOO_LARGE",
  "GLOBAL_NOT_PROJECT",
  "PASSPHRASE_NEEDED",
  "PASSPHRASE_SHORT",
  "PASSPHRASE_MISMATCH",
  "KEY_FILE_EXISTS",
  "PLAIN_STORE_EXISTS",
  "REMINDER_NEEDS_REMIND",
  "REMINDER_BY_EDIT",
  "EMPTY_CONTENT",
  "EMPTY_QUERY",
  "EMPTY_RANGE",
  "EMPTY_REMINDER",
  "NO_ID",
  "AMBIGUOUS_ID",
  "MODE_UNAVAILABLE",
  "CONFIRM_HARD_FORGET",
  "CONTENT_TOO_LARGE",
  "CHECKPOINT_TOO_LARGE",
  "NOTHING_TO_UPDATE",
  "DUPLICATE_EDIT",
  "BAD_TYPE",
  "BAD_PRIORITY",
  "BAD_METADATA",
  "METADATA_TOO_DEEP",
  "METADATA_TOO_LARGE",
  "BAD_LIMIT",
  "REMINDER_TOO_LONG",
  "ONE_OF",
  "UNKNOWN_ACTION",
  "BAD_TIME",
  "BAD_DUE_TIME",
  "KEY_REUSED",
  "BAD_DURATION",
  "AMBIGUOUS_DURATION",
  "DURATION_TOO_LONG",
  "BAD_NUMBER",
  "BAD_STATUS",
  "PEER_FORMAT",
  "PROJECT_UNKNOWN",
  "PROJECT_AMBIGUOUS",
  "PROJECT_PIN",
  "BAD_RELATION",
  "NOT_CONSOLIDATED",
  "SETUP_PROJECT_HOME",
  "CONSOLIDATE_KIND",
  "SELF_LINK",
  "SUPERSEDER_NOT_ACTIVE",
  "REMINDER_NOT_SUPERSEDED",
  "DISMISS_RELATION",
  "NO_POSSIBLE_CONFLICT",
  "CONFLICT_CONFIRMED",
  "REMIND_WHEN",
  "REMIND_PAST",
  "REMIND_DELAY_PAST",
  "NOT_A_REMINDER",
  "REMINDER_DUE_EDIT",
  "CONFIG_KEY",
  "CONFIG_VALUE",
  "MODEL_NOT_FOUND",
  "MODEL_INVALID",
  "HOLD_TARGET",
  "REASON_REQUIRED",
  "RULE_TARGET",
  "RULE_KEEP",
  "TTL_NOT_POSITIVE",
  "SYNC_BAD_URL",
  "SYNC_URL_PART",
  "SYNC_BAD_CODE",
  "SYNC_SHARE_UNKNOWN",
]);

export class CairnError extends Error {
  readonly code: ErrorCode;
  /** The catalog arguments, so the message can be rendered again for another audience ({@link forMcp}). */
  readonly args: ReadonlyArray<string | number>;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; args?: ReadonlyArray<string | number> }) {
    super(message, options);
    this.name = "CairnError";
    this.code = code;
    this.args = options?.args ?? [];
  }
  /** True when the error is the caller's input, not a failure of cairn or its data. */
  get isUsage(): boolean {
    return usageCodes.has(this.code);
  }
  /** The same error worded for an agent calling MCP tools (tool arguments instead of CLI flags). */
  forMcp(): CairnError {
    const message = renderMessage(this.code, this.args, "mcp");
    return message === this.message ? this : new CairnError(this.code, message, { cause: this.cause, args: this.args });
  }
}

/** Builds a {@link CairnError} from the catalog, worded for the CLI (MCP tools re-render it with {@link CairnError.forMcp}). */
export function cairnError(code: ErrorCode, args: ReadonlyArray<string | number> = [], cause?: unknown): CairnError {
  return new CairnError(code, renderMessage(code, args, "cli"), { args, ...(cause === undefined ? {} : { cause }) });
}

/**
 * The message for `code` with its arguments filled in. An argument that is itself a sentence keeps its own
 * period only where the template does not put one right after it, so no message ends in "..".
 */
export function renderMessage(code: ErrorCode, args: ReadonlyArray<string | number>, audience: Audience): string {
  const entry: string | { cli: string; mcp: string } = catalog[code];
  const template = typeof entry === "string" ? entry : entry[audience];
  return template.replace(/\{(\d+)\}/g, (match: string, i: string, offset: number) => {
    const value = String(args[Number(i)] ?? "");
    return template[offset + match.length] === "." ? value.replace(/\.+$/, "") : value;
  });
}

/** Every code in the catalog, for tests that check all messages. */
export const ERROR_CODES = Object.keys(catalog) as ErrorCode[];

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
