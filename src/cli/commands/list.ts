/** @module `cairn list`: memories by filter, newest first. */
import { defineCommand } from "citty";
import { memoryToJson } from "../../domain/serialize.ts";
import { parseOptionalTime, parseOptionalUntil } from "../../domain/time.ts";
import { filterFlags, intFlag, jsonFlag, listFlag, scopeFlags, scopeFrom, statusFlag } from "../flags.ts";
import { formatMemory } from "../format.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";

export default defineCommand({
  meta: { name: "list", description: "List memories, newest first (current project + global by default)." },
  args: {
    limit: { type: "string", description: "how many (default 20)", valueHint: "n" },
    offset: { type: "string", description: "skip this many (for paging)", valueHint: "n" },
    status: { type: "string", description: "active (default), superseded, archived, or all", valueHint: "status" },
    expired: { type: "boolean", description: "include memories whose lifetime has passed" },
    oldest: { type: "boolean", description: "oldest first" },
    ...filterFlags,
    ...scopeFlags,
    ...jsonFlag,
  },
  async run({ args }) {
    await withEngine(({ engine }) => {
      const now = Date.now();
      const offset = intFlag("offset", args.offset, 0, 0);
      const { memories, total } = engine.list({
        limit: intFlag("limit", args.limit, 20),
        offset,
        statuses: statusFlag(args.status),
        includeExpired: args.expired,
        order: args.oldest ? "oldest" : "newest",
        types: listFlag(args.type),
        tags: listFlag(args.tags),
        since: parseOptionalTime(args.since, now),
        until: parseOptionalUntil(args.until, now),
        ...scopeFrom(args),
      });
      if (args.json) return output.json({ memories: memories.map(memoryToJson), total });
      if (memories.length === 0) {
        return output.text(total > 0 ? `No memories past --offset ${offset}: ${total} match, from --offset 0 to ${total - 1}.` : "No memories match.");
      }
      // Where this page sits among all that match (QA: the last page still said to page on).
      const first = offset + 1;
      const last = offset + memories.length;
      const more = total <= memories.length ? "" : last < total ? `\n\n${first}–${last} of ${total} shown; --offset ${last} shows the next.` : `\n\n${first}–${last} of ${total} shown (the last).`;
      const short = engine.shortIds(memories.map((m) => m.id));
      // With --expired, the ones whose lifetime has passed say so (recall no longer returns them).
      const expired = (m: (typeof memories)[number]) => (m.expiresAt !== null && m.expiresAt <= now ? ["expired"] : []);
      output.text(memories.map((m) => formatMemory(m, expired(m), short.get(m.id))).join("\n\n") + more);
    });
  },
});
