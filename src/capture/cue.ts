/** @module The shape of a capture cue: a pattern anchored at a clause start, and what it turns into a memory. */

export type CaptureType = "preference" | "decision" | "lesson" | "fact" | "error" | "note";

export interface Cue {
  type: CaptureType;
  /** Tested against a clause (clause start to sentence end); named group `rest` for shape "rest". */
  re: RegExp;
  /**
   * "rest": the text after the cue ("from now on <rest>"); "clause": from the clause start ("…, never X");
   * "sentence": the whole sentence, for lessons and errors whose context is part of the memory.
   */
  shape: "rest" | "clause" | "sentence";
  /** Only at the sentence's first clause: a later "don't X" is usually a one-off step of a request. */
  firstOnly?: boolean;
  /** Only after the sentence's first clause: "…, that's why X" gives a cause; "that's why I asked" points back at the chat. */
  laterOnly?: boolean;
  /** Checked before the question/hypothetical gate: the cue itself opens with "when", "if" or "what". */
  beforeGates?: boolean;
  /** A marker ("FYI", "note that") whose rest may itself be a more specific statement (a decision, an error). */
  wrapper?: boolean;
  /** Extra judgement on a match, for what a regular expression says badly. */
  accept?: (m: RegExpExecArray) => boolean;
}

/** A case-insensitive pattern from a raw source string, so long alternations stay readable. */
export const re = (source: string): RegExp => new RegExp(source, "i");
