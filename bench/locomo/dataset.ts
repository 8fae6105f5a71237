/** @module Reading LoCoMo (locomo10.json): turns with session dates, questions with cleaned evidence, optional errata. */
import { readFileSync } from "node:fs";

export interface Turn {
  diaId: string;
  session: number;
  speaker: string;
  text: string;
  caption: string | null;
  /** The session's date (epoch ms, UTC). */
  time: number;
}

export interface Question {
  question: string;
  category: number;
  evidence: string[];
}

export interface Conversation {
  id: string;
  turns: Turn[];
  questions: Question[];
  /** Questions dropped because none of their evidence ids exist. */
  skipped: number;
}

interface RawTurn {
  speaker: string;
  dia_id: string;
  text: string;
  blip_caption?: string;
}
interface RawQa {
  question: string;
  category: number;
  evidence: string[];
}
interface RawSample {
  sample_id: string;
  conversation: Record<string, unknown>;
  qa: RawQa[];
}
interface Erratum {
  question: string;
  error_type: string;
  question_id: string;
  correct_evidence?: string[];
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/** "1:56 pm on 8 May, 2023" → epoch ms (UTC). */
export function parseSessionDate(text: string): number {
  const m = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})/i.exec(text);
  if (!m) throw new Error(`unreadable LoCoMo session date: ${text}`);
  const month = MONTHS.indexOf(m[5]!.toLowerCase());
  if (month < 0) throw new Error(`unreadable month in: ${text}`);
  let hour = Number(m[1]) % 12;
  if (m[3]!.toLowerCase() === "pm") hour += 12;
  return Date.UTC(Number(m[6]), month, Number(m[4]), hour, Number(m[2]));
}

/** Evidence strings may hold several ids ("D8:6; D9:17") or malformed ones ("D", "D:11:26"); keep real turn ids. */
export function cleanEvidence(raw: readonly string[], known: ReadonlySet<string>): string[] {
  const ids = raw.flatMap((e) => e.split(/[;\s,]+/)).filter((id) => /^D\d+:\d+$/.test(id) && known.has(id));
  return [...new Set(ids)];
}

export function loadLocomo(path: string, errataPath?: string): Conversation[] {
  const samples = JSON.parse(readFileSync(path, "utf8")) as RawSample[];
  const errata = errataPath ? (JSON.parse(readFileSync(errataPath, "utf8")) as Erratum[]) : [];
  return samples.map((sample, index) => {
    const turns: Turn[] = [];
    const conv = sample.conversation;
    for (let n = 1; Array.isArray(conv[`session_${n}`]); n++) {
      const time = parseSessionDate(String(conv[`session_${n}_date_time`]));
      for (const t of conv[`session_${n}`] as RawTurn[]) {
        turns.push({ diaId: t.dia_id, session: n, speaker: t.speaker, text: t.text, caption: t.blip_caption ?? null, time });
      }
    }
    const known = new Set(turns.map((t) => t.diaId));
    const fixes = new Map(
      errata
        .filter((e) => e.question_id.startsWith(`locomo_${index}_`) && e.correct_evidence && e.error_type === "WRONG_CITATION")
        .map((e) => [e.question, e.correct_evidence!]),
    );
    let skipped = 0;
    const questions: Question[] = [];
    for (const qa of sample.qa) {
      const evidence = cleanEvidence(fixes.get(qa.question) ?? qa.evidence, known);
      if (evidence.length === 0) skipped++;
      else questions.push({ question: qa.question, category: qa.category, evidence });
    }
    return { id: sample.sample_id, turns, questions, skipped };
  });
}

/** The memory text for one turn: who said it, what, and the shared image's caption if any. */
export function turnContent(t: Turn): string {
  return t.caption ? `${t.speaker}: ${t.text} [shared an image: ${t.caption}]` : `${t.speaker}: ${t.text}`;
}

/** Category codes as they appear in the JSON (they differ from the paper's column order). */
export const CATEGORY_NAMES: Record<number, string> = {
  1: "multi-hop",
  2: "temporal",
  3: "open-domain",
  4: "single-hop",
  5: "adversarial",
};
