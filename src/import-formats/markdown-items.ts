/**
 * @module Markdown split into the pieces a person would state one at a time: each top-level bullet (with its
 * continuation lines and sub-bullets) and each paragraph, with the headings above it and its line number.
 * A code block or a table belongs to the bullet or paragraph it follows, as commands usually explain that text.
 */

export interface MarkdownItem {
  text: string;
  /** Headings above the item, outermost first. */
  section: string[];
  /** 1-based line of the item's first line in the text given (plus the caller's offset). */
  line: number;
  kind: "bullet" | "paragraph";
}

/** A markdown heading: its #s, then its text. */
export const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$/;
/** A line opening or closing a fenced code block. */
export const FENCE = /^\s*(```|~~~)/;
const RULE_LINE = /^\s*([-*_])(\s*\1){2,}\s*$/;
/** A row of a table, not indented under a bullet. */
const TABLE_ROW = /^\|.*\|\s*$/;

export function markdownItems(text: string, lineOffset = 0): MarkdownItem[] {
  const items: MarkdownItem[] = [];
  const section: string[] = [];
  let current: MarkdownItem | null = null;
  /** A blank line ends a paragraph; a bullet survives it only for indented continuation. */
  let blank = false;
  let fence: string | null = null;
  let comment = false;
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  lines.forEach((line, i) => {
    const n = i + 1 + lineOffset;
    if (fence !== null) {
      if (current) current.text += `\n${line}`;
      if (line.trim().startsWith(fence)) {
        // What follows a closed block starts afresh unless indented under a bullet.
        fence = null;
        blank = true;
        if (current?.kind === "paragraph") current = null;
      }
      return;
    }
    const open = FENCE.exec(line);
    if (open) {
      fence = open[1]!;
      if (!current) current = push(items, { text: line, section: [...section], line: n, kind: "paragraph" });
      else current.text += `\n${line}`;
      blank = false;
      return;
    }
    if (comment || line.trim().startsWith("<!--")) {
      comment = !line.includes("-->");
      blank = true;
      return;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      section.length = Math.min(section.length, heading[1]!.length - 1);
      while (section.length < heading[1]!.length - 1) section.push("");
      section.push(heading[2]!);
      current = null;
      return;
    }
    if (line.trim() === "" || RULE_LINE.test(line)) {
      blank = true;
      if (current?.kind === "paragraph") current = null;
      return;
    }
    const bullet = BULLET.exec(line);
    if (bullet && (bullet[1]!.length === 0 || !current || current.kind !== "bullet")) {
      current = push(items, { text: bullet[2]!, section: [...section], line: n, kind: "bullet" });
    } else if (bullet) {
      current!.text += `\n${line.trimEnd()}`;
    } else if (current && !blank && TABLE_ROW.test(line)) {
      // A table right under a bullet belongs to it as a code block does, one row a line (QA: its rows ran together).
      current.text += `\n${line.trimEnd()}`;
    } else if (current && (current.kind === "paragraph" || !blank || /^\s+/.test(line))) {
      current.text += current.kind === "paragraph" ? `\n${line.trimEnd()}` : ` ${line.trim()}`;
    } else {
      current = push(items, { text: line.trim(), section: [...section], line: n, kind: "paragraph" });
    }
    blank = false;
  });
  return items
    .map((item) => ({ ...item, text: item.text.trim(), section: item.section.filter((s) => s !== "") }))
    .filter((item) => item.text !== "");
}

function push(items: MarkdownItem[], item: MarkdownItem): MarkdownItem {
  items.push(item);
  return item;
}
