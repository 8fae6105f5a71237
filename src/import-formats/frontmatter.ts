/**
 * @module The YAML frontmatter of a markdown file, in the subset rule and note files use: `key: value` lines,
 * quoted strings, `[a, b]` and `- item` lists. A block that opens but never closes is an error the caller names.
 */

export interface Frontmatter {
  data: Record<string, string | string[]>;
  body: string;
  /** Lines the frontmatter took, so body line numbers can be reported as file line numbers. */
  lines: number;
}

export function splitFrontmatter(text: string): Frontmatter | { error: string } {
  const normal = text.replace(/\r\n?/g, "\n").replace(/^\uFEFF/, "");
  const all = normal.split("\n");
  if (all[0]?.trimEnd() !== "---") return { data: {}, body: normal, lines: 0 };
  const close = all.findIndex((line, i) => i > 0 && line.trimEnd() === "---");
  if (close === -1) return { error: "the frontmatter opened on line 1 is never closed with ---" };
  const head = all.slice(1, close).join("\n");
  const body = all.slice(close + 1).join("\n");
  const data: Record<string, string | string[]> = {};
  let listKey: string | null = null;
  for (const [i, line] of head.split("\n").entries()) {
    const item = /^\s+-\s+(.*)$/.exec(line) ?? /^-\s+(.*)$/.exec(line);
    if (item && listKey !== null) {
      const list = Array.isArray(data[listKey]) ? (data[listKey] as string[]) : [];
      data[listKey] = [...list, unquote(item[1]!)];
      continue;
    }
    const pair = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!pair) continue;
    const [, key, raw] = pair as unknown as [string, string, string];
    const unclosed = unclosedIn(raw.trim());
    // `title: [Deploy notes` was read as the title "[Deploy notes" and `tags: {ops, deploy` as no tags (QA).
    if (unclosed) return { error: `line ${i + 2} of the frontmatter (${key}) opens ${unclosed} it never closes` };
    listKey = raw.trim() === "" ? key : null;
    data[key] = /^\[.*\]$/.test(raw.trim()) ? splitList(raw.trim().slice(1, -1)) : unquote(raw);
  }
  return { data, body, lines: close + 1 };
}

/** What a YAML value opens and leaves open (a flow list or map, a quote), or null. */
function unclosedIn(value: string): string | null {
  if (value.startsWith("[") && !value.endsWith("]")) return "a [ list";
  if (value.startsWith("{") && !value.endsWith("}")) return "a { map";
  const quote = value[0];
  if ((quote === '"' || quote === "'") && (value.length < 2 || !value.endsWith(quote))) return `a ${quote} quote`;
  return null;
}

function splitList(inner: string): string[] {
  return inner.split(",").map(unquote).filter((s) => s !== "");
}

function unquote(raw: string): string {
  const s = raw.trim();
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}
