/**
 * @module The size bound on a hook event: an event over {@link MAX_EVENT_CHARS} has its long strings (tool
 * output, a written file, a pasted prompt) cut to {@link MAX_FIELD_CHARS}, keeping their start and, larger,
 * their end (where a failing command says why), so a huge event costs two linear passes and is still
 * answered. Applied before the warm/cold split, so both paths see the same event.
 */
import { cutIndex, tailIndex } from "../text/cut.ts";

/** Events up to this many characters pass untouched (real ones are far smaller; agents cut tool output). */
export const MAX_EVENT_CHARS = 4 * 1024 * 1024;
/** In a larger event, each string longer than this is cut to it. */
export const MAX_FIELD_CHARS = 1024 * 1024;
/** Past this depth nothing is walked (nor cut): no hook field cairn reads is nested that deep. */
const MAX_DEPTH = 64;

export interface Limited {
  raw: string;
  /** What was cut, for hooks.log; null when the event was small enough. */
  note: string | null;
}

/** `raw` as is when small or not JSON (the parser reports that); otherwise re-serialised with long strings cut. */
export function limitEvent(raw: string): Limited {
  if (raw.length <= MAX_EVENT_CHARS) return { raw, note: null };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { raw, note: null };
  }
  const cut = { fields: 0, chars: 0 };
  const limited = JSON.stringify(shorten(json, cut, 0));
  const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} M`;
  return {
    raw: limited,
    note: `event of ${mb(raw.length)} characters is over the ${mb(MAX_EVENT_CHARS)} limit: ${cut.fields} field(s) longer than ${mb(MAX_FIELD_CHARS)} characters cut (${mb(cut.chars)} characters dropped), now ${mb(limited.length)}`,
  };
}

function shorten(v: unknown, cut: { fields: number; chars: number }, depth: number): unknown {
  if (typeof v === "string") return v.length > MAX_FIELD_CHARS ? cutString(v, cut) : v;
  if (v === null || typeof v !== "object" || depth >= MAX_DEPTH) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = shorten(v[i], cut, depth + 1);
    return v;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) o[k] = shorten(o[k], cut, depth + 1);
  return o;
}

/** The first quarter and the last three quarters of the room, around a line saying how much went. */
function cutString(s: string, cut: { fields: number; chars: number }): string {
  const dropped = s.length - MAX_FIELD_CHARS;
  const head = Math.floor(MAX_FIELD_CHARS / 4);
  cut.fields += 1;
  cut.chars += dropped;
  return `${s.slice(0, cutIndex(s, head))}\n… (${dropped} characters cut by cairn) …\n${s.slice(tailIndex(s, s.length - (MAX_FIELD_CHARS - head)))}`;
}
