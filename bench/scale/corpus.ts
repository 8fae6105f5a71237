/**
 * @module The scale benchmark's import file: generated coding-agent memories (bench/corpus.ts) spread over
 * a few projects and the global scope, with LoCoMo conversations mixed in as targets among them. Each
 * conversation lives in one of those projects, its turns spread evenly through the file, so its questions are
 * asked against that project's distractors too. Written as it is generated: a 1M-line file never sits in memory.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { memoryStream } from "../corpus.ts";
import { type Conversation, turnContent } from "../locomo/dataset.ts";

/** Where generated memories go; about a tenth are global. */
export const PROJECTS = ["web-app", "billing-api", "infra", "mobile", "data-pipeline", "auth-service", "docs-site", "cli-tools"];

/** One mixed-in conversation: its project, which memory ids stand for which turns, and its questions. */
export interface Target {
  conv: Conversation;
  project: string;
  /** Memory id → the turn ids it holds (identical turns share the first one's memory). */
  turnsOf: Map<string, string[]>;
}

export interface ScaleFile {
  lines: number;
  generated: number;
  targets: Target[];
}

/** Writes `size` generated memories plus every turn of `convs` to `path`. */
export function writeScaleFile(path: string, size: number, convs: readonly Conversation[]): ScaleFile {
  const targets: Target[] = convs.map((conv, i) => ({ conv, project: PROJECTS[i % PROJECTS.length]!, turnsOf: new Map() }));
  // The turns in file order: conversation by conversation, each turn at an even spacing among the distractors.
  const turns = targets.flatMap((target, c) =>
    target.conv.turns.map((turn, i) => ({ target, turn, at: ((i + c / targets.length) / target.conv.turns.length) * size })),
  );
  turns.sort((a, b) => a.at - b.at);
  const firstIdOf = targets.map(() => new Map<string, string>());
  const fd = openSync(path, "w");
  let buffer: string[] = [];
  const flush = () => {
    writeSync(fd, buffer.join(""));
    buffer = [];
  };
  const put = (record: object) => {
    buffer.push(`${JSON.stringify(record)}\n`);
    if (buffer.length >= 4096) flush();
  };
  let next = 0;
  let generated = 0;
  const gen = memoryStream(7);
  try {
    for (let i = 0; i < size; i++) {
      for (; next < turns.length && turns[next]!.at <= i; next++) {
        const { target, turn } = turns[next]!;
        const content = turnContent(turn);
        const seen = firstIdOf[targets.indexOf(target)]!;
        const id = seen.get(content) ?? `locomo-${target.conv.id}-${turn.diaId.replace(":", "-")}`;
        seen.set(content, id);
        target.turnsOf.set(id, [...(target.turnsOf.get(id) ?? []), turn.diaId]);
        put({
          id,
          content,
          type: "note",
          project: target.project,
          event_time: new Date(turn.time).toISOString(),
          session_id: `${target.conv.id}:session_${turn.session}`,
          tags: ["conversation"],
          metadata: { dia_id: turn.diaId },
        });
      }
      const m = gen.next().value!;
      put({ ...m, project: i % 10 === 9 ? null : PROJECTS[(i * 7) % PROJECTS.length] });
      generated++;
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { lines: generated + turns.length, generated, targets };
}
