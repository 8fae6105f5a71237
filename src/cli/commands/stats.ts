/** @module `cairn stats`: how much is stored, of which kinds, where. */
import { defineCommand } from "citty";
import { projectName } from "../../domain/project.ts";
import { toIso } from "../../domain/time.ts";
import { jsonFlag } from "../flags.ts";
import { formatDate, distinctLabels } from "../format.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";

export default defineCommand({
  meta: { name: "stats", description: "Counts by type, status and project; database size." },
  args: { ...jsonFlag },
  async run({ args }) {
    await withEngine(({ engine, paths }) => {
      const s = engine.stats();
      if (args.json) {
        return output.json({
          total: s.total,
          by_status: s.byStatus,
          by_type: s.byType,
          by_project: s.byProject.map((p) => ({ ...p, name: p.project === null ? null : projectName(p.project) })),
          expired: s.expired,
          vectors: s.vectors,
          edges: s.edges,
          audit_entries: s.auditEntries,
          oldest: toIso(s.oldest),
          newest: toIso(s.newest),
          db_bytes: s.dbBytes,
          db_path: paths.dbFile,
        });
      }
      const kv = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(", ") || "-";
      // Types and projects count the active memories (QA: they summed to less than "memories" without saying why).
      const activeOnly = (s.byStatus.active ?? 0) < s.total ? "   (active memories)" : "";
      const labels = distinctLabels(s.byProject.map((p) => p.project));
      output.text(
        [
          `memories   ${s.total} (${kv(s.byStatus)})`,
          `types      ${kv(s.byType)}${activeOnly}`,
          `projects   ${s.byProject.map((p) => `${labels.get(p.project)} ${p.count}`).join(", ") || "-"}${activeOnly}`,
          `expired    ${s.expired}`,
          `vectors    ${s.vectors}   edges ${s.edges}   audit entries ${s.auditEntries}`,
          `span       ${formatDate(s.oldest)} … ${formatDate(s.newest)}`,
          `database   ${paths.dbFile} (${(s.dbBytes / 1024 / 1024).toFixed(2)} MiB)`,
        ].join("\n"),
      );
    });
  },
});
